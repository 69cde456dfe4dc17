"""What sync (and so the demo) leaves in the workbook: every button's results, typed, read back by python-calamine."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from partnerkit.io.workbook import layout as L

REVIEW_DAY = date(2026, 10, 1)


def records(book: CalamineWorkbook, table: str) -> list[dict[str, Any]]:
    found = book.get_table_by_name(table)
    return [dict(zip(found.columns, row, strict=True)) for row in found.to_python()]


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory: pytest.TempPathFactory) -> CalamineWorkbook:
    """The demo's planner.xlsm: built, then filled through the code ``workbook sync`` runs."""
    from partnerkit.commands.demo import write_workbook
    from partnerkit.io.planfile import example_plan_path, load

    folder = tmp_path_factory.mktemp("demo")
    workbook = write_workbook(load(example_plan_path()), folder)[0]
    assert workbook.suffix in (".xlsm", ".xlsx") and not list(folder.glob("*.bak"))
    return CalamineWorkbook.from_path(str(workbook), load_tables=True)


def test_the_demo_workbook_has_its_tiers(demo_workbook: CalamineWorkbook) -> None:
    partners = records(demo_workbook, "Partners")
    northwind = partners[0]
    assert (northwind["Proposed tier"], northwind["Change"]) == ("Strategic", "hold")
    in_program = [p for p in partners if p["Category"] != "Ecosystem"]
    assert all(p["Change"] for p in in_program)


def test_the_schedule_is_typed(demo_workbook: CalamineWorkbook) -> None:
    activities = records(demo_workbook, "Activities")
    first = activities[0]
    assert first["Start"] == date(2026, 1, 5) and first["End"] == date(2026, 1, 16)
    assert all(
        isinstance(a["Start"], date) and isinstance(a["Slack (weeks)"], float | int) for a in activities
    )
    assert any(a["Critical"] == "Yes" for a in activities)
    summary = {r["Schedule"]: r["Value"] for r in records(demo_workbook, "RoadmapSummary")}
    assert summary["Starts"] == date(2026, 1, 5) and isinstance(summary["Ends"], date)
    assert isinstance(summary["Length (weeks)"], float | int) and summary["Method"] == "heuristic"


def test_the_review_sheet_is_typed(demo_workbook: CalamineWorkbook) -> None:
    review = records(demo_workbook, "Review")
    sections = {r["Section"] for r in review}
    assert {
        "Review date",
        "Proposal to approve",
        "Benefit cost per quarter",
        "Benefits budget per quarter",
    } <= sections
    assert review[0]["Effective"] == REVIEW_DAY
    proposals = [r for r in review if r["Section"] == "Proposal to approve"]
    assert all(isinstance(r["Effective"], date) for r in proposals)
    costs = [r for r in review if r["Section"] == "Benefit cost per quarter"]
    assert all(isinstance(r["Amount"], float) and isinstance(r["Partners"], float | int) for r in costs)
    (budget,) = [r for r in review if r["Section"] == "Benefits budget per quarter"]
    assert budget["Amount"] == 40000


def test_the_terms_and_status_are_typed(demo_workbook: CalamineWorkbook) -> None:
    terms = records(demo_workbook, "Terms")
    assert terms[0]["Partner"] == "Northwind ERP" and terms[0]["Share or discount"] == pytest.approx(0.2)
    assert all(isinstance(t["Warnings"], float | int) for t in terms if t["Agreement"] != "none")
    status = {r["Status"]: r["Value"] for r in records(demo_workbook, "Status")}
    assert status["Errors"] == 0 and isinstance(status["Warnings"], float | int)
    assert 0 < status["Claims citing a source"] <= 1
    assert isinstance(status["Last run"], datetime) and status["Last button"] == "workbook sync"
    assert status["Review date used"] == REVIEW_DAY
    settings = {r["Setting"]: r["Value"] for r in records(demo_workbook, "Settings")}
    assert settings[L.REVIEW_DATE] == REVIEW_DAY  # a button clicked later gives what the demo shows


def test_sync_reads_the_review_date_from_the_workbook(tmp_path: Path) -> None:
    from partnerkit.io.planfile import load_example_plan
    from partnerkit.io.workbook.build import build_workbook
    from partnerkit.services import sync_workbook

    path = build_workbook(
        load_example_plan(), tmp_path / "plan.xlsx", macros=False, settings={L.REVIEW_DATE: REVIEW_DAY}
    )
    outcome = sync_workbook(path, today=date(2030, 1, 1), backup=False)
    assert not [p for p in outcome.problems if p.is_error]
    book = CalamineWorkbook.from_path(str(path), load_tables=True)
    assert records(book, "Review")[0]["Effective"] == REVIEW_DAY
    # --as-of wins over the cell, as a command-line option does.
    sync_workbook(path, as_of=date(2026, 12, 15), backup=False)
    book = CalamineWorkbook.from_path(str(path), load_tables=True)
    assert records(book, "Review")[0]["Effective"] == date(2026, 12, 15)
