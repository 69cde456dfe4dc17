"""A1 references: column letters and numbers, cell names and ranges, within Excel's grid."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.io.ooxml.refs import (
    MAX_COLS,
    MAX_ROWS,
    cell_at,
    cell_ref,
    column_letters,
    column_number,
    column_of,
    index_of,
    letters_at,
    parse_range,
    parse_ref,
    range_ref,
)

ROWS = st.integers(1, MAX_ROWS)
COLS = st.integers(1, MAX_COLS)


@given(COLS)
def test_letters_and_numbers_round_trip(col: int) -> None:
    letters = column_letters(col)
    assert column_number(letters) == col
    assert column_number(letters.lower()) == col
    assert 1 <= len(letters) <= 3 and letters.isalpha() and letters.isupper()
    assert letters_at(col - 1) == letters and index_of(letters) == col - 1


@given(st.integers(1, MAX_COLS - 1))
def test_letters_sort_like_their_columns(col: int) -> None:
    a, b = column_letters(col), column_letters(col + 1)
    assert (len(a), a) < (len(b), b)


@given(ROWS, COLS)
def test_cell_names_round_trip(row: int, col: int) -> None:
    name = cell_ref(row, col)
    assert parse_ref(name) == (row, col)
    assert parse_ref(f"${column_letters(col)}${row}") == (row, col)
    assert column_of(name) == col
    assert cell_at(row - 1, col - 1) == name


@given(ROWS, COLS, ROWS, COLS)
def test_ranges_round_trip_whatever_the_corner_order(r1: int, c1: int, r2: int, c2: int) -> None:
    box = (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))
    assert parse_range(range_ref(*box)) == box
    assert parse_range(f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}") == box


def test_known_values() -> None:
    assert [column_letters(c) for c in (1, 26, 27, 28, 702, 703, MAX_COLS)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
        "XFD",
    ]
    assert cell_at(16, 3) == "D17" and range_ref(1, 1, 1, 1) == "A1" and range_ref(1, 1, 9, 3) == "A1:C9"


@pytest.mark.parametrize("ref", ["", "A", "7", "A0", "XFE1", "A1048577", "AAAA1", "A-1", "B7:", "é1"])
def test_anything_outside_the_grid_is_refused(ref: str) -> None:
    with pytest.raises(ValueError, match="cell address"):
        parse_range(ref)
