"""The planning workbook's jobs: build it, export and import plans, and sync results into it without Excel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.settings import WorkbookSettings
from partnerkit.services.plan import require_plan

if TYPE_CHECKING:
    from partnerkit.io.workbook.build import Button
    from partnerkit.io.workbook.tables import CellLocator, TableData
    from partnerkit.io.xlsxpatch import PictureUpdate
    from partnerkit.loaded import LoadedPlan
    from partnerkit.model import Plan
    from partnerkit.pipeline.periods import Period
    from partnerkit.problems import Problem
    from partnerkit.roadmap.schedule import Schedule
    from partnerkit.services.actuals import ActualsResult
    from partnerkit.services.deals import LoadedDeals, LoadedSurvey


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
    deals: str | Path | None = None,
    survey: str | Path | None = None,
) -> NewWorkbook:
    """Build the macro-enabled planning workbook at ``output`` (from the starter plan without ``loaded``).

    The companion Python module the buttons run is written beside it (an edited one is kept).
    ``interpreter`` is the Python the buttons start (the xlwings.conf sheet); ``settings`` fills
    the Overview's Settings (``{"Review date": date(...)}``). ``deals`` and ``survey`` are exports
    (CSV or XLSX) pasted into the Deals and Survey tables; for the example plan, its shipped deals
    and survey are by default. Raises WorkbookError when the installed xlwings carries no usable
    VBA project.
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
        program=program_tables(plan, deals, survey),
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


def export_workbook(
    loaded: LoadedPlan,
    output: str | Path,
    *,
    deals: str | Path | None = None,
    survey: str | Path | None = None,
) -> Path:
    """Write the plan as a workbook without macros (.xlsx) that ``import_workbook`` reads back, with
    the Deals and Survey tables filled as ``new_workbook`` fills them."""
    from partnerkit.io.workbook.build import build_workbook

    plan = require_plan(loaded)
    return build_workbook(
        plan,
        Path(output),
        macros=False,
        gantt=_first_gantt(plan),
        program=program_tables(plan, deals, survey),
    )


def program_tables(
    plan: Plan, deals: str | Path | None = None, survey: str | Path | None = None
) -> dict[str, list[list[Any]]]:
    """The Deals and Survey tables' rows from exports (a CSV, or an XLSX's first sheet with rows), typed
    by the tables' columns; for the example plan, the example's deals and survey unless others are given.

    The rows are pasted as they are: the buttons read them and report their cells' problems.
    """
    from partnerkit.io.facts import table_sheets
    from partnerkit.io.pipeline.examples import example_deals_path, example_survey_path
    from partnerkit.io.planfile import load_example_plan
    from partnerkit.io.workbook import layout as L

    if deals is None and survey is None and plan == load_example_plan():
        deals, survey = example_deals_path(), example_survey_path()
    from partnerkit.io.pipeline import deals as deals_reader
    from partnerkit.io.pipeline import survey as survey_reader

    out: dict[str, list[list[Any]]] = {}
    for table, path, what, aliases in (
        (L.DEALS_TABLE, deals, "deals table", deals_reader.COLUMNS),
        (L.SURVEY_TABLE, survey, "survey responses table", survey_reader.COLUMNS),
    ):
        if path is None:
            continue
        rows = next((rows for _, rows in table_sheets(path, what) if rows), [])
        if rows:
            out[table.name] = _export_cells(table, aliases, rows[0], rows[1:])
    return out


def _export_cells(
    table: L.Table,
    aliases: dict[str, tuple[str, ...]],
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
) -> list[list[Any]]:
    """An export's rows (a CSV's texts: the deals, the survey) as rows of the workbook's ``table``, typed
    by its columns (dates as dates, amounts and scores as numbers); each export column goes to the
    table's column of its field, found by the names the reader knows (``aliases``); results empty.

    A cell that is not what its column takes stays the text it was, so the button reports it.
    """
    from partnerkit.io.facts import header_key

    field_of = {alias: name for name, known in aliases.items() for alias in known}
    where: dict[str, int] = {}
    for i, h in enumerate(header):
        name = field_of.get(header_key(h))
        if name is not None:
            where.setdefault(name, i)
    picks = [None if c.result or not c.path else where.get(c.path[0]) for c in table.columns]
    out: list[list[Any]] = []
    for line in rows:
        cells: list[Any] = []
        for column, at in zip(table.columns, picks, strict=True):
            text = line[at] if at is not None and at < len(line) else None
            cells.append(_typed_export(column.kind, text))
        out.append(cells)
    return out


def _typed_export(kind: L.Kind, text: Any) -> Any:
    import re
    from decimal import Decimal, InvalidOperation

    from partnerkit.io.workbook.results import number_value

    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if not isinstance(text, str):
        return text
    value = text.strip()
    try:
        if kind is L.Kind.DATE and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
        if kind is L.Kind.CENTS:
            return number_value(Decimal(value))
        if kind is L.Kind.INT and value.isdigit():
            return int(value)
    except (ValueError, InvalidOperation):
        return value
    return value


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


def _tiers_and_review(
    loaded: LoadedPlan, rows: int, as_of: date
) -> tuple[dict[str, list[Any]], list[Problem], list[list[Any]] | None, list[Problem]]:
    """``tier_results`` and ``review_results`` from one evaluation of the tiers (each evaluates them on
    its own, as its button needs): the Partners columns and their problems, the Review rows and theirs."""
    from partnerkit.io.workbook.results import review_rows, tier_columns
    from partnerkit.services.plan import require_tiers
    from partnerkit.services.tiers import tier_verdicts
    from partnerkit.tiers.review import review_evaluation

    verdicts = tier_verdicts(loaded, as_of)
    if verdicts.evaluation is None:
        return {}, verdicts.problems, None, list(verdicts.problems)
    plan = require_plan(loaded)
    columns = tier_columns(plan, verdicts.summaries(), _locator(loaded), rows)
    budget = require_tiers(loaded).tier_program.benefits_budget_per_quarter  # as tier_review reads it
    review = review_evaluation(verdicts.evaluation, budget.amount if budget else None)
    return columns, verdicts.problems, review_rows(review.to_dict()), list(verdicts.problems)


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


# --- running the program: the Deals, Payouts and Actuals sheets -------------------------------------------


def _export_rows(table: TableData, results: frozenset[str] = frozenset()) -> list[list[Any]]:
    """A program table as its export's reader takes it: header first; partnerkit's result columns unnamed,
    so the reader passes over them as it passes over a column without a header."""
    from partnerkit.io.workbook.refs import normalize_header

    header = ["" if normalize_header(h) in results else h for h in table.headers]
    return [header, *table.rows]


def _has_rows(table: TableData | None) -> bool:
    return table is not None and any(any(c not in (None, "") for c in row) for row in table.rows)


def program_deals(loaded: LoadedPlan, tables: dict[str, TableData]) -> LoadedDeals | None:
    """The Deals table read like a CRM export (``deals_from_rows``), each problem on its cell; None
    when the workbook has no Deals table (a workbook built before it)."""
    from partnerkit.io.workbook import layout as L
    from partnerkit.io.workbook.refs import normalize_header
    from partnerkit.services.deals import deals_from_rows

    table = tables.get(L.DEALS_TABLE.name)
    if table is None:
        return None
    results = frozenset(normalize_header(c.header) for c in L.DEALS_TABLE.results)
    return deals_from_rows(
        _export_rows(table, results), loaded, sheet=table.sheet, top=table.top, left=table.left
    )


def program_survey(loaded: LoadedPlan, tables: dict[str, TableData]) -> LoadedSurvey | None:
    """The Survey table's responses (None when it is missing or empty: the survey is optional)."""
    from partnerkit.io.workbook import layout as L
    from partnerkit.services.deals import survey_from_rows

    table = tables.get(L.SURVEY_TABLE.name)
    if table is None or not _has_rows(table):
        return None
    return survey_from_rows(_export_rows(table), loaded, sheet=table.sheet, top=table.top, left=table.left)


def payout_period(settings: WorkbookSettings | None, as_of: date) -> Period:
    """The period Run payouts pays: the Settings' Payout period, else the quarter before ``as_of``."""
    from datetime import timedelta

    from partnerkit.pipeline.periods import parse_period, quarter_of

    if settings is not None and settings.payout_period:
        return parse_period(settings.payout_period)
    return quarter_of(quarter_of(as_of).start - timedelta(days=1))


def deal_results(
    loaded: LoadedPlan, deals: LoadedDeals, rows: int, as_of: date
) -> tuple[dict[str, list[Any]], list[Problem]]:
    """Check deals: each Deals row's registration, protection end, findings and why (``rows`` data rows),
    and every problem on its cell. A table with errors is not checked (as ``deals check``): its
    columns come back empty."""
    from partnerkit.io.workbook import layout as L
    from partnerkit.io.workbook.results import deal_columns
    from partnerkit.services.deals import check_deals

    if not deals.ok:
        return {c.header: [None] * rows for c in L.DEALS_TABLE.results}, list(deals.problems)
    result = check_deals(loaded, deals, as_of)
    table = deals.table
    data_rows = [r - 1 for r in table.row_number] if table is not None else []
    return deal_columns(result, data_rows, rows), [*result.problems, *result.findings]


def payout_results(
    loaded: LoadedPlan, deals: LoadedDeals, period: Period, folder: Path | None = None
) -> tuple[list[list[Any]] | None, list[Problem], list[list[Any]]]:
    """Run payouts: the Payouts table's rows (one per partner, then the run total), the problems, and
    the Documents table's rows for the files written into ``folder`` when given (the summary and each
    partner's statement; edited ones are kept); no rows when the deals table has errors (nothing is
    paid from it, as ``partnerkit payouts``)."""
    from partnerkit.io.pipeline.payouts import statement_stems
    from partnerkit.io.workbook.results import payout_rows
    from partnerkit.services.payouts import run_payouts

    if not deals.ok:
        return None, list(deals.problems), []
    result = run_payouts(loaded, deals, period, folder, replace_unedited=True)
    stems = statement_stems(result.run)
    named = {f"{stem}.docx": s.partner for stem, s in zip(stems, result.run.statements, strict=True)}
    documents: list[list[Any]] = []
    for path in result.written:
        if path.name == "summary.csv":
            documents.append(["Payout summary", "", str(path)])
        elif path.suffix == ".docx":
            documents.append(["Payout statement", named.get(path.name, ""), str(path)])
    return payout_rows(result.run), result.problems, documents


def actuals_results(
    loaded: LoadedPlan, deals: LoadedDeals, survey: LoadedSurvey | None, as_of: date, period: Period
) -> tuple[list[list[Any]] | None, list[Problem]]:
    """Program actuals: the Actuals table's rows, the metrics on ``as_of`` and each tier's economics over
    ``period`` (the payout period); None when the deals or the survey have errors."""
    from partnerkit.io.workbook.results import actuals_rows

    result, problems = measure_actuals(loaded, deals, survey, as_of, period)
    if result is None:
        return None, problems
    return actuals_rows(result, require_plan(loaded).product.currency), problems


def measure_actuals(
    loaded: LoadedPlan, deals: LoadedDeals, survey: LoadedSurvey | None, as_of: date, period: Period
) -> tuple[ActualsResult | None, list[Problem]]:
    """The program's actuals as the workbook's buttons measure them (``program_actuals`` on ``as_of``
    over ``period``), with their problems; None when the Deals or Survey table has errors."""
    from partnerkit.services.actuals import program_actuals

    survey_problems = list(survey.problems) if survey is not None else []
    if not deals.ok or any(p.is_error for p in survey_problems):
        return None, [*deals.problems, *survey_problems]
    result = program_actuals(loaded, deals, survey if survey is not None else (), as_of, period=period)
    return result, result.problems


def _new_problems(seen: set[tuple[Any, ...]], problems: list[Problem]) -> list[Problem]:
    """The problems not reported yet: the deals table's own come back from every job that reads it."""
    out = []
    for p in problems:
        key = (p.location, p.path, p.message, p.severity)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


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
    Partners, the tier review, the terms, the schedule (columns, summary, Gantt chart), the deals'
    verdicts, the payouts and the actuals (when the Deals table has rows), and the status."""
    from partnerkit.io.workbook import layout as L

    out = WorkbookResults()
    partners, activities = tables.get("Partners"), tables.get("Activities")
    if partners is not None:
        found, more, rows, reviewed = _tiers_and_review(loaded, len(partners.rows), as_of)
        out.problems += more
        if found:
            out.columns["Partners"] = found
    else:
        rows, reviewed = review_results(loaded, as_of)
    out.problems += reviewed
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
    if _has_rows(tables.get(L.DEALS_TABLE.name)):
        _program_results(out, loaded, tables, as_of, settings)
    when = now or datetime.combine(as_of, datetime.min.time())
    everything = [*loaded.problems, *out.problems]
    out.columns["Status"] = {"Value": status_column(loaded, everything, when, button, as_of)}
    return out


def _program_results(
    out: WorkbookResults,
    loaded: LoadedPlan,
    tables: dict[str, TableData],
    as_of: date,
    settings: WorkbookSettings | None,
) -> None:
    """The Deals verdicts, the Payouts and the Actuals sheets, from one read of the Deals table."""
    from partnerkit.io.workbook import layout as L

    deals = program_deals(loaded, tables)
    assert deals is not None  # the table has rows
    seen: set[tuple[Any, ...]] = set()
    columns, more = deal_results(loaded, deals, len(tables[L.DEALS_TABLE.name].rows), as_of)
    out.problems += _new_problems(seen, more)
    out.columns[L.DEALS_TABLE.name] = columns
    period = payout_period(settings, as_of)
    payouts, more, _ = payout_results(loaded, deals, period)
    out.problems += _new_problems(seen, more)
    if payouts is not None:
        out.sheets[L.PAYOUTS] = [L.PAYOUTS_TABLE.headers, *payouts]
    actuals, more = actuals_results(loaded, deals, program_survey(loaded, tables), as_of, period)
    out.problems += _new_problems(seen, more)
    if actuals is not None:
        out.sheets[L.ACTUALS] = [L.ACTUALS_TABLE.headers, *actuals]


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
    from partnerkit.collector import no_gc
    from partnerkit.io.xlsxpatch import check_not_open

    path = Path(path)
    check_not_open(path)
    with no_gc():  # the whole run: the plan holds no cycles, and the collector's passes cost more
        return _sync(path, as_of, today, now, backup)


def _sync(
    path: Path, as_of: date | None, today: date | None, now: datetime | None, backup: bool
) -> SyncOutcome:
    from partnerkit.io.workbook import layout as L
    from partnerkit.io.workbook.read import plan_from_read_tables, read_tables
    from partnerkit.io.workbook.results import problem_rows, problems_header
    from partnerkit.io.xlsxpatch import patch_workbook

    tables, read_problems = read_tables(path, L.PROGRAM_INPUTS)
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
