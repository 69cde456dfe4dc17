"""Overwriting cells that held formulas keeps the workbook consistent: shared, array and chained formulas."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from partnerkit.errors import WorkbookError
from partnerkit.io.xlsxpatch import patch_workbook

from .builders import rewrite

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
SHEET = "xl/worksheets/sheet2.xml"
MAIN = NS["m"]


def set_cell(ref: str, xml: str) -> object:
    """A change that replaces the cell at ``ref`` in the Partners sheet with ``xml``."""
    return lambda data: re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)'.encode(), xml.encode(), data, count=1)


def add_calc_chain(path: Path, entries: str) -> None:
    rewrite(path, "xl/calcChain.xml", lambda _: f'<calcChain xmlns="{MAIN}">{entries}</calcChain>'.encode())
    rel = (
        '<Relationship Id="rId99" Target="calcChain.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"/>'
    )
    rewrite(
        path,
        "xl/_rels/workbook.xml.rels",
        lambda d: d.replace(b"</Relationships>", rel.encode() + b"</Relationships>"),
    )
    override = (
        '<Override PartName="/xl/calcChain.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/>'
    )
    rewrite(path, "[Content_Types].xml", lambda d: d.replace(b"</Types>", override.encode() + b"</Types>"))


def read(path: Path, part: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part)


def cell(path: Path, ref: str) -> etree._Element:
    return etree.fromstring(read(path, SHEET)).xpath(f"//m:c[@r='{ref}']", namespaces=NS)[0]


TIERS = {"Partners": {"Tier": ["Gold", "Silver", "Bronze", "Gold", "Silver"]}}


def test_calc_chain_forgets_overwritten_formulas(planner: Path) -> None:
    rewrite(planner, SHEET, set_cell("C2", '<c r="C2" s="3"><f>B2*2</f><v>2000</v></c>'))
    add_calc_chain(planner, '<c r="C2" i="2"/><c r="F2"/><c r="I2"/><c r="B1" i="3"/>')
    report = patch_workbook(planner, columns=TIERS)
    assert "xl/calcChain.xml" in report.changed_parts
    chain = etree.fromstring(read(planner, "xl/calcChain.xml"))
    assert [(c.get("r"), c.get("i")) for c in chain] == [("F2", "2"), ("I2", "2"), ("B1", "3")]
    assert cell(planner, "C2").find("m:f", NS) is None


def test_an_emptied_calc_chain_is_removed_with_what_points_to_it(planner: Path) -> None:
    rewrite(planner, SHEET, set_cell("C3", '<c r="C3" s="3"><f>B3*2</f><v>4000</v></c>'))
    add_calc_chain(planner, '<c r="C3" i="2"/>')
    report = patch_workbook(planner, columns=TIERS)
    assert set(report.changed_parts) == {
        SHEET,
        "xl/calcChain.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    }
    with zipfile.ZipFile(planner) as archive:
        assert "xl/calcChain.xml" not in archive.namelist()
    assert b"calcChain" not in read(planner, "xl/_rels/workbook.xml.rels")
    assert b"calcChain" not in read(planner, "[Content_Types].xml")


def test_a_shared_formula_moves_to_a_cell_that_keeps_it(planner: Path) -> None:
    rewrite(
        planner,
        SHEET,
        set_cell("C2", '<c r="C2" s="3"><f t="shared" ref="C2:D2" si="0">B2*2</f><v>2000</v></c>'),
    )
    rewrite(
        planner,
        SHEET,
        lambda d: d.replace(b'<c r="F2"', b'<c r="D2"><f t="shared" si="0"/><v>4000</v></c><c r="F2"', 1),
    )
    patch_workbook(planner, columns=TIERS, backup=False)
    formula = cell(planner, "D2").find("m:f", NS)
    assert (formula.text, formula.get("ref"), formula.get("si")) == ("C2*2", "D2", "0")
    assert cell(planner, "C2").find("m:f", NS) is None


def test_an_array_formula_is_never_cut_in_two(planner: Path) -> None:
    original_sheet = '<c r="C3" s="3"><f t="array" ref="C3:D3">B3:B3*2</f><v>1</v></c>'
    rewrite(planner, SHEET, set_cell("C3", original_sheet))
    before = planner.read_bytes()
    with pytest.raises(WorkbookError, match=re.escape("Partners!C3 is part of the array formula in C3:D3")):
        patch_workbook(planner, columns=TIERS)
    assert planner.read_bytes() == before
    patch_workbook(planner, columns={"Partners": {"Tier": [1] * 5, "Change": [2] * 5}}, backup=False)
    assert cell(planner, "C3").find("m:f", NS) is None


def test_a_calculated_column_becomes_a_results_column(planner: Path) -> None:
    report = patch_workbook(planner, columns={"Partners": {"ARR x2": [1, 2, 3, 4, 5]}})
    assert "xl/tables/table1.xml" in report.changed_parts
    assert b"calculatedColumnFormula" not in read(planner, "xl/tables/table1.xml")
    assert [cell(planner, f"F{r}").findtext("m:v", namespaces=NS) for r in range(2, 7)] == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    assert cell(planner, "I2").find("m:f", NS) is not None  # the SUM beside the table stays


def test_a_huge_array_range_is_judged_without_counting_its_cells(planner: Path) -> None:
    rewrite(planner, SHEET, set_cell("I2", '<c r="I2"><f t="array" ref="I2:XFD1048576">1</f><v>1</v></c>'))
    patch_workbook(planner, columns=TIERS, backup=False)  # beside the table: fine
    rewrite(planner, SHEET, set_cell("A3", '<c r="A3"><f t="array" ref="A3:XFD1048576">1</f><v>1</v></c>'))
    with pytest.raises(
        WorkbookError, match=re.escape("Partners!A3 is part of the array formula in A3:XFD1048576")
    ):
        patch_workbook(planner, columns=TIERS)
