"""The planning workbook's jobs: build it, export and import plans, and sync results into it without Excel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.io.workbook.settings import WorkbookSettings
from partnerkit.services.plan import require_plan

if TYPE_CHECKING:
    from partnerkit.io.workbook.build import Button
    from partnerkit.io.workbook.tables import CellLocator, TableData
    from partnerkit.io.xlsxpatch import PictureUpdate
    from partnerkit.loaded import LoadedPlan
    from partnerkit.model import Plan
    from partnerkit.problems import Problem
    from partnerkit.roadmap.schedule import Schedule


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
    settings: dict[str, Any] | None = None,
) -> NewWorkbook:
    """Build the macro-enabled planning workbook at ``output`` (from the starter plan without ``loaded``).

    The companion Python module the buttons run is written beside it (an edited one is kept).
    ``interpreter`` is the Python the buttons start (the xlwings.conf sheet); ``settings`` fills
    the Overview's Settings (``{"Review date": date(...)}``). Raises WorkbookError when the
    installed xlwings carries no usable VBA project.
    """
    from partnerkit.io.planfile import load_plan, starter_plan_path
    from partnerkit.io.workbook.build import BUTTONS, build_workbook
    from partnerkit.io.workbook.companion import write_companion

    plan = require_plan(loaded) if loaded is not None else load_plan(starter_plan_path())
    chosen = list(BUTTONS) if buttons is None else buttons
    path = build_workbook(
        plan,
        Path(output),
        buttons=chosen,
        interpreter=interpreter,
        settings=settings,
        gantt=_first_gantt(plan),
    )
    companion, kept = write_companion(path)
    return NewWorkbook(path, companion, kept, [b.caption for b in chosen])


def _first_gantt(plan: Plan) -> bytes | None:
    """The Gantt chart the Schedule sheet shows until a button or sync redraws it (None: a placeholder),
    carrying its key so that sync keeps it while the schedule stays the same."""
    from partnerkit.io.xlsxpatch.pictures import with_key
    from partnerkit.report.strategy import roadmap_schedule
    from partnerkit.services.roadmap import gantt_key, gantt_png

    schedule = roadmap_schedule(plan)
    png = gantt_png(plan, schedule)
    return with_key(png, gantt_key(plan, schedule)) if png is not None and schedule is not None else png


def export_workbook(loaded: LoadedPlan, output: str | Path) -> Path:
    """Write the plan as a workbook without macros (.xlsx) that ``import_workbook`` reads back."""
    from partnerkit.io.workbook.build import build_workbook

    plan = require_plan(loaded)
    return build_workbook(plan, Path(output), macros=False, gantt=_first_gantt(plan))


def import_workbook(loaded: LoadedPlan, output: str | Path) -> Path:
    """Write a workbook's plan (loaded from it) as a YAML or JSON plan file (by ``output``'s suffix)."""
    from partnerkit.io.files import write_text_atomic
    from partnerkit.io.planfile import dump_plan

    output = Path(output)
    fmt = "json" if output.suffix.lower() == ".json" else "yaml"
    return write_text_atomic(output, dump_plan(require_plan(loaded), fmt))


# --- what the buttons write, one job each (sync does them all) ------------------------------------------


def _locator(loaded: LoadedPlan) -> CellLocator:
    from partnerkit.io.workbook.tables import CellLocator

    locator = loaded.locator
    assert isinstance(locator, CellLocator)  # a plan read from a workbook is placed on its cells
    return locator


def workbook_settings(tables: dict[str, TableData]) -> tuple[WorkbookSettings, list[Problem]]:
    """The Overview's Settings as read (review date, optimizer), and the cells that break a rule."""
    from partnerkit.io.workbook.settings import read_settings

    return read_settings(tables.get("Settings"))


def tier_results(loaded: LoadedPlan, rows: int, as_of: date) -> tuple[dict[str, list[Any]], list[Problem]]:
    """Evaluate tiers: the Partners table's Proposed tier, Change and Top gaps (``rows`` data rows)."""
    from partnerkit.io.workbook.results import tier_columns
    from partnerkit.services.tiers import tier_verdicts

    verdicts = tier_verdicts(loaded, as_of)
    if not verdicts.evaluated:
        return {}, verdicts.problems
    plan = require_plan(loaded)
    return tier_columns(plan, verdicts.summaries(), _locator(loaded), rows), verdicts.problems


def review_results(loaded: LoadedPlan, as_of: date) -> tuple[list[list[Any]] | None, list[Problem]]:
    """Review tiers: the Review table's rows (None when nothing could be reviewed)."""
    from partnerkit.io.workbook.results import review_rows
    from partnerkit.services.tiers import tier_review

    result = tier_review(loaded, as_of)
    if not result.evaluated:
        return None, result.problems
    return review_rows(result.to_dict()), result.problems


def terms_results(loaded: LoadedPlan) -> tuple[list[list[Any]], list[Problem]]:
    """Check terms: the Terms table's rows; each lint finding is a problem on the cell it concerns."""
    from partnerkit.io.workbook.results import terms_rows
    from partnerkit.services.terms import term_review

    result = term_review(loaded)
    return terms_rows(result.reviews), result.problems


@dataclass
class ScheduleResults:
    """Schedule roadmap: the Activities columns, the summary's values, the chart, and the problems."""

    columns: dict[str, list[Any]]
    summary: list[Any]
    schedule: Schedule | None
    problems: list[Problem]

    def gantt(self, plan: Plan, frame: tuple[float, float] | None = None) -> bytes | None:
        """The Gantt chart as PNG, fitted to a picture frame of ``frame`` (width, height) when given."""
        from partnerkit.services.roadmap import gantt_png

        return gantt_png(plan, self.schedule, frame)

    def picture(self, plan: Plan) -> PictureUpdate | None:
        """The Gantt picture for sync: drawn only when the workbook's shows another schedule."""
        if self.schedule is None or not self.schedule.activities:
            return None
        from partnerkit.io.xlsxpatch import PictureUpdate
        from partnerkit.services.roadmap import gantt_key

        return PictureUpdate(gantt_key(plan, self.schedule), lambda: self.gantt(plan))


def schedule_results(
    loaded: LoadedPlan, rows: int, settings: WorkbookSettings | None = None
) -> ScheduleResults:
    """Schedule roadmap with the workbook's settings: the fast planner, or OR-Tools when asked and there.

    Without OR-Tools, "Optimize the roadmap = Yes" is a warning on its cell and the fast planner runs.
    """
    from partnerkit.io.optimize import OptimizerUnavailableError
    from partnerkit.io.workbook.results import schedule_columns, summary_values
    from partnerkit.problems import Problem, Severity
    from partnerkit.services.roadmap import roadmap_schedule

    settings = settings or WorkbookSettings()
    problems: list[Problem] = []
    note = ""
    try:
        result = roadmap_schedule(loaded, optimize=settings.optimize, time_limit=settings.time_limit)
    except OptimizerUnavailableError as exc:
        note = "OR-Tools is not installed"
        problems.append(
            Problem(
                f"Optimize the roadmap = Yes, but {exc}; the roadmap was scheduled with the fast planner",
                severity=Severity.WARNING,
                location=settings.cell("Optimize the roadmap") or loaded.source,
                code="optimizer_unavailable",
            )
        )
        result = roadmap_schedule(loaded)
    problems += result.problems
    if result.schedule is None:
        return ScheduleResults({}, summary_values(None), None, problems)
    plan = require_plan(loaded)
    columns = schedule_columns(plan, result.schedule, _locator(loaded), rows)
    return ScheduleResults(columns, summary_values(result.schedule, note), result.schedule, problems)


def status_column(
    loaded: LoadedPlan, problems: list[Problem], now: datetime, button: str, review_date: date | None
) -> list[Any]:
    """The Overview's Status values after a run: errors, warnings, grounding, when, what, which date."""
    from partnerkit.io.workbook.results import status_values
    from partnerkit.services.plan import check_plan

    ground = check_plan(loaded).grounding
    return status_values(problems, ground.ratio if ground is not None else None, now, button, review_date)


@dataclass
class WorkbookResults:
    """Everything the buttons write, for sync to patch in: result columns per table, the owned sheets'
    rows (header first), the pictures, and the problems the jobs found (placed on their cells)."""

    columns: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)
    pictures: dict[str, dict[str, bytes | PictureUpdate]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def workbook_results(
    loaded: LoadedPlan,
    tables: dict[str, TableData],
    as_of: date,
    settings: WorkbookSettings | None = None,
    *,
    now: datetime | None = None,
    button: str = "workbook sync",
) -> WorkbookResults:
    """What every button writes, computed by the same job functions the buttons call: tiers on
    Partners, the tier review, the terms, the schedule (columns, summary, Gantt chart) and the status."""
    from partnerkit.io.workbook import layout as L

    out = WorkbookResults()
    partners, activities = tables.get("Partners"), tables.get("Activities")
    if partners is not None:
        found, more = tier_results(loaded, len(partners.rows), as_of)
        out.problems += more
        if found:
            out.columns["Partners"] = found
    rows, more = review_results(loaded, as_of)
    out.problems += more
    if rows is not None:
        out.sheets[L.REVIEW] = [L.REVIEW_TABLE.headers, *rows]
    terms, more = terms_results(loaded)
    out.problems += more
    out.sheets[L.TERMS] = [L.TERMS_TABLE.headers, *terms]
    if activities is not None:
        scheduled = schedule_results(loaded, len(activities.rows), settings)
        out.problems += scheduled.problems
        if scheduled.columns:
            out.columns["Activities"] = scheduled.columns
        out.columns["RoadmapSummary"] = {"Value": scheduled.summary}
        picture = scheduled.picture(require_plan(loaded))
        if picture is not None:
            out.pictures[L.SCHEDULE] = {L.GANTT: picture}
    when = now or datetime.combine(as_of, datetime.min.time())
    everything = [*loaded.problems, *out.problems]
    out.columns["Status"] = {"Value": status_column(loaded, everything, when, button, as_of)}
    return out


@dataclass
class SyncOutcome:
    """What sync found and wrote."""

    path: Path
    problems: list[Problem]
    changed_parts: tuple[str, ...] = ()
    backup: Path | None = None
    columns: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # parts of an older workbook sync could not fill

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
            "warnings": self.warnings,
        }


def sync_workbook(
    path: str | Path,
    *,
    as_of: date | None = None,
    today: date | None = None,
    now: datetime | None = None,
    backup: bool = True,
) -> SyncOutcome:
    """Do what every button does and write it into the file: Problems, tiers, the tier review, terms,
    the schedule with its Gantt chart, and the Overview's status.

    Only partnerkit's own parts change; everything else is copied byte for byte, through a verified
    temporary file, a backup and an atomic replace. The review date is ``as_of``, else the
    workbook's Settings, else ``today`` (the door reads the clock: one of the two must be given);
    ``now`` is the status's "Last run". Results are computed only when the plan has no errors.
    """
    from partnerkit.io.workbook.read import paused_gc
    from partnerkit.io.xlsxpatch import check_not_open

    path = Path(path)
    check_not_open(path)
    with paused_gc():  # the whole run: the plan holds no cycles, and the collector's passes cost more
        return _sync(path, as_of, today, now, backup)


def _sync(
    path: Path, as_of: date | None, today: date | None, now: datetime | None, backup: bool
) -> SyncOutcome:
    from partnerkit.io.workbook import layout as L
    from partnerkit.io.workbook.read import plan_from_read_tables, read_tables
    from partnerkit.io.workbook.results import problem_rows, problems_header
    from partnerkit.io.xlsxpatch import patch_workbook

    tables, read_problems = read_tables(path)
    loaded = plan_from_read_tables(tables, read_problems, path.name)
    settings, setting_problems = workbook_settings(tables)
    review = as_of or settings.review_date or today
    if review is None:
        raise ValueError("sync_workbook needs as_of or today: the door reads the clock, not the service")
    problems = [*loaded.problems, *setting_problems]
    results = WorkbookResults()
    if loaded.ok:
        results = workbook_results(loaded, tables, review, settings, now=now)
        problems += results.problems
        when = now or datetime.combine(review, datetime.min.time())
        results.columns["Status"] = {"Value": status_column(loaded, problems, when, "workbook sync", review)}
    columns, sheets, pictures = results.columns, results.sheets, results.pictures
    sheets[L.PROBLEMS] = [problems_header(), *problem_rows(problems)]
    report = patch_workbook(
        path,
        columns=columns or None,
        sheets=sheets,
        pictures=pictures or None,
        backup=backup,
        skip_missing=True,
    )
    return SyncOutcome(
        path,
        problems,
        tuple(report.changed_parts),
        report.backup,
        {table: list(cols) for table, cols in columns.items() if f"table {table}" not in report.skipped},
        list(report.warnings),
    )
