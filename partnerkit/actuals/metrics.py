"""The plan's metrics against what happened: target, actual, attainment and variance per period.

The plan's periods: Q1 is the calendar quarter holding the program's start (``roadmap.settings.start``,
else the plan's date), Q2 the next, Year 1 the four quarters from Q1. A cumulative metric counts from
the start of Q1 to the end of the period; any other metric (NPS) counts inside the period only. A
period not over on the as-of date is counted to that date ("to date"); one not begun has no actual.

A metric's ``measure`` says what the actual is computed from (docs/deals.md):

* ``active_partners``: partners that registered a deal or were credited on a won deal in the window;
* ``partner_sourced_leads``: protected registrations (approved, not lost) registered in the window;
* ``partner_sourced_revenue`` / ``partner_influenced_revenue``: won revenue by the primary-credit rule;
* ``partner_nps``: the NPS of the survey responses in the window, with the number of responses.

A metric without a measure keeps the actuals typed in the plan (``actual_q1``, ...). Attainment is
actual / target (only for a positive target), variance actual - target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from partnerkit.actuals.nps import NetPromoterScore, SurveyResponse, net_promoter_score
from partnerkit.model import Metric, MetricMeasure, MetricUnit, Plan
from partnerkit.model.values import fold_name, format_percent
from partnerkit.pipeline.attribution import Attribution
from partnerkit.pipeline.deals import Deal
from partnerkit.pipeline.periods import Period, quarter_of
from partnerkit.pipeline.registrations import RegistrationCheck, RegistrationStatus


@dataclass(frozen=True)
class MetricWindow:
    """One of the plan's target periods: its key in the model (``q1``), label and dates."""

    key: str
    label: str
    period: Period


def program_start(plan: Plan) -> date:
    """The day the program starts: the roadmap's start, else the plan's date."""
    return plan.roadmap.settings.start or plan.product.date


def metric_windows(plan: Plan) -> list[MetricWindow]:
    """Q1, Q2 and Year 1 of the plan, as calendar periods."""
    q1 = quarter_of(program_start(plan))
    q2 = quarter_of(q1.end + timedelta(days=1))
    last = q1
    for _ in range(3):
        last = quarter_of(last.end + timedelta(days=1))
    year = Period(q1.start, last.end, f"{q1.label}..{last.label}")
    return [MetricWindow("q1", "Q1", q1), MetricWindow("q2", "Q2", q2), MetricWindow("year1", "Year 1", year)]


@dataclass(frozen=True)
class ActualRow:
    """One metric in one period: target, actual, where the actual came from, attainment and variance."""

    metric: str
    unit: MetricUnit
    period: str
    start: date
    end: date
    target: Decimal | None
    actual: Decimal | None
    source: str
    status: str
    nps: NetPromoterScore | None = None

    @property
    def attainment(self) -> Decimal | None:
        """Actual over target, to four decimals (0.8125 is 81.25%); None without both or a positive target."""
        if self.actual is None or self.target is None or self.target <= 0:
            return None
        return (self.actual / self.target).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)

    @property
    def variance(self) -> Decimal | None:
        """Actual minus target; None without both."""
        if self.actual is None or self.target is None:
            return None
        return self.actual - self.target

    def to_dict(self) -> dict[str, Any]:
        """A JSON- and sheet-ready view (numbers as exact strings, percentages as ``"81.25%"``)."""

        def shown(value: Decimal | None) -> str | None:
            if value is None:
                return None
            return format_percent(value) if self.unit is MetricUnit.PERCENT else str(value)

        return {
            "metric": self.metric,
            "unit": self.unit.value,
            "period": self.period,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "target": shown(self.target),
            "actual": shown(self.actual),
            "attainment": None if self.attainment is None else format_percent(self.attainment),
            "variance": shown(self.variance),
            "source": self.source,
            "status": self.status,
            "responses": None if self.nps is None else self.nps.responses,
        }


def _typed(metric: Metric, key: str) -> Decimal | None:
    value: Decimal | None = getattr(metric, f"actual_{key}")
    return value


def metric_actuals(
    plan: Plan,
    deals: Sequence[Deal],
    responses: Sequence[SurveyResponse],
    as_of: date,
    check: RegistrationCheck,
    attribution: Attribution,
) -> list[ActualRow]:
    """Every metric of the plan in Q1, Q2 and Year 1 on ``as_of`` (module docstring for the rules).

    ``check`` and ``attribution`` are the deals' registration check and attribution on ``as_of``.
    """
    windows = metric_windows(plan)
    year_start = windows[0].period.start
    rows = []
    for metric in plan.metrics:
        for window in windows:
            target = getattr(metric, window.key)
            start = year_start if metric.cumulative else window.period.start
            end = window.period.end
            if metric.measure is None:
                actual = _typed(metric, window.key)
                rows.append(
                    ActualRow(
                        metric.name,
                        metric.unit,
                        window.label,
                        start,
                        end,
                        target,
                        actual,
                        "plan" if actual is not None else "",
                        "typed" if actual is not None else "no actual",
                    )
                )
                continue
            if as_of < start:
                rows.append(
                    ActualRow(
                        metric.name, metric.unit, window.label, start, end, target, None, "", "not started"
                    )
                )
                continue
            status = "final" if as_of >= end else "to date"
            measured = Period(start, min(end, as_of), f"{start.isoformat()}..{min(end, as_of).isoformat()}")
            nps = None
            if metric.measure is MetricMeasure.PARTNER_NPS:
                nps = net_promoter_score(responses, measured)
                actual, source = nps.score, "survey responses"
            else:
                actual = _measure(metric.measure, deals, measured, check, attribution)
                source = "deals"
            rows.append(
                ActualRow(
                    metric.name, metric.unit, window.label, start, end, target, actual, source, status, nps
                )
            )
    return rows


def _measure(
    measure: MetricMeasure,
    deals: Sequence[Deal],
    window: Period,
    check: RegistrationCheck,
    attribution: Attribution,
) -> Decimal:
    if measure is MetricMeasure.PARTNER_SOURCED_REVENUE:
        return attribution.revenue(window).sourced
    if measure is MetricMeasure.PARTNER_INFLUENCED_REVENUE:
        return attribution.revenue(window).influenced
    status = check.status
    if measure is MetricMeasure.PARTNER_SOURCED_LEADS:
        protected = RegistrationStatus.PROTECTED
        return Decimal(
            sum(
                1
                for i, d in enumerate(deals)
                if status[i] is protected and d.registered_on is not None and d.registered_on in window
            )
        )
    assert measure is MetricMeasure.ACTIVE_PARTNERS
    return Decimal(len(active_partners(deals, window, check, attribution)))


def active_partners(
    deals: Sequence[Deal], window: Period, check: RegistrationCheck, attribution: Attribution
) -> set[str]:
    """The partners that registered a deal or were credited on a won deal inside ``window``."""
    counted = {
        RegistrationStatus.PROTECTED,
        RegistrationStatus.LOST,
        RegistrationStatus.PENDING,
        RegistrationStatus.NOT_ALLOWED,
    }
    names = set(attribution.categories)
    folded = {fold_name(n): n for n in names}
    active: set[str] = set()
    for i, d in enumerate(deals):
        if check.status[i] in counted and d.registered_on is not None and d.registered_on in window:
            name = d.partner if d.partner in names else folded.get(fold_name(d.partner))
            if name is not None:
                active.add(name)
    for credit in attribution.deals:
        if credit.close_date in window:
            if credit.sourced_by is not None:
                active.add(credit.sourced_by)
            active.update(credit.influenced_by)
    return active
