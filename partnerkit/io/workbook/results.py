"""What the buttons write back into the workbook, as plain rows: the Problems table, documents, results.

Both doors use it: the Excel bridge writes these rows through xlwings, ``workbook sync`` patches
them into the file. Values meant as text stay text on both paths (see ``as_text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.io.workbook.layout import PROBLEMS_TABLE
from partnerkit.problems import FieldPath, Problem

if TYPE_CHECKING:
    from partnerkit.io.workbook.tables import ReadPlan
    from partnerkit.model import Plan

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def problem_rows(problems: Sequence[Problem]) -> list[list[str]]:
    """Rows of the Problems table: severity, sheet, cell, field, message, hint; errors first."""
    rows = []
    for problem in sorted(problems, key=lambda p: p.sort_key()):
        sheet, cell = "", ""
        location = problem.location or ""
        if "!" in location:
            sheet, _, cell = location.rpartition("!")
        elif location:
            sheet = location
        rows.append([problem.severity.value, sheet, cell, problem.field, problem.message, problem.hint or ""])
    return rows


def problems_header() -> list[str]:
    """The Problems table's header row."""
    return PROBLEMS_TABLE.headers


def as_text(value: object) -> object:
    """A value Excel will store as text when written through Excel: a risky string gets a quote prefix.

    Excel reads a string assigned to a cell like typed input, so ``=HYPERLINK(...)`` would become a
    formula; the leading apostrophe is Excel's own "this is text" marker and is not shown.
    """
    if isinstance(value, str) and value.startswith(RISKY_STARTS):
        return "'" + value
    return value


def documents_folder(workbook: str | Path) -> Path:
    """The folder beside the workbook where its documents go: ``planner.xlsm`` -> ``planner documents``."""
    path = Path(workbook)
    return path.parent / f"{path.stem} documents"


# --- results beside the rows --------------------------------------------------------------------------

Columns = dict[str, list[Any]]


def _empty(headers: Sequence[str], rows: int) -> Columns:
    return {h: [None] * rows for h in headers}


def partner_paths(plan: Plan) -> dict[str, FieldPath]:
    """Each partner's name (without case) and its place in the plan."""
    return {
        partner.name.casefold(): ("categories", kind.value.lower(), "partners", i)
        for kind, i, partner in plan.categories.all_partners()
    }


def top_gaps(verdict: Any) -> str:
    """A partner's top gaps in one line, as ``partnerkit tiers`` prints them."""
    if verdict.gaps:
        more = f" (+{len(verdict.gaps) - 2} more)" if len(verdict.gaps) > 2 else ""
        return "; ".join(g.text for g in verdict.gaps[:2]) + more
    if verdict.unknown:
        return "depends on unknown facts: " + ", ".join(verdict.unknown)
    return "top tier" if verdict.next_tier is None else ""


def tier_columns(read: ReadPlan, rows: int, as_of: date) -> Columns:
    """Proposed tier, change and top gaps for each row of the Partners table (the Evaluate tiers button)."""
    from partnerkit.tiers.evaluate import evaluate_tiers
    from partnerkit.tiers.explain import verdicts

    assert read.plan is not None
    columns = _empty(("Proposed tier", "Change", "Top gaps"), rows)
    paths = partner_paths(read.plan)
    for verdict in verdicts(evaluate_tiers(read.plan, as_of)):
        path = paths.get(verdict.partner.casefold())
        row = read.data_row(path) if path else None
        if row is None or not 0 <= row < rows:
            continue
        columns["Proposed tier"][row] = verdict.tier or ""
        columns["Change"][row] = verdict.change.value
        columns["Top gaps"][row] = top_gaps(verdict)
    return columns


def schedule_columns(read: ReadPlan, rows: int) -> tuple[Columns, list[Problem]]:
    """Start, end, quarter and critical flag for each row of the Activities table (Schedule roadmap).

    A roadmap that cannot be scheduled gives no columns and the problems that say why.
    """
    from partnerkit.errors import PlanError
    from partnerkit.roadmap import schedule_roadmap

    assert read.plan is not None
    try:
        schedule = schedule_roadmap(read.plan)
    except PlanError as exc:
        return {}, list(exc.problems)
    roadmap = read.plan.roadmap
    paths: dict[str, FieldPath] = {}
    for p, phase in enumerate(roadmap.phases):
        for a, activity in enumerate(phase.activities):
            paths[activity.id] = ("roadmap", "phases", p, "activities", a)
    if roadmap.scale is not None:
        for a, activity in enumerate(roadmap.scale.activities):
            paths[activity.id] = ("roadmap", "scale", "activities", a)
    columns = _empty(("Start", "End", "Quarter", "Critical"), rows)
    for item in schedule.activities:
        path = paths.get(item.id)
        row = read.data_row(path) if path else None
        if row is None or not 0 <= row < rows:
            continue
        columns["Start"][row] = item.start_date.isoformat() if item.start_date else f"week {item.start_week}"
        columns["End"][row] = item.end_date.isoformat() if item.end_date else f"week {item.end_week}"
        columns["Quarter"][row] = item.quarter_label
        columns["Critical"][row] = "Yes" if item.critical else ""
    return columns, list(schedule.problems)
