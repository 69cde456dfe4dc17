"""Cells written in bulk (each repeated value's XML built once) are the cells built one by one; the
check after writing still refuses what it refused when it parsed each part into a tree."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.errors import WorkbookError
from partnerkit.io.xlsxpatch import Limits, patch_bytes
from partnerkit.io.xlsxpatch.cells import CellTexts, CellValue, cell_text, cell_xml
from partnerkit.io.xlsxpatch.patch import PatchedPackage
from partnerkit.io.xlsxpatch.verify import Expected, verify_workbook

from .builders import PROBLEM_HEADERS, build_planner, rewrite

PROBLEMS_PART = "xl/worksheets/sheet4.xml"

with tempfile.TemporaryDirectory() as folder:
    PLANNER = build_planner(Path(folder) / "planner.xlsm").read_bytes()

# Values that are equal (or hash alike) but are written differently: a cache keyed on the value
# alone would hand one the other's text.
ALIKE = st.sampled_from(
    [0, 0.0, -0.0, False, True, 1, 1.0, Decimal("0"), Decimal("-0"), Decimal("1.50"), 2.5, "", None]
)
VALUES = st.one_of(
    ALIKE,
    st.sampled_from(["Gold", " Gold", "a & b < c", "_x0041_", "line\nbreak", "\x01", "\ufffe"]),
    st.text(max_size=8),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
)
ATTRS = st.sampled_from(["", ' s="3"', ' s="12" cm="1"'])


@given(st.lists(st.tuples(st.integers(1, 300), ATTRS, VALUES), max_size=40))
def test_cells_from_the_cache_are_the_cells_cell_text_builds(cells: list[tuple[int, str, CellValue]]) -> None:
    texts = CellTexts("Review", date1904=False)
    for row, attrs, value in cells + cells:  # twice: the second time from what the first remembered
        ref = f"C{row}"
        assert texts.text(ref, attrs, value) == cell_text(ref, attrs, value, sheet="Review", date1904=False)


def _cells(part: bytes) -> dict[str, tuple[str | None, str]]:
    """Each cell of a sheet part as written: its address -> (its style, its whole text)."""
    pattern = r'<c r="([A-Z]+\d+)"((?: s="(\d+)")?[^>]*?)(?:/>|>.*?</c>)'
    return {m.group(1): (m.group(3), m.group(0)) for m in re.finditer(pattern, part.decode(), re.S)}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(VALUES, min_size=3, max_size=3), max_size=12))
def test_an_owned_sheet_written_in_bulk_holds_each_cell_as_cell_xml_builds_it(
    rows: list[list[CellValue]],
) -> None:
    table: list[list[CellValue]] = [list(PROBLEM_HEADERS), *rows]
    patched = patch_bytes(PLANNER, sheets={"Problems": table})
    with zipfile.ZipFile(io.BytesIO(patched.data)) as archive:
        cells = _cells(archive.read(PROBLEMS_PART))
    for r, values in enumerate(table, start=1):
        for c, value in enumerate(values):
            ref = f"{'ABC'[c]}{r}"
            if ref not in cells:  # left out only when there is nothing to show and nothing to format
                assert value is None
                continue
            style, text = cells[ref]
            assert text == cell_xml(ref, style, value, sheet="Problems", date1904=False)


def _patched(planner: Path, rows: list[list[CellValue]]) -> tuple[Path, PatchedPackage]:
    patched = patch_bytes(planner.read_bytes(), sheets={"Problems": [list(PROBLEM_HEADERS), *rows]})
    written = planner.with_name("written.xlsm")
    written.write_bytes(patched.data)
    return written, patched


def test_a_written_part_with_an_undeclared_prefix_is_refused(planner: Path) -> None:
    # A well-formedness-only parse lets this through; Excel calls the file corrupt.
    written, patched = _patched(planner, [["Partners", "B2", "margin"]])
    rewrite(written, PROBLEMS_PART, lambda d: d.replace(b"<row ", b'<row x14ac:dyDescent="0.25" ', 1))
    with pytest.raises(WorkbookError, match=r"damaged part \(xl/worksheets/sheet4\.xml\): unbound prefix"):
        verify_workbook(
            written,
            patched.changed_parts,
            patched.expected,
            "planner.xlsm",
            Limits(),
        )


def test_a_number_read_back_where_a_true_was_written_is_refused(planner: Path) -> None:
    # The check compares a whole row at once; equal is not enough (True == 1), the types must agree.
    written, patched = _patched(planner, [["Partners", True, None]])
    verify_workbook(written, patched.changed_parts, patched.expected, "planner.xlsm", Limits())
    rewrite(written, PROBLEMS_PART, lambda d: d.replace(b'<c r="B2" t="b"><v>1</v>', b'<c r="B2"><v>1</v>'))
    with pytest.raises(WorkbookError, match=r"reads back 1(\.0)? at Problems!B2 instead of True"):
        verify_workbook(written, patched.changed_parts, patched.expected, "planner.xlsm", Limits())


def test_a_column_read_back_short_of_its_rows_is_refused(planner: Path) -> None:
    written, patched = _patched(planner, [["Partners", "B2", "margin"]])
    beyond = Expected("Problems", 2, 3, down=["margin", "", None, "more"])  # row 5 was never written
    with pytest.raises(WorkbookError, match=r"reads back '' at Problems!C5 instead of 'more'"):
        verify_workbook(written, patched.changed_parts, [beyond], "planner.xlsm", Limits())


READ = st.sampled_from([0, 0.0, 1, 1.0, True, False, "", "0", "1", "Gold", 2.5, date(2026, 1, 1), None])


@given(st.lists(st.tuples(READ, READ), max_size=8))
def test_a_run_of_cells_is_refused_exactly_when_one_of_its_cells_is(
    pairs: list[tuple[object, object]],
) -> None:
    # The check compares a row at once; it must refuse what the cell-by-cell rule refuses, no more.
    from partnerkit.io.xlsxpatch.verify import _compare, _same

    wanted = [w for w, _ in pairs]
    got = ["" if g is None else g for _, g in pairs]  # python-calamine reads an empty cell as ""
    refused_alone = any(
        not ((g.__class__ is w.__class__ and g == w) or (w is None and g == "") or _same(w, g))  # type: ignore[arg-type]
        for w, g in zip(wanted, got, strict=True)
    )
    try:
        _compare("Review", 2, 1, 1, list(got), wanted, "the workbook")  # type: ignore[arg-type]
    except WorkbookError:
        assert refused_alone
    else:
        assert not refused_alone
