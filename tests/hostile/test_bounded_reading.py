"""A sheet's used area is measured from its real cells before python-calamine allocates it.

One real cell at XFD1048576 used to make calamine ask for 512 GiB and abort the process (exit 134,
a Rust backtrace) in ``validate``, ``workbook sync`` and ``tiers --facts``; one at W1048576 made
``validate`` peak near 780 MB. Now such a sheet is refused in one sentence naming it and the far
cell, a facts workbook reads only the sheets that name a partner column, and a sheet within the
limit stays under 500 MB however sparse it is.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.io.ooxml.limits import FACTS_LIMITS, WORKBOOK_LIMITS
from partnerkit.io.ooxml.refs import cell_ref
from partnerkit.io.ooxml.scan import SheetScan
from partnerkit.io.planfile import example_plan_path
from tests.hostile.builders import add_cells, add_far_cell, one_sheet_workbook, sheet_part
from tests.hostile.run import invoke, run

PLAN = example_plan_path()
MEMORY_MB = 500
TABLE_SHEETS = ["Overview", "Partners", "Tiers", "Facts", "Agreements", "Roadmap", "Metrics", "Sources"]

# --- the measure agrees with calamine ---------------------------------------------------------------

SPELLINGS = ["usual", "no address", "no row number", "quotes", "prefix", "shuffled", "attribute first"]
ROWS = st.lists(
    st.tuples(
        st.integers(1, 40),  # rows down from the row before
        st.lists(st.tuples(st.integers(1, 12), st.booleans()), max_size=5),  # (columns right, blank?)
    ),
    max_size=8,
)


def sheet_data(rows: list[tuple[int, list[tuple[int, bool]]]], spelling: str, seed: int) -> bytes:
    """Rows of cells written in one of the spellings a writer of worksheets may use."""
    chance = random.Random(seed)
    out: list[str] = []
    r = 0
    for down, cells in rows:
        r += down
        c, parts = 0, []
        for right, blank in cells:
            c += right
            ref = cell_ref(r, c)
            value = "<v>7</v>"
            if blank:
                parts.append(f'<c r="{ref}" s="1"/>')
            elif spelling == "no address" and chance.random() < 0.5:
                parts.append(f"<c>{value}</c>")
            elif spelling == "quotes":
                parts.append(f"<c r='{ref}'>{value}</c>")
            elif spelling == "prefix":
                parts.append(f'<x:c r="{ref}"><x:v>7</x:v></x:c>')
            elif spelling == "attribute first":
                parts.append(f'<c s="0" a="/>" r="{ref}">{value}</c>')
            else:
                parts.append(f'<c r="{ref}">{value}</c>')
        if spelling == "no row number":
            if chance.random() < 0.3:  # a formatted row without cells still counts as a row
                out.append(f'<row r="{r}" ht="20"/>' if chance.random() < 0.5 else "<row/>")
                r += 1
            out.append(f"<row>{''.join(parts)}</row>")
        elif spelling == "prefix":
            out.append(f'<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="{r}">')
            out[-1] += "".join(parts) + "</x:row>"
        else:
            out.append(f'<row r="{r}">{"".join(parts)}</row>')
    if spelling == "shuffled":
        chance.shuffle(out)
    return "".join(out).encode()


@settings(max_examples=80, deadline=None)
@given(ROWS, st.sampled_from(SPELLINGS), st.integers(0, 1000))
def test_the_measure_is_where_calamine_puts_the_cells(
    rows: list[tuple[int, list[tuple[int, bool]]]], spelling: str, seed: int
) -> None:
    from python_calamine import CalamineWorkbook

    data = sheet_data(rows, spelling, seed)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(one_sheet_workbook(data))).get_sheet_by_name("S")
    end = sheet.end
    expected = (end[0] + 1, end[1] + 1) if end is not None and sheet.height else (0, 0)
    measured = SheetScan(b"<sheetData>" + data + b"</sheetData>").extent()
    assert (measured.rows, measured.columns) == expected


def test_cells_without_a_value_are_measured_only_when_asked() -> None:
    data = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="9"><c r="K9" s="2"/></row>'
    scan = SheetScan(b"<sheetData>" + data + b"</sheetData>")
    assert (scan.extent().rows, scan.extent().columns) == (1, 1)
    assert (scan.extent(styled_blanks=True).rows, scan.extent(styled_blanks=True).columns) == (9, 11)


def test_an_address_out_of_order_is_found_wherever_it_is() -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, 50))
    hidden = '<row r="3"><c r="C3"><v>1</v></c><c r="B900000"><v>1</v></c></row>'
    extent = SheetScan(f"<sheetData>{hidden}{rows}</sheetData>".encode()).extent()
    assert (extent.rows, extent.columns, extent.far_row, extent.far_column) == (900000, 3, "B900000", "C3")


def test_a_far_column_past_the_sheets_first_rows_is_found() -> None:
    """The sweep guesses the width from the first cells: a wider cell thousands of rows down (far past
    the bytes the guess reads), and a lower-case address, still count."""
    rows = [f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="C{r}"><v>2</v></c></row>' for r in range(1, 6000)]
    rows[4000] = '<row r="4001"><c r="A4001"><v>1</v></c><c r="ad4001"><v>3</v></c></row>'
    rows[5000] = '<row r="5001"><c r="AE5001" s="4"/></row>'  # a styled blank: no value, no width
    extent = SheetScan(f"<sheetData>{''.join(rows)}</sheetData>".encode()).extent()
    assert (extent.rows, extent.columns, extent.far_row, extent.far_column) == (5999, 30, "C5999", "AD4001")
    assert (
        SheetScan(f"<sheetData>{''.join(rows)}</sheetData>".encode()).extent(styled_blanks=True).columns == 31
    )


# --- refused in one sentence, never an abort -----------------------------------------------------------


def refusal(sheet: str, cell: str = "XFD1048576") -> str:
    return f"sheet '{sheet}' has a cell at {cell}, so its used area A1:{cell} covers"


def test_validate_refuses_a_planning_workbook_with_a_cell_at_the_far_corner(
    planner_source: Path, copy_of: Callable[[Path, str], Path]
) -> None:
    """The issue's case, run as a user runs it: before, the process died (exit 134, Rust backtrace)."""
    book = add_far_cell(copy_of(planner_source, "planner.xlsx"), "Partners")
    outcome = run("validate", book)
    outcome.assert_clean(codes=(2,))
    assert refusal("Partners") in outcome.err
    assert "more than the 5,000,000 partnerkit reads from one sheet" in outcome.err
    assert outcome.peak_mb is not None and outcome.peak_mb < MEMORY_MB


@pytest.mark.parametrize("sheet", TABLE_SHEETS)
def test_every_sheet_that_holds_a_table_is_measured_before_it_is_read(
    planner_source: Path, copy_of: Callable[[Path, str], Path], sheet: str
) -> None:
    book = add_far_cell(copy_of(planner_source, "planner.xlsx"), sheet)
    for command in (["validate", book], ["workbook", "sync", book], ["tiers", book]):
        outcome = invoke(*command)
        outcome.assert_clean(codes=(2,))
        assert refusal(sheet) in outcome.err


def test_a_sheet_without_tables_is_not_read_so_its_far_cell_does_not_matter(
    planner_source: Path, copy_of: Callable[[Path, str], Path]
) -> None:
    book = add_far_cell(copy_of(planner_source, "planner.xlsx"), "Lists")
    invoke("validate", book).assert_clean(codes=(0,))


def test_the_issues_w_column_cell_is_refused_instead_of_costing_780_mb(
    planner_source: Path, copy_of: Callable[[Path, str], Path]
) -> None:
    book = add_far_cell(copy_of(planner_source, "planner.xlsx"), "Partners", "W1048576")
    outcome = invoke("validate", book)
    outcome.assert_clean(codes=(2,))
    assert refusal("Partners", "W1048576") in outcome.err


def test_the_claimed_dimension_is_not_believed(
    planner_source: Path, copy_of: Callable[[Path, str], Path]
) -> None:
    import re
    import zipfile

    book = copy_of(planner_source, "planner.xlsx")
    part = sheet_part(book, "Partners")
    with zipfile.ZipFile(book) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries[part] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', entries[part])
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    invoke("validate", book).assert_clean(codes=(0,))


def test_sync_refuses_a_far_cell_before_writing_anything(
    planner_source: Path, copy_of: Callable[[Path, str], Path]
) -> None:
    book = add_far_cell(copy_of(planner_source, "planner.xlsx"), "Partners")
    before = book.read_bytes()
    outcome = run("workbook", "sync", book)
    outcome.assert_clean(codes=(2,))
    assert refusal("Partners") in outcome.err
    assert outcome.peak_mb is not None and outcome.peak_mb < MEMORY_MB
    assert book.read_bytes() == before
    assert sorted(p.name for p in book.parent.iterdir()) == ["planner.xlsx"]


def test_a_facts_workbook_reads_only_the_sheets_that_name_partners(
    facts_source: Path, copy_of: Callable[[Path, str], Path]
) -> None:
    """A far cell on the notes sheet beside the export: before, 'tiers --facts' aborted (every sheet was read)."""
    facts = add_far_cell(copy_of(facts_source, "facts.xlsx"), "Notes")
    outcome = run("tiers", PLAN, "--facts", facts, "--as-of", "2026-10-01", "--json")
    outcome.assert_clean(codes=(0,))
    assert outcome.peak_mb is not None and outcome.peak_mb < MEMORY_MB
    assert (
        "facts.xlsx: Notes!A1: warning: sheet 'Notes' has no 'partner' column; it was not read" in outcome.err
    )
    assert '"partner": "Orbit CRM"' in outcome.out


def test_a_far_cell_on_the_facts_sheet_itself_is_refused(
    facts_source: Path, copy_of: Callable[[Path, str], Path]
) -> None:
    facts = add_far_cell(copy_of(facts_source, "facts.xlsx"), "Facts")
    outcome = invoke("tiers", PLAN, "--facts", facts)
    outcome.assert_clean(codes=(2,))
    assert refusal("Facts") in outcome.err
    assert "more than the 6,000,000 partnerkit reads from one sheet" in outcome.err


def test_the_limits_are_the_documented_ones() -> None:
    docs = Path(__file__).parents[2] / "docs"
    assert WORKBOOK_LIMITS.max_cells == 5_000_000 and FACTS_LIMITS.max_cells == 6_000_000
    assert "5,000,000 cells" in (docs / "excel.md").read_text(encoding="utf-8")
    assert "6,000,000 cells" in (docs / "tiers.md").read_text(encoding="utf-8")


# --- within the limit, memory stays bounded however sparse the sheet ---------------------------------


@pytest.mark.slow
def test_a_sparse_sheet_at_the_limit_stays_under_500_mb(
    planner_source: Path, facts_source: Path, copy_of: Callable[[Path, str], Path]
) -> None:
    """One far cell that makes each sheet just fit the limit: the cost is python-calamine's rectangle."""
    book = copy_of(planner_source, "planner.xlsx")
    width = 23  # the Partners table's columns: A to W
    add_cells(book, "Partners", {cell_ref(WORKBOOK_LIMITS.max_cells // width, width): "<v>1</v>"})
    facts = copy_of(facts_source, "facts.xlsx")
    add_cells(facts, "Facts", {cell_ref(FACTS_LIMITS.max_cells // 6, 6): "<v>1</v>"})
    # validate reads a workbook as sync does before it writes; sync is the one to measure.
    for command in (["workbook", "sync", book], ["tiers", PLAN, "--facts", facts]):
        outcome = run(*command)
        outcome.assert_clean(codes=(0, 1))
        assert outcome.peak_mb is not None and outcome.peak_mb < MEMORY_MB, (command[0], outcome.peak_mb)
