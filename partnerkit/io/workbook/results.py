"""What the buttons write back into the workbook, as plain rows: the Problems table, documents, results.

Both doors use it: the Excel bridge writes these rows through xlwings, ``workbook sync`` patches
them into the file. Values meant as text stay text on both paths (see ``as_text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from partnerkit.io.workbook.layout import PROBLEMS_TABLE
from partnerkit.problems import Problem

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
