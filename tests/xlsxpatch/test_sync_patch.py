"""Sync writes partnerkit's cells and sheets and leaves every other part of the workbook byte-identical."""

from __future__ import annotations

import os
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from python_calamine import CalamineWorkbook

from partnerkit.errors import WorkbookError
from partnerkit.io.xlsxpatch import patch_workbook

from .builders import PROBLEM_HEADERS, build_planner, part_hashes, raw_entries

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
PARTNERS_PART = "xl/worksheets/sheet2.xml"
PROBLEMS_PART = "xl/worksheets/sheet4.xml"
PROBLEMS_TABLE = "xl/tables/table2.xml"

RESULTS = {
    "Tier": ["Gold", "Silver", '=HYPERLINK("http://x")', "Bronze", None],
    "Change": ["up", "", "down", "+1", "@SUM(A1)"],
    "Top gaps": [1.5, 2, True, "-3", "\tpadded "],
}
NEW_PROBLEMS = [PROBLEM_HEADERS] + [["Partners", f"B{i + 2}", f"margin {i}% is low"] for i in range(12)]


def sheet_values(path: Path, sheet: str) -> list[list[object]]:
    """A sheet's values from A1, as python-calamine reads them."""
    rows: list[list[object]] = (
        CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    )
    return rows


def part_xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(part))


def cell_xml(path: Path, ref: str) -> etree._Element:
    found = part_xml(path, PARTNERS_PART).xpath(f"//m:c[@r='{ref}']", namespaces=NS)
    assert found, ref
    return found[0]


def sync(path: Path) -> object:
    return patch_workbook(path, columns={"Partners": RESULTS}, sheets={"Problems": NEW_PROBLEMS})


def test_every_part_but_the_owned_ones_keeps_its_bytes(planner: Path) -> None:
    hashes, raw = part_hashes(planner), raw_entries(planner)
    with zipfile.ZipFile(planner) as archive:
        order = archive.namelist()
    report = sync(planner)
    owned = {PARTNERS_PART, PROBLEMS_PART, PROBLEMS_TABLE}
    assert set(report.changed_parts) == owned
    after_hashes, after_raw = part_hashes(planner), raw_entries(planner)
    with zipfile.ZipFile(planner) as archive:
        assert archive.namelist() == order
    for name in order:
        if name in owned:
            assert after_hashes[name] != hashes[name], name
        else:
            assert after_hashes[name] == hashes[name], name
            assert after_raw[name] == raw[name], f"{name}: compressed bytes differ"
    for kept in (
        "xl/vbaProject.bin",
        "xl/drawings/vmlDrawing1.vml",
        "xl/charts/chart1.xml",
        "xl/sharedStrings.xml",
        "xl/media/image1.png",
        "xl/pivotCache/pivotCacheDefinition1.xml",
        "customXml/item1.xml",
        "xl/ctrlProps/ctrlProp1.xml",
    ):
        assert kept in order  # the fixture holds what the test claims to protect


def test_results_read_back_through_calamine(planner: Path) -> None:
    sync(planner)
    rows = sheet_values(planner, "Partners")
    assert [r[2] for r in rows[1:6]] == ["Gold", "Silver", '=HYPERLINK("http://x")', "Bronze", ""]
    assert [r[3] for r in rows[1:6]] == ["up", "", "down", "+1", "@SUM(A1)"]
    assert [r[4] for r in rows[1:6]] == [1.5, 2, True, "-3", "\tpadded "]
    assert [r[0] for r in rows[1:6]] == [f"Partner {i}" for i in range(5)]  # the user's cells stay
    assert [r[5] for r in rows[1:6]] == [2000.0 * (i + 1) for i in range(5)]  # cached formula values stay
    assert sheet_values(planner, "Problems") == NEW_PROBLEMS


def test_results_read_back_through_openpyxl(planner: Path) -> None:
    import openpyxl

    sync(planner)
    book = openpyxl.load_workbook(planner, read_only=True)
    try:
        cells = list(book["Partners"].iter_rows(min_row=2, max_row=6, min_col=3, max_col=5))
        assert [c[0].value for c in cells] == ["Gold", "Silver", '=HYPERLINK("http://x")', "Bronze", None]
        assert [c[0].data_type for c in cells[:4]] == ["s"] * 4
        assert [c[2].value for c in cells] == [1.5, 2, True, "-3", "\tpadded "]
        problems = [[c.value for c in row] for row in book["Problems"].iter_rows()]
        assert problems == NEW_PROBLEMS
    finally:
        book.close()


def test_text_is_never_a_formula_and_styles_stay(planner: Path) -> None:
    before = {ref: cell_xml(planner, ref).get("s") for ref in ("C2", "C4", "C6")}
    sync(planner)
    cell = cell_xml(planner, "C4")
    assert cell.get("t") == "inlineStr"
    assert cell.find("m:f", NS) is None
    assert {ref: cell_xml(planner, ref).get("s") for ref in ("C2", "C4", "C6")} == before
    assert before["C2"] is not None  # the fixture's fill on the Tier column
    formulas = part_xml(planner, PARTNERS_PART).xpath("//m:f", namespaces=NS)
    assert len(formulas) == 6  # the five ARR x2 formulas and the SUM, none created from data


def test_shared_strings_stay_untouched(planner: Path) -> None:
    before = part_hashes(planner)["xl/sharedStrings.xml"]
    sync(planner)
    assert part_hashes(planner)["xl/sharedStrings.xml"] == before


def test_owned_table_follows_its_rows(planner: Path) -> None:
    report = sync(planner)
    assert report.tables_resized == ("Problems: A1:C3 -> A1:C13",)
    table = part_xml(planner, PROBLEMS_TABLE)
    assert table.get("ref") == "A1:C13"
    assert table.find("m:autoFilter", NS).get("ref") == "A1:C13"
    report = patch_workbook(planner, sheets={"Problems": [["Sheet", "Cell", "Message", "Hint"]]})
    assert report.warnings == ("table Problems: columns are now Sheet, Cell, Message, Hint",)
    table = part_xml(planner, PROBLEMS_TABLE)
    assert table.get("ref") == "A1:D2"  # a table keeps one (empty) data row
    names = [c.get("name") for c in table.find("m:tableColumns", NS)]
    assert names == ["Sheet", "Cell", "Message", "Hint"]
    assert table.find("m:tableColumns", NS).get("count") == "4"
    assert sheet_values(planner, "Problems")[0] == ["Sheet", "Cell", "Message", "Hint"]


def test_dimension_tells_the_truth(planner: Path) -> None:
    sync(planner)
    assert part_xml(planner, PROBLEMS_PART).find("m:dimension", NS).get("ref") == "A1:C13"
    patch_workbook(planner, sheets={"Problems": [PROBLEM_HEADERS]})
    assert part_xml(planner, PROBLEMS_PART).find("m:dimension", NS).get("ref") == "A1:C1"


def test_backup_and_mode(planner: Path) -> None:
    os.chmod(planner, 0o640)
    original = planner.read_bytes()
    report = sync(planner)
    assert report.backup == planner.with_name("planner.xlsm.bak")
    assert report.backup.read_bytes() == original
    assert (planner.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in planner.parent.iterdir()) == ["planner.xlsm", "planner.xlsm.bak"]


def test_nothing_to_write_leaves_the_file_alone(planner: Path) -> None:
    original = planner.read_bytes()
    report = patch_workbook(planner)
    assert report.changed_parts == () and report.backup is None
    assert planner.read_bytes() == original
    assert not planner.with_name("planner.xlsm.bak").exists()


def test_dates_are_serial_numbers(planner: Path) -> None:
    patch_workbook(planner, columns={"Partners": {"Change": [date(2026, 1, 15)] * 5}}, backup=False)
    assert [r[3] for r in sheet_values(planner, "Partners")[1:6]] == [46037.0] * 5


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"columns": {"Partnerz": {"Tier": []}}},
            "no table named 'Partnerz' (its tables: 'Partners', 'Problems')",
        ),
        ({"columns": {"Partners": {"Level": [1] * 5}}}, "table Partners has no column 'Level'"),
        ({"columns": {"Partners": {"Tier": ["Gold"]}}}, "has 5 data rows but 1 values were given for 'Tier'"),
        ({"sheets": {"Issues": []}}, "has no sheet named 'Issues'"),
        (
            {"columns": {"Partners": {"Tier": ["x"] * 5}}, "sheets": {"Partners": []}},
            "cannot also be replaced",
        ),
        ({"columns": {"Partners": {"Tier": ["x" * 40_000] * 5}}}, "over Excel's 32,767 limit"),
        ({"columns": {"Partners": {"Tier": [float("nan")] * 5}}}, "not a number Excel can store"),
        ({"sheets": {"Problems": [["Sheet", "", "Problem"]]}}, "must be non-empty texts"),
    ],
)
def test_requests_that_cannot_be_met_are_refused(planner: Path, changes: dict, message: str) -> None:
    original = planner.read_bytes()
    with pytest.raises(WorkbookError, match=message.replace("(", r"\(").replace(")", r"\)")):
        patch_workbook(planner, **changes)
    assert planner.read_bytes() == original


def test_headers_match_without_case_or_stray_spaces(planner: Path) -> None:
    patch_workbook(
        planner, columns={"partners": {" top\u00a0GAPS ": ["a", "b", "c", "d", "e"]}}, backup=False
    )
    assert [r[4] for r in sheet_values(planner, "Partners")[1:6]] == ["a", "b", "c", "d", "e"]


def test_columns_are_found_by_header_wherever_the_table_sits(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "moved.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Partners")
    ws.write_string(0, 0, "a title above the table")
    ws.add_table(
        3,
        2,
        5,
        4,
        {
            "name": "Partners",
            "data": [["A", "x", 1], ["B", "y", 2]],
            "columns": [{"header": "Partner"}, {"header": "Tier"}, {"header": "Score"}],
        },
    )
    wb.close()
    patch_workbook(path, columns={"Partners": {"Tier": ["Gold", "Silver"]}}, backup=False)
    rows = sheet_values(path, "Partners")
    assert [rows[4][3], rows[5][3]] == ["Gold", "Silver"]
    assert [rows[4][4], rows[5][4]] == [1, 2]


def test_workbook_with_many_sheets_and_no_vba(tmp_path: Path) -> None:
    path = build_planner(tmp_path / "plain.xlsx", partners=3, vba=False)
    hashes = part_hashes(path)
    patch_workbook(path, columns={"Partners": {"Tier": ["a", "b", "c"]}}, backup=False)
    after = part_hashes(path)
    assert [n for n in hashes if hashes[n] != after[n]] == [PARTNERS_PART]


def test_an_owned_sheet_with_a_table_away_from_column_a_is_refused(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "moved.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Problems").add_table("B3:C4", {"name": "Problems"})
    wb.close()
    original = path.read_bytes()
    with pytest.raises(WorkbookError, match="table Problems on sheet Problems does not start in column A"):
        patch_workbook(path, sheets={"Problems": [["Sheet", "Problem"]]})
    assert path.read_bytes() == original


def test_an_owned_sheet_keeps_the_rows_above_its_table(tmp_path: Path) -> None:
    from datetime import date

    import xlsxwriter
    from python_calamine import CalamineWorkbook

    path = tmp_path / "titled.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Problems")
    ws.write_string(0, 0, "Problems")
    ws.write_string(1, 3, "a note beside the buttons")
    ws.merge_range(1, 0, 1, 1, "merged above the table")
    when = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.set_column(1, 1, 12, when)
    ws.add_table("A3:B4", {"name": "Problems", "columns": [{"header": "Problem"}, {"header": "Since"}]})
    wb.close()
    rows = [["Problem", "Since"], ["one", date(2026, 1, 5)], ["two", date(2026, 2, 1)]]
    report = patch_workbook(path, sheets={"Problems": rows}, backup=False)
    assert report.tables_resized == ("Problems: A3:B4 -> A3:B5",)
    got = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Problems").to_python()
    assert (
        got[0][0] == "Problems"
        and got[1][0] == "merged above the table"
        and got[1][3] == "a note beside the buttons"
    )
    assert got[2:5] == [
        ["Problem", "Since", "", ""],
        ["one", date(2026, 1, 5), "", ""],
        ["two", date(2026, 2, 1), "", ""],
    ]


def test_rows_and_cells_that_do_not_exist_yet_are_made_in_order(tmp_path: Path) -> None:
    import openpyxl
    import xlsxwriter

    path = tmp_path / "empty.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Partners")
    ws.add_table(
        "B2:D5", {"name": "Partners", "columns": [{"header": h} for h in ("Partner", "Tier", "Score")]}
    )
    ws.write_string(3, 5, "a note in row 4, after the table")
    ws.write_string(7, 0, "below")
    wb.close()
    patch_workbook(path, columns={"Partners": {"Score": [1, 2, 3], "Tier": ["a", None, "c"]}}, backup=False)
    sheet = part_xml(path, "xl/worksheets/sheet1.xml")
    rows = [int(r.get("r")) for r in sheet.find("m:sheetData", NS)]
    assert rows == sorted(rows)
    row4 = sheet.xpath("//m:row[@r='4']/m:c/@r", namespaces=NS)
    assert row4 == ["D4", "F4"]  # no empty cell is made for None
    assert sheet.find("m:dimension", NS).get("ref") == "A2:F8"
    book = openpyxl.load_workbook(path, read_only=True)  # read-only openpyxl believes <dimension>
    try:
        values = [[c.value for c in row] for row in book["Partners"].iter_rows(min_row=3, max_row=5)]
    finally:
        book.close()
    assert [v[2:4] for v in values] == [["a", 1], [None, 2], ["c", 3]]
    assert values[1][5] == "a note in row 4, after the table"
