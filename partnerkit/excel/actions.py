"""The workbook's buttons, one function each, taking an ``xw.Book``: read the tables, call a service, write back.

Each action reads the whole named tables (one 2-D read each), calls the same service function as its
command-line twin (``partnerkit.services``), and writes its results in one 2-D write per table.
Problems always go to the Problems sheet with the sheet and cell they refer to; an action never
raises into Excel (see ``run``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from partnerkit.excel.book import read_tables, write_columns, write_table
from partnerkit.io.workbook.read import plan_from_read_tables
from partnerkit.io.workbook.results import Columns, documents_folder, problem_rows
from partnerkit.io.workbook.tables import CellLocator, TableData
from partnerkit.loaded import LoadedPlan
from partnerkit.problems import Problem, Severity


def read_book(book: Any) -> tuple[LoadedPlan, dict[str, TableData]]:
    """The plan in the workbook with its problems (each on its cell) and locator, and the tables read."""
    tables, problems = read_tables(book)
    return plan_from_read_tables(tables, problems, book.name), tables


def _show(book: Any, loaded: LoadedPlan, more: Sequence[Problem] = ()) -> list[Problem]:
    """Write the plan's problems and the action's own to the Problems sheet; return them all."""
    problems = [*loaded.problems, *more]
    write_table(book, "Problems", problem_rows(problems))
    return problems


def validate(book: Any) -> list[Problem]:
    """Validate: check the plan and list every problem on the Problems sheet (empty when clean)."""
    from partnerkit.services import check_plan

    loaded, _ = read_book(book)
    result = check_plan(loaded)
    write_table(book, "Problems", problem_rows(result.problems))
    return result.problems


def evaluate_tiers(book: Any, as_of: date | None = None) -> Columns:
    """Evaluate tiers: each partner's proposed tier, change and top gaps, beside the partner."""
    from partnerkit.io.workbook.results import tier_columns
    from partnerkit.services import tier_verdicts

    loaded, tables = read_book(book)
    if not loaded.ok:
        _show(book, loaded)
        return {}
    # The door reads the clock; the services are given the date.
    result = tier_verdicts(loaded, as_of or date.today())
    _show(book, loaded, result.problems)
    if not result.evaluated or loaded.plan is None:
        return {}
    columns = tier_columns(loaded.plan, result.summaries(), _rows_of(loaded), _count(tables, "Partners"))
    write_columns(book, "Partners", columns)
    return columns


def schedule_roadmap(book: Any) -> Columns:
    """Schedule roadmap: start, end, quarter and critical flag beside each activity."""
    from partnerkit.io.workbook.results import schedule_columns
    from partnerkit.services import roadmap_schedule

    loaded, tables = read_book(book)
    if not loaded.ok or loaded.plan is None:
        _show(book, loaded)
        return {}
    result = roadmap_schedule(loaded)
    _show(book, loaded, result.problems)
    if result.schedule is None:
        return {}
    columns = schedule_columns(loaded.plan, result.schedule, _rows_of(loaded), _count(tables, "Activities"))
    write_columns(book, "Activities", columns)
    return columns


def generate_agreements(book: Any, folder: Path | None = None) -> list[Path]:
    """Generate agreements: one Word draft per partner with an agreement, in a folder beside the workbook.

    Legal's templates come from the plan's documents.templates (paths relative to the workbook's
    folder). The button replaces the drafts it wrote itself on an earlier click, so it can be pressed
    again after the plan changes, but never a draft someone edited since (or put there): that one is
    kept and the Problems sheet says so. Partners whose terms have errors get no draft; why is
    written to the Problems sheet.
    """
    from dataclasses import replace

    from partnerkit.services import draft_agreements

    loaded, _ = read_book(book)
    if not loaded.ok:
        _show(book, loaded)
        return []
    loaded = replace(loaded, path=Path(book.fullname))
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
    _show(book, loaded, [*skipped, *result.problems])
    write_table(book, "Documents", [["Agreement draft", d.partner, str(d.path)] for d in result.written])
    return [d.path for d in result.written]


def generate_strategy_report(book: Any, folder: Path | None = None) -> list[Path]:
    """Generate strategy report: the Partnership Strategy in Markdown and Word, in a folder beside the workbook."""
    from partnerkit.services import write_strategy

    loaded, _ = read_book(book)
    _show(book, loaded)
    if not loaded.ok:
        return []
    folder = folder if folder is not None else documents_folder(book.fullname)
    # Like the agreements button: its own earlier strategy is replaced, an edited one is kept.
    written = [
        write_strategy(loaded, folder / name, replace_unedited=True).document
        for name in ("strategy.md", "strategy.docx")
    ]
    write_table(book, "Documents", [["Partnership strategy", "", str(p)] for p in written])
    return written


def _rows_of(loaded: LoadedPlan) -> CellLocator:
    """The workbook's locator, which knows the data row of every partner and activity."""
    locator = loaded.locator
    assert isinstance(locator, CellLocator)  # a plan read from a workbook is placed on its cells
    return locator


def _count(tables: dict[str, TableData], name: str) -> int:
    found = tables.get(name)
    return len(found.rows) if found is not None else 0


Action = Callable[[Any], object]

ACTIONS: dict[str, Action] = {
    "validate": validate,
    "evaluate_tiers": evaluate_tiers,
    "schedule_roadmap": schedule_roadmap,
    "generate_agreements": generate_agreements,
    "generate_strategy_report": generate_strategy_report,
}


def run(book: Any, action: str) -> None:
    """Run one action so that nothing reaches Excel as a traceback: failures land on the Problems sheet."""
    from partnerkit.errors import PartnerkitError

    function = ACTIONS.get(action)
    try:
        if function is None:
            # A workbook built by a newer partnerkit than the one installed names a button this
            # one does not know.
            raise PartnerkitError(
                f"the button {action.replace('_', ' ')!r} is not known to this installation of "
                "partnerkit; update partnerkit and rebuild the workbook"
            )
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
