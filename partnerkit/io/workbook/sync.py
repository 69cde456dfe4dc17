"""``workbook sync``: what the buttons compute, patched into the workbook file without Excel.

The writing is ``partnerkit.io.xlsxpatch``'s: only partnerkit's own parts change, everything else is
copied byte for byte, through a verified temporary file, a backup and an atomic replace.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from partnerkit.errors import WorkbookError
from partnerkit.io.workbook.layout import PROBLEMS
from partnerkit.io.workbook.read import paused_gc, read_tables
from partnerkit.io.workbook.results import (
    Columns,
    problem_rows,
    problems_header,
    schedule_columns,
    tier_columns,
)
from partnerkit.io.workbook.tables import locate_problems, read_plan
from partnerkit.problems import Problem


@dataclass
class SyncOutcome:
    """What sync found and wrote."""

    path: Path
    problems: list[Problem]
    changed_parts: tuple[str, ...] = ()
    backup: Path | None = None
    columns: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the terminal."""
        errors = sum(1 for p in self.problems if p.is_error)
        written = ", ".join(f"{t}: {', '.join(c)}" for t, c in self.columns.items()) or "no result columns"
        backup = f"; backup {self.backup}" if self.backup else ""
        return f"{len(self.problems)} problem(s), {errors} error(s) on the Problems sheet; {written}{backup}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form ``--json`` prints."""
        return {
            "path": str(self.path),
            "problems": [p.to_dict() for p in self.problems],
            "changed_parts": list(self.changed_parts),
            "backup": str(self.backup) if self.backup else None,
            "columns": self.columns,
        }


def sync_workbook(path: str | Path, *, as_of: date | None = None, backup: bool = True) -> SyncOutcome:
    """Validate the workbook's plan and write the Problems sheet and result columns into the file.

    ``as_of`` is the tier review date (the command passes today); tiers are evaluated and the
    roadmap scheduled only when the plan has no errors.
    """
    try:
        from partnerkit.io.xlsxpatch import check_not_open, patch_workbook
    except ImportError:
        raise WorkbookError(
            "this partnerkit cannot update workbooks without Excel yet (partnerkit.io.xlsxpatch is missing)"
        ) from None
    path = Path(path)
    check_not_open(path)
    with paused_gc():
        tables, problems = read_tables(path)
        read = read_plan(tables, path.name)
    problems = [*problems, *read.problems]
    columns: dict[str, Columns] = {}
    if read.plan is not None and as_of is not None:
        partners = tables.get("Partners")
        if partners is not None and importlib.util.find_spec("partnerkit.tiers") is not None:
            columns["Partners"] = tier_columns(read, len(partners.rows), as_of)
        activities = tables.get("Activities")
        if activities is not None and importlib.util.find_spec("partnerkit.roadmap") is not None:
            scheduled, more = schedule_columns(read, len(activities.rows))
            problems += locate_problems(more, read.refs, path.name)
            if scheduled:
                columns["Activities"] = scheduled
    sheets = {PROBLEMS: [problems_header(), *problem_rows(problems)]}
    patched: dict[str, dict[str, list[Any]]] = {t: dict(c) for t, c in columns.items()}
    report = patch_workbook(path, columns=patched or None, sheets=sheets, backup=backup)
    return SyncOutcome(
        path,
        problems,
        tuple(getattr(report, "changed_parts", ())),
        getattr(report, "backup", None),
        {table: list(cols) for table, cols in columns.items()},
    )
