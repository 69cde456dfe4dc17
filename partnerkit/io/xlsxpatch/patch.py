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
from partnerkit.io.xlsxpatch.layout import Layout, Sheet, Table
from partnerkit.io.xlsxpatch.safe_write import TEMP_SUFFIX, check_not_open, safely_replace, temp_name
from partnerkit.io.xlsxpatch.verify import Expected, verify_workbook

Columns = Mapping[str, Mapping[str, Sequence[CellValue]]]
Sheets = Mapping[str, Sequence[Sequence[CellValue]]]


@dataclass(frozen=True)
class PatchReport:
    """What a patch wrote: the parts it changed, the cells, the tables it resized, and any warnings."""

    path: Path
    backup: Path | None
    changed_parts: tuple[str, ...]
    cells_written: int
    tables_resized: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


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


class _Patch:
    """One patch in progress: the parsed parts it edits and the bookkeeping they need."""

    def __init__(self, original: bytes, label: str, limits: Limits) -> None:
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

    def edit(self, sheet: Sheet) -> Any:
        """The edit of one sheet part, started on first use."""
        from partnerkit.io.xlsxpatch.sheets import SheetEdit

        if sheet.part not in self.edits:
            self.edits[sheet.part] = SheetEdit(self.layout.tree(sheet.part), sheet.name, self.layout.date1904)
            self.dirty.add(sheet.part)
        return self.edits[sheet.part]

    def write_columns(self, table_name: str, columns: Mapping[str, Sequence[CellValue]]) -> None:
        """Write result columns of one table, found by header, one value per data row."""
        table = self.layout.table(table_name)
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
        edit = self.edit(sheet)
        edit.guard_formulas(first, last, {col for col, _ in plan})
        edit.write_columns(first, plan)
        if sheet.name not in self.user_sheets:
            self.user_sheets.append(sheet.name)
        for col, values in plan:
            self.expected.extend(Expected(sheet.name, first + i, col, v) for i, v in enumerate(values))

    def replace_sheet(self, sheet_name: str, rows: Sequence[Sequence[CellValue]]) -> None:
        """Replace the rows of an owned sheet and fit its table to them."""
        sheet = self.layout.sheet(sheet_name)
        if sheet.part in self.edits:
            raise WorkbookError(
                f"sheet {sheet.name} holds a table partnerkit fills and cannot also be replaced"
            )
        tables = self.layout.tables_on(sheet)
        table_rows: list[list[CellValue]] = [list(r) for r in rows]
        if not table_rows and any(t.header_rows for t in tables):
            table_rows = [[c.name for c in tables[0].columns]]  # a table needs its header row
        edit = self.edit(sheet)
        self.owned.add(sheet.part)
        edit.replace_rows(table_rows)
        for r, values in enumerate(table_rows, start=1):
            self.expected.extend(Expected(sheet.name, r, c, v) for c, v in enumerate(values, start=1))
        for table in tables:
            self._fit_table(table, table_rows)

    def _fit_table(self, table: Table, rows: list[list[CellValue]]) -> None:
        top, left, _, _ = table.ref
        if (top, left) != (1, 1):  # rows are written from A1: they would cut through this table
            raise WorkbookError(
                f"table {table.name} on sheet {table.sheet} does not start at A1, where sync writes that "
                "sheet's rows; move the table back to A1 or rebuild the workbook"
            )
        if table.totals_rows:
            raise WorkbookError(
                f"table {table.name} on sheet {table.sheet} has a totals row, which sync cannot move"
            )
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
        new_ref = range_ref(1, 1, height, max(width, 1))
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
        for part in sorted(self.dirty):
            stored = self.package.find(part)
            assert stored is not None
            data = serialize_xml(self.layout.tree(part))
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
        )


def patch_bytes(
    original: bytes,
    *,
    columns: Columns | None = None,
    sheets: Sheets | None = None,
    label: str = "the workbook",
    limits: Limits | None = None,
) -> PatchedPackage:
    """Patch a workbook held in memory; the pure half of ``patch_workbook`` (no file is touched)."""
    try:
        patch = _Patch(original, label, limits or WORKBOOK_LIMITS)
        for name, rows in (sheets or {}).items():
            patch.replace_sheet(name, rows)
        for table, cols in (columns or {}).items():
            patch.write_columns(table, cols)
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
    backup: bool = True,
    limits: Limits | None = None,
) -> PatchReport:
    """Write result columns of tables and whole owned sheets into a workbook, without Excel.

    Only the edited sheet parts (and, when needed, their tables and calcChain) change; every other
    zip entry keeps its bytes. The file is replaced atomically after the new one is verified, and
    ``NAME.bak`` keeps the original.
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
    patched = patch_bytes(original, columns=columns, sheets=sheets, label=given.name, limits=limits)
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
            ),
        )
    return PatchReport(
        path=given,
        backup=backup_path if patched.changed_parts else None,
        changed_parts=patched.changed_parts,
        cells_written=patched.cells_written,
        tables_resized=patched.tables_resized,
        warnings=patched.warnings,
    )
