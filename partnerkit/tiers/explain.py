"""Verdicts with reasons: each criterion's requirement, actual value and result, and the gap to the next tier.

Built per partner on demand from the evaluated columns, so a hundred thousand partners cost nothing
until somebody asks for one of them. Gaps are worded in the partner's units, the way a partner
manager writes to a partner ("$120,000 more revenue over the last 12 months"), and every sentence
is true: amounts are exact at the unit's precision (money to the cent, counts whole, points to two
decimals, rounded up so the amount is enough), and a route to missing points really earns them.

"The cheapest" route to missing points takes them from the metrics where one point costs least:
with a ``cost_per_unit`` on every metric's fact, the cost of the units that earn a point; else the
increase that earns a point relative to the metric's ``full_at`` (so the metric with the most points
per threshold goes first). Ties keep the plan's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from partnerkit.collector import no_gc
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
    QualifiedWithin,
    TimeAtTier,
    TimeInTier,
    Track,
    Tracks,
    ValidUntil,
    add_months,
    plain_number,
)
from partnerkit.tiers.evaluate import Evaluation, Outcome, TierOutcome, months_between


class Change(StrEnum):
    """How the computed tier compares with the partner's current tier."""

    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"
    HOLD = "hold"
    NEW = "new"
    NONE = "none"
    UNDECIDED = "undecided"


CENT = Decimal("0.01")
WHOLE = Decimal(1)


def json_number(value: Any) -> Any:
    """An exact number as JSON holds it (int when whole); other values unchanged."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | Decimal):
        return plain_number(value)
    if isinstance(value, Fraction):
        return plain_number(Decimal(value.numerator) / Decimal(value.denominator))
    return value


@dataclass(frozen=True)
class CriterionResult:
    """One criterion of one tier for one partner: what is required, what is there, and whether it is met.

    ``status`` is ``met``, ``not met``, ``unknown`` or, for a points metric that earns some but not
    all of its points, ``partial``.
    """

    tier: str
    criterion: str
    required: str
    actual: str
    met: bool | None
    points: Decimal | None = None
    max_points: Any = None
    depth: int = 0
    facts: tuple[str, ...] = ()
    status: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (see docs/tiers.md)."""
        return {
            "tier": self.tier,
            "criterion": self.criterion,
            "required": self.required,
            "actual": self.actual,
            "met": self.met,
            "status": self.status or _STATUS[self.met],
            "points": None if self.points is None else json_number(points_shown(self.points)),
            "max_points": json_number(self.max_points),
            "depth": self.depth,
        }


_STATUS = {True: "met", False: "not met", None: "unknown"}


@dataclass(frozen=True)
class Gap:
    """What a partner still needs for a criterion of the next tier, in its own units.

    ``increases`` are the amounts that close it, fact by fact (the route to missing points may use
    several metrics); ``amount`` is the shortfall as one number in the criterion's units.
    """

    criterion: str
    text: str
    fact: str | None = None
    amount: Any = None
    increases: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (see docs/tiers.md)."""
        return {
            "criterion": self.criterion,
            "gap": self.text,
            "fact": self.fact,
            "amount": json_number(self.amount),
            "increases": [{"fact": f, "amount": json_number(a)} for f, a in self.increases],
        }


@dataclass(frozen=True)
class TrackResult:
    """The track a partner earns a tier through (or is closest on), and its score."""

    tier: str
    track: str
    met: bool | None
    points: Decimal | None = None
    max_points: Any = None
    criteria_met: int = 0
    criteria: int = 0
    on: date | None = None

    @property
    def score(self) -> str:
        """``78 of 100 points`` for a points track, else ``2 of 3 criteria`` (``on 2026-07-31`` when
        a qualification window found it on an earlier day)."""
        if self.points is not None:
            text = f"{number(points_shown(self.points))} of {number(self.max_points)} points"
        else:
            text = f"{self.criteria_met} of {self.criteria} criteria"
        return text + (f" on {self.on.isoformat()}" if self.on is not None else "")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (see docs/tiers.md)."""
        return {
            "tier": self.tier,
            "track": self.track,
            "met": self.met,
            "score": self.score,
            "points": None if self.points is None else json_number(points_shown(self.points)),
            "max_points": json_number(self.max_points),
            "on": None if self.on is None else self.on.isoformat(),
        }


@dataclass(frozen=True)
class Verdict:
    """One partner's tier on the review date, with every criterion, the gaps to the next tier and unknowns.

    ``undecided`` lists the tiers above ``tier`` that hang on missing facts (the facts in ``unknown``);
    ``tier`` is then the highest tier known to be met, and ``change`` is ``undecided`` unless it is
    an upgrade or a new tier that holds whatever the missing facts turn out to be.
    """

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
    undecided: list[str] = field(default_factory=list)
    track: TrackResult | None = None

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
            "undecided": self.undecided,
            "track": None if self.track is None else self.track.to_dict(),
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

    def label(self, fact: str, amount: Any = None) -> str:
        """The fact's name in words: its label, else its unit, else the name with spaces.

        For an amount of exactly one of a count, the singular: ``unit_one``, else the plural without
        its final s ("deals" -> "deal"; "certified staff" stays).
        """
        spec = self.spec(fact)
        words = spec.label or spec.unit or fact.replace("_", " ")
        if amount is not None and amount == 1 and spec.kind is not FactKind.MONEY:
            return spec.unit_one or singular(spec.unit or words)
        if amount is not None and spec.unit and spec.kind is not FactKind.MONEY:
            return spec.unit
        return words

    def value(self, fact: str | None, value: Any) -> str:
        """A value in the fact's units: ``$120,000``, ``3``, ``yes``, ``2026-03-31``."""
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

    def amount(self, fact: str, value: Any, *, counting: bool = False) -> str:
        """An amount with its unit for a gap: ``$120,000 more revenue`` or ``1 more deal``."""
        spec = self.spec(fact)
        if spec.kind is FactKind.MONEY and not counting:
            return f"{money(value, self.currency)} more {self.label(fact)}"
        return f"{number(value)} more {self.label(fact, value)}"


def singular(words: str) -> str:
    """A plural unit for one: ``deals`` -> ``deal``, ``new customers`` -> ``new customer``."""
    if words.endswith("ies") and len(words) > 4:
        return words[:-3] + "y"
    if words.endswith("s") and not words.endswith("ss"):
        return words[:-1]
    return words


def plural(count: Any, one: str, many: str | None = None) -> str:
    """``1 month``, ``4 months``."""
    return f"{number(count)} {one if count == 1 else (many or one + 's')}"


_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}
_PLAIN = FactSpec()


def money(value: Any, currency: str) -> str:
    """``$120,000``; cents only when there are any (and a fraction of a cent when there is one);
    other currencies as ``120,000 CHF``."""
    amount = _exact(value)
    if amount == amount.to_integral_value():
        text = f"{amount:,.0f}"
    elif amount == amount.quantize(CENT, context=_WIDE):
        text = f"{amount:,.2f}"
    else:
        text = f"{amount.normalize():,f}"  # a fraction of a cent is shown, never rounded away
    sign = _SIGNS.get(currency)
    return f"{sign}{text}" if sign else f"{text} {currency}"


def number(value: Any) -> str:
    """``12``, ``4.5``, ``1,200``, ``0.125``: exact, no trailing zeros."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    elif not isinstance(value, Decimal):
        value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"


def points_shown(value: Any) -> Decimal:
    """Points as shown: to two decimals, rounded down (a partner never reads more than it has).

    The last of 28 digits of a division is first rounded away, so 19.999...9 of a
    whole 20 points reads 20.
    """
    return _to_grid(_exact(value).quantize(_TINY, context=_WIDE), CENT, ROUND_FLOOR)


_TINY = Decimal("1e-20")
_WIDE = Context(prec=80)


def _to_grid(value: Decimal, grid: Decimal, rounding: str) -> Decimal:
    return (value / grid).to_integral_value(rounding=rounding) * grid


def _exact(value: Any) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value) if not isinstance(value, Decimal) else value


def _window_text(rule: Compare | PointsMetric) -> str:
    if rule.over_last is not None:
        return f" over {rule.over_last.phrase()}"
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
        return f"{prefix}{label}{_window_text(rule)}".strip()
    if isinstance(rule, Consistency):
        return f"{words.label(rule.fact)} in each of {rule.each_of_last.phrase()}"
    if isinstance(rule, ValidUntil):
        return f"{words.label(rule.valid_until)} valid"
    if isinstance(rule, TimeInTier):
        return "time in current tier"
    if isinstance(rule, TimeAtTier):
        spec = rule.months_at_tier
        return f"time at {spec.tier}{' or above' if spec.or_above else ''}"
    if isinstance(rule, QualifiedWithin):
        return f"qualified within the last {plural(rule.qualified_within.months, 'month')}"
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
            text += f" on at least one day of {rule.on_any_day_within.phrase()}"
        return text
    if isinstance(rule, PointsMetric):
        return f"{plural(rule.points, 'point')} at {words.value(rule.fact, rule.full_at)}"
    if isinstance(rule, Points):
        extra = "; every metric above zero" if rule.every_metric_above_zero else ""
        return f"at least {number(rule.points_at_least)} of {number(rule.max_points)} points{extra}"
    if isinstance(rule, Consistency):
        return f"at least {words.value(rule.fact, rule.at_least)} in each of {rule.each_of_last.count}"
    if isinstance(rule, ValidUntil):
        return "valid on the review date"
    if isinstance(rule, TimeInTier):
        return f"at least {plural(rule.months_in_tier, 'month')}"
    if isinstance(rule, TimeAtTier):
        return f"at least {plural(rule.months_at_tier.at_least, 'month')}"
    if isinstance(rule, QualifiedWithin):
        window = rule.qualified_within
        if window.every == "day":
            return f"met on at least {plural(window.at_least, 'day')} of the last {plural(window.months, 'month')}"
        return f"met in at least {window.at_least} of the last {plural(window.months, 'month')}"
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
        return f"{number(points_shown(exact_points(outcome, i) or 0))} points"
    if isinstance(rule, Consistency):
        return "unknown" if value is None else f"{value} of {rule.each_of_last.count}"
    if isinstance(rule, TimeInTier | TimeAtTier):
        return "unknown" if value is None else plural(value, "month")
    if isinstance(rule, QualifiedWithin):
        window = rule.qualified_within
        unit = "day" if window.every == "day" else "month"
        met = [
            day
            for day, column in zip(outcome.detail["days"], outcome.detail["mets"], strict=True)
            if column[i]
        ]
        latest = f" (latest {met[-1].isoformat()})" if met else ""
        return f"{plural(value, unit)}{latest}"
    if isinstance(rule, Tracks):
        track = best_track(outcome, i)
        return f"{track.rule.name}: {track_score(track, i)}"
    if isinstance(rule, AllOf | AnyOf | AtLeastOf | Track):
        return f"{value} met"
    return str(value)  # pragma: no cover


def exact_points(outcome: Outcome, i: int) -> Decimal | None:
    """The points a metric or a points rule earns one partner, worked out exactly from its values.

    The engine's point columns are floats that decide nothing on their own; what a partner reads
    comes from here.
    """
    rule = outcome.rule
    if isinstance(rule, PointsMetric):
        value = outcome.actual[i]
        return None if value is None else _earned_decimal(rule, value)
    if isinstance(rule, Points):
        known = [kid for kid in outcome.children if kid.actual[i] is not None]
        return sum((_earned_decimal(kid.rule, kid.actual[i]) for kid in known), Decimal(0))
    return None


def _earned_decimal(metric: PointsMetric, value: Any) -> Decimal:
    """A metric's points in Decimal (to 28 digits; shown to two, so the same as the exact fraction)."""
    top = Decimal(metric.max_points)
    x = _exact(value) * Decimal(metric.points) / Decimal(metric.full_at)
    return top if x >= top else (x if x > 0 else Decimal(0))


def track_score(track: Outcome, i: int) -> str:
    """A track's score for one partner: its points when it has a points rule, else criteria met."""
    points = [kid for kid in track.children if isinstance(kid.rule, Points)]
    if points:
        have = sum((exact_points(kid, i) or Decimal(0) for kid in points), Decimal(0))
        most = sum((kid.rule.max_points for kid in points), 0)
        return f"{number(points_shown(have))} of {number(most)} points"
    met = sum(1 for kid in track.children if kid.met[i] is True)
    return f"{met} of {len(track.children)} criteria"


def facts_of(outcome: Outcome) -> tuple[str, ...]:
    """The facts a criterion reads, nested ones included."""
    rule = outcome.rule
    own: tuple[str, ...] = ()
    if isinstance(rule, Compare | Consistency | PointsMetric):
        own = (rule.fact,)
    elif isinstance(rule, ValidUntil):
        own = (rule.valid_until,)
    elif isinstance(rule, TimeInTier | TimeAtTier):
        own = ("tier_since",)
    for kid in outcome.children:
        own += tuple(f for f in facts_of(kid) if f not in own)
    return own


def _status(outcome: Outcome, i: int) -> str:
    rule = outcome.rule
    met = outcome.met[i]
    if isinstance(rule, PointsMetric) and met is False and outcome.points is not None:
        earned = outcome.points[i]
        if earned is not None and earned > 0:
            return "partial"
    return _STATUS[met]


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
    points = exact_points(outcome, i) if outcome.points is not None else None
    row = CriterionResult(
        tier,
        name,
        required,
        actual(outcome, i, words),
        outcome.met[i],
        points,
        max_points,
        depth,
        facts,
        _status(outcome, i),
    )
    out = [row]
    for kid in outcome.children:
        out += _rows(tier, kid, i, words, depth + 1, cache)
    return out


# --- gaps ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapText:
    """One gap as worded, with the increases that close it and its shortfall."""

    criterion: str
    text: str
    amount: Any = None
    increases: tuple[tuple[str, Any], ...] = ()


def grid(spec: FactSpec, counting: bool = False) -> Decimal:
    """The step an amount of a fact moves in: a cent for money, one for counts and yes/no."""
    if counting or spec.kind in (FactKind.COUNT, FactKind.BOOLEAN):
        return WHOLE
    if spec.kind is FactKind.MONEY:
        return CENT
    return Decimal(0)  # plain numbers: exactly what is missing


def increase_to_reach(value: Any, target: Any, step: Decimal, *, strictly: bool = False) -> Decimal:
    """The smallest increase on the ``step`` grid that brings ``value`` to ``target`` (above it: ``strictly``)."""
    short = _exact(target) - _exact(value)
    if not step:
        if strictly:
            # a plain number has no step: a hundredth more than the gap is the first shown value above it
            return _to_grid(short, CENT, ROUND_FLOOR) + CENT
        return short
    if strictly:
        return _to_grid(short, step, ROUND_FLOOR) + step
    return _to_grid(short, step, ROUND_CEILING)


def _compare_gap(rule: Compare, value: Any, words: Words) -> GapText:
    name = criterion_name(rule, words)
    op = rule.operator
    if rule.on_any_day_within is not None:
        best = "none" if value is None else words.value(rule.fact, value)
        return GapText(name, f"{name}: {requirement(rule, words)} (best so far: {best})")
    if value is None:
        if rule.over_last:
            return GapText(name, f"{name}: none in {rule.over_last.phrase()}")
        return GapText(name, f"{name}: unknown")
    spec = words.spec(rule.fact)
    counting = rule.aggregate == "count" and rule.over_last is not None
    low, high = rule.between if rule.between is not None else (None, None)
    target = rule.at_least if op == "at_least" else rule.more_than if op == "more_than" else None
    if target is None and low is not None and value < low:
        target = low
    if target is not None and not isinstance(value, bool):
        short = increase_to_reach(value, target, grid(spec, counting), strictly=op == "more_than")
        text = words.amount(rule.fact, short, counting=counting) + _window_text(rule)
        return GapText(name, text, short, ((rule.fact, short),))
    limit = rule.at_most if op == "at_most" else rule.less_than if op == "less_than" else high
    if limit is not None and not isinstance(value, bool):
        over = _exact(value) - _exact(limit)
        if op == "less_than":
            over += grid(spec, counting) or CENT
        shown = money(over, words.currency) if spec.kind is FactKind.MONEY and not counting else number(over)
        return GapText(
            name,
            f"{shown} less {words.label(rule.fact)}{_window_text(rule)} ({requirement(rule, words)})",
            over,
        )
    if op == "is":
        return GapText(name, f"{name}: required (now: {words.value(rule.fact, value)})")
    return GapText(name, f"{name}: must be {requirement(rule, words)} (now: {words.value(rule.fact, value)})")


@dataclass(frozen=True)
class Route:
    """The cheapest increases that earn a points rule its missing points, and what each earns."""

    missing: Decimal
    steps: tuple[tuple[Outcome, Decimal, Fraction], ...]
    minimums: tuple[tuple[Outcome, Decimal, str], ...]
    reachable: bool = True


def _earned(metric: PointsMetric, value: Any) -> Fraction:
    top = Fraction(metric.max_points)
    x = Fraction(value) * Fraction(metric.points) / Fraction(metric.full_at)
    return min(top, max(Fraction(0), x))


def _cost_per_point(metric: PointsMetric, all_costed: bool, words: Words) -> Fraction:
    if all_costed:
        cost = words.spec(metric.fact).cost_per_unit
        assert cost is not None
        return Fraction(cost) * Fraction(metric.full_at) / Fraction(metric.points)
    return Fraction(1) / Fraction(metric.points)


def points_route(outcome: Outcome, i: int, words: Words) -> Route:
    """What a partner must add to meet a points rule: each metric's minimum first, then the cheapest points.

    The missing points are rounded up to two decimals and the route earns at least that many, so
    that the partner who follows it qualifies (a property the tests check).
    """
    rule = outcome.rule
    assert isinstance(rule, Points)
    values: dict[int, Any] = {}
    minimums: list[tuple[Outcome, Decimal, str]] = []
    for k, kid in enumerate(outcome.children):
        metric = kid.rule
        value = kid.actual[i]
        if value is None:
            continue
        step = grid(words.spec(metric.fact), metric.over_last is not None and metric.aggregate == "count")
        if metric.at_least is not None and value < metric.at_least:
            more = increase_to_reach(value, metric.at_least, step)
            minimums.append((kid, more, "minimum"))
            value = _exact(value) + more
        if rule.every_metric_above_zero and value <= 0:
            more = increase_to_reach(value, 0, step, strictly=True)
            minimums.append((kid, more, "above zero"))
            value = _exact(value) + more
        values[k] = value
    unknown = sum(
        (Fraction(kid.rule.max_points) for k, kid in enumerate(outcome.children) if k not in values),
        Fraction(0),
    )
    have = sum((_earned(outcome.children[k].rule, v) for k, v in values.items()), Fraction(0))
    need = Fraction(rule.points_at_least)
    if have >= need or (have + unknown >= need and unknown):
        return Route(Decimal(0), (), tuple(minimums))
    missing = _to_grid(_exact(need - have), CENT, ROUND_CEILING)
    all_costed = all(words.spec(kid.rule.fact).cost_per_unit is not None for kid in outcome.children)
    order = sorted(
        (k for k, kid in enumerate(outcome.children) if k in values and kid.rule.points > 0),
        key=lambda k: (_cost_per_point(outcome.children[k].rule, all_costed, words), k),
    )
    choices = [(outcome.children[k], values[k]) for k in order]
    found = _cheapest(choices, 0, Fraction(missing), all_costed, words, {})
    if found is None:
        # more than the known metrics can earn: say how far the cheapest order gets
        most = tuple(full for kid, value in choices if (full := _all_of(kid, value, words)) is not None)
        return Route(missing, most, tuple(minimums), False)
    return Route(missing, tuple(found[1]), tuple(minimums))


Step = tuple[Outcome, Decimal, Fraction]


def _increase_for(kid: Outcome, value: Any, points: Fraction, words: Words) -> tuple[Decimal, Fraction]:
    """The least increase on the metric's grid that earns ``points`` more, and what it earns."""
    metric = kid.rule
    earned = _earned(metric, value)
    target = (earned + points) * Fraction(metric.full_at) / Fraction(metric.points)
    step = grid(words.spec(metric.fact), metric.over_last is not None and metric.aggregate == "count")
    more = increase_to_reach(value, _exact(target), step)
    if _earned(metric, _exact(value) + more) < earned + points:
        more += step or CENT  # the 28th digit of a division rounded down: one step more is enough
    return more, _earned(metric, _exact(value) + more) - earned


def _all_of(kid: Outcome, value: Any, words: Words) -> Step | None:
    left = Fraction(kid.rule.max_points) - _earned(kid.rule, value)
    if left <= 0:
        return None
    more, gained = _increase_for(kid, value, left, words)
    return kid, more, gained


def _cost(kid: Outcome, more: Decimal, all_costed: bool, words: Words) -> Fraction:
    metric = kid.rule
    if all_costed:
        cost = words.spec(metric.fact).cost_per_unit
        assert cost is not None
        return Fraction(more) * Fraction(cost)
    return Fraction(more) / Fraction(metric.full_at)


def _cheapest(
    choices: list[tuple[Outcome, Any]],
    k: int,
    remaining: Fraction,
    all_costed: bool,
    words: Words,
    seen: dict[tuple[int, Fraction], Any],
) -> tuple[Fraction, list[Step]] | None:
    """The cheapest route through metrics ``k`` on (cheapest per point first) to ``remaining`` points.

    Each metric either closes the gap (the least amount that does), or gives the most whole units
    that fall short (maybe none) and leaves the rest to the metrics after it: whole seats or people
    can make a dearer metric cheaper for the last points.
    """
    if remaining <= 0:
        return Fraction(0), []
    if k == len(choices):
        return None
    if (k, remaining) in seen:
        found: tuple[Fraction, list[Step]] | None = seen[(k, remaining)]
        return found
    kid, value = choices[k]
    metric = kid.rule
    left = Fraction(metric.max_points) - _earned(metric, value)
    options: list[tuple[Fraction, list[Step]]] = []
    later = _cheapest(choices, k + 1, remaining, all_costed, words, seen)
    if later is not None:
        options.append(later)
    if left > 0:
        more, gained = _increase_for(kid, value, min(left, remaining), words)
        rest = _cheapest(choices, k + 1, remaining - gained, all_costed, words, seen)
        if rest is not None:
            options.append((_cost(kid, more, all_costed, words) + rest[0], [(kid, more, gained), *rest[1]]))
        step = grid(words.spec(metric.fact), metric.over_last is not None and metric.aggregate == "count")
        if step and more > step and gained >= remaining:
            # the most whole units that still fall short, the rest from the metrics after this one
            fewer = more - step
            short = _earned(metric, _exact(value) + fewer) - _earned(metric, value)
            rest = _cheapest(choices, k + 1, remaining - short, all_costed, words, seen)
            if rest is not None and short > 0:
                options.append(
                    (_cost(kid, fewer, all_costed, words) + rest[0], [(kid, fewer, short), *rest[1]])
                )
    best = min(options, key=lambda option: (option[0], len(option[1]))) if options else None
    seen[(k, remaining)] = best
    return best


def _points_gap(outcome: Outcome, i: int, words: Words) -> list[GapText]:
    rule = outcome.rule
    assert isinstance(rule, Points)
    route = points_route(outcome, i, words)
    name = criterion_name(rule, words)
    texts: list[GapText] = []
    for kid, more, why in route.minimums:
        metric = kid.rule
        what = "must be above zero: " if why == "above zero" else ""
        texts.append(
            GapText(
                name,
                f"{criterion_name(metric, words)}: {what}{words.amount(metric.fact, more)}",
                more,
                ((metric.fact, more),),
            )
        )
    if route.missing > 0:
        have = exact_points(outcome, i)
        text = (
            f"{plural(route.missing, 'more point', 'more points')} "
            f"({number(points_shown(have or 0))} of {number(rule.points_at_least)})"
        )
        if route.steps and route.reachable:
            parts = [
                f"{words.amount(kid.rule.fact, more, counting=_counting(kid.rule))}{_window_text(kid.rule)} "
                f"(+{plural(points_shown(_exact(gained)), 'point')})"
                for kid, more, gained in route.steps
            ]
            text += "; the cheapest route: " + " and ".join(parts)
        elif not route.reachable:
            text += "; more than the known metrics can still earn"
        increases = tuple((kid.rule.fact, more) for kid, more, _ in route.steps)
        texts.append(GapText(name, text, route.missing, increases))
    return texts


def _counting(metric: PointsMetric) -> bool:
    return metric.over_last is not None and metric.aggregate == "count"


def gap_texts(outcome: Outcome, i: int, ev: Evaluation, words: Words, tier_level: int) -> list[GapText]:
    """The gaps of a criterion that is not met, in the partner's units."""
    rule = outcome.rule
    value = outcome.actual[i]
    name = rule.name if isinstance(rule, Track) else criterion_name(rule, words)
    if outcome.met[i] is not False:
        return []
    if isinstance(rule, Compare):
        return [_compare_gap(rule, value, words)]
    if isinstance(rule, Points):
        return _points_gap(outcome, i, words)
    if isinstance(rule, Consistency):
        sums = [column[i] for column in outcome.detail["sums"]]
        periods = outcome.detail["periods"]
        short = [p for s, p in zip(sums, periods, strict=True) if s < rule.at_least]
        shown = ", ".join(f"{a.isoformat()} to {b.isoformat()}" for a, b in short)
        need = words.value(rule.fact, rule.at_least)
        text = f"{words.label(rule.fact)}: at least {need} in each of {rule.each_of_last.phrase()}"
        return [GapText(name, f"{text}; short in {len(short)} ({shown})", len(short))]
    if isinstance(rule, ValidUntil):
        return [GapText(name, f"{words.label(rule.valid_until)} expired on {value.isoformat()}; renew it")]
    if isinstance(rule, TimeInTier):
        current = ev.held[i]
        since = ev.held_since[i]
        if current is None or since is None:
            return [GapText(name, f"{plural(rule.months_in_tier, 'month')} in a tier first")]
        ready = add_months(since, rule.months_in_tier)
        left = _months_left(since, rule.months_in_tier, ev.as_of)
        return [
            GapText(
                name, f"{plural(left, 'more month')} in {current} (eligible from {ready.isoformat()})", left
            )
        ]
    if isinstance(rule, TimeAtTier):
        spec = rule.months_at_tier
        where = f"{spec.tier}{' or above' if spec.or_above else ''}"
        start = outcome.detail["since"][i]
        if start is None:
            now = ev.held[i] or "no tier"
            return [GapText(name, f"{plural(spec.at_least, 'month')} at {where} first (now: {now})")]
        ready = add_months(start, spec.at_least)
        left = _months_left(start, spec.at_least, ev.as_of)
        return [
            GapText(
                name, f"{plural(left, 'more month')} at {where} (eligible from {ready.isoformat()})", left
            )
        ]
    if isinstance(rule, QualifiedWithin):
        window = rule.qualified_within
        unit = "day" if window.every == "day" else "month"
        head = (
            f"{name}: met in {plural(value, unit)} of the last {plural(window.months, 'month')} "
            f"(needs {window.at_least})"
        )
        inner = gap_texts(outcome.children[0], i, ev, words, tier_level)
        if inner:
            head += f"; to qualify on {ev.as_of.isoformat()}: " + "; ".join(g.text for g in inner)
        increases = tuple(x for g in inner for x in g.increases)
        return [GapText(name, head, window.at_least - value, increases)]
    if isinstance(rule, AllOf | Track):
        return [g for kid in outcome.children for g in gap_texts(kid, i, ev, words, tier_level)]
    if isinstance(rule, AnyOf):
        options = [g for kid in outcome.children for g in gap_texts(kid, i, ev, words, tier_level)[:1]]
        return [GapText(name, "one of: " + "; or ".join(g.text for g in options))]
    if isinstance(rule, AtLeastOf):
        options = [g for kid in outcome.children for g in gap_texts(kid, i, ev, words, tier_level)[:1]]
        more = rule.at_least - value
        return [GapText(name, f"{more} more of: " + "; ".join(g.text for g in options), more)]
    if isinstance(rule, Tracks):
        track = best_track(outcome, i)
        inner = gap_texts(track, i, ev, words, tier_level)
        return [
            GapText(g.criterion, f"{g.text} (via the {track.rule.name} track)", g.amount, g.increases)
            for g in inner
        ]
    return []  # pragma: no cover


def _months_left(start: date, months: int, as_of: date) -> int:
    return max(1, months - months_between(start, as_of))


def best_track(outcome: Outcome, i: int) -> Outcome:
    """The track a partner is reported on: the best-scoring track it meets, else the closest one.

    A track's score is the share of its points earned when it has points rules, then the share of
    its criteria met; the plan's order breaks ties.
    """
    kids = outcome.children

    def score(kid: Outcome) -> tuple[int, Decimal, Decimal]:
        met = Decimal(sum(1 for c in kid.children if c.met[i] is True)) / max(1, len(kid.children))
        pts = sum(
            (
                (exact_points(c, i) or 0) / Decimal(max(c.rule.max_points, 1))
                for c in kid.children
                if c.points
            ),
            Decimal(0),
        )
        return (1 if kid.met[i] is True else 0, pts, met)

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


def verdict_change(ev: Evaluation, i: int) -> Change:
    """The partner's change; ``undecided`` when missing facts could make it another one.

    A tier above the verdict that hangs on missing facts turns a hold, a downgrade or "none" into
    ``undecided`` (the partner could keep or reach more). An upgrade or a new tier stays what it
    is, since the partner earns at least that tier whatever the facts turn out to be; its verdict
    still names the tiers left open (``undecided``) and the facts to record (``unknown``).
    """
    change = change_of(ev, ev.held[i], ev.tier[i])
    if change not in (Change.UPGRADE, Change.NEW) and ev.undecided(i):
        return Change.UNDECIDED
    return change


def earned_track(ev: Evaluation, i: int) -> TrackResult | None:
    """The track through which the partner earns its tier, with its score (None without tracks).

    Inside a qualification window it is the track of the latest day or month end that qualified,
    with that day in ``on``.
    """
    computed = ev.tier[i]
    for tier_outcome in ev.tiers:
        if tier_outcome.tier.name == computed:
            return _track_in(computed, tier_outcome.rules, i, None)
    return None


def _track_in(tier: str, outcomes: list[Outcome], i: int, on: date | None) -> TrackResult | None:
    for outcome in outcomes:
        if isinstance(outcome.rule, Tracks):
            return _track_result(tier, best_track(outcome, i), i, on)
        if isinstance(outcome.rule, QualifiedWithin) and outcome.met[i] is True:
            detail = outcome.detail
            k = max(k for k, column in enumerate(detail["mets"]) if column[i] is True)
            day = detail["days"][k]
            found = _track_in(tier, [detail["outcomes"][k]], i, day if k < len(detail["days"]) - 1 else None)
            if found is not None:
                return found
        found = _track_in(tier, outcome.children, i, on)
        if found is not None:
            return found
    return None


def _track_result(tier: str, track: Outcome, i: int, on: date | None = None) -> TrackResult:
    points = [kid for kid in track.children if isinstance(kid.rule, Points)]
    have = most = None
    if points:
        have = sum((exact_points(kid, i) or Decimal(0) for kid in points), Decimal(0))
        most = sum((kid.rule.max_points for kid in points), 0)
    met = sum(1 for kid in track.children if kid.met[i] is True)
    return TrackResult(tier, track.rule.name, track.met[i], have, most, met, len(track.children), on)


def unknown_facts(ev: Evaluation, i: int) -> list[str]:
    """The facts to record for the partner at row ``i``: those a tier above its verdict could not read
    (``explain(ev, i).unknown``, without wording the rest of the verdict)."""
    computed = ev.tier[i]
    index = next((k for k, t in enumerate(ev.tiers) if t.tier.name == computed), len(ev.tiers))
    return _unknown_above(ev, i, index)


def _unknown_above(ev: Evaluation, i: int, index: int) -> list[str]:
    # Which facts are missing follows from which of the columns _unknown reads are unknown at the
    # row: partners with the same pattern (10,000 resellers without facts, say) are worked out once.
    probes = ev.cache.get(("unknown columns", index))
    if probes is None:
        probes = ev.cache["unknown columns", index] = _unknown_columns(ev.tiers[:index])
    key = ("unknown", index, tuple([column[i] is None for column in probes]))
    found = ev.cache.get(key)
    if found is None:
        found = ev.cache[key] = _unknown_walk(ev.tiers[:index], i)
    return list(found)


def _unknown_columns(tiers: list[TierOutcome]) -> list[list[Any]]:
    """Every column whose unknowns ``_unknown_walk`` looks at, in a fixed order."""
    columns: list[list[Any]] = []

    def visit(outcome: Outcome) -> None:
        columns.append(outcome.met)
        if isinstance(outcome.rule, Points):
            columns.extend(m.actual for m in outcome.children)
        else:
            for kid in outcome.children:
                visit(kid)

    for tier in tiers:
        columns.append(tier.met)
        for rule_outcome in tier.rules:
            visit(rule_outcome)
    return columns


def _unknown_walk(tiers: list[TierOutcome], i: int) -> list[str]:
    unknown: list[str] = []
    for outcome in tiers:
        if outcome.met[i] is None:
            for rule_outcome in outcome.rules:
                unknown += [f for f in _unknown(rule_outcome, i) if f not in unknown]
    return unknown


def explain(ev: Evaluation, i: int, *, criteria: bool = True) -> Verdict:
    """The full verdict of the partner at row ``i`` (without the criterion table if ``criteria`` is False)."""
    words = ev.cache.get("words")
    if words is None:
        words = ev.cache["words"] = Words(ev.specs, ev.currency)
    computed = ev.tier[i]
    current = ev.held[i]
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
            fact = _fact(rule_outcome)
            for g in found:
                amount = g.amount if len(found) == 1 or g.increases else None
                gaps.append(Gap(g.criterion, g.text, fact, amount, g.increases))
    unknown = _unknown_above(ev, i, index)
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
        change=verdict_change(ev, i),
        criteria=rows,
        next_tier=next_outcome.tier.name if next_outcome else None,
        gaps=gaps,
        unknown=unknown,
        warnings=warnings,
        benefits=benefits,
        requirements=requirements,
        undecided=ev.undecided(i),
        track=earned_track(ev, i) if computed is not None else None,
    )


def _fact(outcome: Outcome) -> str | None:
    facts = facts_of(outcome)
    return facts[0] if len(facts) == 1 else None


def expiry_warnings(ev: Evaluation, i: int, words: Words | None = None) -> list[str]:
    """Validity criteria (certifications) that expire soon or have expired, for the partner at row ``i``."""
    validities = ev.cache.get("validities")
    if validities is None:  # found once: a review asks for every partner of a large program
        validities = ev.cache["validities"] = [
            outcome
            for tier_outcome in ev.tiers
            for outcome in _all(tier_outcome.rules)
            if isinstance(outcome.rule, ValidUntil)
        ]
    out: list[str] = []
    if not validities:
        return out
    words = words or Words(ev.specs, ev.currency)
    seen: set[tuple[str, date]] = set()
    for outcome in validities:
        rule = outcome.rule
        until = outcome.actual[i]
        if until is None or (rule.valid_until, until) in seen:
            continue
        days = rule.warn_within_days if rule.warn_within_days is not None else ev.expiry_warning_days
        label = words.label(rule.valid_until)
        if until < ev.as_of:
            out.append(f"{label} expired on {until.isoformat()}")
        elif until <= ev.as_of + timedelta(days=days):
            left = (until - ev.as_of).days
            out.append(f"{label} expires on {until.isoformat()} (in {plural(left, 'day')})")
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
