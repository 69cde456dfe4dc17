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
from partnerkit.io.ooxml.errors import DamagedPackage, PackageError
from partnerkit.io.ooxml.limits import Limits
from partnerkit.io.ooxml.package import Package
from partnerkit.io.ooxml.refs import cell_ref
from partnerkit.io.ooxml.xml import parse_xml
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
    blocks: list[tuple[int, int, Sequence[CellValue]]] = [
        (item.row + offset, item.col, (value,)) for offset, value in enumerate(item.down)
    ]
    blocks += [(r, item.col, values) for r, values in enumerate(item.rows, start=item.row)]
    for r, col, values in blocks:
        row = rows[r - 1] if r <= len(rows) else ()
        width = len(row)
        for c, wanted in enumerate(values, start=col):
            got = row[c - 1] if c <= width else ""
            # The common cases first: the very value of the very type (a bool is never taken for
            # a 1), and an empty cell for nothing.
            if (got.__class__ is wanted.__class__ and got == wanted) or (wanted is None and got == ""):
                continue
            if not _same(wanted, got):
                raise WorkbookError(
                    f"the updated {label} reads back {got!r} at {sheet}!{cell_ref(r, c)} instead of "
                    f"{wanted!r}; the original was kept"
                )


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
    """Zip test, parse every changed part, open with python-calamine and read back the written cells.

    For ``user_sheets`` (sheets where only some columns were written) every other cell must read
    the same in ``original`` and in the new file. ``serialized`` parts came from lxml serializing
    a parsed tree and are not parsed again; every part written (in part) as text is.
    """
    try:
        package = Package(path.read_bytes(), limits)
        package.test()
    except DamagedPackage as exc:
        raise WorkbookError(
            f"the updated {label} failed its zip test ({exc.sentence}); the original was kept"
        ) from exc
    except PackageError as exc:
        raise exc.naming(f"the updated {label}", WorkbookError) from exc
    try:
        for part in changed_parts:
            if part in serialized:
                continue
            if package.has(part) and part.lower().endswith((".xml", ".rels", ".vml")):
                parse_xml(package.read(part), part)
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
