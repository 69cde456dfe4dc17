"""The planning workbook's jobs: build it, export and import plans, and sync results into it without Excel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.services.plan import require_plan

if TYPE_CHECKING:
    from partnerkit.io.workbook.build import Button
    from partnerkit.io.workbook.tables import TableData
    from partnerkit.loaded import LoadedPlan
    from partnerkit.problems import Problem


@dataclass(frozen=True)
class NewWorkbook:
    """A planning workbook written: the file, its companion module (and whether an edited one was kept)."""

    path: Path
    companion: Path | None = None
    companion_kept: bool = False
    buttons: list[str] = field(default_factory=list)


def new_workbook(
    loaded: LoadedPlan | None,
    output: str | Path,
    *,
    buttons: list[Button] | None = None,
    interpreter: str | None = None,
) -> NewWorkbook:
    """Build the macro-enabled planning workbook at ``output`` (from the starter plan without ``loaded``).

    The companion Python module the buttons run is written beside it (an edited one is kept).
    Raises WorkbookError when the installed xlwings carries no usable VBA project.
    """
    from partnerkit.io.planfile import load_plan, starter_plan_path
    from partnerkit.io.workbook.build import BUTTONS, build_workbook
    from partnerkit.io.workbook.companion import write_companion

    plan = require_plan(loaded) if loaded is not None else load_plan(starter_plan_path())
    chosen = list(BUTTONS) if buttons is None else buttons
    path = build_workbook(plan, Path(output), buttons=chosen, interpreter=interpreter)
    companion, kept = write_companion(path)
    return NewWorkbook(path, companion, kept, [b.caption for b in chosen])


def export_workbook(loaded: LoadedPlan, output: str | Path) -> Path:
    """Write the plan as a workbook without macros (.xlsx) that ``import_workbook`` reads back."""
    from partnerkit.io.workbook.build import build_workbook

    return build_workbook(require_plan(loaded), Path(output), macros=False)


def import_workbook(loaded: LoadedPlan, output: str | Path) -> Path:
    """Write a workbook's plan (loaded from it) as a YAML or JSON plan file (by ``output``'s suffix)."""
    from partnerkit.io.files import write_text_atomic
    from partnerkit.io.planfile import dump_plan

    output = Path(output)
    fmt = "json" if output.suffix.lower() == ".json" else "yaml"
    return write_text_atomic(output, dump_plan(require_plan(loaded), fmt))


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


def workbook_results(
    loaded: LoadedPlan, tables: dict[str, TableData], as_of: date
) -> tuple[dict[str, dict[str, list[Any]]], list[Problem]]:
    """What the buttons write beside the rows: tier columns on Partners, schedule columns on Activities.

    The same services as ``partnerkit tiers`` and ``partnerkit roadmap``; returns the columns per
    table and the problems those jobs found (placed on their cells).
    """
    from partnerkit.io.workbook.results import schedule_columns, tier_columns
    from partnerkit.io.workbook.tables import CellLocator
    from partnerkit.services.roadmap import roadmap_schedule
    from partnerkit.services.tiers import tier_verdicts

    plan = require_plan(loaded)
    locator = loaded.locator
    assert isinstance(locator, CellLocator)  # a plan read from a workbook is placed on its cells
    columns: dict[str, dict[str, list[Any]]] = {}
    problems: list[Problem] = []
    partners = tables.get("Partners")
    if partners is not None:
        verdicts = tier_verdicts(loaded, as_of)
        problems += verdicts.problems
        if verdicts.evaluated:
            columns["Partners"] = tier_columns(plan, verdicts.summaries(), locator, len(partners.rows))
    activities = tables.get("Activities")
    if activities is not None:
        roadmap = roadmap_schedule(loaded)
        problems += roadmap.problems
        if roadmap.schedule is not None:
            columns["Activities"] = schedule_columns(plan, roadmap.schedule, locator, len(activities.rows))
    return columns, problems


def sync_workbook(path: str | Path, *, as_of: date, backup: bool = True) -> SyncOutcome:
    """Validate the workbook's plan and write the Problems sheet and the result columns into the file.

    Only partnerkit's own parts change; everything else is copied byte for byte, through a verified
    temporary file, a backup and an atomic replace. ``as_of`` is the tier review date. Results are
    computed only when the plan has no errors.
    """
    from partnerkit.io.workbook.layout import PROBLEMS
    from partnerkit.io.workbook.read import paused_gc, plan_from_read_tables, read_tables
    from partnerkit.io.workbook.results import problem_rows, problems_header
    from partnerkit.io.xlsxpatch import check_not_open, patch_workbook

    path = Path(path)
    check_not_open(path)
    with paused_gc():
        tables, read_problems = read_tables(path)
        loaded = plan_from_read_tables(tables, read_problems, path.name)
    problems = list(loaded.problems)
    columns: dict[str, dict[str, list[Any]]] = {}
    if loaded.ok:
        columns, more = workbook_results(loaded, tables, as_of)
        problems += more
    sheets = {PROBLEMS: [problems_header(), *problem_rows(problems)]}
    report = patch_workbook(path, columns=columns or None, sheets=sheets, backup=backup)
    return SyncOutcome(
        path,
        problems,
        tuple(report.changed_parts),
        report.backup,
        {table: list(cols) for table, cols in columns.items()},
    )
