"""The facts reader loses nothing silently: a cell a reader of values sees as empty is a located problem.

Before, a formula saved without its cached value, or a cell showing ``#N/A``, read as an empty cell:
a dated revenue sum quietly lost that row. The plan-workbook reader already reported the first case;
both readers now say it in the same words, from the one OOXML layer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from partnerkit.io.facts import load_facts
from partnerkit.io.ooxml.scan import NO_COMPUTED_VALUE, NO_COMPUTED_VALUE_HINT
from partnerkit.io.planfile import example_plan_path
from partnerkit.io.workbook.read import load_workbook_plan
from partnerkit.model import Plan
from partnerkit.problems import Problem
from partnerkit.tiers.facts import FactTable
from tests.hostile.builders import drop_cached_value, replace_cell, show_error
from tests.hostile.run import invoke

Copy = Callable[[Path, str], Path]


def read(path: Path, plan: Plan) -> tuple[FactTable, list[Problem]]:
    """The table and its errors (the fixture's notes sheet always gets a warning that it was not read)."""
    table, problems = load_facts(path, plan)
    return table, [p for p in problems if p.is_error]


def problems_of(path: Path, plan: Plan) -> list[str]:
    return [str(p) for p in read(path, plan)[1]]


def test_a_formula_without_its_value_is_a_problem_at_its_cell(
    facts_source: Path, copy_of: Copy, example_plan: Plan
) -> None:
    facts = drop_cached_value(copy_of(facts_source, "facts.xlsx"), "Facts", "C3", "SUM(X1:X9)")
    table, problems = read(facts, example_plan)
    (problem,) = problems
    assert problem.location == "facts.xlsx: Facts!C3"
    assert problem.message == f"'revenue': {NO_COMPUTED_VALUE}"
    assert problem.hint == NO_COMPUTED_VALUE_HINT
    assert table.dated["revenue"].value == [25000.0, 12000.0]  # the row's other facts still count
    assert table.dated["deals"].value == [2.0, 1.0, 1.0]


def test_both_readers_say_it_in_the_same_words(
    facts_source: Path, planner_source: Path, copy_of: Copy, example_plan: Plan
) -> None:
    facts = drop_cached_value(copy_of(facts_source, "facts.xlsx"), "Facts", "E2")
    book = drop_cached_value(
        copy_of(planner_source, "planner.xlsx"), "Partners", "B4", 'CONCAT("North", "wind")'
    )
    (from_facts,) = problems_of(facts, example_plan)
    from_plan = [str(p) for p in load_workbook_plan(book).problems if "Partners!B4" in str(p)]
    assert NO_COMPUTED_VALUE in from_facts and len(from_plan) == 1 and NO_COMPUTED_VALUE in from_plan[0]
    assert NO_COMPUTED_VALUE_HINT in from_facts and NO_COMPUTED_VALUE_HINT in from_plan[0]


def test_a_cell_showing_an_error_is_a_problem_not_a_missing_fact(
    facts_source: Path, planner_source: Path, copy_of: Copy, example_plan: Plan
) -> None:
    facts = show_error(copy_of(facts_source, "facts.xlsx"), "Facts", "D4", "#DIV/0!")
    _, problems = read(facts, example_plan)
    assert [str(p) for p in problems] == [
        "facts.xlsx: Facts!D4: 'deals': the cell shows the error #DIV/0!, not a value "
        "(fix the formula that fails, or type the value)"
    ]
    book = show_error(copy_of(planner_source, "planner.xlsx"), "Partners", "B4")
    shown = [str(p) for p in load_workbook_plan(book).problems]
    assert any("Partners!B4" in s and "shows the error #N/A" in s for s in shown), shown


def test_the_partner_and_the_date_cells_count_too_and_one_run_reports_them_all(
    facts_source: Path, copy_of: Copy, example_plan: Plan
) -> None:
    facts = copy_of(facts_source, "facts.xlsx")
    drop_cached_value(facts, "Facts", "A2", 'CONCAT("Orbit", " CRM")')
    drop_cached_value(facts, "Facts", "B3", "TODAY()")
    show_error(facts, "Facts", "C4")
    drop_cached_value(facts, "Facts", "F1", '"executive_sponsor"')
    _, problems = read(facts, example_plan)
    assert [p.location for p in problems] == [
        "facts.xlsx: Facts!F1",
        "facts.xlsx: Facts!A2",
        "facts.xlsx: Facts!B3",
        "facts.xlsx: Facts!C4",
    ]
    assert problems[0].message.startswith("column header: the formula in this cell has no computed value")
    assert not any("the partner name is empty" in p.message for p in problems)


def test_places_are_the_cells_own_wherever_the_table_starts(tmp_path: Path, example_plan: Plan) -> None:
    """Before, a table starting at B3 had its problems reported as if it started at A1."""
    import xlsxwriter

    path = tmp_path / "facts.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Export")
    sheet.write_row(2, 1, ["partner", "certified_staff"])
    sheet.write_row(3, 1, ["Orbit CRM", "lots"])
    book.close()
    assert [p.location for p in load_facts(path, example_plan)[1]] == ["facts.xlsx: Export!C4"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('<c r="A3"><v>2026</v></c>', None),  # a number is its digits: an unknown partner '2026'
        ('<c r="A3" t="b"><v>1</v></c>', "facts.xlsx: Facts!A3: 'partner' True: a partner name is text"),
        ('<c r="A3" s="1"><v>46000</v></c>', "a partner name is text"),  # a date cell
    ],
)
def test_a_partner_name_is_text(
    facts_source: Path, copy_of: Copy, example_plan: Plan, cell: str, expected: str | None
) -> None:
    facts = replace_cell(copy_of(facts_source, "facts.xlsx"), "Facts", "A3", cell)
    table, problems = read(facts, example_plan)
    if expected is None:
        assert problems == [] and "2026" in table.partners
    else:
        assert len(problems) == 1 and expected in str(problems[0])


def test_the_tiers_command_stops_on_a_hidden_value(facts_source: Path, copy_of: Copy) -> None:
    facts = drop_cached_value(copy_of(facts_source, "facts.xlsx"), "Facts", "C3")
    outcome = invoke("tiers", example_plan_path(), "--facts", facts, "--as-of", "2026-10-01")
    outcome.assert_clean(codes=(1,))
    assert "facts.xlsx: Facts!C3: 'revenue': the formula in this cell has no computed value" in outcome.err
