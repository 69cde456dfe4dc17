"""The running program's sheets without Excel: `workbook new`/`export` paste the example's deals and survey,
and `workbook sync` writes the Deals verdicts, the Payouts and the Actuals sheets as the buttons do."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.io.pipeline.examples import example_deals_path
from partnerkit.io.planfile import example_plan_path, load
from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.build import build_workbook
from partnerkit.model import Plan
from partnerkit.services import export_workbook, sync_workbook
from tests.workbook.test_workbook_sync import digests, owned_parts

REVIEW_DAY = date(2026, 10, 1)


def table(path: Path, name: str) -> list[dict[str, Any]]:
    """A table of the workbook as records, read back with calamine."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path), load_tables=True)
    found = book.get_table_by_name(name)
    return [dict(zip(found.columns, row, strict=True)) for row in found.to_python()]


def table_parts(path: Path, *names: str) -> set[str]:
    """The parts of the named tables (an owned sheet's table is resized to its rows)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return {
            n
            for n in archive.namelist()
            if n.startswith("xl/tables/") and any(f'name="{t}"'.encode() in archive.read(n) for t in names)
        }


def test_export_pastes_the_examples_deals_and_survey_typed(tmp_path: Path) -> None:
    path = export_workbook(load(example_plan_path()), tmp_path / "plan.xlsx")
    deals = table(path, L.DEALS_TABLE.name)
    exported = example_deals_path().read_text(encoding="utf-8").splitlines()
    assert len(deals) == len(exported) - 1
    first = deals[0]
    assert (first["Deal ID"], first["Registered On"], first["Amount"]) == ("D-0901", date(2025, 4, 1), 20000)
    summit = next(d for d in deals if d["Deal ID"] == "D-1050")
    assert summit["Amount"] == 1200.15 and summit["Stage"] == "Closed Won"
    survey = table(path, L.SURVEY_TABLE.name)
    assert survey[0]["Comment"] == "Registration approvals are quick" and survey[0]["Score"] == 9


def test_another_plans_workbook_has_empty_program_tables(tmp_path: Path) -> None:
    path = tmp_path / "planner.xlsm"
    result = CliRunner().invoke(cli, ["workbook", "new", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert [set(r.values()) for r in table(path, L.DEALS_TABLE.name)] == [{""}]


def test_sync_writes_the_deals_verdicts_the_payouts_and_the_actuals(tmp_path: Path) -> None:
    path = export_workbook(load(example_plan_path()), tmp_path / "plan.xlsx")
    before = digests(path)
    outcome = sync_workbook(path, as_of=REVIEW_DAY, now=datetime(2026, 10, 1, 9), backup=False)
    assert not [p for p in outcome.problems if p.is_error]
    assert outcome.columns[L.DEALS_TABLE.name] == [c.header for c in L.DEALS_TABLE.results]
    changed = {n for n in before if before[n] != digests(path).get(n)}
    owned = owned_parts(path, L.PARTNERS, L.ROADMAP, L.OVERVIEW, L.SCHEDULE, L.REVIEW, L.TERMS, L.PROBLEMS)
    program = owned_parts(path, L.DEALS, L.PAYOUTS, L.ACTUALS) | table_parts(path, "Payouts", "Actuals")
    assert changed <= owned | program
    # Check deals: the verdicts beside the rows, as deals check --json says them.
    check = CliRunner().invoke(
        cli,
        [
            "deals",
            "check",
            str(example_plan_path()),
            "--deals",
            str(example_deals_path()),
            "--as-of",
            "2026-10-01",
            "--json",
        ],
    )
    said = json.loads(check.output)
    deals = table(path, L.DEALS_TABLE.name)
    assert {s: sum(1 for d in deals if d["Registration"] == s) for s in said["registrations"]} == said[
        "registrations"
    ]
    lost = next(d for d in deals if d["Registration"] == "lost")
    assert (lost["Deal ID"], lost["Finding"], lost["Protected until"]) == (
        "D-1002",
        "conflict",
        date(2026, 9, 30),
    )
    # Each finding on the Problems sheet, on its cell of the Deals sheet.
    problems = table(path, L.PROBLEMS_TABLE.name)
    assert {f["message"] for f in said["findings"]} <= {
        p["Message"] for p in problems if p["Sheet"] == L.DEALS
    }
    # Run payouts: the quarter before the review date, to the cent, with the run's total last.
    paid = CliRunner().invoke(
        cli,
        [
            "payouts",
            str(example_plan_path()),
            "--deals",
            str(example_deals_path()),
            "--period",
            "2026-Q3",
            "--json",
        ],
    )
    run = json.loads(paid.output)
    *statements, total = table(path, L.PAYOUTS_TABLE.name)
    assert [(s["Partner"], Decimal(str(s["Payable"]))) for s in statements] == [
        (s["partner"], Decimal(s["payable"])) for s in run["statements"]
    ]
    assert (total["Partner"], Decimal(str(total["Payable"]))) == (L.RUN_TOTAL, Decimal(run["payable"]))
    assert sum(Decimal(str(s["Payable"])) for s in statements) == Decimal(str(total["Payable"]))
    # Program actuals: every metric per period, then each tier.
    actuals = table(path, L.ACTUALS_TABLE.name)
    sections = [a["Section"] for a in actuals]
    assert sections[0] == "Metric" and sections[-1] == "Program economics"
    nps = next(a for a in actuals if a["Item"] == "Partner satisfaction (NPS)" and a["Period"] == "Year 1")
    assert (nps["Actual"], nps["Responses"]) == (20, 10)


def test_sync_of_a_workbook_without_deals_leaves_the_program_sheets_alone(
    tmp_path: Path, example_plan: Plan
) -> None:
    path = build_workbook(example_plan, tmp_path / "planner.xlsm")
    before = digests(path)
    outcome = sync_workbook(path, as_of=REVIEW_DAY, backup=False)
    assert not [p for p in outcome.problems if p.location and p.location.startswith(L.DEALS)]
    import zipfile

    from partnerkit.io.ooxml.parts import sheet_parts

    changed = {n for n in before if before[n] != digests(path).get(n)}
    with zipfile.ZipFile(path) as archive:
        parts = sheet_parts(archive)
    program = {parts[s] for s in (L.DEALS, L.PAYOUTS, L.ACTUALS)} | table_parts(path, "Payouts", "Actuals")
    assert changed and not changed & program


def test_export_pastes_another_crm_export_by_the_names_its_columns_have(tmp_path: Path) -> None:
    export = tmp_path / "crm.csv"
    export.write_text(
        "Opportunity ID,Company,Website,Partner Name,Partner Role,Registration Date,Deal Stage,ACV\n"
        "OPP-7,Globex,globex.example,Orbit CRM,sourced,2026-07-01,Closed Won,9000.50\n",
        encoding="utf-8",
    )
    out = tmp_path / "plan.xlsx"
    result = CliRunner().invoke(
        cli, ["workbook", "export", str(example_plan_path()), "-o", str(out), "--deals", str(export)]
    )
    assert result.exit_code == 0, result.output
    (deal,) = table(out, L.DEALS_TABLE.name)
    assert (deal["Deal ID"], deal["Account Name"], deal["Account Domain"], deal["Partner"]) == (
        "OPP-7",
        "Globex",
        "globex.example",
        "Orbit CRM",
    )
    assert (deal["Touch"], deal["Registered On"], deal["Stage"], deal["Amount"]) == (
        "sourced",
        date(2026, 7, 1),
        "Closed Won",
        9000.5,
    )
    assert [set(r.values()) for r in table(out, L.SURVEY_TABLE.name)] == [{""}]  # no survey given
