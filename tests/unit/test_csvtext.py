"""CSV for spreadsheets: no cell a spreadsheet would run as a formula, no row split by a line break in a cell."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from partnerkit.io.csvtext import FORMULA_STARTS, csv_text, spreadsheet_safe, unquoted

cells = st.text(max_size=12) | st.sampled_from(
    ["=1+1", "+31 20", "-5", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")']
)


@given(st.lists(st.lists(cells, min_size=1, max_size=4), max_size=5))
def test_formula_cells_are_quoted_and_the_rest_kept(rows: list[list[str]]) -> None:
    text = csv_text(["a", "b", "c", "d"], rows)
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == ["a", "b", "c", "d"]
    assert len(read) == len(rows) + 1
    for written, row in zip(read[1:], rows, strict=True):
        for cell, value in zip(written, row, strict=True):
            shown = "'" + value if value[:1] in FORMULA_STARTS else value
            # a carriage return reads back as the line break it is, inside its cell
            assert cell == shown.replace("\r\n", "\n").replace("\r", "\n")


def test_numbers_and_empty_cells_are_not_text() -> None:
    assert spreadsheet_safe(Decimal("-12.50")) == Decimal("-12.50")
    assert spreadsheet_safe(-3) == -3 and spreadsheet_safe(None) is None and spreadsheet_safe("") == ""
    assert csv_text(["amount"], [[Decimal("-12.50")]]) == "amount\n-12.50\n"


# a value typed with its own leading apostrophe ("'=x") reads back ambiguously: the reader tries it as is first
@given(cells.filter(lambda v: "\r" not in v and not v.startswith("'")))
def test_a_quoted_cell_reads_back_as_written(value: str) -> None:
    written = spreadsheet_safe(value)
    assert unquoted(written) == (value if written != value else None)
