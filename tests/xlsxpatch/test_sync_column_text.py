"""Result columns written into a plain sheet's text: the same cells as the tree edit writes, or the tree takes over."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from partnerkit.io.ooxml.xml import MAIN_NS, parse_xml
from partnerkit.io.xlsxpatch.columntext import NotPlain, plain_sheet
from partnerkit.io.xlsxpatch.sheets import SheetEdit

HEAD = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="{MAIN_NS}">'
    '<dimension ref="A1:D4"/><cols><col min="3" max="3" width="9" style="7"/></cols><sheetData>'
)
ROWS = (
    '<row r="1" spans="1:4"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="D1"/></row>'
    '<row r="2" spans="1:2"><c r="A2" s="1"><v>1</v></c><c r="B2" s="2" t="s" cm="1"><v>0</v></c></row>'
    '<row r="3" s="5" customFormat="1"><c r="A3"><v>2</v></c><c r="D3" s="3" ph="1"><v>9</v></c></row>'
    '<row r="4" spans="1:1"><c r="A4"/></row>'
)
TAIL = "</sheetData><pageMargins/></worksheet>"
PART = (HEAD + ROWS + TAIL).encode()


def cells(data: bytes) -> dict[str, Any]:
    """Every cell of a part: its attributes and its content, by address; and the rows' attributes."""
    root = etree.fromstring(data)
    out: dict[str, Any] = {"dimension": root.find(f"{{{MAIN_NS}}}dimension").get("ref")}
    for row in root.iter(f"{{{MAIN_NS}}}row"):
        out[f"row {row.get('r')}"] = dict(row.attrib)
        for c in row:
            out[c.get("r")] = (dict(c.attrib), b"".join(etree.tostring(x) for x in c))
        out[f"order {row.get('r')}"] = [c.get("r") for c in row]
    return out


def both(columns: list[tuple[int, list[Any]]], first: int = 2, part: bytes = PART) -> tuple[bytes, bytes]:
    tree = SheetEdit(parse_xml(part, "sheet"), "S", False)
    tree.write_columns(first, columns)
    tree.finish()
    text = plain_sheet(part, "S", False)
    assert text is not None
    text.write_columns(first, columns)
    text.finish()
    assert text.cells_written == tree.cells_written
    return tree.serialize(), text.serialize()


VALUES = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=12),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.sampled_from([Decimal("1.25"), date(2026, 10, 1)]),
)


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(VALUES, min_size=9, max_size=9), cols=st.sets(st.integers(1, 6), min_size=1, max_size=3)
)
def test_the_text_edit_writes_the_cells_the_tree_edit_writes(values: list[Any], cols: set[int]) -> None:
    columns = [(col, values[i * 3 : i * 3 + 3]) for i, col in enumerate(sorted(cols))]
    tree, text = both(columns)
    assert cells(text) == cells(tree)


def test_a_row_to_write_that_is_missing_leaves_it_to_the_tree() -> None:
    text = plain_sheet(PART, "S", False)
    assert text is not None
    with pytest.raises(NotPlain):
        text.write_columns(3, [(2, ["a", "b", "c"])])  # row 5 is not there
    assert text.serialize() == PART  # nothing written


@pytest.mark.parametrize(
    "odd",
    [
        '<row r="5"><c r="A5"><f>1+1</f><v>2</v></c></row>',  # a formula
        "<!-- a comment -->",
        '<row r="5"><c><v>1</v></c></row>',  # a cell without its address
        '<x:row r="5" xmlns:x="urn:x"/>',
    ],
)
def test_a_sheet_that_is_not_plain_goes_to_the_tree(odd: str) -> None:
    assert plain_sheet((HEAD + ROWS + odd + TAIL).encode(), "S", False) is None


def test_an_empty_row_written_as_one_tag_leaves_it_to_the_tree() -> None:
    text = plain_sheet((HEAD + ROWS + '<row r="6" ht="20"/>' + TAIL).encode(), "S", False)
    assert text is not None
    with pytest.raises(NotPlain):
        text.write_columns(2, [(2, ["a", "b", "c"])])
