"""The Overview's Settings table: what the buttons (and sync) read besides the plan, as typed cells.

These are the command line's options, as cells: the review date of ``partnerkit tiers --as-of``
(empty: the door's today), ``partnerkit roadmap --optimize`` and its time limit, and the period of
``partnerkit payouts --period`` (empty: the quarter before the review date). A bad value is a
problem on its cell, and its default applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.cells import CellRuleError, from_cell, is_blank
from partnerkit.io.workbook.layout import FieldRef, Kind, cell_name
from partnerkit.io.workbook.refs import TableData, normalize_header, show_cell
from partnerkit.problems import Problem, Severity

DEFAULT_TIME_LIMIT = 10.0


@dataclass(frozen=True)
class WorkbookSettings:
    """The settings as read: the review date (None: today), whether to optimise, and for how long, and
    the payout period (None: the quarter before the review date)."""

    review_date: date | None = None
    optimize: bool = False
    time_limit: float = DEFAULT_TIME_LIMIT
    payout_period: str | None = None
    cells: dict[str, str] | None = None  # setting -> its cell (``Overview!B22``), for problems

    def cell(self, setting: str) -> str | None:
        """Where a setting's value is (``Overview!B22``), when it was read from a workbook."""
        return (self.cells or {}).get(setting)


def read_settings(table: TableData | None) -> tuple[WorkbookSettings, list[Problem]]:
    """The settings in a read Settings table (defaults without one), and the cells that break a rule."""
    if table is None:
        return WorkbookSettings(), []
    headers = [normalize_header(h) for h in table.headers]
    try:
        at_setting, at_value = headers.index("setting"), headers.index("value")
    except ValueError:
        ref = FieldRef(table.sheet, cell_name(table.top, table.left), "", None)
        problem = Problem(
            "the Settings table has no Setting or Value column; the defaults apply",
            severity=Severity.WARNING,
            location=ref.location,
            code="workbook",
        )
        return WorkbookSettings(), [problem]
    kinds = {normalize_header(r.label): r for r in L.SETTINGS_ROWS}
    values: dict[str, object] = {}
    cells: dict[str, str] = {}
    problems: list[Problem] = []
    for i, row in enumerate(table.rows):
        label = row[at_setting] if at_setting < len(row) else None
        known = kinds.get(normalize_header(label))
        if known is None:
            continue
        value = row[at_value] if at_value < len(row) else None
        ref = FieldRef(table.sheet, cell_name(table.top + 1 + i, table.left + at_value), known.label, value)
        cells[known.label] = ref.location
        if is_blank(value):
            continue
        try:
            converted = from_cell(known.kind, value)
            if known.kind is Kind.DATE:
                try:
                    date.fromisoformat(str(converted))
                except ValueError:
                    raise CellRuleError("a date (YYYY-MM-DD)") from None
            if known.kind is Kind.INT and (not isinstance(converted, int) or converted <= 0):
                raise CellRuleError("a whole number of seconds above 0")
            if known.label == L.PAYOUT_PERIOD:
                converted = _period_label(converted)
        except CellRuleError as exc:
            problems.append(
                Problem(
                    f"{known.label} = {show_cell(value)}: expected {exc}; the default applies",
                    severity=Severity.WARNING,
                    location=ref.location,
                    code="workbook",
                )
            )
            continue
        values[known.label] = converted
    review = values.get(L.REVIEW_DATE)
    limit = values.get(L.TIME_LIMIT)
    period = values.get(L.PAYOUT_PERIOD)
    return (
        WorkbookSettings(
            review_date=date.fromisoformat(review) if isinstance(review, str) else None,
            optimize=values.get(L.OPTIMIZE) is True,
            time_limit=float(limit) if isinstance(limit, int) else DEFAULT_TIME_LIMIT,
            payout_period=period if isinstance(period, str) else None,
            cells=cells,
        ),
        problems,
    )


def _period_label(value: object) -> str:
    """A payout period as ``partnerkit payouts --period`` takes it (``2026-Q3``, ``2026-07``, ``2026``)."""
    from partnerkit.pipeline.periods import parse_period

    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    try:
        return parse_period(text).label
    except ValueError:
        raise CellRuleError("a period such as 2026-Q3, 2026-07 or 2026") from None
