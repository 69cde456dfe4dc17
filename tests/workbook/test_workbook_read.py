"""Reading workbooks people really make: messy cells, wrong files, hostile sizes; every problem on its cell."""

from __future__ import annotations

import contextlib
import shutil
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerkit.errors import UnreadableFileError
from partnerkit.io.planfile import load_plan_with_problems
from partnerkit.io.workbook.read import load_plan_from_workbook
from partnerkit.model import Plan
from partnerkit.problems import Problem


def edited(source: Path, tmp_path: Path, edit: Any) -> Path:
    """A copy of an exported workbook changed with openpyxl, as a user's other tools might save it."""
    book = openpyxl.load_workbook(source)
    edit(book)
    target = tmp_path / "edited.xlsx"
    book.save(target)
    return target


def at(problems: list[Problem], location: str) -> Problem:
    found = [p for p in problems if p.location == location]
    assert found, [str(p) for p in problems]
    return found[0]


def test_the_lead_loader_dispatches_workbooks(exported_xlsx: Path, example_plan: Plan) -> None:
    plan, _ = load_plan_with_problems(exported_xlsx)
    assert plan == example_plan


def test_percentages_follow_the_cells_number_format(exported_xlsx: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        ws = book["Partners"]
        ws["G13"] = 0.3  # keeps the column's percentage format: 30%
        ws["G14"] = 25
        ws["G14"].number_format = "General"  # 25 what? rejected
        ws["G15"] = "20%"  # text with a percent sign is fine
        ws["G16"] = 1.4  # formatted as a percentage: 140%, above 100%

    plan, problems = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    assert plan is None
    general = at(problems, "Partners!G14")
    assert general.message.startswith("Margin = 25: expected a percentage: 25 in a cell not formatted")
    assert "2500% or 25%" in general.message
    assert at(problems, "Partners!G16").message == "Margin = 1.4: 140% is above 100%"
    assert not [p for p in problems if p.location in ("Partners!G13", "Partners!G15")]


def test_money_shorthand_is_rejected_with_the_number_meant(exported_xlsx: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        book["Partners"]["H22"] = "$50K"
        book["Partners"]["H23"] = "50,000"

    _, problems = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    assert "write 50000" in at(problems, "Partners!H22").message
    assert "write 50000" in at(problems, "Partners!H23").message
    assert at(problems, "Partners!H22").message.startswith("Annual cost = '$50K'")


def test_dates_as_text_serials_or_dates(exported_xlsx: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        ws = book["Sources"]
        ws["D4"] = "2025-03-01"  # ISO text: fine
        ws["D5"] = 45627  # a serial number in a General cell: 2024-12-01
        ws["D5"].number_format = "General"
        ws["D6"] = "06/01/2024"  # ambiguous order of day and month
        ws["D7"] = 2026  # not a date at all
        ws["D7"].number_format = "General"
        ws["D8"] = datetime(2025, 1, 10)

    plan, problems = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    assert plan is None
    assert "ambiguous" in at(problems, "Sources!D6").message
    assert "2026 is not a date between 1990 and 2100" in at(problems, "Sources!D7").message
    assert not [p for p in problems if p.location in ("Sources!D4", "Sources!D5", "Sources!D8")]


def test_serial_dates_are_read_as_dates(exported_xlsx: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        book["Sources"]["D5"] = 45627
        book["Sources"]["D5"].number_format = "General"

    plan, _ = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    assert plan is not None and str(plan.sources[1].date) == "2024-12-01"


def test_headers_with_trailing_and_non_breaking_spaces(
    exported_xlsx: Path, tmp_path: Path, example_plan: Plan
) -> None:
    def edit(book: Any) -> None:
        ws = book["Partners"]
        table = ws.tables["Partners"]
        for cell, header in (("H3", "Annual\u00a0cost"), ("B3", "Name  ")):
            ws[cell] = header
            for column in table.tableColumns:
                if column.name.strip().replace("\u00a0", " ") == header.strip().replace("\u00a0", " "):
                    column.name = header

    plan, problems = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    assert [p for p in problems if p.is_error] == []
    assert plan == example_plan


def test_merged_cells_count_for_every_cell_they_cover(exported_xlsx: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        ws = book["Partners"]
        for row in (5, 6):
            ws[f"A{row}"] = None
        ws.merge_cells("A4:A6")  # "Integration" written once for three partners

    plan, problems = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    assert [p for p in problems if p.is_error] == []
    assert plan is not None and len(plan.categories.integration.partners) == 9


def test_a_formula_without_a_computed_value_is_named(exported_xlsx: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        book["Partners"]["B4"] = '=CONCAT("North", "wind ERP")'  # openpyxl saves no computed value

    _, problems = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    assert "formula in this cell has no computed value" in at(problems, "Partners!B4").message


def test_all_problems_in_one_run_with_header_value_and_rule(exported_xlsx: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        book["Partners"]["A7"] = "Integrashun"
        book["Partners"]["D8"] = "P7"
        book["Tiers"]["B4"] = "one"
        book["Metrics"]["B5"] = "cuont"

    _, problems = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    assert at(problems, "Partners!A7").message.startswith("Category = 'Integrashun': expected one of")
    assert "'P7' is not a priority" in at(problems, "Partners!D8").message
    assert at(problems, "Tiers!B4").message == "Level = 'one': expected a whole number"
    assert "did you mean 'count'" in at(problems, "Metrics!B5").message
    assert str(at(problems, "Partners!D8")).startswith(
        "Partners!D8: categories.integration.partners[3].priority:"
    )  # row 5 has no category, so it is skipped


def test_a_value_in_a_column_of_another_category_is_a_warning(
    exported_xlsx: Path, tmp_path: Path, example_plan: Plan
) -> None:
    def edit(book: Any) -> None:
        book["Partners"]["G4"] = 0.2  # a margin on an integration partner

    plan, problems = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    assert plan == example_plan
    warning = at(problems, "Partners!G4")
    assert not warning.is_error and "not a field of Integration partners" in warning.message


def test_a_missing_table_and_a_missing_column(exported_xlsx: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        del book["Assumptions"].tables["Assumptions"]
        ws = book["Sources"]
        ws["B3"] = "Name"
        ws.tables["Sources"].tableColumns[1].name = "Name"

    _, problems = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    messages = [p.message for p in problems]
    assert any("no table named 'Assumptions'" in m for m in messages)
    assert any("the Sources table has no column 'Title'" in m for m in messages)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "is empty"),
        (b"name,priority\nAcme,P0\n", "looks like a CSV text file"),
        (b"<!DOCTYPE html><html><body>login</body></html>", "is an HTML page"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old Office compound file"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"),
            r"legacy Excel 97-2003 workbook \(.xls\)",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            r"encrypted \(password-protected\) workbook",
        ),
        (b"%PDF-1.7\n", "is a PDF document"),
        (b"PK\x03\x04truncated", "damaged or truncated zip"),
    ],
)
def test_wrong_files_get_one_sentence(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=says):
        load_plan_from_workbook(path)


def test_a_word_document_renamed(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(UnreadableFileError, match=r"is a Word document \(.docx\)"):
        load_plan_from_workbook(path)


def test_a_zip_bomb_is_refused_before_it_inflates(exported_xlsx: Path, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    shutil.copy(exported_xlsx, path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\x00" * 60_000_000)
    with pytest.raises(UnreadableFileError, match="refusing a zip bomb"):
        load_plan_from_workbook(path)


def test_a_sheet_claiming_the_whole_grid_reads_quickly(
    exported_xlsx: Path, tmp_path: Path, example_plan: Plan
) -> None:
    path = tmp_path / "claims.xlsx"
    with zipfile.ZipFile(exported_xlsx) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                start = text.index("<dimension ref=")
                end = text.index("/>", start)
                data = (text[:start] + '<dimension ref="A1:XFD1048576"' + text[end:]).encode()
            target.writestr(info, data)
    plan, _ = load_plan_from_workbook(path)
    assert plan == example_plan


def test_a_missing_optional_column_is_only_a_warning(exported_xlsx: Path, tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        ws = book["Partners"]
        for cell in ws[3]:
            if cell.value == "Contact":
                cell.value = "Contact person"
        for column in ws.tables["Partners"].tableColumns:
            if column.name == "Contact":
                column.name = "Contact person"

    plan, problems = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    assert plan is not None
    warning = at(problems, "Partners!A3")
    assert not warning.is_error and "no column 'Contact'" in warning.message
    assert all(p.contact is None for _, p in plan.partners())


def test_tier_rules_and_partner_facts_are_read_and_located(exported_xlsx: Path, tmp_path: Path) -> None:
    from partnerkit.io.workbook import layout as L

    rule_col = L.column_letter(L.TIER_RULES.first_col + 1)
    partner_col = L.column_letter(L.PARTNER_FACTS.first_col)

    def edit(book: Any) -> None:
        book["Tiers"][f"{rule_col}4"] = "{fact: revenue, at_least: [oops"  # not a rule
        book["Facts"][f"{partner_col}4"] = "Nobody Inc."

    _, problems = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    assert "expected a rule written like {fact: revenue" in at(problems, f"Tiers!{rule_col}4").message
    assert "not a partner of the Partners table" in at(problems, f"Facts!{partner_col}4").message


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=1, max_value=255)), max_size=4)
)
def test_damaged_bytes_give_only_documented_problems_and_errors(
    exported_xlsx: Path, tmp_path: Path, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(exported_xlsx.read_bytes())
    for where, mask in flips:
        data[where % len(data)] ^= mask
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    with contextlib.suppress(UnreadableFileError):
        load_plan_from_workbook(path)


@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_give_only_documented_errors(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("bytes") / "plan.xlsx"
    path.write_bytes(data)
    with contextlib.suppress(UnreadableFileError):
        load_plan_from_workbook(path)


def test_partners_read_by_blocks_share_their_text_and_keep_their_quotes(
    exported_xlsx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long Partners table validates a block at a time: the rows end up holding the models' own
    strings (not a second copy), and a mistake in one block is still reported on its cell, quoted."""
    import partnerkit.validation as validation
    from partnerkit.io.workbook.read import load_workbook_plan

    at_once = load_workbook_plan(exported_xlsx).plan
    monkeypatch.setattr(validation, "PARTNER_BLOCK", 2)
    loaded = load_workbook_plan(exported_xlsx)
    assert loaded.plan is not None
    refs = loaded.locator.refs  # type: ignore[attr-defined]
    shared = 0
    for index, partner in enumerate(loaded.plan.categories.distribution.partners):
        table, row_no, columns = refs.rows[("categories", "distribution", "partners", index)]
        row = table.rows[row_no - table.top - 1]
        col, _ = columns[("name",)]
        assert row[col - table.left] is partner.name
        shared += 1
    assert shared > 2  # more than one block
    assert loaded.plan == at_once

    def edit(book: Any) -> None:
        book["Partners"]["D8"] = "P7"  # a block that fails; the others validate

    _, problems = load_plan_from_workbook(edited(exported_xlsx, tmp_path, edit))
    assert at(problems, "Partners!D8").message.startswith("Priority = 'P7': 'P7' is not a priority")


def test_rows_with_none_for_blanks_and_trailing_blanks_cut_read_as_full_rows_do(
    exported_xlsx: Path, example_plan: Plan
) -> None:
    """Rows as the Excel bridge may hand them over (a blank cell as None, a row ending at its last
    filled cell) give the plan calamine's full rows of "" give."""
    from partnerkit.io.workbook.read import plan_from_read_tables, read_tables

    tables, problems = read_tables(exported_xlsx)
    for table in tables.values():
        rows = []
        for row in table.rows:
            cells = [None if value == "" else value for value in row]
            while cells and cells[-1] is None:
                cells.pop()
            rows.append(cells)
        table.rows[:] = rows
    assert any(len(row) < len(t.headers) for t in tables.values() for row in t.rows)
    loaded = plan_from_read_tables(tables, problems, exported_xlsx.name)
    assert [str(p) for p in loaded.problems if p.is_error] == []
    assert loaded.plan == example_plan
