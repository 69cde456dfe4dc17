"""Verdicts with reasons: each criterion's requirement, actual value and result, and the gap to the next tier.

Built per partner on demand from the evaluated columns, so a hundred thousand partners cost nothing
until somebody asks for one of them. Gaps are worded in the partner's units, the way a partner
manager writes to a partner: "$120,000 more revenue over the last 12 months".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from partnerkit.model.rules import (
    AllOf,
    AnyOf,
    AtLeastOf,
    Compare,
    Consistency,
    FactKind,
    FactSpec,
    Points,
    PointsMetric,
    TimeInTier,
    Track,
    Tracks,
    ValidUntil,
    add_months,
)
from partnerkit.tiers.evaluate import Evaluation, Outcome, TierOutcome, months_between, no_gc


class Change(StrEnum):
    """How the computed tier compares with the partner's current tier."""

    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"
    HOLD = "hold"
    NEW = "new"
    NONE = "none"


@dataclass(frozen=True)
class CriterionResult:
    """One criterion of one tier for one partner: what is required, what is there, and whether it is met."""

    tier: str
    criterion: str
    required: str
    actual: str
    met: bool | None
    points: float | None = None
    max_points: float | None = None
    depth: int = 0
    facts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (see docs/tiers.md)."""
        return {
            "tier": self.tier,
            "criterion": self.criterion,
            "required": self.required,
            "actual": self.actual,
            "met": self.met,
            "points": None if self.points is None else round(self.points, 2),
            "max_points": self.max_points,
            "depth": self.depth,
        }


@dataclass(frozen=True)
class Gap:
    """What a partner still needs for a criterion of the next tier, in its own units."""

    criterion: str
    text: str
    fact: str | None = None
    amount: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (see docs/tiers.md)."""
        return {"criterion": self.criterion, "gap": self.text, "fact": self.fact, "amount": self.amount}


@dataclass(frozen=True)
class Verdict:
    """One partner's tier on the review date, with every criterion, the gaps to the next tier and unknowns."""

    partner: str
    tier: str | None
    current_tier: str | None
    change: Change
    criteria: list[CriterionResult]
    next_tier: str | None
    gaps: list[Gap]
    unknown: list[str]
    warnings: list[str] = field(default_factory=list)
    benefits: dict[str, Any] = field(default_factory=dict)
    requirements: dict[str, Any] = field(default_factory=dict)

    @property
    def depends_on_unknowns(self) -> bool:
        """True when a missing fact could still lift the partner to a higher tier."""
        return bool(self.unknown)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of one partner's entry (see docs/tiers.md)."""
        return {
            "partner": self.partner,
            "tier": self.tier,
            "current_tier": self.current_tier,
            "change": self.change.value,
            "next_tier": self.next_tier,
            "gaps": [g.to_dict() for g in self.gaps],
            "unknown": self.unknown,
            "warnings": self.warnings,
            "criteria": [c.to_dict() for c in self.criteria],
            "benefits": self.benefits,
            "requirements": self.requirements,
        }


# --- words ------------------------------------------------------------------------------------


class Words:
    """How one evaluation names facts and formats values."""

    def __init__(self, specs: dict[str, FactSpec], currency: str):
        self.specs = specs
        self.currency = currency

    def spec(self, fact: str) -> FactSpec:
        """The fact's declaration, or a plain number when it has none."""
        return self.specs.get(fact) or _PLAIN

    def label(self, fact: str) -> str:
        """The fact's name in words: its label, else its unit, else the name with spaces."""
        spec = self.spec(fact)
        return spec.label or spec.unit or fact.replace("_", " ")

    def value(self, fact: str | None, value: Any) -> str:
        """A value in the fact's units: ``$120,000``, ``3 certified staff``, ``yes``, ``2026-03-31``."""
        if value is None:
            return "unknown"
        kind = self.spec(fact).kind if fact else FactKind.NUMBER
        if isinstance(value, bool) or kind is FactKind.BOOLEAN:
            return "yes" if value else "no"
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            return value
        if kind is FactKind.MONEY:
            return money(value, self.currency)
        return number(value)

    def amount(self, fact: str, value: float) -> str:
        """An amount with its unit for a gap: ``$120,000`` or ``2 certified staff``."""
        spec = self.spec(fact)
        if spec.kind is FactKind.MONEY:
            return f"{money(value, self.currency)} more {self.label(fact)}"
        return f"{number(value)} more {self.label(fact)}"


_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}
_PLAIN = FactSpec()


def money(value: float, currency: str) -> str:
    """``$120,000``; cents only when there are any; other currencies as ``120,000 CHF``."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    sign = _SIGNS.get(currency)
    return f"{sign}{text}" if sign else f"{text} {currency}"


def number(value: float) -> str:
    """``12``, ``4.5``, ``1,200``: no trailing zeros."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _window(rule: Compare | PointsMetric) -> str:
    if rule.over_last is not None:
        if rule.over_last.count == 1:
            return f" over the last {rule.over_last.unit}"
        return f" over the last {rule.over_last}"
    return ""


def criterion_name(rule: Any, words: Words) -> str:
    """How a criterion is named in tables and gaps."""
    name = getattr(rule, "name", None)
    if name:
        return str(name)
    if isinstance(rule, Compare | PointsMetric):
        label = words.label(rule.fact)
        agg = getattr(rule, "aggregate", "sum")
        prefix = {"count": "number of ", "max": "highest ", "min": "lowest "}.get(str(agg), "")
        return f"{prefix}{label}{_window(rule)}".strip()
    if isinstance(rule, Consistency):
        return f"{words.label(rule.fact)} in each of the last {rule.each_of_last}"
    if isinstance(rule, ValidUntil):
        return f"{words.label(rule.valid_until)} valid"
    if isinstance(rule, TimeInTier):
        return "time in current tier"
    if isinstance(rule, Points):
        return "points"
    if isinstance(rule, AllOf):
        return "all of"
    if isinstance(rule, AnyOf):
        return "any of"
    if isinstance(rule, AtLeastOf):
        return f"{rule.at_least} of {len(rule.of)}"
    if isinstance(rule, Tracks):
        return "tracks"
    return type(rule).__name__  # pragma: no cover


_OPS = {"at_least": "at least", "more_than": "more than", "at_most": "at most", "less_than": "less than"}


def requirement(rule: Any, words: Words) -> str:
    """The required value in words: ``at least $250,000``, ``yes``, ``60 points``."""
    if isinstance(rule, Compare):
        arg = rule.is_ if rule.operator == "is" else getattr(rule, rule.operator)
        if rule.operator in _OPS:
            text = f"{_OPS[rule.operator]} {words.value(rule.fact, arg)}"
        elif rule.operator == "between":
            assert rule.between is not None
            text = f"between {words.value(rule.fact, rule.between[0])} and {words.value(rule.fact, rule.between[1])}"
        elif rule.operator == "one_of":
            text = "one of " + ", ".join(words.value(rule.fact, a) for a in rule.one_of or ())
        else:
            text = words.value(rule.fact, arg)
        if rule.on_any_day_within is not None:
            text += f" on at least one day in the last {rule.on_any_day_within}"
        return text
    if isinstance(rule, PointsMetric):
        return f"{number(rule.points)} points at {words.value(rule.fact, rule.full_at)}"
    if isinstance(rule, Points):
        extra = "; every metric above zero" if rule.every_metric_above_zero else ""
        return f"at least {number(rule.points_at_least)} of {number(rule.max_points)} points{extra}"
    if isinstance(rule, Consistency):
        return f"at least {words.value(rule.fact, rule.at_least)} in each of {rule.each_of_last.count}"
    if isinstance(rule, ValidUntil):
        return "valid on the review date"
    if isinstance(rule, TimeInTier):
        return f"at least {rule.months_in_tier} months"
    if isinstance(rule, AllOf):
        return f"all {len(rule.all_of)}"
    if isinstance(rule, AnyOf):
        return f"any of {len(rule.any_of)}"
    if isinstance(rule, AtLeastOf):
        return f"at least {rule.at_least} of {len(rule.of)}"
    if isinstance(rule, Tracks):
        return f"any of {len(rule.tracks)} tracks"
    if isinstance(rule, Track):
        return f"all {len(rule.rules)}"
    return ""  # pragma: no cover


def actual(outcome: Outcome, i: int, words: Words) -> str:
    """The partner's actual value for a criterion, in words."""
    rule = outcome.rule
    value = outcome.actual[i]
    if isinstance(rule, Compare | PointsMetric):
        if value is None and outcome.met[i] is False:
            return "none in the window"
        return words.value(rule.fact, value)
    if isinstance(rule, ValidUntil):
        return "unknown" if value is None else f"until {value.isoformat()}"
    if isinstance(rule, Points):
        return f"{number(round(value, 2))} points"
    if isinstance(rule, Consistency):
        return "unknown" if value is None else f"{value} of {rule.each_of_last.count}"
    if isinstance(rule, TimeInTier):
        return "unknown" if value is None else f"{value} months"
    if isinstance(rule, AllOf | AnyOf | AtLeastOf | Tracks | Track):
        return f"{value} met"
    return str(value)  # pragma: no cover


def facts_of(outcome: Outcome) -> tuple[str, ...]:
    """The facts a criterion reads, nested ones included."""
    rule = outcome.rule
    own: tuple[str, ...] = ()
    if isinstance(rule, Compare | Consistency | PointsMetric):
        own = (rule.fact,)
    elif isinstance(rule, ValidUntil):
        own = (rule.valid_until,)
    elif isinstance(rule, TimeInTier):
        own = ("tier_since",)
    for kid in outcome.children:
        own += tuple(f for f in facts_of(kid) if f not in own)
    return own


def _rows(
    tier: str, outcome: Outcome, i: int, words: Words, depth: int, cache: dict[Any, Any]
) -> list[CriterionResult]:
    rule = outcome.rule
    static = cache.get(id(outcome))
    if static is None:
        name = rule.name if isinstance(rule, Track) else criterion_name(rule, words)
        max_points = rule.max_points if isinstance(rule, Points | PointsMetric) else None
        static = cache[id(outcome)] = (name, requirement(rule, words), max_points, facts_of(outcome))
    name, required, max_points, facts = static
    points = outcome.points[i] if outcome.points is not None else None
    row = CriterionResult(
        tier, name, required, actual(outcome, i, words), outcome.met[i], points, max_points, depth, facts
    )
    out = [row]
    for kid in outcome.children:
        out += _rows(tier, kid, i, words, depth + 1, cache)
    return out


# --- gaps ---------------------------------------------------------------------------------------


def _compare_gap(rule: Compare, value: Any, words: Words) -> str:
    name = criterion_name(rule, words)
    op = rule.operator
    if rule.on_any_day_within is not None:
        best = "none" if value is None else words.value(rule.fact, value)
        return f"{name}: {requirement(rule, words)} (best so far: {best})"
    if value is None:
        return f"{name}: none in the last {rule.over_last}" if rule.over_last else f"{name}: unknown"
    spec = words.spec(rule.fact)
    low, high = rule.between if rule.between is not None else (None, None)
    target = rule.at_least if op == "at_least" else rule.more_than if op == "more_than" else None
    if target is None and low is not None and value < low:
        target = low
    if target is not None:
        short = target - value
        if op == "more_than":
            short = short + (1 if spec.kind is FactKind.COUNT else 0.01)
        if spec.kind in (FactKind.COUNT, FactKind.MONEY) or rule.aggregate == "count":
            short = _up(short)
        return words.amount(rule.fact, short) + _window(rule)
    limit = rule.at_most if op == "at_most" else rule.less_than if op == "less_than" else high
    if limit is not None:
        over = value - limit
        shown = money(over, words.currency) if spec.kind is FactKind.MONEY else number(over)
        return (
            f"{shown} less {words.label(rule.fact)}{_window(rule)} (at most {words.value(rule.fact, limit)})"
        )
    if op == "is":
        return f"{name}: required (now: {words.value(rule.fact, value)})"
    return f"{name}: must be {requirement(rule, words)} (now: {words.value(rule.fact, value)})"


def _points_gap(outcome: Outcome, i: int, words: Words) -> list[str]:
    rule = outcome.rule
    assert isinstance(rule, Points)
    have = outcome.points[i] if outcome.points else 0.0
    texts = []
    missing = rule.points_at_least - (have or 0.0)
    if missing > 0:
        # "cheapest" = the metric with the most points still to earn; ties keep the plan's order
        best = None
        for kid in outcome.children:
            metric = kid.rule
            earned = kid.points[i] if kid.points else None
            left = metric.max_points - (earned or 0.0)
            if left > 1e-9 and (best is None or left > best[1] + 1e-9):
                best = (kid, left)
        # points are shown whole, rounded up: "27 more points" must be enough
        shown = _up(missing)
        text = f"{number(shown)} more point{'s' if shown != 1 else ''}"
        if best is not None:
            kid, left = best
            metric = kid.rule
            take = min(left, missing)
            more = _up(take * metric.full_at / metric.points)
            label = criterion_name(metric, words)
            text += (
                f"; the cheapest are {number(min(_up(take), metric.max_points))} from {label} "
                f"({words.amount(metric.fact, more)}{_window(metric)})"
            )
        texts.append(text)
    for kid in outcome.children:
        metric = kid.rule
        value = kid.actual[i]
        if value is None:
            continue
        if metric.at_least is not None and value < metric.at_least:
            texts.append(
                f"{criterion_name(metric, words)}: {words.amount(metric.fact, metric.at_least - value)}"
            )
        elif rule.every_metric_above_zero and value <= 0:
            texts.append(f"{criterion_name(metric, words)}: must be above zero")
    return texts


def _up(value: float) -> float:
    """Rounded up to a whole number, ignoring float noise (25.000000001 is 25)."""
    return float(math.ceil(round(value, 6)))


def gap_texts(
    outcome: Outcome, i: int, ev: Evaluation, words: Words, tier_level: int
) -> list[tuple[str, str]]:
    """(criterion, gap) pairs for a criterion that is not met, in the partner's units."""
    rule = outcome.rule
    value = outcome.actual[i]
    name = rule.name if isinstance(rule, Track) else criterion_name(rule, words)
    if outcome.met[i] is not False:
        return []
    if isinstance(rule, Compare):
        return [(name, _compare_gap(rule, value, words))]
    if isinstance(rule, Points):
        return [(name, t) for t in _points_gap(outcome, i, words)]
    if isinstance(rule, Consistency):
        sums = [column[i] for column in outcome.detail["sums"]]
        periods = outcome.detail["periods"]
        short = [p for s, p in zip(sums, periods, strict=True) if s < rule.at_least]
        shown = ", ".join(f"{a.isoformat()} to {b.isoformat()}" for a, b in short)
        need = words.value(rule.fact, rule.at_least)
        text = f"{words.label(rule.fact)}: at least {need} in each of the last {rule.each_of_last}"
        return [(name, f"{text}; short in {len(short)} ({shown})")]
    if isinstance(rule, ValidUntil):
        return [(name, f"{words.label(rule.valid_until)} expired on {value.isoformat()}; renew it")]
    if isinstance(rule, TimeInTier):
        current = ev.facts.current_tier[i]
        since = ev.facts.tier_since[i]
        if current is None or since is None:
            return [(name, f"{rule.months_in_tier} months in a tier first")]
        ready = add_months(since, rule.months_in_tier)
        left = max(1, rule.months_in_tier - months_between(since, ev.as_of))
        plural = "s" if left != 1 else ""
        return [(name, f"{left} more month{plural} in {current} (eligible from {ready.isoformat()})")]
    if isinstance(rule, AllOf | Track):
        kids = outcome.children
        return [g for kid in kids for g in gap_texts(kid, i, ev, words, tier_level)]
    if isinstance(rule, AnyOf):
        options = [g for kid in outcome.children for g in gap_texts(kid, i, ev, words, tier_level)[:1]]
        return [(name, "one of: " + "; or ".join(text for _, text in options))]
    if isinstance(rule, AtLeastOf):
        options = [g for kid in outcome.children for g in gap_texts(kid, i, ev, words, tier_level)[:1]]
        more = rule.at_least - value
        return [(name, f"{more} more of: " + "; ".join(text for _, text in options))]
    if isinstance(rule, Tracks):
        track = best_track(outcome, i)
        inner = gap_texts(track, i, ev, words, tier_level)
        return [(crit, f"{text} (via the {track.rule.name} track)") for crit, text in inner]
    return []  # pragma: no cover


def best_track(outcome: Outcome, i: int) -> Outcome:
    """The track a partner is reported on: the first it meets, else the one with the most criteria met."""
    kids = outcome.children
    for kid in kids:
        if kid.met[i] is True:
            return kid

    def score(kid: Outcome) -> tuple[float, float]:
        met = sum(1 for c in kid.children if c.met[i] is True) / max(1, len(kid.children))
        pts = sum((c.points[i] or 0.0) / max(c.rule.max_points, 1e-9) for c in kid.children if c.points)
        return (met, pts)

    return max(kids, key=score)  # max keeps the first of equals, so the plan's order breaks ties


def _unknown(outcome: Outcome, i: int) -> list[str]:
    """The missing facts that leave a criterion unknown."""
    if outcome.met[i] is not None:
        return []
    if isinstance(outcome.rule, Points):
        return [m.rule.fact for m in outcome.children if m.actual[i] is None]
    deeper = [u for kid in outcome.children for u in _unknown(kid, i)]
    return deeper or list(facts_of(outcome))


def _benefits(tier: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return tier.benefits.model_dump(mode="json", exclude={"sources"}), tier.requirements.model_dump(
        mode="json"
    )


def change_of(ev: Evaluation, current: str | None, computed: str | None) -> Change:
    """Upgrade, downgrade, hold, new (no tier yet) or none (no tier either way)."""
    levels = ev.levels
    held = levels.get(current) if current is not None else None
    now = levels.get(computed) if computed is not None else None
    if held is None:
        return Change.NEW if now is not None else Change.NONE
    if now is None or now > held:
        return Change.DOWNGRADE
    if now < held:
        return Change.UPGRADE
    return Change.HOLD


def explain(ev: Evaluation, i: int, *, criteria: bool = True) -> Verdict:
    """The full verdict of the partner at row ``i`` (without the criterion table if ``criteria`` is False)."""
    words = ev.cache.get("words")
    if words is None:
        words = ev.cache["words"] = Words(ev.specs, ev.currency)
    computed = ev.tier[i]
    current = ev.facts.current_tier[i]
    rows: list[CriterionResult] = []
    for outcome in ev.tiers if criteria else ():
        for rule_outcome in outcome.rules:
            rows += _rows(outcome.tier.name, rule_outcome, i, words, 0, ev.cache)
    # the next tier is the one right above the verdict (the lowest tier when there is none)
    index = next((k for k, t in enumerate(ev.tiers) if t.tier.name == computed), len(ev.tiers))
    next_outcome: TierOutcome | None = ev.tiers[index - 1] if index > 0 else None
    gaps: list[Gap] = []
    if next_outcome is not None:
        for rule_outcome in next_outcome.rules:
            found = gap_texts(rule_outcome, i, ev, words, next_outcome.tier.level)
            amount = shortfall(rule_outcome, i, words) if len(found) == 1 else None
            for crit, text in found:
                gaps.append(Gap(crit, text, _fact(rule_outcome), amount))
    unknown: list[str] = []
    for outcome in ev.tiers[:index]:
        if outcome.met[i] is None:
            for rule_outcome in outcome.rules:
                unknown += [f for f in _unknown(rule_outcome, i) if f not in unknown]
    warnings = expiry_warnings(ev, i, words)
    if current is not None and current not in ev.levels:
        warnings.append(f"current tier {current!r} is not a tier of the plan")
    benefits: dict[str, Any] = {}
    requirements: dict[str, Any] = {}
    if computed is not None:
        key = ("benefits", computed)
        if key not in ev.cache:
            ev.cache[key] = _benefits(ev.tiers[index].tier)
        benefits, requirements = ev.cache[key]
        benefits, requirements = dict(benefits), dict(requirements)
    return Verdict(
        partner=ev.facts.partners[i],
        tier=computed,
        current_tier=current,
        change=change_of(ev, current, computed),
        criteria=rows,
        next_tier=next_outcome.tier.name if next_outcome else None,
        gaps=gaps,
        unknown=unknown,
        warnings=warnings,
        benefits=benefits,
        requirements=requirements,
    )


def shortfall(outcome: Outcome, i: int, words: Words) -> float | None:
    """How much a failed criterion lacks, as one number in its own units (None when it is not a number).

    Amounts of money, counts and points are rounded up the way the gap's text shows them.
    """
    rule = outcome.rule
    value = outcome.actual[i]
    if outcome.met[i] is not False:
        return None
    if isinstance(rule, Points):
        return _up(rule.points_at_least - (value or 0.0))
    if isinstance(rule, Consistency):
        return float(rule.each_of_last.count - value) if value is not None else None
    if isinstance(rule, Compare) and rule.on_any_day_within is None and isinstance(value, int | float):
        target = rule.at_least if rule.at_least is not None else rule.more_than
        if target is None or isinstance(value, bool):
            return None
        short = target - value
        if words.spec(rule.fact).kind in (FactKind.COUNT, FactKind.MONEY) or rule.aggregate == "count":
            short = _up(short + (1 if rule.more_than is not None else 0))
        return float(short)
    return None


def _fact(outcome: Outcome) -> str | None:
    facts = facts_of(outcome)
    return facts[0] if len(facts) == 1 else None


def expiry_warnings(ev: Evaluation, i: int, words: Words | None = None) -> list[str]:
    """Validity criteria (certifications) that expire soon or have expired, for the partner at row ``i``."""
    words = words or Words(ev.specs, ev.currency)
    out: list[str] = []
    seen: set[tuple[str, date]] = set()
    for tier_outcome in ev.tiers:
        for outcome in _all(tier_outcome.rules):
            rule = outcome.rule
            if not isinstance(rule, ValidUntil):
                continue
            until = outcome.actual[i]
            if until is None or (rule.valid_until, until) in seen:
                continue
            days = rule.warn_within_days if rule.warn_within_days is not None else ev.expiry_warning_days
            label = words.label(rule.valid_until)
            if until < ev.as_of:
                out.append(f"{label} expired on {until.isoformat()}")
            elif until <= ev.as_of + timedelta(days=days):
                left = (until - ev.as_of).days
                out.append(f"{label} expires on {until.isoformat()} (in {left} days)")
            else:
                continue
            seen.add((rule.valid_until, until))
    return out


def _all(outcomes: list[Outcome]) -> list[Outcome]:
    out = []
    for o in outcomes:
        out.append(o)
        out += _all(o.children)
    return out


def verdicts(ev: Evaluation) -> list[Verdict]:
    """Every partner's verdict, in the fact table's order."""
    return [explain(ev, i) for i in range(len(ev))]


def compact_rows(ev: Evaluation) -> list[tuple[Any, ...]]:
    """Per partner, a compact explanation: the tier, then met and actual value of every criterion.

    The order of criteria is the order of ``explain(ev, i).criteria``; points rules add their points.
    Cheap enough for every partner of a large program; ``explain`` words one of them in full.
    """
    columns: list[list[Any]] = [ev.tier]
    for tier in ev.tiers:
        for outcome in _all(tier.rules):
            columns.append(outcome.met)
            columns.append(outcome.actual)
            if outcome.points is not None and isinstance(outcome.rule, Points):
                columns.append(outcome.points)
    with no_gc():
        return list(zip(*columns, strict=True))


explain_tier = explain
"""The public name of ``explain``: one partner's full verdict from an evaluation."""
