"""A1 references: column letters and numbers, cell names and ranges, parsed within Excel's grid.

Rows and columns count from 1, as Excel numbers them (``cell_ref(7, 2) == "B7"``). The ``*_at``
helpers take 0-based positions, as python-calamine gives them (``cell_at(6, 1) == "B7"``).
"""

from __future__ import annotations

import functools
import re

MAX_ROWS = 1_048_576
MAX_COLS = 16_384

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


@functools.lru_cache(maxsize=16_384)
def column_letters(col: int) -> str:
    """1 -> A, 28 -> AB."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@functools.lru_cache(maxsize=65_536)
def column_number(letters: str) -> int:
    """A -> 1, AB -> 28 (case and ``$`` do not matter); cached, since a sheet has few columns and many rows."""
    n = 0
    for ch in letters.lstrip("$").upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_of(ref: str) -> int:
    """The column number of a cell address: ``"AB12"`` -> 28."""
    return column_number(ref.rstrip("0123456789").rstrip("$"))


def parse_ref(ref: str) -> tuple[int, int]:
    """'B7' -> (row 7, column 2); raises ValueError for anything that is not one cell inside Excel's grid."""
    m = _REF.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell address: {ref!r}")
    row, col = int(m.group(2)), column_number(m.group(1))
    if not (1 <= row <= MAX_ROWS and 1 <= col <= MAX_COLS):
        raise ValueError(f"cell address outside Excel's grid: {ref!r}")
    return row, col


def cell_ref(row: int, col: int) -> str:
    """(7, 2) -> 'B7'."""
    return f"{column_letters(col)}{row}"


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """'A1:C9' -> (top, left, bottom, right); a single cell is a one-cell range."""
    first, colon, last = ref.partition(":")
    top, left = parse_ref(first)
    bottom, right = parse_ref(last) if colon else (top, left)
    return min(top, bottom), min(left, right), max(top, bottom), max(left, right)


def range_ref(top: int, left: int, bottom: int, right: int) -> str:
    """(1, 1, 9, 3) -> 'A1:C9'."""
    first, last = cell_ref(top, left), cell_ref(bottom, right)
    return first if first == last else f"{first}:{last}"


def letters_at(index: int) -> str:
    """The letters of a 0-based column: 0 -> A, 27 -> AB."""
    return column_letters(index + 1)


def index_of(letters: str) -> int:
    """The 0-based column of its letters: A -> 0, AB -> 27."""
    return column_number(letters) - 1


def cell_at(row: int, col: int) -> str:
    """A 0-based row and column as a cell name: (16, 3) -> 'D17'."""
    return f"{column_letters(col + 1)}{row + 1}"
