"""Evaluate tiers and run the tier review: verdicts, proposals, expiries, unknowns and benefit cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from partnerkit.deals.terms import UnknownPartnerError
from partnerkit.services.plan import require_plan

if TYPE_CHECKING:
    from partnerkit.loaded import LoadedPlan
    from partnerkit.problems import Problem
    from partnerkit.services.facts import LoadedFacts
    from partnerkit.tiers.evaluate import Evaluation
    from partnerkit.tiers.explain import Verdict
    from partnerkit.tiers.review import TierReview


@dataclass
class TierVerdicts:
    """Every partner's tier on the review date (or one partner's), with the words a person reads."""

    as_of: date
    evaluation: Evaluation | None
    rows: list[int] = field(default_factory=list)
    criteria: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def evaluated(self) -> bool:
        """False when the facts had errors and nothing was evaluated."""
        return self.evaluation is not None

    @cached_property
    def verdicts(self) -> list[Verdict]:
        """The verdicts of the partners asked for, worded (with every criterion when ``criteria``)."""
        from partnerkit.tiers.explain import explain

        if self.evaluation is None:
            return []
        return [explain(self.evaluation, i, criteria=self.criteria) for i in self.rows]

    def summaries(self) -> list[tuple[str, str, str, str]]:
        """Per partner of the evaluation: name, tier, change and top gaps, as the tier table shows them.

        Worded once for each distinct outcome (a large program has few), not once per partner: a
        button or a sync over 10,000 partners spends its time evaluating, not writing sentences.
        """
        from partnerkit.tiers.explain import explain

        ev = self.evaluation
        if ev is None:
            return []
        worded: dict[Any, tuple[str, str, str]] = {}
        out = []
        for i, key in enumerate(_verdict_keys(ev)):
            try:
                cells = worded.get(key)
            except TypeError:  # an unhashable actual value: word this partner on its own
                key, cells = None, None
            if cells is None:
                verdict = explain(ev, i, criteria=False)
                cells = (verdict.tier or "", verdict.change.value, top_gaps(verdict))
                if key is not None:
                    worded[key] = cells
            out.append((ev.facts.partners[i], *cells))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``partnerkit tiers --json`` prints (docs/tiers.md)."""
        return {"as_of": self.as_of.isoformat(), "partners": [v.to_dict() for v in self.verdicts]}


def top_gaps(verdict: Verdict) -> str:
    """A partner's top gaps in one line, as the tier table and the Partners sheet show them."""
    if verdict.gaps:
        more = f" (+{len(verdict.gaps) - 2} more)" if len(verdict.gaps) > 2 else ""
        return "; ".join(g.text for g in verdict.gaps[:2]) + more
    if verdict.unknown:
        return "depends on unknown facts: " + ", ".join(verdict.unknown)
    return "top tier" if verdict.next_tier is None else ""


def _verdict_keys(ev: Evaluation) -> list[Any]:
    """Per partner, everything its tier, change and top gaps are worded from (equal keys, equal words).

    ``compact_rows`` holds the tier and each criterion's met and actual value; the gap wording also
    reads the current tier and its start (time in tier), the points of each metric, and the sums of
    consistency periods, so those are added.
    """
    from partnerkit.tiers.explain import _all, compact_rows

    extra: list[list[Any]] = [ev.facts.current_tier, ev.facts.tier_since]
    for tier in ev.tiers:
        for outcome in _all(tier.rules):
            if outcome.points is not None:
                extra.append(outcome.points)
            extra += outcome.detail.get("sums", [])
    return list(zip(compact_rows(ev), *extra, strict=True))


def _evaluate(
    loaded: LoadedPlan, as_of: date, facts: LoadedFacts | None
) -> tuple[Evaluation | None, list[Problem]]:
    from partnerkit.errors import PlanError
    from partnerkit.tiers.evaluate import evaluate_tiers

    plan = require_plan(loaded)
    if facts is not None and not facts.ok:
        return None, []  # the facts table's own problems say why
    try:
        ev = evaluate_tiers(plan, as_of, facts.table if facts is not None else None)
    except PlanError as exc:
        return None, loaded.place(exc.problems)
    return ev, []


def tier_verdicts(
    loaded: LoadedPlan,
    as_of: date,
    *,
    facts: LoadedFacts | None = None,
    partner: str | None = None,
    criteria: bool = False,
) -> TierVerdicts:
    """Which tier each partner earns on ``as_of`` (refreshed by ``facts``), why, and the gap to the next.

    Nothing is evaluated (``evaluated`` is False) when the facts table has errors: its own problems
    say why, beside the plan's.

    ``partner`` narrows the verdicts to one partner (UnknownPartnerError, with a did-you-mean, when
    none has that name); ``criteria`` words every criterion, not only the tier and its gaps.
    """
    ev, problems = _evaluate(loaded, as_of, facts)
    if ev is None:
        return TierVerdicts(as_of, None, problems=problems)
    if partner is None:
        return TierVerdicts(as_of, ev, list(range(len(ev))), criteria, problems)
    try:
        row = ev.row(partner)
    except KeyError:
        from partnerkit.model.values import did_you_mean

        guess = did_you_mean(partner, ev.facts.partners)
        hint = f"; did you mean {guess!r}?" if guess else ""
        raise UnknownPartnerError(f"no partner {partner!r}{hint}") from None
    return TierVerdicts(as_of, ev, [row], criteria, problems)


@dataclass(frozen=True)
class TierReviewResult:
    """The tier review on one date (None when the facts had errors), and the problems met."""

    as_of: date
    review: TierReview | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def evaluated(self) -> bool:
        """False when the facts had errors and nothing was reviewed."""
        return self.review is not None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``partnerkit tiers review --json`` prints (docs/tiers.md)."""
        return self.review.to_dict() if self.review is not None else {"as_of": self.as_of.isoformat()}


def tier_review(loaded: LoadedPlan, as_of: date, *, facts: LoadedFacts | None = None) -> TierReviewResult:
    """The tier review on ``as_of``: proposals to approve, grace dates, expiries, unknowns, cost vs budget."""
    from partnerkit.tiers.review import review_evaluation

    ev, problems = _evaluate(loaded, as_of, facts)
    if ev is None:
        return TierReviewResult(as_of, None, problems)
    budget = require_plan(loaded).tier_program.benefits_budget_per_quarter
    review = review_evaluation(ev, float(budget.amount) if budget else None)
    return TierReviewResult(as_of, review, problems)
