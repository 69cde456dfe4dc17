"""Program economics by tier: what a tier costs against the partner-sourced revenue it brings.

For a period (a quarter, a half or a year) and each tier of the plan (and the partners without one,
in the categories the tiers apply to):

* co-marketing: the tier's ``co_marketing_budget`` per quarter, times the quarters of the period,
  times the partners of the tier;
* revenue share and other payouts: what the payout runs of the period's quarters earned the tier's
  partners (margins, referral fees, registered-deal discounts and accelerators, net of clawbacks),
  before the minimum payout moves anything to a later run;
* partner-sourced revenue: the won revenue the tier's partners are credited with as sourced.

The break-even revenue per partner is the sourced revenue at which a partner pays for its tier:
with fixed cost F per partner (co-marketing) and a variable rate v (payouts per unit of sourced
revenue: the tier's actual rate when it has revenue, else the highest of its revenue share and
partner discount), revenue R covers its cost when R = F + v * R, so R = F / (1 - v). Gross margin is
not modelled: the figure compares revenue with the program's own costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from partnerkit.model import Plan
from partnerkit.payouts.run import compute_payouts
from partnerkit.payouts.statements import ZERO, LineKind, cents
from partnerkit.pipeline.attribution import Attribution
from partnerkit.pipeline.deals import Deal
from partnerkit.pipeline.periods import Period
from partnerkit.pipeline.registrations import RegistrationCheck
from partnerkit.pipeline.rules import PartnerRules

NO_TIER = "No tier"


@dataclass(frozen=True)
class TierEconomics:
    """One tier's cost and partner-sourced revenue over a period, and its break-even revenue per partner."""

    tier: str
    period: Period
    partners: int
    co_marketing: Decimal
    revenue_share: Decimal
    other_payouts: Decimal
    sourced_revenue: Decimal
    nominal_rate: Decimal

    @property
    def total_cost(self) -> Decimal:
        """Co-marketing, revenue share and other payouts together."""
        return self.co_marketing + self.revenue_share + self.other_payouts

    @property
    def cost_per_partner(self) -> Decimal | None:
        """The cost of one partner of the tier (None for a tier with no partners)."""
        return cents(self.total_cost / self.partners) if self.partners else None

    @property
    def revenue_per_partner(self) -> Decimal | None:
        """The partner-sourced revenue of one partner of the tier, on average."""
        return cents(self.sourced_revenue / self.partners) if self.partners else None

    @property
    def cost_ratio(self) -> Decimal | None:
        """Cost over partner-sourced revenue, to four decimals (None without revenue)."""
        if self.sourced_revenue <= 0:
            return None
        return (self.total_cost / self.sourced_revenue).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)

    @property
    def variable_rate(self) -> Decimal:
        """Payouts per unit of sourced revenue: actual when the tier has revenue, else its nominal rate."""
        if self.sourced_revenue > 0:
            return (self.revenue_share + self.other_payouts) / self.sourced_revenue
        return self.nominal_rate

    @property
    def break_even_revenue_per_partner(self) -> Decimal | None:
        """The sourced revenue per partner that covers the tier's cost: F / (1 - v); None when v >= 100%."""
        if not self.partners:
            return None
        rate = self.variable_rate
        if rate >= 1:
            return None
        fixed = self.co_marketing / self.partners
        return cents(fixed / (1 - rate))

    def to_dict(self) -> dict[str, Any]:
        """A JSON- and sheet-ready view (money as exact strings)."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "tier": self.tier,
            "period": self.period.label,
            "partners": self.partners,
            "co_marketing": str(self.co_marketing),
            "revenue_share": str(self.revenue_share),
            "other_payouts": str(self.other_payouts),
            "total_cost": str(self.total_cost),
            "sourced_revenue": str(self.sourced_revenue),
            "cost_per_partner": text(self.cost_per_partner),
            "revenue_per_partner": text(self.revenue_per_partner),
            "cost_ratio": text(self.cost_ratio),
            "break_even_revenue_per_partner": text(self.break_even_revenue_per_partner),
        }


def tier_economics(
    plan: Plan,
    deals: Sequence[Deal],
    period: Period,
    rules: dict[str, PartnerRules],
    check: RegistrationCheck,
    attribution: Attribution,
) -> list[TierEconomics]:
    """The economics of each tier (top tier first, then ``No tier``) over ``period``."""
    quarters = period.quarters()
    applies = set(plan.tier_program.applies_to)
    members: dict[str, int] = {}
    tier_names = {t.name for t in plan.tiers}
    for kind, partner in plan.partners():
        if kind.value not in applies:
            continue
        name = partner.tier if partner.tier in tier_names else NO_TIER
        members[name] = members.get(name, 0) + 1
    share: dict[str, Decimal] = {}
    other: dict[str, Decimal] = {}
    revenue: dict[str, Decimal] = {}
    for q in quarters:
        run = compute_payouts(plan, deals, q, rules=rules, check=check, attribution=attribution)
        for s in run.statements:
            name = s.tier if s.tier in tier_names else NO_TIER
            for line in s.lines:
                if LineKind.REVENUE_SHARE in (line.kind, line.takes_back):
                    share[name] = share.get(name, ZERO) + line.amount
                else:
                    other[name] = other.get(name, ZERO) + line.amount
            revenue[name] = revenue.get(name, ZERO) + s.sourced_revenue
    out = []
    for tier in [*plan.tiers_by_level(), None]:
        name = tier.name if tier is not None else NO_TIER
        count = members.get(name, 0)
        if tier is None and not count and name not in revenue:
            continue
        budget = tier.benefits.co_marketing_budget if tier is not None else None
        co_marketing = cents(budget.amount * len(quarters) * count) if budget is not None else ZERO
        benefits = tier.benefits if tier is not None else None
        rates = (
            [r for r in (benefits.revenue_share, benefits.partner_discount) if r is not None]
            if benefits
            else []
        )
        out.append(
            TierEconomics(
                name,
                period,
                count,
                co_marketing,
                share.get(name, ZERO),
                other.get(name, ZERO),
                revenue.get(name, ZERO),
                max(rates, default=ZERO),
            )
        )
    return out
