"""The workbook's buttons, one function each, taking an ``xw.Book``: read the tables, call a service, write back.

Each action reads the whole named tables (one 2-D read each), calls the same service function as its
command-line twin (``partnerkit.services``), and writes its results in one 2-D write per table.
Problems always go to the Problems sheet with the sheet and cell they refer to, and the Overview's
Status says how the run went; an action never raises into Excel (see ``run``). The door reads the
clock (today's date, the time of the run); the services are given them.

The "run the program" buttons (Check deals, Run payouts, Program actuals) read the Deals and Survey
tables besides the plan, like ``partnerkit deals check`` and ``partnerkit payouts`` read their files.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from partnerkit.excel.book import read_tables, write_columns, write_row_values, write_table
from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.read import plan_from_read_tables
from partnerkit.io.workbook.results import Columns, documents_folder, problem_rows
from partnerkit.io.workbook.tables import TableData
from partnerkit.loaded import LoadedPlan
from partnerkit.problems import Problem, Severity


@dataclass
class BookRead:
    """A workbook as the buttons read it: its plan, its tables, its settings, and the problems so far."""

    loaded: LoadedPlan
    tables: dict[str, TableData]
    settings: Any  # io.workbook.settings.WorkbookSettings
    problems: list[Problem]

    @property
    def currency(self) -> str:
        """The plan's currency (the money formats follow it)."""
        return self.loaded.plan.product.currency if self.loaded.plan is not None else "USD"

    def rows(self, table: str) -> int:
        """How many data rows a table has."""
        found = self.tables.get(table)
        return len(found.rows) if found is not None else 0


def read_book(book: Any, program: bool = False) -> tuple[LoadedPlan, dict[str, TableData]]:
    """The plan in the workbook with its problems (each on its cell) and locator, and the tables read
    (with ``program``, the Deals and Survey tables too)."""
    tables, problems = read_tables(book, L.PROGRAM_INPUTS if program else ())
    return plan_from_read_tables(tables, problems, book.name), tables


def _read(book: Any, program: bool = False) -> BookRead:
    from partnerkit.services.workbook import workbook_settings

    loaded, tables = read_book(book, program)
    settings, problems = workbook_settings(tables)
    return BookRead(loaded, tables, settings, [*loaded.problems, *problems])


def _finish(
    book: Any, read: BookRead, button: str, more: Sequence[Problem] = (), review: date | None = None
) -> list[Problem]:
    """Write every problem to the Problems sheet and the run to the Overview's Status; return the problems."""
    problems = [*read.problems, *more]
    write_table(book, "Problems", problem_rows(problems), read.currency)
    if read.loaded.plan is not None:
        from partnerkit.services.workbook import status_column

        values = status_column(read.loaded, problems, datetime.now(), button, review)
        if review is None:  # a button that used no review date leaves the last one shown
            values[-1] = _current_status(book, L.STATUS_ROWS[-1].label)
        write_row_values(book, "Status", L.STATUS_ROWS, values, read.currency)
    return problems


def _current_status(book: Any, label: str) -> Any:
    from partnerkit.excel.book import find_table

    table = find_table(book, "Status")
    if table is None:
        return None
    for row in table.range.options(ndim=2).value[1:]:
        if row and str(row[0] or "").strip() == label:
            return row[1] if len(row) > 1 else None
    return None


def _review_date(read: BookRead, as_of: date | None) -> date:
    # The Settings' review date, else today: the door reads the clock.
    return as_of or read.settings.review_date or date.today()


def validate(book: Any) -> list[Problem]:
    """Validate: check the plan and list every problem on the Problems sheet (empty when clean)."""
    from partnerkit.services import check_plan

    read = _read(book)
    checked = check_plan(read.loaded)  # the problems found while reading, and the grounding
    return _finish(book, read, "Validate", [p for p in checked.problems if p not in read.problems])


def evaluate_tiers(book: Any, as_of: date | None = None) -> Columns:
    """Evaluate tiers: each partner's proposed tier, change and top gaps on the review date, beside the partner."""
    from partnerkit.services.workbook import tier_results

    read = _read(book)
    if not read.loaded.ok:
        _finish(book, read, "Evaluate tiers")
        return {}
    review = _review_date(read, as_of)
    columns, problems = tier_results(read.loaded, read.rows("Partners"), review)
    if columns:
        write_columns(book, "Partners", columns, read.currency)
    _finish(book, read, "Evaluate tiers", problems, review)
    return columns


def review_tiers(book: Any, as_of: date | None = None) -> list[list[Any]]:
    """Review tiers: proposals to approve, grace dates, expiries, unknowns and benefit cost, on the Review sheet."""
    from partnerkit.services.workbook import review_results

    read = _read(book)
    if not read.loaded.ok:
        _finish(book, read, "Review tiers")
        return []
    review = _review_date(read, as_of)
    rows, problems = review_results(read.loaded, review)
    if rows is not None:
        write_table(book, "Review", rows, read.currency)
    _finish(book, read, "Review tiers", problems, review)
    return rows or []


def check_terms(book: Any) -> list[list[Any]]:
    """Check terms: each partner's terms on the Terms sheet, every finding on the Problems sheet at its cell."""
    from partnerkit.services.workbook import terms_results

    read = _read(book)
    if not read.loaded.ok:
        _finish(book, read, "Check terms")
        return []
    rows, problems = terms_results(read.loaded)
    write_table(book, "Terms", rows, read.currency)
    _finish(book, read, "Check terms", problems)
    return rows


def schedule_roadmap(book: Any) -> Columns:
    """Schedule roadmap: dates, quarter, slack and critical flag per activity; the summary and Gantt chart."""
    from partnerkit.services.workbook import schedule_results

    read = _read(book)
    if not read.loaded.ok or read.loaded.plan is None:
        _finish(book, read, "Schedule roadmap")
        return {}
    result = schedule_results(read.loaded, read.rows("Activities"), read.settings)
    if result.columns:
        write_columns(book, "Activities", result.columns, read.currency)
    write_row_values(book, "RoadmapSummary", L.SUMMARY_ROWS, result.summary, read.currency)
    problems = list(result.problems)
    if result.schedule is not None:
        problems += _draw_gantt(book, read, result)
    _finish(book, read, "Schedule roadmap", problems)
    return result.columns


def _draw_gantt(book: Any, read: BookRead, result: Any) -> list[Problem]:
    """Replace the Schedule sheet's Gantt picture (fitted to its frame), or add it below the summary."""
    try:
        sheet = book.sheets[L.SCHEDULE]
    except Exception:
        return []  # a workbook built before the Schedule sheet: the dates are on the Roadmap sheet
    pictures = sheet.pictures
    try:
        existing = pictures[L.GANTT]
    except KeyError:  # deleted by the user, or a workbook built before the picture was named
        existing = None
    frame = (existing.width, existing.height) if existing is not None and existing.width else None
    assert read.loaded.plan is not None
    png = result.gantt(read.loaded.plan, frame)
    if png is None:
        return []
    with tempfile.TemporaryDirectory() as folder:
        image = Path(folder) / "gantt.png"
        image.write_bytes(png)
        if existing is not None:
            pictures.add(str(image), name=L.GANTT, update=True)
        else:
            below = L.ROADMAP_SUMMARY.first_row + len(L.SUMMARY_ROWS) + 4
            pictures.add(str(image), name=L.GANTT, anchor=sheet.range((below, 1)))
    return []


def generate_agreements(book: Any, folder: Path | None = None) -> list[Path]:
    """Generate agreements: one Word draft per partner with an agreement, in a folder beside the workbook.

    Legal's templates come from the plan's documents.templates (paths relative to the workbook's
    folder). The button replaces the drafts it wrote itself on an earlier click, so it can be pressed
    again after the plan changes, but never a draft someone edited since (or put there): that one is
    kept and the Problems sheet says so. Partners whose terms have errors get no draft; why is
    written to the Problems sheet (the same service as ``partnerkit agreements``).
    """
    from dataclasses import replace

    from partnerkit.services import draft_agreements

    read = _read(book)
    if not read.loaded.ok:
        _finish(book, read, "Generate agreements")
        return []
    loaded = replace(read.loaded, path=Path(book.fullname))
    folder = folder if folder is not None else documents_folder(book.fullname) / "agreements"
    result = draft_agreements(loaded, folder, workers=1, replace_unedited=True)
    skipped = [
        Problem(
            f"no agreement draft for {s.partner}: {'; '.join(s.reasons)}",
            severity=Severity.WARNING,
            location=book.name,
            code="agreement_skipped",
        )
        for s in result.skipped
    ]
    write_table(book, "Documents", [["Agreement draft", d.partner, str(d.path)] for d in result.written])
    _finish(book, read, "Generate agreements", [*skipped, *result.problems])
    return [d.path for d in result.written]


def generate_strategy_report(book: Any, folder: Path | None = None, as_of: date | None = None) -> list[Path]:
    """Generate strategy report: the Partnership Strategy in Markdown (with its Gantt chart beside it)
    and in Word (with the chart inside), in a folder beside the workbook: the same service as
    ``partnerkit report``. When the Deals sheet has rows, the strategy has its Actuals section too,
    with the figures the Program actuals button writes (review date and payout period from the
    Settings), as ``partnerkit report --deals --survey`` gives it."""
    from dataclasses import replace

    from partnerkit.services import write_strategy

    button = "Generate strategy report"
    read = _read(book, program=True)
    if not read.loaded.ok:
        _finish(book, read, button)
        return []
    actuals, problems, review = None, [], None
    deals_table = read.tables.get(L.DEALS_TABLE.name)
    if deals_table is not None and any(any(v not in (None, "") for v in row) for row in deals_table.rows):
        found = _actuals(book, read, as_of)
        if found is None:
            return []
        actuals, review = found
        problems = actuals.problems
        if not actuals.ok:
            _finish(book, read, button, problems, review)
            return []
    loaded = replace(read.loaded, path=Path(book.fullname))
    folder = folder if folder is not None else documents_folder(book.fullname)
    written: list[Path] = []
    for name in ("strategy.md", "strategy.docx"):
        # Like the agreements button: its own earlier strategy is replaced, an edited one is kept.
        written += write_strategy(loaded, folder / name, replace_unedited=True, actuals=actuals).paths
    labels = {".png": "Roadmap chart"}
    documents = [
        [
            "Actuals chart" if p.stem.endswith("-actuals") else labels.get(p.suffix, "Partnership strategy"),
            "",
            str(p),
        ]
        for p in written
    ]
    write_table(book, "Documents", documents)
    _finish(book, read, button, problems, review)
    return written


def _actuals(book: Any, read: BookRead, as_of: date | None) -> tuple[Any, date] | None:
    """The program's actuals for the strategy, as Program actuals measures them; None (the problems
    written) when the Deals or Survey table has errors."""
    from partnerkit.services.workbook import measure_actuals, payout_period, program_deals, program_survey

    deals = program_deals(read.loaded, read.tables)
    if deals is None:
        return None
    review = _review_date(read, as_of)
    survey = program_survey(read.loaded, read.tables)
    actuals, problems = measure_actuals(
        read.loaded, deals, survey, review, payout_period(read.settings, review)
    )
    if actuals is None:
        _finish(book, read, "Generate strategy report", problems, review)
        return None
    return actuals, review


def _program(book: Any, button: str) -> tuple[BookRead, Any] | None:
    """The book read with its Deals table for one of the running program's buttons; None (the
    problems written) when the plan has errors or the workbook has no Deals table."""
    from partnerkit.services.workbook import program_deals

    read = _read(book, program=True)
    if not read.loaded.ok:
        _finish(book, read, button)
        return None
    deals = program_deals(read.loaded, read.tables)
    if deals is None:  # a workbook built before the Deals sheet: read_tables said so
        _finish(book, read, button)
        return None
    return read, deals


def check_deals(book: Any, as_of: date | None = None) -> Columns:
    """Check deals: each Deals row's registration, protection end and findings with why, on the review
    date, beside the row; every finding and bad cell on the Problems sheet (as ``partnerkit deals check``)."""
    from partnerkit.services.workbook import deal_results

    found = _program(book, "Check deals")
    if found is None:
        return {}
    read, deals = found
    review = _review_date(read, as_of)
    columns, problems = deal_results(read.loaded, deals, read.rows(L.DEALS_TABLE.name), review)
    write_columns(book, L.DEALS_TABLE.name, columns, read.currency)
    _finish(book, read, "Check deals", problems, review)
    return columns


def run_payouts(book: Any, as_of: date | None = None, folder: Path | None = None) -> list[list[Any]]:
    """Run payouts: what each partner is owed for the payout period (the Settings', else the quarter
    before the review date) and the run's total, on the Payouts sheet (as ``partnerkit payouts``).

    A run without errors also writes its statements (Word and CSV, and summary.csv) into
    ``planner documents/payouts/PERIOD``, listed in the Documents table; like the agreements button,
    a second click replaces the files it wrote but keeps any edited since.
    """
    from partnerkit.services.workbook import payout_period, payout_results

    found = _program(book, "Run payouts")
    if found is None:
        return []
    read, deals = found
    review = _review_date(read, as_of)
    period = payout_period(read.settings, review)
    if folder is None:
        folder = documents_folder(book.fullname) / "payouts" / period.label
    rows, problems, documents = payout_results(read.loaded, deals, period, folder)
    if rows is not None:
        write_table(book, L.PAYOUTS_TABLE.name, rows, read.currency)
    if documents:
        write_table(book, L.DOCUMENTS.name, documents)
    _finish(book, read, "Run payouts", problems, review)
    return rows or []


def program_actuals(book: Any, as_of: date | None = None) -> list[list[Any]]:
    """Program actuals: each metric's target against its actual on the review date (partner NPS from
    the Survey table), and each tier's economics over the payout period, on the Actuals sheet."""
    from partnerkit.services.workbook import actuals_results, payout_period, program_survey

    found = _program(book, "Program actuals")
    if found is None:
        return []
    read, deals = found
    review = _review_date(read, as_of)
    survey = program_survey(read.loaded, read.tables)
    period = payout_period(read.settings, review)
    rows, problems = actuals_results(read.loaded, deals, survey, review, period)
    if rows is not None:
        write_table(book, L.ACTUALS_TABLE.name, rows, read.currency)
    _finish(book, read, "Program actuals", problems, review)
    return rows or []


Action = Callable[[Any], object]

ACTIONS: dict[str, Action] = {
    "validate": validate,
    "evaluate_tiers": evaluate_tiers,
    "review_tiers": review_tiers,
    "check_terms": check_terms,
    "schedule_roadmap": schedule_roadmap,
    "generate_agreements": generate_agreements,
    "generate_strategy_report": generate_strategy_report,
    "check_deals": check_deals,
    "run_payouts": run_payouts,
    "program_actuals": program_actuals,
}


def run(book: Any, action: str) -> None:
    """Run one action so that nothing reaches Excel as a traceback: failures land on the Problems sheet."""
    from partnerkit.errors import PartnerkitError
    from partnerkit.services import no_gc

    function = ACTIONS.get(action)
    try:
        if function is None:
            # A workbook built by a newer partnerkit than the one installed names a button this
            # one does not know.
            raise PartnerkitError(
                f"the button {action.replace('_', ' ')!r} is not known to this installation of "
                "partnerkit; update partnerkit and rebuild the workbook"
            )
        # A click is one short run over a large plan that holds no cycles: the collector's passes
        # over its millions of objects would cost more than the work (see io/workbook/read.py).
        with no_gc():
            function(book)
    except PartnerkitError as exc:
        _report_failure(book, str(exc))
    except Exception as exc:
        # A button must never show Python's traceback dialog: even a bug becomes a line to read.
        _report_failure(
            book, f"partnerkit stopped unexpectedly ({type(exc).__name__}: {exc}); please report this"
        )


def _report_failure(book: Any, message: str) -> None:
    try:
        write_table(book, "Problems", [["error", "", "", "", message, ""]])
    except Exception:
        # The Problems table itself may be gone: fall back to Excel's message box, else stay quiet.
        with contextlib.suppress(Exception):
            book.app.alert(message, title="partnerkit")
