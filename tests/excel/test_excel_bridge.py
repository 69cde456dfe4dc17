"""The buttons, driven through xlwings' remote engine: what each one writes back into the workbook."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from partnerkit.excel import actions as bridge
from partnerkit.excel.buttons import choose_action
from partnerkit.io.workbook import layout as L
from partnerkit.model import Plan
from tests.excel.conftest import companion


def actions(book: Any) -> list[dict[str, Any]]:
    """What the bridge asked Excel to do, in order."""
    return list(book.json()["actions"])


def written(book: Any, sheet: str) -> list[dict[str, Any]]:
    """The setValues actions on one sheet."""
    index = [s.name for s in book.sheets].index(sheet)
    return [a for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == index]


def formats(book: Any, sheet: str) -> dict[tuple[int, int], str]:
    """The number format the bridge set on each (0-based row, column) of a sheet, last one winning."""
    index = [s.name for s in book.sheets].index(sheet)
    out: dict[tuple[int, int], str] = {}
    for a in actions(book):
        if a["func"] == "setNumberFormat" and a["sheet_position"] == index:
            for r in range(a["start_row"], a["start_row"] + a["row_count"]):
                for c in range(a["start_column"], a["start_column"] + a["column_count"]):
                    out[r, c] = a["args"][0]
    return out


def table_at(book: Any, sheet: str, table: str) -> tuple[int, int]:
    """The 0-based row and column of a table's header, from what Excel's client sent."""
    import re

    found = next(t for t in book.sheets[sheet].api["tables"] if t["name"] == table)
    letters, number = re.match(r"\$([A-Z]+)\$(\d+)", found["range_address"]).groups()  # type: ignore[union-attr]
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(number) - 1, col - 1


def row_of(book: Any, sheet: str, table: str, label: str) -> int:
    """The 0-based sheet row of a fixed row of a table (Settings, Status) by its label."""
    top, left = table_at(book, sheet, table)
    values = book.sheets[sheet].api["values"]
    return next(r for r in range(top + 1, len(values)) if values[r][left] == label)


DATA = L.PARTNERS_TABLE.first_row + 1  # 0-based row of every table's first data row


def test_validate_writes_nothing_but_an_empty_problems_table_for_a_clean_plan(
    open_book: Any, example: Plan
) -> None:
    book = open_book(example)
    problems = bridge.validate(book)
    assert [p for p in problems if p.is_error] == []
    (write,) = written(book, L.PROBLEMS)
    assert all(row[0] == "warning" for row in write["values"] if row[0])
    # The bridge never writes to the sheets the user edits when it only validates: the Problems
    # sheet, and the Overview's Status column, nothing else.
    assert {a["sheet_position"] for a in actions(book) if a["func"] == "setValues"} == {
        L.SHEETS.index(L.PROBLEMS),
        L.SHEETS.index(L.OVERVIEW),
    }
    (status,) = written(book, L.OVERVIEW)
    top, left = table_at(book, L.OVERVIEW, "Status")
    assert (status["start_row"], status["start_column"]) == (top + 1, left + 1)
    errors, warnings, grounding, _, button, _ = (row[0] for row in status["values"])
    assert (errors, button) == (0, "Validate") and warnings == len(problems) and 0 < grounding <= 1


def test_validate_puts_every_problem_on_its_cell(open_book: Any, example: Plan) -> None:
    book = open_book(example)
    # Brightline Advisory is the first distribution partner: row 13 of the Partners sheet (the
    # header is on row 3, under the sheet's title and buttons).
    book.sheets["Partners"].api["values"][DATA + 9][6] = 1.4  # Margin
    book.sheets["Sources"].api["values"][DATA][1] = "x" * 201  # Title, over 200 characters
    bridge.validate(book)
    (write,) = written(book, L.PROBLEMS)
    rows = write["values"]
    by_cell = {(r[1], r[2]): r for r in rows}
    margin = by_cell[("Partners", "G13")]
    assert margin[:4] == ["error", "Partners", "G13", "categories.distribution.partners[0].margin"]
    assert margin[4] == "Margin = 1.4: 140% is above 100%"
    title = by_cell[("Sources", "B4")]
    assert title[0] == "error" and title[4].startswith("Title = ")
    # One 2-D write of the whole Problems table, text formatted as text first.
    assert write["row_count"] == len(rows) and write["column_count"] == len(L.PROBLEMS_TABLE.columns)
    funcs = [a["func"] for a in actions(book) if a["sheet_position"] == L.SHEETS.index(L.PROBLEMS)]
    assert funcs.index("setNumberFormat") < funcs.index("setValues")


def test_a_tier_that_does_not_exist_is_found_by_the_plan_checks(open_book: Any, example: Plan) -> None:
    plan = example.model_copy(deep=True)
    plan.categories.distribution.partners[0].tier = "Platinum"
    book = open_book(plan)
    bridge.validate(book)
    (write,) = written(book, L.PROBLEMS)
    row = next(r for r in write["values"] if r[1:3] == ["Partners", "F13"])
    assert row[0] == "error" and "Platinum" in row[4]


def test_a_partner_named_like_a_formula_stays_text(open_book: Any, example: Plan) -> None:
    plan = example.model_copy(deep=True)
    plan.categories.integration.partners[0].name = '=HYPERLINK("http://x")'
    plan.categories.integration.partners[1].name = '=HYPERLINK("http://x")'  # a duplicate: a problem
    book = open_book(plan)
    bridge.validate(book)
    (write,) = written(book, L.PROBLEMS)
    messages = [r[4] for r in write["values"]]
    assert any("HYPERLINK" in m for m in messages)
    assert not any(str(v).startswith("=") for row in write["values"] for v in row)


def test_strategy_report_goes_to_a_folder_beside_the_workbook(
    open_book: Any, example: Plan, tmp_path: Path
) -> None:
    book = open_book(example)
    paths = bridge.generate_strategy_report(book)
    folder = Path("planner documents")
    assert paths == [folder / "strategy.md", folder / "strategy-roadmap.png", folder / "strategy.docx"]
    markdown = (tmp_path / paths[0]).read_text(encoding="utf-8")
    assert markdown.startswith("# ") and "](strategy-roadmap.png)" in markdown  # the Gantt chart shows
    (documents,) = written(book, L.AGREEMENTS)
    kinds = ["Partnership strategy", "Roadmap chart", "Partnership strategy"]
    assert documents["values"] == [[k, "", str(p)] for k, p in zip(kinds, paths, strict=True)]


def test_the_word_strategy_of_the_button_is_the_commands(
    open_book: Any, example: Plan, tmp_path: Path
) -> None:
    """The button and ``partnerkit report -o strategy.docx`` write the same document, chart included."""
    from click.testing import CliRunner

    from partnerkit.cli import cli
    from partnerkit.io.planfile import dump_plan
    from partnerkit.io.word.outline import outline

    book = open_book(example)
    button = tmp_path / bridge.generate_strategy_report(book)[-1]
    plan = tmp_path / "plan.yaml"
    plan.write_text(dump_plan(example, "yaml"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(plan), "-o", str(tmp_path / "cli.docx")])
    assert result.exit_code == 0, result.output
    assert outline(button) == outline(tmp_path / "cli.docx")
    with zipfile.ZipFile(button) as archive:
        assert any(n.startswith("word/media/") and n.endswith(".png") for n in archive.namelist())


def test_generate_agreements_drafts_each_partner_beside_the_workbook(
    open_book: Any, example: Plan, tmp_path: Path
) -> None:
    pytest.importorskip("partnerkit.io.word", reason="Word documents (issue 5) are not here yet")
    book = open_book(example, active_sheet="Agreements")
    paths = bridge.generate_agreements(book)
    assert paths and all((tmp_path / p).exists() and p.suffix == ".docx" for p in paths)
    (documents,) = written(book, L.AGREEMENTS)
    assert [row[0] for row in documents["values"]] == ["Agreement draft"] * len(paths)
    assert {row[1] for row in documents["values"]} <= {p.name for _, p in example.partners()}


def test_bad_data_never_raises_into_excel(open_book: Any, example: Plan, xw: Any) -> None:
    book = open_book(example)
    # Break the Partners table the way a user could: delete its header row's Name column.
    sheet = book.sheets["Partners"]
    sheet.api["values"][L.PARTNERS_TABLE.first_row][1] = "Partner name?"
    bridge.run(book, "validate")
    (write,) = written(book, L.PROBLEMS)
    assert any("no column 'Name'" in r[4] for r in write["values"])


def test_an_unexpected_failure_lands_on_the_problems_sheet(open_book: Any, example: Plan) -> None:
    book = open_book(example)
    bridge.ACTIONS["explode"] = lambda _book: 1 / 0
    try:
        bridge.run(book, "explode")
    finally:
        del bridge.ACTIONS["explode"]
    (write,) = written(book, L.PROBLEMS)
    assert "ZeroDivisionError" in write["values"][0][4]


def test_a_button_without_its_capability_says_so(open_book: Any, example: Plan) -> None:
    book = open_book(example)
    bridge.run(book, "no_such_action")
    (write,) = written(book, L.PROBLEMS)
    assert "update partnerkit" in write["values"][0][4]


@pytest.mark.parametrize(
    ("sheet", "caption", "action"),
    [
        ("Problems", None, "validate"),
        ("Overview", "Validate", "validate"),
        ("Overview", " generate  Strategy report ", "generate_strategy_report"),
        ("Overview", None, "generate_strategy_report"),
        ("Partners", None, "evaluate_tiers"),
        ("Partners", "Review tiers", "review_tiers"),
        ("Review", None, "review_tiers"),
        ("Roadmap", None, "schedule_roadmap"),
        ("Schedule", None, "schedule_roadmap"),
        ("Agreements", None, "generate_agreements"),
        ("Terms", None, "check_terms"),
        ("Metrics", None, "validate"),
    ],
)
def test_choose_action_by_control_then_sheet(sheet: str, caption: str | None, action: str) -> None:
    assert choose_action(sheet, caption) == action


@pytest.mark.parametrize(
    ("sheet", "expected"), [("Problems", "validate"), ("Overview", "generate_strategy_report")]
)
def test_main_dispatches_the_clicked_button(
    open_book: Any, example: Plan, xw: Any, sheet: str, expected: str, tmp_path: Path
) -> None:
    book = open_book(example, active_sheet=sheet)
    book.set_mock_caller()
    planner = companion()
    planner.main()
    caller = xw.Book.caller()
    assert written(caller, L.PROBLEMS)
    report = tmp_path / "planner documents" / "strategy.md"
    assert report.exists() == (expected == "generate_strategy_report")


def test_risky_text_is_written_with_excels_text_marker(open_book: Any, example: Plan) -> None:
    from partnerkit.excel.book import write_table

    book = open_book(example)
    write_table(book, "Problems", [["error", "Partners", "B2", "", '=HYPERLINK("http://x")', "+1"]])
    (write,) = written(book, L.PROBLEMS)
    assert write["values"] == [["error", "Partners", "B2", "", '\'=HYPERLINK("http://x")', "'+1"]]


def test_evaluate_tiers_writes_tier_change_and_gaps_beside_each_partner(
    open_book: Any, example: Plan
) -> None:
    from datetime import date

    book = open_book(example, active_sheet="Partners")
    columns = bridge.evaluate_tiers(book, as_of=date(2026, 10, 1))
    (write,) = written(book, L.PARTNERS)
    headers = L.PARTNERS_TABLE.headers
    first = headers.index("Proposed tier")
    # One 2-D write of the three result columns, beside the partners (data rows start on row 4).
    assert (write["start_row"], write["start_column"]) == (DATA, first)
    assert (write["row_count"], write["column_count"]) == (len(list(example.partners())), 3)
    northwind = write["values"][0]
    assert northwind == [columns["Proposed tier"][0], columns["Change"][0], columns["Top gaps"][0]]
    assert northwind[:2] == ["Strategic", "hold"]
    changes = {row[1] for row in write["values"]}
    # Ecosystem partners are outside the tier program (tier_program.applies_to): their cells stay empty.
    assert (
        changes <= {"upgrade", "downgrade", "hold", "new", "none", "undecided", ""} and "upgrade" in changes
    )


def test_schedule_roadmap_writes_dates_quarter_slack_and_critical_flag(open_book: Any, example: Plan) -> None:
    book = open_book(example, active_sheet="Roadmap")
    bridge.schedule_roadmap(book)
    (write,) = written(book, L.ROADMAP)
    start = L.ACTIVITIES.headers.index("Start")
    assert (write["start_row"], write["start_column"], write["column_count"]) == (DATA, start, 5)
    first = write["values"][0]
    # Dates go to Excel as dates (xlwings sends ISO dates; the cells are date-formatted first, so
    # Excel stores them as dates), slack as a number of weeks.
    assert first[0] == "2026-01-05" and first[2] == "Q1" and isinstance(first[3], int)
    shown = formats(book, L.ROADMAP)
    assert shown[DATA, start] == shown[DATA, start + 1] == "yyyy-mm-dd"
    assert shown[DATA, start + 3] == "#,##0" and shown[DATA, start + 2] == "@"
    assert any(row[4] == "Yes" for row in write["values"])
    assert all(row[3] == 0 for row in write["values"] if row[4] == "Yes")  # no slack on the critical path
    assert all(row[3] > 0 for row in write["values"] if row[4] != "Yes")
    assert all(row[2] in {"Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"} for row in write["values"])


def test_an_impossible_roadmap_lands_on_the_problems_sheet(open_book: Any, example: Plan) -> None:
    plan = example.model_copy(deep=True)
    plan.roadmap.phases[0].activities[0].depends_on = [plan.roadmap.phases[0].activities[1].id]
    book = open_book(plan)
    bridge.schedule_roadmap(book)
    assert written(book, L.ROADMAP) == []
    (write,) = written(book, L.PROBLEMS)
    assert any(row[0] == "error" and row[1] == "Roadmap" for row in write["values"])


@pytest.mark.parametrize(("sheet", "writes_on"), [("Partners", L.PARTNERS), ("Roadmap", L.ROADMAP)])
def test_main_dispatches_tiers_and_roadmap_by_sheet(
    open_book: Any, example: Plan, xw: Any, sheet: str, writes_on: str
) -> None:
    book = open_book(example, active_sheet=sheet)
    book.set_mock_caller()
    planner = companion()
    planner.main()
    assert written(xw.Book.caller(), writes_on)
