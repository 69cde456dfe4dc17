"""Actuals and program economics: the plan's metrics against what the deals and surveys show, cost per tier.

The plain rows an Actuals sheet or the strategy report's Actuals section need: ``ActualsResult.metric_rows``
(metric, period, target, actual, attainment, variance, source, status) and ``economics_rows`` (per tier).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from partnerkit.services.deals import LoadedDeals, LoadedSurvey, as_loaded
from partnerkit.services.plan import require_plan

if TYPE_CHECKING:
    from partnerkit.actuals.economics import TierEconomics
    from partnerkit.actuals.metrics import ActualRow
    from partnerkit.actuals.nps import SurveyResponse
    from partnerkit.loaded import LoadedPlan
    from partnerkit.pipeline.deals import Deal
    from partnerkit.pipeline.periods import Period
    from partnerkit.problems import Problem


@dataclass(frozen=True)
class ActualsResult:
    """Every metric of the plan in Q1, Q2 and Year 1 on a date, the economics by tier, and the problems."""

    as_of: date
    period: Period
    metrics: list[ActualRow]
    economics: list[TierEconomics]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem is an error (the figures count every deal and response)."""
        return not any(p.is_error for p in self.problems)

    def metric_rows(self) -> list[dict[str, Any]]:
        """One plain row per metric and period (numbers as exact strings), for a sheet or a report."""
        return [row.to_dict() for row in self.metrics]

    def economics_rows(self) -> list[dict[str, Any]]:
        """One plain row per tier (money as exact strings), for a sheet or a report."""
        return [row.to_dict() for row in self.economics]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of everything."""
        return {
            "as_of": self.as_of.isoformat(),
            "economics_period": self.period.label,
            "metrics": self.metric_rows(),
            "economics": self.economics_rows(),
            "problems": [p.to_dict() for p in self.problems],
        }


def program_actuals(
    loaded: LoadedPlan,
    deals: LoadedDeals | Sequence[Deal],
    responses: LoadedSurvey | Sequence[SurveyResponse] = (),
    as_of: date | None = None,
    *,
    period: Period | str | None = None,
) -> ActualsResult:
    """The plan's metrics on ``as_of`` computed from ``deals`` and survey ``responses`` (docs/deals.md),
    and the economics of each tier over ``period`` (default: the calendar quarter holding ``as_of``).

    ``as_of`` defaults to the plan's date; the service never reads the clock.
    """
    from partnerkit.actuals.economics import tier_economics
    from partnerkit.actuals.metrics import metric_actuals
    from partnerkit.pipeline.attribution import attribute
    from partnerkit.pipeline.periods import quarter_of
    from partnerkit.pipeline.registrations import check_registrations
    from partnerkit.pipeline.rules import partner_rules
    from partnerkit.services.payouts import period_of

    plan = require_plan(loaded)
    table = as_loaded(deals)
    day = as_of or plan.product.date
    survey = list(responses.responses) if isinstance(responses, LoadedSurvey) else list(responses)
    problems = list(table.problems)
    if isinstance(responses, LoadedSurvey):
        problems += responses.problems
    rules = partner_rules(plan)
    check = check_registrations(plan, table.deals, day, rules=rules)
    credit = attribute(plan, table.deals, check, rules=rules)
    problems += table.place(credit.problems)
    rows = metric_actuals(plan, table.deals, survey, day, check, credit)
    span = period_of(period) if period is not None else quarter_of(day)
    economics = tier_economics(plan, table.deals, span, rules, check, credit)
    return ActualsResult(day, span, rows, economics, problems)
