"""The buttons, driven through xlwings' remote engine: what each one writes back into the workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from partnerkit.excel import actions as bridge
from partnerkit.excel.buttons import choose_action
from partnerkit.io.workbook import layout as L
from partnerkit.model import Plan


def actions(book: Any) -> list[dict[str, Any]]:
    """What the bridge asked Excel to do, in order."""
    return list(book.json()["actions"])


def written(book: Any, sheet: str) -> list[dict[str, Any]]:
    """The setValues actions on one sheet."""
    index = [s.name for s in book.sheets].index(sheet)
    return [a for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == index]


def test_validate_writes_nothing_but_an_empty_problems_table_for_a_clean_plan(
    open_book: Any, example: Plan
) -> None:
    book = open_book(example)
    problems = bridge.validate(book)
    assert [p for p in problems if p.is_error] == []
    (write,) = written(book, L.PROBLEMS)
    assert all(row[0] == "warning" for row in write["values"] if row[0])
    # The bridge never writes to the sheets the user edits when it only validates.
    assert {a["sheet_position"] for a in actions(book) if a["func"] == "setValues"} == {
        L.SHEETS.index(L.PROBLEMS)
    }


def test_validate_puts_every_problem_on_its_cell(open_book: Any, example: Plan) -> None:
    book = open_book(example)
    # Brightline Advisory is the first distribution partner: row 11 of the Partners table.
    book.sheets["Partners"].api["values"][10][6] = 1.4  # Margin
    book.sheets["Sources"].api["values"][1][1] = "x" * 201  # Title, over 200 characters
    bridge.validate(book)
    (write,) = written(book, L.PROBLEMS)
    rows = write["values"]
    by_cell = {(r[1], r[2]): r for r in rows}
    margin = by_cell[("Partners", "G11")]
    assert margin[:4] == ["error", "Partners", "G11", "categories.distribution.partners[0].margin"]
    assert margin[4] == "Margin = 1.4: 140% is above 100%"
    title = by_cell[("Sources", "B2")]
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
    row = next(r for r in write["values"] if r[1:3] == ["Partners", "F11"])
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
    path = Path("planner documents") / "strategy.md"
    assert paths[0] == path  # and strategy.docx too, where Word documents are installed
    assert (tmp_path / path).read_text(encoding="utf-8").startswith("# ")
    (documents,) = written(book, L.AGREEMENTS)
    assert documents["values"] == [["Partnership strategy", "", str(p)] for p in paths]


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
    sheet.api["values"][0][1] = "Partner name?"
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
        ("Roadmap", None, "schedule_roadmap"),
        ("Agreements", None, "generate_agreements"),
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
    import importlib.util

    book = open_book(example, active_sheet=sheet)
    book.set_mock_caller()
    spec = importlib.util.spec_from_file_location(
        "planner", Path(__file__).parents[2] / "workbook" / "planner.py"
    )
    assert spec and spec.loader
    planner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(planner)
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
    # One 2-D write of the three result columns, beside the partners (data rows start on row 2).
    assert (write["start_row"], write["start_column"]) == (1, first)
    assert (write["row_count"], write["column_count"]) == (len(list(example.partners())), 3)
    northwind = write["values"][0]
    assert northwind == [columns["Proposed tier"][0], columns["Change"][0], columns["Top gaps"][0]]
    assert northwind[:2] == ["Strategic", "hold"]
    changes = {row[1] for row in write["values"]}
    # Ecosystem partners are outside the tier program (tier_program.applies_to): their cells stay empty.
    assert (
        changes <= {"upgrade", "downgrade", "hold", "new", "none", "undecided", ""} and "upgrade" in changes
    )


def test_schedule_roadmap_writes_dates_quarter_and_critical_flag(open_book: Any, example: Plan) -> None:
    book = open_book(example, active_sheet="Roadmap")
    bridge.schedule_roadmap(book)
    (write,) = written(book, L.ROADMAP)
    assert write["start_column"] == L.ACTIVITIES.headers.index("Start")
    assert write["column_count"] == 4
    first = write["values"][0]
    assert first[0] == "2026-01-05" and first[2] == "Q1"
    assert any(row[3] == "Yes" for row in write["values"])
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
    import importlib.util

    book = open_book(example, active_sheet=sheet)
    book.set_mock_caller()
    spec = importlib.util.spec_from_file_location(
        "planner", Path(__file__).parents[2] / "workbook" / "planner.py"
    )
    assert spec and spec.loader
    planner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(planner)
    planner.main()
    assert written(xw.Book.caller(), writes_on)
