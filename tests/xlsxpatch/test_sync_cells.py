"""Cell addresses, dates and text escaping: the small rules sync's cells follow."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from partnerkit.io.ooxml.refs import MAX_COLS, column_letters, column_number, parse_range, range_ref
from partnerkit.io.xlsxpatch import patch_workbook
from partnerkit.io.xlsxpatch.cells import escape_text, excel_serial


@given(st.integers(1, MAX_COLS))
def test_column_letters_and_numbers_agree(col: int) -> None:
    assert column_number(column_letters(col)) == col


@given(
    st.integers(1, 1_048_576), st.integers(1, MAX_COLS), st.integers(1, 1_048_576), st.integers(1, MAX_COLS)
)
def test_ranges_read_back(r1: int, c1: int, r2: int, c2: int) -> None:
    top, left, bottom, right = min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)
    assert parse_range(range_ref(top, left, bottom, right)) == (top, left, bottom, right)


def unescape(text: str) -> str:
    """How Excel and python-calamine read _xHHHH_: left to right, each escape once."""
    return re.sub("_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


@example("_x0000\x01")  # an escape's closing "_" must not complete a literal "_x0000" before it
@given(st.text(alphabet=st.sampled_from(["_", "x", "0", "0", "4", "1", "F", "\x01", "a"]), max_size=30))
def test_escaping_is_undone_exactly(text: str) -> None:
    escaped = escape_text(text)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", escaped)
    assert unescape(escaped) == text


def test_serial_dates_in_both_date_systems() -> None:
    assert excel_serial(date(1900, 1, 1), date1904=False) == 1
    assert excel_serial(date(1900, 3, 1), date1904=False) == 61  # after Excel's phantom 29 February 1900
    assert excel_serial(datetime(2026, 1, 15, 12), date1904=False) == 46037.5
    assert excel_serial(date(1904, 1, 2), date1904=True) == 1


def test_a_1904_workbook_gets_1904_serials_in_the_cells_date_format(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "mac.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"date_1904": True})
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    columns = [{"header": "Partner"}, {"header": "Since", "format": dates}, {"header": "Until"}]
    data = [["Acme", date(2020, 1, 1), None]]
    wb.add_worksheet("Partners").add_table("A1:C2", {"name": "Partners", "columns": columns, "data": data})
    wb.close()
    day = date(2026, 1, 15)
    patch_workbook(path, columns={"Partners": {"Since": [day], "Until": [day]}}, backup=False)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Partners").to_python()
    assert rows[1][1] == day  # the cell kept its date format
    assert rows[1][2] == 46037 - 1462  # no format there: the serial number, counted from 1904
