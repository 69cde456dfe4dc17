"""The buttons of the CLI's other jobs, through xlwings' remote engine: the review date cell, the tier review,
the terms, the schedule's summary, its Gantt picture and the optimizer setting."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from partnerkit.excel import actions as bridge
from partnerkit.io.workbook import layout as L
from partnerkit.model import Plan
from tests.excel.conftest import companion
from tests.excel.test_excel_bridge import DATA, actions, formats, row_of, table_at, written

REVIEW_DAY = date(2026, 10, 1)


def set_setting(book: Any, label: str, value: Any) -> None:
    """Type a value into the Overview's Settings table, as the user would."""
    _, left = table_at(book, L.OVERVIEW, "Settings")
    book.sheets[L.OVERVIEW].api["values"][row_of(book, L.OVERVIEW, "Settings", label)][left + 1] = value


def status(book: Any) -> dict[str, Any]:
    """The Status values the last action wrote on the Overview, by label."""
    (write,) = written(book, L.OVERVIEW)
    return {row.label: values[0] for row, values in zip(L.STATUS_ROWS, write["values"], strict=True)}


def test_evaluate_tiers_reads_the_review_date_from_its_cell(open_book: Any, example: Plan) -> None:
    book = open_book(example, active_sheet="Partners")
    set_setting(book, L.REVIEW_DATE, "2026-10-01T00:00:00.000Z")  # a date cell, as Excel's client sends it
    from_cell = bridge.evaluate_tiers(book)
    assert from_cell == bridge.evaluate_tiers(open_book(example, active_sheet="Partners"), as_of=REVIEW_DAY)
    assert status(book)["Review date used"] == REVIEW_DAY.isoformat()
    assert status(book)["Last button"] == "Evaluate tiers"


def test_an_empty_review_date_is_today(open_book: Any, example: Plan) -> None:
    book = open_book(example, active_sheet="Partners")
    bridge.evaluate_tiers(book)
    assert status(book)["Review date used"] == date.today().isoformat()


def test_a_review_date_that_is_not_a_date_is_a_problem_on_its_cell(open_book: Any, example: Plan) -> None:
    book = open_book(example, active_sheet="Partners")
    set_setting(book, L.REVIEW_DATE, "next Friday")
    bridge.evaluate_tiers(book)
    (write,) = written(book, L.PROBLEMS)
    row = next(r for r in write["values"] if r[4].startswith("Review date = 'next Friday'"))
    top, _ = table_at(book, L.OVERVIEW, "Settings")
    assert row[0] == "warning" and row[1] == "Overview" and row[2] == f"B{top + 2}"
    assert status(book)["Review date used"] == date.today().isoformat()  # the default applied


def test_review_tiers_writes_the_review_sheet(open_book: Any, example: Plan) -> None:
    book = open_book(example, active_sheet="Review")
    set_setting(book, L.REVIEW_DATE, "2026-10-01T00:00:00.000Z")
    rows = bridge.review_tiers(book)
    (write,) = written(book, L.REVIEW)
    headers = L.REVIEW_TABLE.headers
    assert (write["start_row"], write["start_column"]) == (DATA, 0)
    assert write["column_count"] == len(headers) and write["row_count"] == len(rows)
    by_section: dict[str, list[dict[str, Any]]] = {}
    for values in write["values"]:
        record = dict(zip(headers, values, strict=True))
        by_section.setdefault(record["Section"], []).append(record)
    assert by_section["Review date"][0]["Effective"] == "2026-10-01"
    downgrade = next(p for p in by_section["Proposal to approve"] if p["Change"] == "downgrade")
    # A downgrade waits the program's grace period (90 days in the example): its effective date says so.
    assert (downgrade["Partner"], downgrade["Effective"]) == ("Brightline Advisory", "2026-12-30")
    assert by_section["Certification expiring"] and by_section["Unknown facts"]
    costs = by_section["Benefit cost per quarter"]
    assert {c["Tier"] for c in costs} == {t.name for t in example.tiers}
    assert all(isinstance(c["Amount"], float) and isinstance(c["Partners"], int) for c in costs)
    (budget,) = by_section["Benefits budget per quarter"]
    assert budget["Amount"] == 40000.0
    shown = formats(book, L.REVIEW)
    assert shown[DATA, headers.index("Effective")] == "yyyy-mm-dd"
    assert shown[DATA, headers.index("Amount")] == '"$"#,##0'
    assert shown[DATA, headers.index("Partner")] == "@"
    assert status(book)["Review date used"] == "2026-10-01"


def test_check_terms_lists_the_terms_and_puts_each_finding_on_its_cell(open_book: Any, example: Plan) -> None:
    book = open_book(example, active_sheet="Terms")
    rows = bridge.check_terms(book)
    headers = L.TERMS_TABLE.headers
    (write,) = written(book, L.TERMS)
    assert write["row_count"] == len(rows) == len(list(example.partners()))
    northwind = dict(zip(headers, write["values"][0], strict=True))
    assert northwind["Partner"] == "Northwind ERP" and northwind["Agreement"] == "Integration"
    assert northwind["Share or discount"] == 0.2 and northwind["Comes from"] == "tier benefit"
    assert formats(book, L.TERMS)[DATA, headers.index("Share or discount")] == "0.0%"
    (problems,) = written(book, L.PROBLEMS)
    warned = [r for r in problems["values"] if "legal name and notice address" in r[4]]
    stackpay = next(r for r in warned if r[1:3] == ["Partners", "B6"])  # Stackpay's row
    assert stackpay[0] == "warning"
    with_findings = [
        dict(zip(headers, v, strict=True)) for v in write["values"] if v[headers.index("Warnings")]
    ]
    assert with_findings and all(r["Findings"] for r in with_findings)


def test_schedule_roadmap_fills_the_summary_and_redraws_the_gantt_picture(
    open_book: Any, example: Plan
) -> None:
    book = open_book(example, active_sheet="Schedule")
    bridge.schedule_roadmap(book)
    (summary,) = written(book, L.SCHEDULE)
    values = {row.label: v[0] for row, v in zip(L.SUMMARY_ROWS, summary["values"], strict=True)}
    assert values["Starts"] == "2026-01-05" and isinstance(values["Length (weeks)"], int)
    assert values["Method"] == "heuristic" and " > " in values["Critical path"]
    index = L.SHEETS.index(L.SCHEDULE)
    (update,) = [a for a in actions(book) if a["func"] == "updatePicture" and a["sheet_position"] == index]
    image, _, name, width, height = update["args"]
    assert name == L.GANTT and width > 0 and height > 0
    import base64
    import io

    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(image))) as png:
        # Fitted to the picture's frame, so Excel never stretches the chart.
        assert abs(png.width / png.height - width / height) < 0.01


def test_optimize_without_or_tools_says_so_and_schedules_anyway(
    open_book: Any, example: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ortools.sat.python", None)  # as if OR-Tools were not installed
    book = open_book(example, active_sheet="Schedule")
    set_setting(book, L.OPTIMIZE, "Yes")
    bridge.schedule_roadmap(book)
    (problems,) = written(book, L.PROBLEMS)
    row = next(r for r in problems["values"] if r[4].startswith("Optimize the roadmap = Yes"))
    assert row[0] == "warning" and "pip install 'partnerkit[optimize]'" in row[4] and row[1] == "Overview"
    (summary,) = written(book, L.SCHEDULE)
    assert summary["values"][-1] == ["heuristic (OR-Tools is not installed)"]
    assert written(book, L.ROADMAP)


def test_optimize_with_or_tools_finds_the_optimum(open_book: Any, example: Plan) -> None:
    pytest.importorskip("ortools", reason="OR-Tools is not installed")
    book = open_book(example, active_sheet="Schedule")
    set_setting(book, L.OPTIMIZE, "Yes")
    set_setting(book, L.TIME_LIMIT, 5)
    bridge.schedule_roadmap(book)
    (summary,) = written(book, L.SCHEDULE)
    assert summary["values"][-1][0] in ("optimal", "feasible")


def test_the_companion_module_runs_the_action_its_macro_names(
    open_book: Any, example: Plan, xw: Any, tmp_path: Path
) -> None:
    book = open_book(example, active_sheet="Overview")
    book.set_mock_caller()
    planner = companion()
    planner.main("review_tiers")  # the macro PartnerkitReviewTiers calls main('review_tiers')
    caller = xw.Book.caller()
    assert written(caller, L.REVIEW)
    assert not (tmp_path / "planner documents").exists()  # not the Overview's fallback
