"""What the buttons write back into the workbook, as plain rows: the Problems table, documents, results.

Both doors use it: the Excel bridge writes these rows through xlwings, ``workbook sync`` patches
them into the file. Values meant as text stay text on both paths (see ``as_text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from partnerkit.io.workbook.layout import PROBLEMS_TABLE
from partnerkit.model.values import fold_name
from partnerkit.problems import FieldPath, Problem

if TYPE_CHECKING:
    from partnerkit.model import Plan
    from partnerkit.roadmap.schedule import Schedule

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
    """Each partner's name (folded by ``fold_name``) and its place in the plan."""
    return {
        fold_name(partner.name): ("categories", kind.value.lower(), "partners", i)
        for kind, i, partner in plan.categories.all_partners()
    }


class RowFinder(Protocol):
    """Tells which data row of its table holds the record at a field path (a workbook's locator does)."""

    def data_row(self, path: FieldPath) -> int | None:
        """The 0-based data row, or None when the record was not read from a table."""
        ...


def tier_columns(
    plan: Plan, summaries: Sequence[tuple[str, str, str, str]], rows: RowFinder, count: int
) -> Columns:
    """Proposed tier, change and top gaps beside each row of the Partners table (the Evaluate tiers button).

    ``summaries`` holds (partner, tier, change, top gaps) per evaluated partner; ``count`` is the
    number of data rows of the table.
    """
    columns = _empty(("Proposed tier", "Change", "Top gaps"), count)
    paths = partner_paths(plan)
    for name, tier, change, gaps in summaries:
        path = paths.get(fold_name(name))
        row = rows.data_row(path) if path else None
        if row is None or not 0 <= row < count:
            continue
        columns["Proposed tier"][row], columns["Change"][row], columns["Top gaps"][row] = tier, change, gaps
    return columns


def activity_paths(plan: Plan) -> dict[str, FieldPath]:
    """Each roadmap activity's id and its place in the plan."""
    roadmap = plan.roadmap
    paths: dict[str, FieldPath] = {}
    for p, phase in enumerate(roadmap.phases):
        for a, activity in enumerate(phase.activities):
            paths[activity.id] = ("roadmap", "phases", p, "activities", a)
    if roadmap.scale is not None:
        for a, activity in enumerate(roadmap.scale.activities):
            paths[activity.id] = ("roadmap", "scale", "activities", a)
    return paths


def schedule_columns(plan: Plan, schedule: Schedule, rows: RowFinder, count: int) -> Columns:
    """Start, end, quarter and critical flag beside each row of the Activities table (Schedule roadmap)."""
    paths = activity_paths(plan)
    columns = _empty(("Start", "End", "Quarter", "Critical"), count)
    for item in schedule.activities:
        path = paths.get(item.id)
        row = rows.data_row(path) if path else None
        if row is None or not 0 <= row < count:
            continue
        columns["Start"][row] = item.start_date.isoformat() if item.start_date else f"week {item.start_week}"
        columns["End"][row] = item.end_date.isoformat() if item.end_date else f"week {item.end_week}"
        columns["Quarter"][row] = item.quarter_label
        columns["Critical"][row] = "Yes" if item.critical else ""
    return columns
