"""Evaluate every tier's rules for every partner at once, column by column, in three-valued logic.

Each rule becomes a ``Outcome``: per partner, met (True, False or None for unknown), the actual value
and, for points rules, the points earned. Composition follows Kleene's logic, so a missing fact makes
a criterion unknown and never silently true or false. Explanations are built later, per partner, from
these columns (see ``partnerkit.tiers.explain``).
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from partnerkit.model.rules import (
    AllOf,
    AnyOf,
    AtLeastOf,
    Compare,
    Consistency,
    FactSpec,
    Points,
    PointsMetric,
    Rule,
    TimeInTier,
    Tracks,
    ValidUntil,
    Window,
    add_months,
)
from partnerkit.tiers.facts import FactTable

if TYPE_CHECKING:
    from partnerkit.model.plan import Plan
    from partnerkit.model.tiers import Tier

Tri = bool | None


@dataclass
class Outcome:
    """One criterion evaluated for every partner."""

    rule: Any
    met: list[Tri]
    actual: list[Any]
    points: list[float] | None = None
    children: list[Outcome] = field(default_factory=list)
    # consistency: per partner, the periods that fell short; validity: partners to warn.
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class TierOutcome:
    """A tier's rules evaluated for every partner."""

    tier: Tier
    met: list[Tri]
    rules: list[Outcome]


def all3(columns: list[list[Tri]], size: int) -> list[Tri]:
    """Kleene AND across columns: False wins, then unknown, then True."""
    if not columns:
        return [True] * size
    if len(columns) == 1:
        return list(columns[0])
    return [False if False in row else (None if None in row else True) for row in zip(*columns, strict=True)]


def any3(columns: list[list[Tri]], size: int) -> list[Tri]:
    """Kleene OR across columns: True wins, then unknown, then False."""
    if not columns:
        return [False] * size
    return [True if True in row else (None if None in row else False) for row in zip(*columns, strict=True)]


class Evaluator:
    """Evaluates rules over one fact table on one review date, sharing window aggregates between rules."""

    def __init__(self, facts: FactTable, specs: dict[str, FactSpec], levels: dict[str, int], as_of: date):
        self.facts = facts
        self.specs = specs
        self.levels = levels
        self.as_of = as_of
        self.size = len(facts)
        self._cache: dict[Any, Any] = {}

    # --- fact columns -------------------------------------------------------------------------

    def values(self, fact: str, window: Window | None, aggregate: str) -> tuple[list[Any], set[int]]:
        """A fact as one value per partner; for a window, the aggregate and the partners with none in it."""
        if window is None:
            if fact in self.facts.dated:
                # a dated fact without a window reads its latest observation
                return self._latest(fact), set()
            return self.facts.column(fact), set()
        key = ("window", fact, str(window), aggregate)
        if key not in self._cache:
            self._cache[key] = self._aggregate(fact, window, aggregate)
        cached: tuple[list[Any], set[int]] = self._cache[key]
        return cached

    def _latest(self, fact: str) -> list[Any]:
        col = self.facts.dated.get(fact)
        out: list[Any] = [None] * self.size
        if col is None:
            return out
        best = [0] * self.size
        end = self.as_of.toordinal()
        for p, d, v in zip(col.partner, col.day, col.value, strict=True):
            if d <= end and (out[p] is None or d >= best[p]):
                out[p] = v
                best[p] = d
        return out

    def _aggregate(self, fact: str, window: Window, aggregate: str) -> tuple[list[Any], set[int]]:
        col = self.facts.dated.get(fact)
        if col is None:
            return [None] * self.size, set()
        lo = window.start(self.as_of).toordinal()
        hi = self.as_of.toordinal()
        known = self.known(fact)
        if aggregate in ("sum", "count"):
            acc: list[Any] = [0 if k else None for k in known]
            if aggregate == "sum":
                for p, d, v in zip(col.partner, col.day, col.value, strict=True):
                    if lo < d <= hi:
                        acc[p] += v
            else:
                for p, d in zip(col.partner, col.day, strict=True):
                    if lo < d <= hi:
                        acc[p] += 1
            return acc, set()
        pick = max if aggregate == "max" else min
        out: list[Any] = [None] * self.size
        for p, d, v in zip(col.partner, col.day, col.value, strict=True):
            if lo < d <= hi:
                out[p] = v if out[p] is None else pick(out[p], v)
        empty = {i for i in range(self.size) if known[i] and out[i] is None}
        return out, empty

    # --- rules ----------------------------------------------------------------------------------

    def rule(self, rule: Rule, tier: Tier) -> Outcome:
        """One rule for every partner; a rule that appears in several tiers is evaluated once."""
        if isinstance(rule, Compare | Points | Consistency | ValidUntil):
            key = ("rule", rule.model_dump_json())
            if key not in self._cache:
                self._cache[key] = self._rule(rule, tier)
            cached: Outcome = self._cache[key]
            return cached
        return self._rule(rule, tier)

    def known(self, fact: str) -> list[bool]:
        """Which partners have at least one observation of a dated fact."""
        key = ("known", fact)
        if key not in self._cache:
            col = self.facts.dated.get(fact)
            self._cache[key] = col.known(self.size) if col is not None else [False] * self.size
        known: list[bool] = self._cache[key]
        return known

    def _rule(self, rule: Rule, tier: Tier) -> Outcome:
        if isinstance(rule, Compare):
            return self._compare(rule)
        if isinstance(rule, Points):
            return self._points(rule)
        if isinstance(rule, AllOf):
            kids = [self.rule(r, tier) for r in rule.all_of]
            return self._combine(rule, kids, all3([k.met for k in kids], self.size))
        if isinstance(rule, AnyOf):
            kids = [self.rule(r, tier) for r in rule.any_of]
            return self._combine(rule, kids, any3([k.met for k in kids], self.size))
        if isinstance(rule, AtLeastOf):
            return self._at_least_of(rule, tier)
        if isinstance(rule, Tracks):
            return self._tracks(rule, tier)
        if isinstance(rule, Consistency):
            return self._consistency(rule)
        if isinstance(rule, ValidUntil):
            return self._valid_until(rule)
        if isinstance(rule, TimeInTier):
            return self._time_in_tier(rule, tier)
        raise TypeError(f"not a rule: {rule!r}")  # pragma: no cover - the model admits only rules

    def _combine(self, rule: Any, kids: list[Outcome], met: list[Tri]) -> Outcome:
        counts = [row.count(True) for row in zip(*(k.met for k in kids), strict=True)]
        return Outcome(rule, met, counts, children=kids)

    def _at_least_of(self, rule: AtLeastOf, tier: Tier) -> Outcome:
        kids = [self.rule(r, tier) for r in rule.of]
        need = rule.at_least
        met: list[Tri] = []
        counts: list[int] = []
        for row in zip(*(k.met for k in kids), strict=True):
            yes = row.count(True)
            maybe = row.count(None)
            counts.append(yes)
            met.append(True if yes >= need else (False if yes + maybe < need else None))
        return Outcome(rule, met, counts, children=kids)

    def _tracks(self, rule: Tracks, tier: Tier) -> Outcome:
        kids = []
        for track in rule.tracks:
            parts = [self.rule(r, tier) for r in track.rules]
            kids.append(self._combine(track, parts, all3([p.met for p in parts], self.size)))
        return self._combine(rule, kids, any3([k.met for k in kids], self.size))

    def _compare(self, rule: Compare) -> Outcome:
        if rule.on_any_day_within is not None:
            return self._any_day(rule)
        vals, empty = self.values(rule.fact, rule.over_last, str(rule.aggregate))
        met = compare_column(vals, rule.operator, _argument(rule))
        for i in empty:
            met[i] = False
        return Outcome(rule, met, vals)

    def _any_day(self, rule: Compare) -> Outcome:
        assert rule.on_any_day_within is not None
        col = self.facts.dated.get(rule.fact)
        known = self.known(rule.fact)
        met: list[Tri] = [False if k else None for k in known]
        best: list[Any] = [None] * self.size
        if col is not None:
            lo = rule.on_any_day_within.start(self.as_of).toordinal()
            hi = self.as_of.toordinal()
            test = _predicate(rule.operator, _argument(rule))
            for p, d, v in zip(col.partner, col.day, col.value, strict=True):
                if lo < d <= hi:
                    if best[p] is None or v > best[p]:
                        best[p] = v
                    if test(v):
                        met[p] = True
        return Outcome(rule, met, best)

    def _points(self, rule: Points) -> Outcome:
        size = self.size
        known_cols: list[list[float]] = []
        open_cols: list[list[float]] = []
        conditions: list[list[Tri]] = []
        kids = []
        for metric in rule.metrics:
            vals, _ = self.values(metric.fact, metric.over_last, str(metric.aggregate))
            top = float(metric.max_points)
            rate = metric.points / metric.full_at
            # min(top, max(0, v * rate)) without two calls per cell
            earned: list[Any] = [
                None if v is None else (top if (x := v * rate) >= top else (x if x > 0 else 0.0))
                for v in vals
            ]
            if None in earned:
                known_cols.append([0.0 if e is None else e for e in earned])
                open_cols.append([top if e is None else 0.0 for e in earned])
            else:
                known_cols.append(earned)
            if metric.at_least is not None:
                floor = metric.at_least
                conditions.append([None if v is None else v >= floor for v in vals])
            if rule.every_metric_above_zero:
                conditions.append([None if v is None else v > 0 for v in vals])
            full = metric.points
            kids.append(Outcome(metric, [None if e is None else e >= full for e in earned], vals, earned))
        need = rule.points_at_least
        known_points: list[float] = list(map(sum, zip(*known_cols, strict=True)))
        if open_cols:
            open_points = list(map(sum, zip(*open_cols, strict=True)))
            total: list[Tri] = [
                True if k >= need else (False if k + o < need else None)
                for k, o in zip(known_points, open_points, strict=True)
            ]
        else:
            total = [k >= need for k in known_points]
        met = all3([total, *conditions], size)
        return Outcome(rule, met, known_points, known_points, children=kids)

    def _consistency(self, rule: Consistency) -> Outcome:
        col = self.facts.dated.get(rule.fact)
        n = rule.each_of_last.count
        period = rule.each_of_last.period()
        # period k covers (edges[k], edges[k+1]]; k = n-1 is the latest, ending on the review date
        ends = [self.as_of]
        for _ in range(n):
            ends.append(period.start(ends[-1]))
        edges = [d.toordinal() for d in reversed(ends)]
        known = self.known(rule.fact)
        sums: list[list[Any]] = [[0.0 if k else None for k in known] for _ in range(n)]
        if col is not None:
            lo, hi = edges[0], edges[-1]
            period_of: dict[int, list[Any]] = {}
            for p, d, v in zip(col.partner, col.day, col.value, strict=True):
                if lo < d <= hi:
                    acc = period_of.get(d)
                    if acc is None:
                        acc = period_of[d] = sums[bisect_left(edges, d) - 1]
                    acc[p] += v
        need = rule.at_least
        good = list(map(sum, zip(*([x is not None and x >= need for x in acc] for acc in sums), strict=True)))
        met: list[Tri] = [(g == n) if k else None for g, k in zip(good, known, strict=True)]
        actual: list[Any] = [g if k else None for g, k in zip(good, known, strict=True)]
        periods = [(date.fromordinal(edges[k] + 1), date.fromordinal(edges[k + 1])) for k in range(n)]
        return Outcome(rule, met, actual, detail={"sums": sums, "periods": periods})

    def _valid_until(self, rule: ValidUntil) -> Outcome:
        vals = self.facts.column(rule.valid_until)
        as_of = self.as_of
        met: list[Tri] = [None if v is None else v >= as_of for v in vals]
        return Outcome(rule, met, vals)

    def _time_in_tier(self, rule: TimeInTier, tier: Tier) -> Outcome:
        level = tier.level
        as_of = self.as_of
        months_in = rule.months_in_tier
        # tier-since dates repeat a lot (whole cohorts join on one day): work each one out once
        ready: dict[date, bool] = {}
        months: dict[date, int] = {}
        met: list[Tri] = []
        held_months: list[Any] = []
        levels = self.levels
        for current, since in zip(self.facts.current_tier, self.facts.tier_since, strict=True):
            if since is not None and since not in months:
                months[since] = months_between(since, as_of)
                ready[since] = add_months(since, months_in) <= as_of
            held = levels.get(current) if current is not None else None
            if held is not None and held <= level:
                met.append(True)
                held_months.append(months[since] if since is not None else None)
            elif current is None:
                met.append(False)
                held_months.append(0)
            elif since is None:
                met.append(None)
                held_months.append(None)
            else:
                met.append(ready[since])
                held_months.append(months[since])
        return Outcome(rule, met, held_months)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (Jan 31 -> Feb 28 is 0, -> Mar 1 is 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months


def _argument(rule: Compare) -> Any:
    return getattr(rule, "is_" if rule.operator == "is" else rule.operator)


def _predicate(op: str, arg: Any) -> Any:
    if op == "at_least":
        return lambda v: v >= arg
    if op == "more_than":
        return lambda v: v > arg
    if op == "at_most":
        return lambda v: v <= arg
    if op == "less_than":
        return lambda v: v < arg
    if op == "between":
        lo, hi = arg
        return lambda v: lo <= v <= hi
    if op in ("equals", "is"):
        return lambda v: _same(v, arg)
    if op == "one_of":
        return lambda v: any(_same(v, a) for a in arg)
    raise ValueError(f"unknown comparison {op!r}")  # pragma: no cover


def _same(value: Any, wanted: Any) -> bool:
    # text compares without case or surrounding space: CRM exports are not consistent about either
    if isinstance(value, str) and isinstance(wanted, str):
        return value.strip().casefold() == wanted.strip().casefold()
    if isinstance(value, bool) or isinstance(wanted, bool):
        return value is wanted or (
            isinstance(value, int | float) and bool(value) is wanted and value in (0, 1)
        )
    return bool(value == wanted)


def compare_column(values: list[Any], op: str, arg: Any) -> list[Tri]:
    """Compare a column with a required value; None stays None (unknown)."""
    # The common comparisons get their own comprehension: a call per cell would double the time.
    if op == "at_least":
        return [None if v is None else v >= arg for v in values]
    if op == "more_than":
        return [None if v is None else v > arg for v in values]
    if op == "is" and isinstance(arg, bool):
        # == rather than `is`: a dated yes/no fact holds its observations as 1.0 and 0.0
        return [None if v is None else v == arg for v in values]
    test = _predicate(op, arg)
    return [None if v is None else test(v) for v in values]


@dataclass
class Evaluation:
    """Every tier evaluated for every partner on one date; verdicts and explanations come from here."""

    plan_tiers: list[Tier]
    facts: FactTable
    specs: dict[str, FactSpec]
    as_of: date
    tiers: list[TierOutcome]
    tier: list[str | None]
    currency: str = "USD"
    grace_days: int = 90
    expiry_warning_days: int = 30
    # wording that is the same for every partner (criterion names, requirements), built once
    cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def levels(self) -> dict[str, int]:
        """Tier name -> level."""
        return {t.name: t.level for t in self.plan_tiers}

    def __len__(self) -> int:
        return len(self.facts)

    def row(self, partner: str) -> int:
        """The row of a partner (exact name, then without case); KeyError when there is none."""
        for i, name in enumerate(self.facts.partners):
            if name == partner:
                return i
        folded = partner.casefold()
        for i, name in enumerate(self.facts.partners):
            if name.casefold() == folded:
                return i
        raise KeyError(partner)


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small containers.

    Evaluation allocates millions of tuples and lists that form no cycles; letting the collector
    scan them repeatedly costs more than the evaluation itself on large programs.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def tier_order(tiers: list[Tier]) -> list[Tier]:
    """Tiers from the top (level 1) down; the order in the file never matters."""
    return sorted(tiers, key=lambda t: (t.level, t.name))


def evaluate_facts(
    tiers: list[Tier],
    facts: FactTable,
    as_of: date,
    specs: dict[str, FactSpec] | None = None,
    *,
    currency: str = "USD",
    grace_days: int = 90,
    expiry_warning_days: int = 30,
) -> Evaluation:
    """Evaluate ``tiers`` over a fact table on ``as_of``: the core of ``evaluate_tiers``."""
    ordered = tier_order(tiers)
    evaluator = Evaluator(facts, specs or {}, {t.name: t.level for t in ordered}, as_of)
    outcomes = []
    with no_gc():
        for tier in ordered:
            rules = [evaluator.rule(r, tier) for r in tier.rules]
            outcomes.append(TierOutcome(tier, all3([r.met for r in rules], len(facts)), rules))
        verdict: list[str | None] = [None] * len(facts)
        for outcome in reversed(outcomes):  # bottom up, so the highest tier met wins
            name = outcome.tier.name
            verdict = [name if m is True else v for m, v in zip(outcome.met, verdict, strict=True)]
    return Evaluation(
        ordered, facts, specs or {}, as_of, outcomes, verdict, currency, grace_days, expiry_warning_days
    )


def evaluate_tiers(plan: Plan, as_of: date, facts: FactTable | None = None) -> Evaluation:
    """Which tier every partner earns on ``as_of``, from the plan's facts refreshed by ``facts``.

    Raises ``PlanError`` when the plan's facts have wrong values (use ``plan_facts`` to get them as
    problems instead).
    """
    from partnerkit.errors import PlanError
    from partnerkit.tiers.facts import facts_from_plan, merge_facts

    table, problems = facts_from_plan(plan)
    if problems:
        raise PlanError(problems)
    if facts is not None:
        table = merge_facts(table, facts)
    program = plan.tier_program
    return evaluate_facts(
        plan.tiers,
        table,
        as_of,
        dict(program.facts),
        currency=plan.product.currency,
        grace_days=program.downgrade_grace_days,
        expiry_warning_days=program.expiry_warning_days,
    )


def expiry_date(as_of: date, days: int) -> date:
    """The last day of a warning window of ``days`` from ``as_of``."""
    return as_of + timedelta(days=days)


__all__ = ["Evaluation", "Outcome", "PointsMetric", "TierOutcome", "evaluate_facts", "evaluate_tiers"]
