"""Write partnerkit's results into a workbook without Excel, touching only the parts partnerkit owns."""

from __future__ import annotations

import contextlib
import os
import struct
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from partnerkit.errors import WorkbookError
from partnerkit.io.ooxml.errors import PackageError
from partnerkit.io.ooxml.limits import WORKBOOK_LIMITS, Limits
from partnerkit.io.ooxml.package import Package, write_package
from partnerkit.io.ooxml.parts import rels_part, resolve_target
from partnerkit.io.ooxml.refs import range_ref
from partnerkit.io.ooxml.sniff import sniff_workbook
from partnerkit.io.ooxml.xml import CONTENT_TYPES_NS, q, serialize_xml
from partnerkit.io.xlsxpatch.cells import CellValue, escape_text
from partnerkit.io.xlsxpatch.layout import Layout, Sheet, Table, normalize_name
from partnerkit.io.xlsxpatch.pictures import PictureUpdate
from partnerkit.io.xlsxpatch.safe_write import TEMP_SUFFIX, check_not_open, safely_replace, temp_name
from partnerkit.io.xlsxpatch.verify import Expected, verify_workbook

Columns = Mapping[str, Mapping[str, Sequence[CellValue]]]
Sheets = Mapping[str, Sequence[Sequence[CellValue]]]
# sheet -> picture name -> the new image (PNG), or a PictureUpdate drawn only when its key changed
Pictures = Mapping[str, Mapping[str, bytes | PictureUpdate]]


@dataclass(frozen=True)
class PatchReport:
    """What a patch wrote: the parts it changed, the cells, the tables it resized, and any warnings."""

    path: Path
    backup: Path | None
    changed_parts: tuple[str, ...]
    cells_written: int
    tables_resized: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # tables and sheets not in the workbook (with ``skip_missing``)


@dataclass
class PatchedPackage:
    """The result of patching in memory: the new bytes and what to check once they are on disk."""

    data: bytes
    changed_parts: tuple[str, ...]
    cells_written: int
    tables_resized: tuple[str, ...]
    warnings: tuple[str, ...]
    expected: list[Expected] = field(default_factory=list)
    user_sheets: tuple[str, ...] = ()  # sheets where only partnerkit's columns were written
    skipped: tuple[str, ...] = ()
    # Changed parts lxml serialized from a parsed tree: well-formed by construction, so the check
    # does not parse them again (a 10,000-partner sheet: a third of a second and 200 MB).
    serialized: tuple[str, ...] = ()


class _Patch:
    """One patch in progress: the parsed parts it edits and the bookkeeping they need."""

    def __init__(self, original: bytes, label: str, limits: Limits, skip_missing: bool = False) -> None:
        self.original = original
        self.package = Package(original, limits)
        if self.package.zip64:  # the raw-copy writer keeps offsets in 32-bit fields only
            raise WorkbookError(
                f"{label} uses ZIP64 extensions, which sync does not rewrite; save it again in Excel"
            )
        self.layout = Layout(self.package, label)
        self.label = label
        self.edits: dict[str, Any] = {}  # sheet part -> SheetEdit
        self.owned: set[str] = set()  # sheet parts replaced wholesale
        self.dirty: set[str] = set()
        self.removed: set[str] = set()
        self.resized: list[str] = []
        self.warnings: list[str] = []
        self.expected: list[Expected] = []
        self.user_sheets: list[str] = []
        self.media: dict[str, bytes] = {}  # image parts of owned pictures -> their new bytes
        self.skip_missing = skip_missing  # an older workbook may lack a table or sheet: leave it out
        self.skipped: list[str] = []

    def _missing(self, what: str, exists: bool) -> bool:
        """True when a target is absent and may be left out (``skip_missing``), noted as a warning."""
        if exists or not self.skip_missing:
            return False
        self.skipped.append(what)
        self.warnings.append(f"{self.label} has no {what}; rebuild the workbook to get it")
        return True

    def edit(self, sheet: Sheet) -> Any:
        """The edit of one sheet part, started on first use."""
        from partnerkit.io.xlsxpatch.sheets import SheetEdit

        if sheet.part not in self.edits:
            self.edits[sheet.part] = SheetEdit(self.layout.tree(sheet.part), sheet.name, self.layout.date1904)
            self.dirty.add(sheet.part)
        return self.edits[sheet.part]

    def column_edit(self, sheet: Sheet) -> Any:
        """The edit result columns go through: a plain sheet's text (``ColumnText``), else its tree."""
        from partnerkit.io.xlsxpatch.columntext import plain_sheet

        if sheet.part not in self.edits and sheet.part not in self.layout.trees:
            stored = self.package.find(sheet.part)
            text = (
                plain_sheet(self.package.read(stored), sheet.name, self.layout.date1904) if stored else None
            )
            if text is not None:
                self.edits[sheet.part] = text
                self.dirty.add(sheet.part)
        return self.edits.get(sheet.part) or self.edit(sheet)

    def _to_tree(self, sheet: Sheet) -> Any:
        """Go on with a sheet's tree where its text edit stops (a row to add, a cell it cannot read)."""
        from partnerkit.io.ooxml.xml import parse_xml

        text = self.edits.pop(sheet.part)
        self.layout.trees[sheet.part] = parse_xml(text.serialize(), sheet.part)
        edit = self.edit(sheet)
        edit.cells_written = text.cells_written
        return edit

    def write_columns(self, table_name: str, columns: Mapping[str, Sequence[CellValue]]) -> None:
        """Write result columns of one table, found by header, one value per data row."""
        if self._missing(f"table {table_name}", table_name.casefold() in self.layout.tables):
            return
        table = self.layout.table(table_name)
        if self.skip_missing:
            names = {normalize_name(c.name) for c in table.columns}
            for header in [h for h in columns if normalize_name(h) not in names]:
                self._missing(f"column {header!r} in table {table.name}", False)
            columns = {h: v for h, v in columns.items() if normalize_name(h) in names}
        sheet = self.layout.sheet(table.sheet)
        if sheet.part in self.owned:
            raise WorkbookError(f"sheet {sheet.name} holds table {table.name} and cannot also be replaced")
        first, last = table.first_data_row, table.last_data_row
        count = max(0, last - first + 1)
        plan: list[tuple[int, list[CellValue]]] = []
        seen: dict[int, str] = {}
        for header, values in columns.items():
            column = table.column(header)
            if column.index in seen:
                raise WorkbookError(
                    f"{header!r} and {seen[column.index]!r} name the same column of {table.name}"
                )
            seen[column.index] = header
            values = list(values)
            if len(values) != count:
                raise WorkbookError(
                    f"table {table.name} has {count} data rows but {len(values)} values were given for "
                    f"{column.name!r}; read the workbook again and retry"
                )
            plan.append((table.ref[1] + column.index, values))
            calc = column.element.find(q("calculatedColumnFormula"))
            if calc is not None:  # the column now holds results, not a formula Excel would refill
                column.element.remove(calc)
                self.dirty.add(table.part)
        from partnerkit.io.xlsxpatch.columntext import NotPlain

        edit = self.column_edit(sheet)
        edit.guard_formulas(first, last, {col for col, _ in plan})
        try:
            edit.write_columns(first, plan)
        except NotPlain:  # nothing was written: the tree takes it from here
            edit = self._to_tree(sheet)
            edit.guard_formulas(first, last, {col for col, _ in plan})
            edit.write_columns(first, plan)
        if sheet.name not in self.user_sheets:
            self.user_sheets.append(sheet.name)
        self.expected.extend(Expected(sheet.name, first, col, down=values) for col, values in plan)

    def replace_sheet(self, sheet_name: str, rows: Sequence[Sequence[CellValue]]) -> None:
        """Replace the rows of an owned sheet from its table's header row down, and fit the table to them.

        The rows above the table (a title, a note, the row the buttons sit on) are kept as they are;
        a sheet without a table is written from A1.
        """
        sheet = self.layout.sheet(sheet_name)
        if sheet.part in self.edits:
            raise WorkbookError(
                f"sheet {sheet.name} holds a table partnerkit fills and cannot also be replaced"
            )
        tables = sorted(self.layout.tables_on(sheet), key=lambda t: t.ref[0])
        table_rows: list[list[CellValue]] = [list(r) for r in rows]
        if not table_rows and any(t.header_rows for t in tables):
            table_rows = [[c.name for c in tables[0].columns]]  # a table needs its header row
        first_row = tables[0].ref[0] if tables else 1
        for table in tables:
            self._check_table(table, first_row)
        edit = self.edit(sheet)
        self.owned.add(sheet.part)
        edit.replace_rows(table_rows, first_row)
        self.expected.append(Expected(sheet.name, first_row, 1, rows=table_rows))
        if tables:
            self._fit_table(tables[0], table_rows)

    def _check_table(self, table: Table, first_row: int) -> None:
        top, left, _, _ = table.ref
        if top > first_row or left != 1:  # rows are written from column A: they would cut through it
            raise WorkbookError(
                f"table {table.name} on sheet {table.sheet} does not start in column A of the first "
                "table's row, where sync writes that sheet's rows; move the table back or rebuild the workbook"
            )
        if table.totals_rows:
            raise WorkbookError(
                f"table {table.name} on sheet {table.sheet} has a totals row, which sync cannot move"
            )

    def _fit_table(self, table: Table, rows: list[list[CellValue]]) -> None:
        top, left, _, _ = table.ref
        header = rows[0] if table.header_rows else []
        if table.header_rows:
            names = [h.strip() if isinstance(h, str) else h for h in header]
            if not names or not all(isinstance(h, str) and h for h in names):
                raise WorkbookError(f"the header row for table {table.name} must be non-empty texts")
            if len({str(h).casefold() for h in names}) != len(names):
                raise WorkbookError(f"the header row for table {table.name} repeats a name")
        width = len(header) if header else max((len(r) for r in rows), default=len(table.columns))
        height = max(len(rows), table.header_rows + 1)
        root = table.tree.getroot()
        old_ref = root.get("ref")
        new_ref = range_ref(top, left, top + height - 1, max(width, 1))
        changed = new_ref != old_ref
        root.set("ref", new_ref)
        auto = root.find(q("autoFilter"))
        if auto is not None:
            changed |= auto.get("ref") != new_ref
            auto.set("ref", new_ref)
            sort = auto.find(q("sortState"))
            if sort is not None:
                auto.remove(sort)  # it sorted rows that are gone
                changed = True
        if header and self._rename_columns(table, [str(h) for h in header]):
            changed = True
            self.warnings.append(f"table {table.name}: columns are now {', '.join(map(str, header))}")
        if new_ref != old_ref:
            self.resized.append(f"{table.name}: {old_ref} -> {new_ref}")
        if changed:
            self.dirty.add(table.part)

    def _rename_columns(self, table: Table, names: list[str]) -> bool:
        holder = table.tree.getroot().find(q("tableColumns"))
        existing = list(holder) if holder is not None else []
        if [c.name for c in table.columns] == names or holder is None:
            return False
        next_id = max((int(el.get("id", "0")) for el in existing), default=0) + 1
        for el in existing[len(names) :]:
            holder.remove(el)
        for i, name in enumerate(names):
            if i < len(existing):
                existing[i].set("name", escape_text(name))
            else:
                etree.SubElement(holder, q("tableColumn"), id=str(next_id), name=escape_text(name))
                next_id += 1
        holder.set("count", str(len(names)))
        return True

    def replace_picture(self, sheet_name: str, name: str, image: bytes | PictureUpdate) -> None:
        """Give the picture called ``name`` on a sheet a new image, fitted to its frame (its part only).

        A ``PictureUpdate`` is drawn only when the picture carries another key than the update's.
        """
        from partnerkit.io.xlsxpatch.pictures import find_picture, fit_png, png_key

        sheet = self.layout.sheet(sheet_name)
        frame = find_picture(self.layout, self.layout.sheet_rels(sheet), name)
        if frame is None:
            self.warnings.append(f"sheet {sheet.name} has no picture named {name!r}; it was not drawn")
            return
        if not frame.image_part.lower().endswith(".png"):
            self.warnings.append(
                f"the picture {name!r} on sheet {sheet.name} is not a PNG; it was not redrawn"
            )
            return
        stored = self.package.find(frame.image_part)
        if stored is None:
            raise WorkbookError(f"{self.label} is missing its part {frame.image_part}; it is damaged")
        key = None
        if isinstance(image, PictureUpdate):
            key = image.key
            if png_key(self.package.read(stored)) == key:
                return  # it already shows this
            drawn = image.render()
            if drawn is None:
                return
            image = drawn
        self.media[stored] = fit_png(image, frame.width, frame.height, key)

    def fix_calc_chain(self) -> None:
        """Drop calcChain entries for cells whose formula was overwritten (Excel rebuilds the chain)."""
        part = self.layout.calc_chain_part
        gone = {
            (sheet.sheet_id, ref)
            for sheet in self.layout.sheets
            if sheet.part in self.edits
            for ref in self.edits[sheet.part].removed_formulas
        }
        if not gone or part is None or self.package.find(part) is None:
            return
        root = self.layout.tree(part).getroot()
        current = None
        for c in list(root):
            current = c.get("i") or current
            if (current, c.get("r")) in gone:
                root.remove(c)
            elif current is not None:
                c.set("i", current)  # the sheet id was implied by the entry before, which may be gone
        self.dirty.add(part)
        if len(root) == 0:  # an empty chain is invalid: remove the part and what points to it
            self._remove_part(part, self.layout.workbook_part)

    def _remove_part(self, part: str, owner: str) -> None:
        self.removed.add(self.package.find(part) or part)
        self.dirty.discard(part)
        rels = rels_part(owner)
        rels_root = self.layout.tree(rels).getroot()
        for rel in list(rels_root):
            if resolve_target(owner, rel.get("Target", "")).lower() == part.lower():
                rels_root.remove(rel)
        self.dirty.add(rels)
        types = self.layout.tree("[Content_Types].xml").getroot()
        for override in list(types.iter(f"{{{CONTENT_TYPES_NS}}}Override")):
            if override.get("PartName", "").lstrip("/").lower() == part.lower():
                types.remove(override)
        self.dirty.add("[Content_Types].xml")

    def result(self) -> PatchedPackage:
        """Serialize the edited parts and build the new package; unchanged parts keep their bytes."""
        for edit in self.edits.values():
            edit.finish()
        replaced: dict[str, bytes] = {}
        serialized: list[str] = []
        for part in sorted(self.dirty):
            stored = self.package.find(part)
            assert stored is not None
            edit = self.edits.get(part)
            if edit is not None and edit.has_text:
                data = edit.serialize()
            else:
                data = serialize_xml(self.layout.tree(part))
                serialized.append(stored)
            if data != self.package.read(stored):
                replaced[stored] = data
        for stored, data in self.media.items():
            if data != self.package.read(stored):
                replaced[stored] = data
        changed = tuple(n for n in self.package.names if n in replaced or n in self.removed)
        data = write_package(self.package, replaced, removed=self.removed) if changed else self.original
        return PatchedPackage(
            data=data,
            changed_parts=changed,
            cells_written=sum(e.cells_written for e in self.edits.values()),
            tables_resized=tuple(self.resized),
            warnings=tuple(self.warnings),
            expected=self.expected,
            user_sheets=tuple(self.user_sheets),
            skipped=tuple(self.skipped),
            serialized=tuple(p for p in serialized if p in replaced),
        )


def patch_bytes(
    original: bytes,
    *,
    columns: Columns | None = None,
    sheets: Sheets | None = None,
    pictures: Pictures | None = None,
    label: str = "the workbook",
    limits: Limits | None = None,
    skip_missing: bool = False,
) -> PatchedPackage:
    """Patch a workbook held in memory; the pure half of ``patch_workbook`` (no file is touched)."""
    try:
        patch = _Patch(original, label, limits or WORKBOOK_LIMITS, skip_missing)
        for name, rows in (sheets or {}).items():
            patch.replace_sheet(name, rows)
        for table, cols in (columns or {}).items():
            patch.write_columns(table, cols)
        for sheet, named in (pictures or {}).items():
            for picture, image in named.items():
                patch.replace_picture(sheet, picture, image)
        patch.fix_calc_chain()
        return patch.result()
    except PackageError as exc:
        raise exc.naming(label, WorkbookError) from exc
    except (ValueError, IndexError, KeyError, struct.error) as exc:
        # A part that parses but says something impossible (a row numbered "x", a range "A0").
        raise WorkbookError(
            f"{label} is damaged in a way sync cannot repair ({exc}); open it in Excel, save it, and try again"
        ) from exc


LEFTOVER_AGE = 60.0  # seconds; a younger temp file may belong to a sync running right now


def _remove_leftovers(path: Path) -> None:
    # A run killed mid-write (power cut, kill -9) leaves its hidden temp file; ours end in TEMP_SUFFIX.
    now = time.time()
    for name in (path, path.with_name(path.name + ".bak")):
        for leftover in path.parent.glob(f"{temp_name(name)}*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > LEFTOVER_AGE:
                    leftover.unlink()


def patch_workbook(
    path: str | os.PathLike[str],
    *,
    columns: Columns | None = None,
    sheets: Sheets | None = None,
    pictures: Pictures | None = None,
    backup: bool = True,
    limits: Limits | None = None,
    skip_missing: bool = False,
) -> PatchReport:
    """Write result columns of tables, whole owned sheets and owned pictures into a workbook, without Excel.

    Only the edited sheet parts (and, when needed, their tables and calcChain) and the images of the
    pictures named change; every other zip entry keeps its bytes. The file is replaced atomically
    after the new one is verified, and ``NAME.bak`` keeps the original. With ``skip_missing``, a
    table, column, sheet or picture the workbook lacks is left out with a warning (a workbook built
    by an older partnerkit) instead of refusing the whole patch.
    """
    given = Path(path)
    sniff_workbook(given)
    real = Path(os.path.realpath(given))
    check_not_open(given)
    if real != given.absolute():
        check_not_open(real)
    limits = limits or WORKBOOK_LIMITS
    try:
        limits.check_file_size(real.stat().st_size)
    except PackageError as exc:
        raise exc.naming(given.name, WorkbookError) from exc
    original = real.read_bytes()
    patched = patch_bytes(
        original,
        columns=columns,
        sheets=sheets,
        pictures=pictures,
        label=given.name,
        limits=limits,
        skip_missing=skip_missing,
    )
    backup_path = real.with_name(real.name + ".bak") if backup else None
    if patched.changed_parts:
        _remove_leftovers(real)
        safely_replace(
            real,
            patched.data,
            original,
            backup_path,
            verify=lambda temp: verify_workbook(
                temp,
                patched.changed_parts,
                patched.expected,
                given.name,
                limits,
                original=original,
                user_sheets=patched.user_sheets,
                serialized=patched.serialized,
            ),
        )
    return PatchReport(
        path=given,
        backup=backup_path if patched.changed_parts else None,
        changed_parts=patched.changed_parts,
        cells_written=patched.cells_written,
        tables_resized=patched.tables_resized,
        warnings=patched.warnings,
        skipped=patched.skipped,
    )
