"""Check a freshly written workbook before it replaces the user's file."""

from __future__ import annotations

import io
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from partnerkit.errors import WorkbookError
from partnerkit.io.ooxml.errors import DamagedPackage, PackageError, RefusedPackage
from partnerkit.io.ooxml.limits import Limits
from partnerkit.io.ooxml.package import Package
from partnerkit.io.ooxml.refs import cell_ref
from partnerkit.io.xlsxpatch.cells import CellValue, storable_text


@dataclass(frozen=True)
class Expected:
    """Values that must read back after the patch: ``rows`` of values placed from the cell (row, col)
    rightwards, or with ``down`` one column of ``values`` placed from it downwards.

    One block per sheet or column written, not one object per cell: a sync of 10,000 partners
    checks a quarter of a million cells, and the blocks are the rows it wrote, held once.
    """

    sheet: str
    row: int
    col: int
    rows: Sequence[Sequence[CellValue]] = ()
    down: Sequence[CellValue] = ()

    def cells(self) -> Iterator[tuple[int, int, CellValue]]:
        """Each (row, col, value) of the block."""
        for offset, value in enumerate(self.down):
            yield self.row + offset, self.col, value
        for r, values in enumerate(self.rows, start=self.row):
            for c, value in enumerate(values, start=self.col):
                yield r, c, value


def _same(wanted: CellValue, got: object) -> bool:
    if wanted is None:
        return got in ("", None)
    if isinstance(wanted, bool) or isinstance(got, bool):
        return wanted == got and isinstance(got, bool) == isinstance(wanted, bool)
    if isinstance(wanted, str):
        return got == storable_text(wanted)
    if isinstance(wanted, int | float | Decimal):
        return isinstance(got, int | float) and math.isclose(float(wanted), float(got), rel_tol=1e-12)
    # A date reads back as a date or a serial number depending on the cell's format.
    return isinstance(wanted, date)


def _unchanged_elsewhere(
    sheet: str,
    before: Sequence[Sequence[object]],
    after: Sequence[Sequence[object]],
    written: set[tuple[int, int]],
    label: str,
) -> None:
    """Every cell of a user sheet that sync did not write reads the same as before."""
    for r in range(max(len(before), len(after))):
        old = before[r] if r < len(before) else []
        new = after[r] if r < len(after) else []
        if old == new:
            continue
        if len(old) == len(new):
            # Most rows differ only in the written result columns: find the differing cells at
            # once, then look only at those.
            differ = [c for c, (was, now) in enumerate(zip(old, new, strict=True)) if was != now]
        else:
            differ = list(range(max(len(old), len(new))))
        for c in differ:
            if (r + 1, c + 1) in written:
                continue
            was = old[c] if c < len(old) else ""
            now = new[c] if c < len(new) else ""
            if was != now:
                raise WorkbookError(
                    f"the updated {label} changed {sheet}!{cell_ref(r + 1, c + 1)} from {was!r} to {now!r}, "
                    "a cell sync does not own; the original was kept"
                )


def _read_back(sheet: str, rows: Sequence[Sequence[object]], item: Expected, label: str) -> None:
    """Every cell of ``item`` reads back what was written (``rows``: the sheet as python-calamine reads it)."""
    if item.down:
        top, c = item.row - 1, item.col - 1
        got = [row[c] if c < len(row) else "" for row in rows[top : top + len(item.down)]]
        _compare(sheet, item.row, item.col, 0, got, item.down, label)
    for r, values in enumerate(item.rows, start=item.row):
        row = rows[r - 1] if r <= len(rows) else ()
        _compare(sheet, r, item.col, 1, list(row[item.col - 1 : item.col - 1 + len(values)]), values, label)


def _kinds(types: list[type]) -> list[type]:
    """Each type as a kind of value: a whole number's as a float's (python-calamine reads numbers
    as floats), every other its own (a bool is not a number here)."""
    return list(map(_NUMBER_KIND.get, types, types))


_NUMBER_KIND: dict[type, type] = {int: float}


def _compare(
    sheet: str, r: int, c: int, across: int, got: list[object], wanted: Sequence[CellValue], label: str
) -> None:
    """A run of cells read back (``got``, from (r, c) down, or across with ``across``) against ``wanted``."""
    # The common case at once: every cell the very value of the same kind (a bool is never taken
    # for a 1: the kinds are compared too; a whole number reads back as a float), and an empty
    # cell for nothing.
    meant = [value if value is not None else "" for value in wanted]
    got += [""] * (len(meant) - len(got))  # cells past a row's end, rows past the sheet's: empty
    if got == meant:
        have, want = list(map(type, got)), list(map(type, meant))
        if have == want or _kinds(have) == _kinds(want):
            return
    for offset, (value, found) in enumerate(zip(wanted, got, strict=True)):
        if (found.__class__ is value.__class__ and found == value) or (value is None and found == ""):
            continue
        if not _same(value, found):
            ref = cell_ref(r + offset * (1 - across), c + offset * across)
            raise WorkbookError(
                f"the updated {label} reads back {found!r} at {sheet}!{ref} instead of "
                f"{value!r}; the original was kept"
            )


def well_formed(data: bytes, part: str) -> None:
    """Check a written part as XML with namespaces, without building its tree; DamagedPackage when
    it is not (broken markup, a prefix no element declares), RefusedPackage for a DOCTYPE.

    The check only needs the parser's verdict: expat gives it without handlers, in a third of the
    time lxml takes to build and free the tree of a 10,000-row sheet, and with namespace processing
    on it refuses an undeclared prefix as lxml does.
    """
    from xml.parsers import expat

    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise RefusedPackage(f"has a part ({part}) with a DOCTYPE, which no Office file has; refusing it")
    try:
        expat.ParserCreate(namespace_separator=" ").Parse(data, True)
    except expat.ExpatError as exc:
        raise DamagedPackage(f"has a damaged part ({part}): {exc}") from exc


def verify_workbook(
    path: Path,
    changed_parts: tuple[str, ...],
    expected: list[Expected],
    label: str,
    limits: Limits,
    original: bytes | None = None,
    user_sheets: tuple[str, ...] = (),
    serialized: tuple[str, ...] = (),
) -> None:
    """Zip test, parse every changed part (namespaces checked), open with python-calamine and read back
    the written cells.

    For ``user_sheets`` (sheets where only some columns were written) every other cell must read
    the same in ``original`` and in the new file. ``serialized`` parts came from lxml serializing
    a parsed tree and are not parsed again; every part written (in part) as text is.
    """
    to_parse = {
        part
        for part in changed_parts
        if part not in serialized and part.lower().endswith((".xml", ".rels", ".vml"))
    }
    parts: dict[str, bytes] = {}
    try:
        package = Package(path.read_bytes(), limits)
        # The zip test (``Package.test``: every entry inflated and its checksum checked), keeping
        # the parts to parse rather than inflating them a second time.
        for name in package.names:
            data = package.read(name)
            if name in to_parse:
                parts[name] = data
    except DamagedPackage as exc:
        raise WorkbookError(
            f"the updated {label} failed its zip test ({exc.sentence}); the original was kept"
        ) from exc
    except PackageError as exc:
        raise exc.naming(f"the updated {label}", WorkbookError) from exc
    try:
        for part in changed_parts:
            if part in parts:
                well_formed(parts.pop(part), part)
    except PackageError as exc:
        raise exc.naming(f"the updated {label}", WorkbookError) from exc
    from python_calamine import CalamineWorkbook

    by_sheet: dict[str, list[Expected]] = defaultdict(list)
    for item in expected:
        by_sheet[item.sheet].append(item)
    try:
        book = CalamineWorkbook.from_path(str(path))
        before_book = (
            CalamineWorkbook.from_filelike(io.BytesIO(original)) if original and user_sheets else None
        )
        for sheet, items in by_sheet.items():
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            if before_book is not None and sheet in user_sheets:
                before = before_book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
                written = {(r, c) for item in items for r, c, _ in item.cells()}
                _unchanged_elsewhere(sheet, before, rows, written, label)
            for item in items:
                _read_back(sheet, rows, item, label)
    except WorkbookError:
        raise
    except Exception as exc:  # calamine raises its own error types for unreadable content
        raise WorkbookError(f"the updated {label} does not open ({exc}); the original was kept") from exc
