"""The workbook's buttons, one function each, taking an ``xw.Book``: read the tables, call the core, write back.

Each action reads the whole named tables (one 2-D read each), calls the same core functions as the
command line, and writes its results in one 2-D write per table. Problems always go to the Problems
sheet with the sheet and cell they refer to; an action never raises into Excel (see ``run``).
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from partnerkit.excel.book import read_tables, write_columns, write_table
from partnerkit.io.workbook.results import (
    Columns,
    documents_folder,
    problem_rows,
    schedule_columns,
    tier_columns,
)
from partnerkit.io.workbook.tables import ReadPlan, TableData, locate_problems, read_plan
from partnerkit.problems import Problem


def read_book(book: Any) -> tuple[ReadPlan, dict[str, TableData]]:
    """The plan in the workbook, its problems (each on its cell), where each field sits, and the tables."""
    tables, problems = read_tables(book)
    read = read_plan(tables, book.name)
    read.problems = [*problems, *read.problems]
    if problems and any(p.is_error for p in problems):
        read.plan = None
    return read, tables


def _rows(tables: dict[str, TableData], name: str) -> int:
    found = tables.get(name)
    return len(found.rows) if found is not None else 0


def validate(book: Any) -> list[Problem]:
    """Validate: check the plan and list every problem on the Problems sheet (empty when clean)."""
    read, _ = read_book(book)
    write_table(book, "Problems", problem_rows(read.problems))
    return read.problems


def evaluate_tiers(book: Any, as_of: date | None = None) -> Columns:
    """Evaluate tiers: each partner's proposed tier, change and top gaps, beside the partner."""
    read, tables = read_book(book)
    write_table(book, "Problems", problem_rows(read.problems))
    if read.plan is None:
        return {}
    # The door reads the clock; the core is given the date.
    columns = tier_columns(read, _rows(tables, "Partners"), as_of or date.today())
    write_columns(book, "Partners", columns)
    return columns


def schedule_roadmap(book: Any) -> Columns:
    """Schedule roadmap: start, end, quarter and critical flag beside each activity."""
    read, tables = read_book(book)
    if read.plan is None:
        write_table(book, "Problems", problem_rows(read.problems))
        return {}
    columns, problems = schedule_columns(read, _rows(tables, "Activities"))
    located = locate_problems(problems, read.refs, book.name)
    write_table(book, "Problems", problem_rows([*read.problems, *located]))
    if columns:
        write_columns(book, "Activities", columns)
    return columns


def generate_agreements(book: Any, folder: Path | None = None) -> list[Path]:
    """Generate agreements: one Word draft per partner with an agreement, in a folder beside the workbook.

    Partners whose terms have errors get no draft; why is written to the Problems sheet.
    """
    from partnerkit.io.word.batch import render_all_agreements
    from partnerkit.problems import Severity

    read, _ = read_book(book)
    if read.plan is None:
        write_table(book, "Problems", problem_rows(read.problems))
        return []
    folder = folder if folder is not None else documents_folder(book.fullname) / "agreements"
    result = render_all_agreements(read.plan, folder, workers=1)
    skipped = [
        Problem(
            f"no agreement draft for {s.partner}: {'; '.join(s.reasons)}",
            severity=Severity.WARNING,
            location=book.name,
            code="agreement_skipped",
        )
        for s in result.skipped
    ]
    write_table(book, "Problems", problem_rows([*read.problems, *skipped, *result.problems]))
    rows = [["Agreement draft", d.partner, str(d.path)] for d in result.written]
    write_table(book, "Documents", rows)
    return [d.path for d in result.written]


def generate_strategy_report(book: Any, folder: Path | None = None) -> list[Path]:
    """Generate strategy report: the Partnership Strategy, written to a folder beside the workbook."""
    read, _ = read_book(book)
    write_table(book, "Problems", problem_rows(read.problems))
    if read.plan is None:
        return []
    from partnerkit.io.files import write_text_atomic
    from partnerkit.report.markdown import render_markdown

    folder = folder if folder is not None else documents_folder(book.fullname)
    written = [write_text_atomic(folder / "strategy.md", render_markdown(read.plan))]
    if importlib.util.find_spec("partnerkit.io.word") is not None:
        from partnerkit.io.word.report import write_strategy_docx

        write_strategy_docx(read.plan, folder / "strategy.docx")
        written.append(folder / "strategy.docx")
    write_table(book, "Documents", [["Partnership strategy", "", str(p)] for p in written])
    return written


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
            raise PartnerkitError(
                f"the button {action.replace('_', ' ')!r} needs a part of partnerkit that this "
                "installation lacks; update partnerkit and rebuild the workbook"
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
