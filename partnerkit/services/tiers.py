"""Evaluate tiers and run the tier review: verdicts, proposals, expiries, unknowns and benefit cost.

Each service takes a loaded plan or tier program file and, optionally, a facts table; it says what
the table merged (``merged``: per partner, dates updated, added and kept) beside its result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from partnerkit.deals.terms import UnknownPartnerError
from partnerkit.services.plan import require_tiers

if TYPE_CHECKING:
    from partnerkit.loaded import LoadedPlan
    from partnerkit.problems import Problem
    from partnerkit.services.facts import LoadedFacts
    from partnerkit.tiers.changes import AppliedChanges
    from partnerkit.tiers.evaluate import Evaluation
    from partnerkit.tiers.explain import Verdict
    from partnerkit.tiers.facts import PartnerMerge
    from partnerkit.tiers.review import TierReview


@dataclass
class TierVerdicts:
    """Every partner's tier on the review date (or one partner's), with the words a person reads."""

    as_of: date
    evaluation: Evaluation | None
    rows: list[int] = field(default_factory=list)
    criteria: bool = False
    problems: list[Problem] = field(default_factory=list)
    merged: list[PartnerMerge] | None = None

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
        data: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "partners": [v.to_dict() for v in self.verdicts],
        }
        if self.merged is not None:
            data["merged"] = [m.to_dict() for m in self.merged]
        return data


def top_gaps(verdict: Verdict) -> str:
    """A partner's top gaps in one line, as the tier table and the Partners sheet show them."""
    via = ""
    if verdict.track is not None:
        via = f"via the {verdict.track.track} track ({verdict.track.score})"
    if verdict.unknown:
        head = "undecided: " if verdict.change.value == "undecided" else ""
        possible = " or ".join(verdict.undecided)
        said = f"{head}{possible} possible; record {', '.join(verdict.unknown)}"
    elif verdict.gaps:
        more = f" (+{len(verdict.gaps) - 2} more)" if len(verdict.gaps) > 2 else ""
        said = "; ".join(g.text for g in verdict.gaps[:2]) + more
    else:
        said = "top tier" if verdict.next_tier is None else ""
    return "; ".join(part for part in (via, said) if part)


def _verdict_keys(ev: Evaluation) -> list[Any]:
    """Per partner, everything its tier, change and top gaps are worded from (equal keys, equal words).

    That is the tier held on the review date and since when, and every column each outcome's
    wording reads (``Outcome.wording_columns``: met, actual, points, period sums, stretch starts,
    qualification days), nested outcomes included. Keep it complete when wording reads more.
    """
    from partnerkit.tiers.explain import _all

    columns: list[list[Any]] = [ev.tier, ev.held, ev.held_since]
    for tier in ev.tiers:
        columns.append(tier.met)
        for outcome in _all(tier.rules):
            columns += outcome.wording_columns()
    return list(zip(*columns, strict=True))


def _evaluate(
    loaded: LoadedPlan, as_of: date, facts: LoadedFacts | None, *, replace: bool = False
) -> tuple[Evaluation | None, list[PartnerMerge] | None, list[Problem]]:
    from partnerkit.errors import PlanError
    from partnerkit.tiers.evaluate import evaluate_source, plan_facts_table

    source = require_tiers(loaded)
    if facts is not None and not facts.ok:
        return None, None, []  # the facts table's own problems say why
    try:
        table, merged = plan_facts_table(source, facts.table if facts is not None else None, replace=replace)
    except PlanError as exc:
        return None, None, loaded.place(exc.problems)
    return evaluate_source(source, as_of, table), (merged if facts is not None else None), []


def tier_verdicts(
    loaded: LoadedPlan,
    as_of: date,
    *,
    facts: LoadedFacts | None = None,
    partner: str | None = None,
    criteria: bool = False,
    replace: bool = False,
) -> TierVerdicts:
    """Which tier each partner earns on ``as_of`` (refreshed by ``facts``), why, and the gap to the next.

    Nothing is evaluated (``evaluated`` is False) when the facts table has errors: its own problems
    say why, beside the plan's. The facts table updates the dates it covers and keeps the plan's
    older observations (``replace``: each series it has replaces the plan's); ``merged`` says what
    it changed.

    ``partner`` narrows the verdicts to one partner (UnknownPartnerError, with a did-you-mean, when
    none has that name); ``criteria`` words every criterion, not only the tier and its gaps.
    """
    ev, merged, problems = _evaluate(loaded, as_of, facts, replace=replace)
    if ev is None:
        return TierVerdicts(as_of, None, problems=problems)
    if partner is None:
        return TierVerdicts(as_of, ev, list(range(len(ev))), criteria, problems, merged)
    try:
        row = ev.row(partner)
    except KeyError:
        from partnerkit.model.values import did_you_mean

        guess = did_you_mean(partner, ev.facts.partners)
        hint = f"; did you mean {guess!r}?" if guess else ""
        raise UnknownPartnerError(f"no partner {partner!r}{hint}") from None
    return TierVerdicts(as_of, ev, [row], criteria, problems, merged)


@dataclass(frozen=True)
class TierReviewResult:
    """The tier review on one date (None when the facts had errors), and the problems met.

    With approvals, ``changes`` holds the plan with the approved tier changes written into each
    partner's tier history (``changes.plan``), and which proposals were applied or skipped.
    """

    as_of: date
    review: TierReview | None
    problems: list[Problem] = field(default_factory=list)
    merged: list[PartnerMerge] | None = None
    changes: AppliedChanges | None = None

    @property
    def evaluated(self) -> bool:
        """False when the facts had errors and nothing was reviewed."""
        return self.review is not None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``partnerkit tiers review --json`` prints (docs/tiers.md)."""
        data: dict[str, Any] = (
            self.review.to_dict() if self.review is not None else {"as_of": self.as_of.isoformat()}
        )
        if self.merged is not None:
            data["merged"] = [m.to_dict() for m in self.merged]
        if self.changes is not None:
            data["approved"] = [p.partner for p in self.changes.applied]
            data["skipped"] = [{"partner": name, "reason": why} for name, why in self.changes.skipped]
        return data


def tier_review(
    loaded: LoadedPlan,
    as_of: date,
    *,
    facts: LoadedFacts | None = None,
    replace: bool = False,
    approve: list[str] | None = None,
    approve_all: bool = False,
) -> TierReviewResult:
    """The tier review on ``as_of``: proposals to approve, grace dates, expiries, unknowns, cost vs budget.

    ``approve`` names the partners whose proposals a person approved (``approve_all``: every
    proposal); ``changes`` then holds a new plan with those changes in the tier history. A name
    with no proposal is an UnknownPartnerError (with a did-you-mean).
    """
    from partnerkit.tiers.changes import apply_proposals
    from partnerkit.tiers.review import review_evaluation

    ev, merged, problems = _evaluate(loaded, as_of, facts, replace=replace)
    if ev is None:
        return TierReviewResult(as_of, None, problems)
    budget = require_tiers(loaded).tier_program.benefits_budget_per_quarter
    review = review_evaluation(ev, budget.amount if budget else None)
    changes = None
    if approve or approve_all:
        chosen = review.proposals if approve_all else _approved(review, approve or [])
        changes = apply_proposals(require_tiers(loaded), chosen, as_of)
    return TierReviewResult(as_of, review, problems, merged, changes)


def _approved(review: TierReview, names: list[str]) -> list[Any]:
    """The proposals of the partners named (exact, then as ``fold_name`` folds them), in the review's order."""
    from partnerkit.model.values import fold_name

    by_name = {p.partner: p for p in review.proposals}
    folded = {fold_name(p.partner): p for p in review.proposals}
    chosen = []
    for name in names:
        found = by_name.get(name) or folded.get(fold_name(name))
        if found is None:
            from partnerkit.model.values import did_you_mean

            guess = did_you_mean(name, list(by_name))
            hint = f"; did you mean {guess!r}?" if guess else " (it may be undecided, or hold its tier)"
            raise UnknownPartnerError(f"no proposal for {name!r} to approve{hint}")
        if found not in chosen:
            chosen.append(found)
    return [p for p in review.proposals if p in chosen]
