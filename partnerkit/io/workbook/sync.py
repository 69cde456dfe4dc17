"""``workbook sync``: what the buttons compute, patched into the workbook file without Excel.

The writing is ``partnerkit.io.xlsxpatch``'s: only partnerkit's own parts change, everything else is
copied byte for byte, through a verified temporary file, a backup and an atomic replace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partnerkit.errors import WorkbookError
from partnerkit.io.workbook.layout import PROBLEMS
from partnerkit.io.workbook.read import paused_gc, read_tables
from partnerkit.io.workbook.results import problem_rows, problems_header
from partnerkit.io.workbook.tables import read_plan
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


def sync_workbook(path: str | Path, *, backup: bool = True) -> SyncOutcome:
    """Validate the workbook's plan and write the Problems sheet and result columns into the file."""
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
    columns: dict[str, dict[str, list[Any]]] = {}
    sheets = {PROBLEMS: [problems_header(), *problem_rows(problems)]}
    report = patch_workbook(path, columns=columns or None, sheets=sheets, backup=backup)
    return SyncOutcome(
        path,
        problems,
        tuple(getattr(report, "changed_parts", ())),
        getattr(report, "backup", None),
        {table: list(cols) for table, cols in columns.items()},
    )
