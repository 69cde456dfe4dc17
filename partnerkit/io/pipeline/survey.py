"""Read partner survey responses (CSV or XLSX): who answered, when, and the 0-10 score, each bad cell a problem.

Columns (matched like the facts table's headers): ``responded on`` (or ``date``, ``submitted on``...)
and ``score`` (or ``nps``, ``rating``...) are required; ``partner`` is optional (anonymous surveys
have none) and must name a partner of the plan when given; ``comment`` and other columns are not read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from partnerkit.actuals.nps import SurveyResponse, score_problem
from partnerkit.io.facts import UnseenCell, header_key, table_sheets
from partnerkit.io.ooxml.refs import letters_at
from partnerkit.model.values import fold_name
from partnerkit.problems import Problem, Severity

COLUMNS: dict[str, tuple[str, ...]] = {
    "responded_on": (
        "responded_on",
        "date",
        "response_date",
        "submitted_on",
        "submitted",
        "responded",
        "answered_on",
    ),
    "score": ("score", "nps", "nps_score", "rating", "likelihood", "likelihood_to_recommend"),
    "partner": ("partner", "partner_name", "company", "account"),
    "comment": ("comment", "comments", "feedback", "verbatim", "notes"),
}
_BY_HEADER = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
_HEADINGS = {"responded_on": "Responded On", "score": "Score", "partner": "Partner", "comment": "Comment"}


@dataclass
class SurveyTable:
    """Survey responses as read, and the problems met."""

    source: str
    responses: list[SurveyResponse] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no cell broke a rule (warnings allowed)."""
        return not any(p.is_error for p in self.problems)


def _where(source: str, sheet: str | None, row: int, col: int) -> str:
    return f"{source}:{row + 1}" if sheet is None else f"{source}: {sheet}!{letters_at(col)}{row + 1}"


def read_survey(path: str | Path, partners: Mapping[str, str]) -> SurveyTable:
    """Read survey responses at ``path``; ``partners`` maps the plan's partner names (``fold_name``) to the names.

    Raises UnreadableFileError for a file that is not a CSV or workbook at all.
    """
    path = Path(path)
    table = SurveyTable(path.name)

    def where(sheet: str | None, row: int, col: int) -> str:
        return _where(path.name, sheet, row, col)

    _read_sheets(table, table_sheets(path, "survey responses table", unseen=True), partners, where)
    if not table.responses and not table.problems:
        table.problems.append(
            Problem("the survey table has no responses", location=f"{path.name}:1", code="survey.empty")
        )
    return table


def read_survey_rows(
    rows: list[list[Any]], partners: Mapping[str, str], *, sheet: str, top: int = 0, left: int = 0
) -> SurveyTable:
    """Read survey responses already read from a workbook (header row, then data rows), as
    ``read_survey`` reads a file, every problem at its cell (``Survey!C5``); blank rows are no responses."""
    table = SurveyTable(sheet)

    def where(_: str | None, row: int, col: int) -> str:
        return f"{sheet}!{letters_at(left + col)}{top + row + 1}"

    _read_sheets(table, [(sheet, rows)], partners, where)
    return table


def _read_sheets(
    table: SurveyTable,
    sheets: list[tuple[str | None, list[list[Any]]]],
    partners: Mapping[str, str],
    where: Callable[[str | None, int, int], str],
) -> None:
    """Read header-plus-rows tables of responses into ``table``, each problem placed by ``where``."""
    from partnerkit.model.values import did_you_mean, parse_date

    def problem(
        sheet: str | None, row: int, col: int, message: str, hint: str | None = None, warning: bool = False
    ) -> None:
        table.problems.append(
            Problem(
                message,
                location=where(sheet, row, col),
                hint=hint,
                severity=Severity.WARNING if warning else Severity.ERROR,
                code="survey",
            )
        )

    for sheet, rows in sheets:
        if not rows:
            continue
        header = rows[0]
        cols: dict[str, int] = {}
        for c, cell in enumerate(header[:500]):
            key = header_key(cell)
            name = _BY_HEADER.get(key) if key else None
            if key and name is None:
                problem(sheet, 0, c, f"column {cell!r} is not a survey column; it was not read", warning=True)
            elif name is not None and name not in cols:
                cols[name] = c
        missing = [_HEADINGS[n] for n in ("responded_on", "score") if n not in cols]
        if missing:
            problem(
                sheet,
                0,
                0,
                f"the survey table has no {' or '.join(repr(m) for m in missing)} column",
                "the first row names the columns: Partner (optional), Responded On, Score (0-10)",
            )
            continue
        for r in range(1, len(rows)):
            line = list(rows[r]) + [None] * max(0, max(cols.values()) + 1 - len(rows[r]))
            if all(cell in (None, "") for cell in line):
                continue
            unseen = [(c, line[c]) for c in cols.values() if type(line[c]) is UnseenCell]
            for c, cell in unseen:  # a formula without its value, or an error: never read as blank
                problem(sheet, r, c, f"{header[c]!r}: {cell.message}", cell.hint)
            if unseen:
                continue
            bad = False
            day_cell = line[cols["responded_on"]]
            day: date | None = None
            if isinstance(day_cell, datetime):
                day = day_cell.date()
            elif isinstance(day_cell, date):
                day = day_cell
            elif day_cell in (None, ""):
                problem(
                    sheet, r, cols["responded_on"], f"{header[cols['responded_on']]!r}: the date is empty"
                )
                bad = True
            else:
                try:
                    day = parse_date(str(day_cell))
                except ValueError as exc:
                    problem(
                        sheet,
                        r,
                        cols["responded_on"],
                        f"{header[cols['responded_on']]!r} {day_cell!r}: {exc}",
                    )
                    bad = True
            score_cell = line[cols["score"]]
            score: Any = score_cell
            if isinstance(score_cell, float) and score_cell.is_integer():
                score = int(score_cell)
            elif isinstance(score_cell, str) and score_cell.strip().isdigit():
                score = int(score_cell.strip())
            why = "the score is empty" if score_cell in (None, "") else score_problem(score)
            if why is not None:
                shown = "" if score_cell in (None, "") else f" {score_cell!r}"
                problem(
                    sheet, r, cols["score"], f"{header[cols['score']]!r}{shown}: {why}", "scores are 0 to 10"
                )
                bad = True
            partner = None
            if "partner" in cols and line[cols["partner"]] not in (None, ""):
                text = " ".join(str(line[cols["partner"]]).split())
                partner = partners.get(fold_name(text))
                if partner is None:
                    guess = did_you_mean(text, partners.values())
                    problem(
                        sheet,
                        r,
                        cols["partner"],
                        f"{header[cols['partner']]!r} {text!r}: not a partner of the plan",
                        f"did you mean {guess!r}?" if guess else None,
                    )
                    bad = True
            if not bad:
                assert day is not None
                table.responses.append(SurveyResponse(day, score, partner))
