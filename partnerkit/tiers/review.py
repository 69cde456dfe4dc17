"""The tier review: proposed upgrades and downgrades for a person to approve, expiries, unknowns, benefit cost.

Nothing here changes a partner's tier. Computed eligibility is a proposal; a downgrade also waits the
program's grace period, so a partner that qualifies again before it ends keeps its tier. A verdict
that hangs on missing facts (``undecided``) is never a proposal: the review lists the facts to record.
Approved proposals become tier history with ``partnerkit.tiers.changes.apply_proposals``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from partnerkit.tiers.evaluate import Evaluation, evaluate_tiers
from partnerkit.tiers.explain import (
    Change,
    Words,
    expiry_warnings,
    explain,
    json_number,
    money,
    unknown_facts,
    verdict_change,
)

if TYPE_CHECKING:
    from partnerkit.model.plan import Plan
    from partnerkit.model.program import TierProgramFile
    from partnerkit.tiers.facts import FactTable


@dataclass(frozen=True)
class Proposal:
    """A tier change for the partner manager to approve; never applied by partnerkit."""

    partner: str
    current_tier: str | None
    proposed_tier: str | None
    change: Change
    effective: date
    reason: str
    current_since: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (see docs/tiers.md)."""
        return {
            "partner": self.partner,
            "current_tier": self.current_tier,
            "proposed_tier": self.proposed_tier,
            "change": self.change.value,
            "effective": self.effective.isoformat(),
            "reason": self.reason,
            "needs_approval": True,
        }


@dataclass(frozen=True)
class TierCost:
    """What one tier's benefits cost per quarter if every proposal is approved."""

    tier: str
    partners: int
    co_marketing_per_partner: Decimal
    co_marketing_total: Decimal
    dedicated_managers: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (see docs/tiers.md)."""
        return {
            "tier": self.tier,
            "partners": self.partners,
            "co_marketing_per_partner": json_number(self.co_marketing_per_partner),
            "co_marketing_total": json_number(self.co_marketing_total),
            "dedicated_managers": self.dedicated_managers,
        }


@dataclass(frozen=True)
class TierReview:
    """The result of a tier review on one date."""

    as_of: date
    proposals: list[Proposal]
    holds: int
    expiring: list[tuple[str, str]]
    unknown: list[tuple[str, list[str]]]
    costs: list[TierCost]
    budget_per_quarter: Decimal | None
    currency: str = "USD"
    notes: list[str] = field(default_factory=list)

    @property
    def total_cost(self) -> Decimal:
        """Co-marketing budget of all tiers per quarter."""
        return sum((c.co_marketing_total for c in self.costs), Decimal(0))

    @property
    def over_budget(self) -> Decimal | None:
        """How far the benefits exceed the program budget (None without a budget, 0 within it)."""
        if self.budget_per_quarter is None:
            return None
        return max(Decimal(0), self.total_cost - self.budget_per_quarter)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``partnerkit tiers review --json`` (see docs/tiers.md)."""
        return {
            "as_of": self.as_of.isoformat(),
            "proposals": [p.to_dict() for p in self.proposals],
            "holds": self.holds,
            "expiring": [{"partner": p, "warning": w} for p, w in self.expiring],
            "unknown": [{"partner": p, "facts": f} for p, f in self.unknown],
            "benefits": {
                "per_quarter": [c.to_dict() for c in self.costs],
                "total_per_quarter": json_number(self.total_cost),
                "budget_per_quarter": json_number(self.budget_per_quarter),
                "over_budget": json_number(self.over_budget),
                "currency": self.currency,
            },
            "notes": self.notes,
        }


def review_evaluation(ev: Evaluation, plan_budget: Decimal | int | None = None) -> TierReview:
    """The review of an evaluation: proposals, expiries, unknowns and what the benefits cost."""
    words = Words(ev.specs, ev.currency)
    proposals: list[Proposal] = []
    expiring: list[tuple[str, str]] = []
    unknown: list[tuple[str, list[str]]] = []
    holds = 0
    grace = timedelta(days=ev.grace_days)
    counts: dict[str, int] = {}
    for i, name in enumerate(ev.facts.partners):
        computed = ev.tier[i]
        current = ev.held[i]
        change = verdict_change(ev, i)
        if change is Change.UNDECIDED:
            # Missing facts could keep or lift the partner: nothing to approve until they are recorded.
            counts[current or ""] = counts.get(current or "", 0) + 1
            unknown.append((name, unknown_facts(ev, i)))
        elif change in (Change.UPGRADE, Change.NEW):
            verb = "qualifies for" if change is Change.UPGRADE else "qualifies as"
            reason = f"{verb} {computed}"
            higher = ev.undecided(i)
            if higher:
                facts = unknown_facts(ev, i)
                reason += f"; {' or '.join(higher)} still possible: record {', '.join(facts)}"
                unknown.append((name, facts))
            proposals.append(Proposal(name, current, computed, change, ev.as_of, reason, ev.held_since[i]))
        elif change is Change.DOWNGRADE:
            verdict = explain(ev, i)
            held = [c for c in verdict.criteria if c.tier == current and c.depth == 0 and c.met is False]
            missed = "; ".join(f"{c.criterion}: {c.actual} (needs {c.required})" for c in held)
            reason = f"no longer meets {current}: {missed}" if missed else f"{current} is not met"
            reason += f"; stays {current} until the grace period ends"
            proposals.append(
                Proposal(name, current, computed, change, ev.as_of + grace, reason, ev.held_since[i])
            )
        elif change is Change.HOLD:
            holds += 1
        if computed is not None and change is not Change.UNDECIDED:
            counts[computed] = counts.get(computed, 0) + 1
        for warning in expiry_warnings(ev, i, words):
            expiring.append((name, warning))
    costs = []
    for outcome in ev.tiers:
        tier = outcome.tier
        n = counts.get(tier.name, 0)
        each = tier.benefits.co_marketing_budget.amount if tier.benefits.co_marketing_budget else Decimal(0)
        managers = n if tier.benefits.dedicated_partner_manager else 0
        costs.append(TierCost(tier.name, n, each, each * n, managers))
    notes: list[str] = []
    budget = Decimal(plan_budget) if plan_budget is not None else None
    review = TierReview(ev.as_of, proposals, holds, expiring, unknown, costs, budget, ev.currency, notes)
    over = review.over_budget
    if over:
        notes.append(
            f"co-marketing benefits of {money(review.total_cost, ev.currency)} a quarter exceed the "
            f"budget of {money(budget or 0, ev.currency)} by {money(over, ev.currency)}"
        )
    return review


def review_tiers(
    plan: Plan | TierProgramFile, as_of: date, facts: FactTable | None = None, *, replace: bool = False
) -> TierReview:
    """Review every partner's tier on ``as_of``: proposals to approve, expiries, unknowns and benefit cost."""
    ev = evaluate_tiers(plan, as_of, facts, replace=replace)
    budget = plan.tier_program.benefits_budget_per_quarter
    return review_evaluation(ev, budget.amount if budget else None)
