"""Owned sheets' rows are written as text and spliced into their part: what that must keep true."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from python_calamine import CalamineWorkbook

from partnerkit.errors import WorkbookError
from partnerkit.io.xlsxpatch import Limits, patch_bytes, patch_workbook
from partnerkit.io.xlsxpatch.verify import verify_workbook

from .builders import PROBLEM_HEADERS, rewrite

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
PARTNERS_PART = "xl/worksheets/sheet2.xml"
PROBLEMS_PART = "xl/worksheets/sheet4.xml"
NEW_PROBLEMS = [PROBLEM_HEADERS] + [["Partners", f"B{i + 2}", f"margin {i}% is < 5 & low"] for i in range(12)]


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def problems(path: Path) -> list[list[object]]:
    rows: list[list[object]] = (
        CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Problems").to_python(skip_empty_area=False)
    )
    return rows


def test_a_row_attribute_in_another_namespace_is_copied_by_its_prefix(planner: Path) -> None:
    # Excel writes x14ac:dyDescent on rows; a row written where one was keeps that row's attributes.
    def excel_like(data: bytes) -> bytes:
        data = data.replace(f'xmlns="{MAIN}"'.encode(), f'xmlns="{MAIN}" xmlns:x14ac="{X14AC}"'.encode(), 1)
        return re.sub(rb"<row ([^>]*?)>", rb'<row \1 x14ac:dyDescent="0.25">', data)

    rewrite(planner, PROBLEMS_PART, excel_like)
    patch_workbook(planner, sheets={"Problems": NEW_PROBLEMS}, backup=False)
    root = etree.fromstring(part(planner, PROBLEMS_PART))
    rows = root.findall(f"{{{MAIN}}}sheetData/{{{MAIN}}}row")
    assert len(rows) == len(NEW_PROBLEMS)
    kept = [row.get(f"{{{X14AC}}}dyDescent") for row in rows]
    assert kept == ["0.25"] * 3 + [None] * (len(NEW_PROBLEMS) - 3)  # the header and the 2 old problems
    assert problems(planner)[: len(NEW_PROBLEMS)] == NEW_PROBLEMS


def test_a_sheet_whose_tags_carry_a_prefix_is_written_through_its_tree(planner: Path) -> None:
    # Some writers spell the main namespace with a prefix (x:row): unprefixed rows would mean nothing.
    def prefixed(data: bytes) -> bytes:
        data = re.sub(rb"<(/?)(?![?!])([A-Za-z]+)(?=[\s/>])", rb"<\1x:\2", data)
        return data.replace(f'xmlns="{MAIN}"'.encode(), f'xmlns:x="{MAIN}"'.encode(), 1)

    rewrite(planner, PROBLEMS_PART, prefixed)
    assert b"<x:sheetData>" in part(planner, PROBLEMS_PART)
    patch_workbook(planner, sheets={"Problems": NEW_PROBLEMS}, backup=False)
    written = part(planner, PROBLEMS_PART)
    assert b"<row" not in written and written.count(b"<x:row ") == len(NEW_PROBLEMS)
    assert problems(planner)[: len(NEW_PROBLEMS)] == NEW_PROBLEMS


def test_the_check_parses_every_part_written_as_text(planner: Path) -> None:
    original = planner.read_bytes()
    patched = patch_bytes(
        original, columns={"Partners": {"Tier": ["Gold"] * 5}}, sheets={"Problems": NEW_PROBLEMS}
    )
    # The Partners sheet went through lxml's serializer; the Problems rows were spliced in as text.
    assert PARTNERS_PART in patched.serialized and PROBLEMS_PART in patched.changed_parts
    assert PROBLEMS_PART not in patched.serialized
    broken = planner.with_name("broken.xlsm")
    broken.write_bytes(patched.data)
    rewrite(broken, PROBLEMS_PART, lambda d: d.replace(b"</row>", b"</rwo>", 1))
    with pytest.raises(
        WorkbookError, match=r"the updated planner\.xlsm .*damaged part \(xl/worksheets/sheet4\.xml\)"
    ):
        verify_workbook(
            broken,
            patched.changed_parts,
            patched.expected,
            "planner.xlsm",
            Limits(),
            serialized=patched.serialized,
        )


def test_a_written_cell_that_reads_back_otherwise_is_refused(planner: Path) -> None:
    original = planner.read_bytes()
    patched = patch_bytes(original, sheets={"Problems": NEW_PROBLEMS})
    broken = planner.with_name("broken.xlsm")
    broken.write_bytes(patched.data)
    rewrite(broken, PROBLEMS_PART, lambda d: d.replace(b"margin 7%", b"margin 8%", 1))
    with pytest.raises(WorkbookError, match=r"reads back 'margin 8% .* at Problems!C9 instead of 'margin 7%"):
        verify_workbook(broken, patched.changed_parts, patched.expected, "planner.xlsm", Limits())


def test_rows_as_text_are_the_rows_the_tree_would_hold(planner: Path) -> None:
    # The same rows through the text path and through the element path (a prefixed part) read the same.
    patch_workbook(planner, sheets={"Problems": NEW_PROBLEMS}, backup=False)
    root = etree.fromstring(part(planner, PROBLEMS_PART))
    dimension = root.find(f"{{{MAIN}}}dimension")
    assert dimension is not None
    assert dimension.get("ref") == f"A1:C{len(NEW_PROBLEMS)}"
    texts = [t.text for t in root.iter(f"{{{MAIN}}}t")]
    assert "margin 3% is < 5 & low" in texts
