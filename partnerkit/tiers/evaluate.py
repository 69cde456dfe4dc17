"""Evaluate every tier's rules for every partner at once, column by column, in three-valued logic.

Each rule becomes a ``Outcome``: per partner, met (True, False or None for unknown), the actual value
and, for points rules, the points earned. Composition follows Kleene's logic, so a missing fact makes
a criterion unknown and never silently true or false. Explanations are built later, per partner, from
these columns (see ``partnerkit.tiers.explain``).

Windows are trailing or calendar periods whose edges come straight from the review date (see
``Window.periods``); sums and comparisons are exact (int and Decimal); the tier a partner holds is
the entry of its tier history in force on the review date; a qualification window judges its rule
on the facts as they stood at each day or month end.
"""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import TYPE_CHECKING, Any

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
    Rule,
    TimeAtTier,
    TimeInTier,
    Tracks,
    ValidUntil,
    Window,
    add_months,
)
from partnerkit.model.values import fold_name
from partnerkit.tiers.facts import DatedColumn, FactTable, History

if TYPE_CHECKING:
    from partnerkit.model.plan import Plan
    from partnerkit.model.program import TierProgramFile
    from partnerkit.model.tiers import Tier
    from partnerkit.tiers.facts import PartnerMerge

Tri = bool | None


@dataclass
class Outcome:
    """One criterion evaluated for every partner."""

    rule: Any
    met: list[Tri]
    actual: list[Any]
    points: list[float] | None = None
    children: list[Outcome] = field(default_factory=list)
    # per-partner columns the wording reads besides met and actual: the sums of consistency
    # periods ("sums"), the start of a tier stretch ("since"), a qualification's days ("mets") and
    # its outcome on each of them ("outcomes")
    detail: dict[str, Any] = field(default_factory=dict)

    def wording_columns(self) -> list[list[Any]]:
        """Every per-partner column a verdict's words read from this outcome (not its children)."""
        columns = [self.met, self.actual]
        if self.points is not None:
            columns.append(self.points)
        columns += self.detail.get("sums", [])
        columns += self.detail.get("mets", [])
        if "since" in self.detail:
            columns.append(self.detail["since"])
        # a qualification window words the track of an earlier day from that day's outcomes
        stack = list(self.detail.get("outcomes", []))
        while stack:
            inner = stack.pop()
            columns += inner.wording_columns()
            stack += inner.children
        return columns


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


ZERO = Decimal(0)
DENSE_DAYS = 64
"""A dated fact on at most this many distinct days is summed as one column per day."""
DENSE_CELLS = 20_000_000
"""... and only while partners times days stays below this many cells (memory)."""


class Evaluator:
    """Evaluates rules over one fact table on one review date, sharing window aggregates between rules.

    Numbers are exact (``int`` and ``Decimal``): sums of money, point totals and their comparisons
    never go through binary floats.
    """

    def __init__(
        self,
        facts: FactTable,
        specs: dict[str, FactSpec],
        levels: dict[str, int],
        as_of: date,
        fiscal_year_starts: int = 1,
        shared: dict[Any, Any] | None = None,
    ):
        self.facts = facts
        self.specs = specs
        self.levels = levels
        self.as_of = as_of
        self.fiscal_year_starts = fiscal_year_starts
        self.size = len(facts)
        self._cache: dict[Any, Any] = {}
        # what does not depend on the review date (which partners have a fact), shared by every date
        self._shared: dict[Any, Any] = shared if shared is not None else {}

    def at(self, day: date) -> Evaluator:
        """An evaluator of the same facts on another date (the facts as they stood then)."""
        if day == self.as_of:
            return self
        key = ("at", day)
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = Evaluator(
                self.facts, self.specs, self.levels, day, self.fiscal_year_starts, self._shared
            )
        evaluator: Evaluator = found
        return evaluator

    # --- tiers held -------------------------------------------------------------------------------

    def held(self) -> tuple[list[str | None], list[date | None]]:
        """Per partner, the tier held on the review date and the day that stretch began.

        Without tier histories that is the current tier and ``tier_since``; with one, the entry in
        force on the review date (an approved downgrade dated after it has not happened yet).
        """
        key = ("held",)
        if key not in self._cache:
            facts = self.facts
            if facts.history is None:
                self._cache[key] = (facts.current_tier, facts.tier_since)
            else:
                tiers = list(facts.current_tier)
                starts = list(facts.tier_since)
                as_of = self.as_of
                for i, history in enumerate(facts.history):
                    if history is None:
                        continue
                    tier: str | None = None
                    start: date | None = None
                    for day, name in history:
                        if day > as_of:
                            break
                        if start is None or name != tier:
                            tier, start = name, day
                    tiers[i] = tier
                    starts[i] = start if tier is not None else None
                self._cache[key] = (tiers, starts)
        held: tuple[list[str | None], list[date | None]] = self._cache[key]
        return held

    # --- fact columns -------------------------------------------------------------------------

    def bounds(self, window: Window) -> tuple[int, int]:
        """The window's first and last day as ordinals, both included."""
        first, last = window.span(self.as_of, self.fiscal_year_starts)
        return first.toordinal(), last.toordinal()

    def values(self, fact: str, window: Window | None, aggregate: str) -> tuple[list[Any], set[int]]:
        """A fact as one value per partner; for a window, the aggregate and the partners with none in it."""
        if window is None:
            if fact in self.facts.dated:
                # a dated fact without a window reads its latest observation
                return self._latest(fact), set()
            return self.facts.column(fact), set()
        lo, hi = self.bounds(window)
        key = ("window", fact, lo, hi, aggregate)
        if key not in self._cache:
            self._cache[key] = self._aggregate(fact, lo, hi, aggregate)
        cached: tuple[list[Any], set[int]] = self._cache[key]
        return cached

    def _latest(self, fact: str) -> list[Any]:
        key = ("latest", fact)
        if key in self._cache:
            found: list[Any] = self._cache[key]
            return found
        col = self.facts.dated.get(fact)
        out: list[Any] = [None] * self.size
        if col is not None:
            best = [0] * self.size
            end = self.as_of.toordinal()
            for p, d, v in zip(col.partner, col.day, col.value, strict=True):
                if d <= end and (out[p] is None or d >= best[p]):
                    out[p] = v
                    best[p] = d
        self._cache[key] = out
        return out

    def days(self, fact: str) -> tuple[list[int], dict[int, tuple[list[int], list[Any]]]]:
        """A dated fact's observations by day: the days in order, and per day the partners and values.

        Built once per fact and shared by every review date: a window then visits only its own days.
        """
        key = ("days", fact)
        if key not in self._shared:
            col = self.facts.dated.get(fact)
            buckets: dict[int, tuple[list[int], list[Any]]] = {}
            if col is not None:
                for p, d, v in zip(col.partner, col.day, col.value, strict=True):
                    bucket = buckets.get(d)
                    if bucket is None:
                        bucket = buckets[d] = ([], [])
                    bucket[0].append(p)
                    bucket[1].append(v)
            self._shared[key] = (sorted(buckets), buckets)
        found: tuple[list[int], dict[int, tuple[list[int], list[Any]]]] = self._shared[key]
        return found

    def dense(self, fact: str) -> tuple[list[int], dict[int, list[Any]]] | None:
        """A dated fact's sums by day as one full column per day, when it has few distinct days.

        Quarterly or monthly figures fall on a handful of days; then a window's sum is a few
        column additions done by ``map`` instead of a Python step per observation. None when the
        fact has too many distinct days (one row per deal) or too many partners for it to pay.
        """
        key = ("dense", fact)
        if key not in self._shared:
            col = self.facts.dated.get(fact)
            found: Any = None
            if col is not None and col.day:
                size = self.size
                count = len(col.day) // size if size else 0
                strided = _strided(col, count, size) if count <= DENSE_DAYS else None
                if strided is not None:
                    found = (sorted(strided), strided)
                    self._shared.setdefault(("known", fact), [True] * size)  # everyone observed
                else:
                    days = sorted(set(col.day))
                    if len(days) <= DENSE_DAYS and len(days) * size <= DENSE_CELLS:
                        zero = self.zero(fact)
                        by_day: dict[int, list[Any]] = {d: [None] * size for d in days}
                        for p, d, v in zip(col.partner, col.day, col.value, strict=True):
                            cells = by_day[d]
                            held = cells[p]
                            cells[p] = v if held is None else held + v
                        for d in days:
                            by_day[d] = [zero if x is None else x for x in by_day[d]]
                        found = (days, by_day)
            self._shared[key] = found
        dense: tuple[list[int], dict[int, list[Any]]] | None = self._shared[key]
        return dense

    def _dense_sum(self, fact: str, lo: int, hi: int) -> list[Any] | None:
        """The sum of a fact from day ``lo`` to ``hi`` per partner (None where unknown), from ``dense``."""
        dense = self.dense(fact)
        if dense is None:
            return None
        days, by_day = dense
        first, last = bisect_left(days, lo), bisect_right(days, hi) - 1
        acc: list[Any]
        shared = True  # acc is a day's column or a running total, which later windows reuse
        if last < first:
            acc, shared = [self.zero(fact)] * self.size, False
        else:
            # Adding day by day costs (last - first) column additions. Two kinds of running totals
            # are kept from earlier windows: from the first day on, and from each day to the last
            # (most windows end on the review date, so they share these); each costs the totals
            # still to build and, for a window that does not start (end) there, one subtraction.
            # Take the cheapest; all are exact sums.
            end = len(days) - 1
            running: list[list[Any]] = self._shared.setdefault(("running", fact), [by_day[days[0]]])
            # to_end[k] is the total of the days from end - k to end
            to_end: list[list[Any]] = self._shared.setdefault(("to end", fact), [by_day[days[end]]])
            by_running = max(0, last - len(running) + 1) + (1 if first > 0 else 0)
            by_end = max(0, end - first - len(to_end) + 1) + (1 if last < end else 0)
            if first < last and by_end <= min(by_running, last - first):
                while len(to_end) <= end - first:
                    to_end.append(list(map(operator.add, by_day[days[end - len(to_end)]], to_end[-1])))
                acc = to_end[end - first]
                if last < end:
                    acc, shared = list(map(operator.sub, acc, to_end[end - last - 1])), False
            elif by_running < last - first:
                while len(running) <= last:
                    running.append(list(map(operator.add, running[-1], by_day[days[len(running)]])))
                acc = running[last]
                if first > 0:
                    acc, shared = list(map(operator.sub, acc, running[first - 1])), False
            else:
                acc = by_day[days[first]]
                for d in days[first + 1 : last + 1]:
                    acc, shared = list(map(operator.add, acc, by_day[d])), False
        known = self.known(fact)
        if all(known):
            return list(acc) if shared else acc  # a column of its own: callers may keep it
        return [a if k else None for a, k in zip(acc, known, strict=True)]

    def bucketed(self, fact: str) -> bool:
        """Whether to read a fact's observations by day: once it has been scanned twice already.

        One or two windows over a fact are cheapest as plain passes over its observations; from
        the third on (more windows, consistency periods, qualification days at many dates) the
        buckets by day pay for themselves.
        """
        if ("days", fact) in self._shared:
            return True
        key = ("scans", fact)
        seen = self._shared.get(key, 0)
        self._shared[key] = seen + 1
        return seen >= 2

    def _days_between(self, fact: str, lo: int, hi: int) -> list[tuple[int, list[int], list[Any]]]:
        """The observations of a fact from day ``lo`` to ``hi``, by day (from the buckets)."""
        days, buckets = self.days(fact)
        return [(d, *buckets[d]) for d in days[bisect_left(days, lo) : bisect_right(days, hi)]]

    def zero(self, fact: str) -> Any:
        """Nothing of a fact: 0, or Decimal 0 for money and numbers (adding Decimals to it stays quick)."""
        spec = self.specs.get(fact)
        return ZERO if spec is None or spec.kind in (FactKind.MONEY, FactKind.NUMBER) else 0

    def _aggregate(self, fact: str, lo: int, hi: int, aggregate: str) -> tuple[list[Any], set[int]]:
        col = self.facts.dated.get(fact)
        if col is None:
            return [None] * self.size, set()
        if aggregate == "sum":
            summed = self._dense_sum(fact, lo, hi)
            if summed is not None:
                return summed, set()
        known = self.known(fact)
        bucketed = self.bucketed(fact)
        inside = self._days_between(fact, lo, hi) if bucketed else ()
        if aggregate in ("sum", "count"):
            zero = self.zero(fact) if aggregate == "sum" else 0
            acc: list[Any] = [zero if k else None for k in known]
            if not bucketed:
                if aggregate == "sum":
                    for p, d, v in zip(col.partner, col.day, col.value, strict=True):
                        if lo <= d <= hi:
                            acc[p] += v
                else:
                    for p, d in zip(col.partner, col.day, strict=True):
                        if lo <= d <= hi:
                            acc[p] += 1
            for _, partners, values in inside:
                if aggregate == "sum":
                    for p, v in zip(partners, values, strict=True):
                        acc[p] += v
                else:
                    for p in partners:
                        acc[p] += 1
            return acc, set()
        pick = max if aggregate == "max" else min
        out: list[Any] = [None] * self.size
        if not bucketed:
            picked = [
                (p, v) for p, d, v in zip(col.partner, col.day, col.value, strict=True) if lo <= d <= hi
            ]
            inside = [(lo, [p for p, _ in picked], [v for _, v in picked])]
        for _, partners, values in inside:
            for p, v in zip(partners, values, strict=True):
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
        if key not in self._shared:
            col = self.facts.dated.get(fact)
            self._shared[key] = col.known(self.size) if col is not None else [False] * self.size
        known: list[bool] = self._shared[key]
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
        if isinstance(rule, TimeAtTier):
            return self._time_at_tier(rule, tier)
        if isinstance(rule, QualifiedWithin):
            return self._qualified_within(rule, tier)
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
            lo, hi = self.bounds(rule.on_any_day_within)
            test = _predicate(rule.operator, _argument(rule))
            self.bucketed(rule.fact)
            for _, partners, values in self._days_between(rule.fact, lo, hi):
                for p, v in zip(partners, values, strict=True):
                    if best[p] is None or v > best[p]:
                        best[p] = v
                    if test(v):
                        met[p] = True
        return Outcome(rule, met, best)

    def earned(self, metric: PointsMetric) -> tuple[list[Any], list[Any], bool, list[Tri]]:
        """A points metric's values (exact), the points each partner earns from it (a float, None
        where unknown), whether any is unknown, and who earns its full points (decided exactly).

        The points are floats for speed: they decide nothing alone. A total that comes anywhere near
        a minimum is settled in exact fractions (``_points``), and verdicts word exact points.
        """
        key = ("earned", metric.model_dump_json())
        if key not in self._cache:
            vals, _ = self.values(metric.fact, metric.over_last, str(metric.aggregate))
            top = float(metric.max_points)
            earned: list[Any]
            if not metric.points:
                earned = [None if v is None else 0.0 for v in vals]
            else:
                # min(top, max(0, v * points / full_at)), the clamp compared exactly
                most_at = Decimal(metric.max_points) * Decimal(metric.full_at) / Decimal(metric.points)
                rate = float(metric.points) / float(metric.full_at)
                spec = self.specs.get(metric.fact)
                # whole numbers repeat (staff, deals): work each distinct one out once (a Decimal's
                # hash costs more than the arithmetic, so money and scores go cell by cell)
                repeats = spec is not None and (spec.kind is FactKind.COUNT or metric.aggregate == "count")
                distinct: Any = set(vals) if repeats else vals
                # a Decimal compares twice as fast with a Decimal zero as with the int (as exactly)
                zero = 0 if repeats else ZERO
                earned = [
                    None if v is None else (top if v >= most_at else (float(v) * rate if v > zero else 0.0))
                    for v in distinct
                ]
                if repeats:
                    points = dict(zip(distinct, earned, strict=True))
                    earned = list(map(points.__getitem__, vals))
            # not `None in earned`: comparing a Decimal with None asks whether None is a Rational
            unknown = any(map(partial(operator.is_, None), vals))
            met: list[Tri]
            if metric.cap is None or metric.cap == metric.points:
                # without a cap the clamp above gave exactly `top` to whoever reached full_at
                met = [None if e is None else e == top for e in earned]
            else:
                full = metric.full_at
                met = [None if v is None else v >= full for v in vals]
            if not metric.points:
                met = [None if v is None else True for v in vals]
            self._cache[key] = (vals, earned, unknown, met)
        found: tuple[list[Any], list[Any], bool, list[Tri]] = self._cache[key]
        return found

    def totals(self, metrics: list[PointsMetric]) -> tuple[list[float], list[float] | None]:
        """Per partner, the points the metrics earn (floats, see ``earned``), and the most the unknown
        ones could add (None: none unknown); tiers that differ only in the minimum share them."""
        key = ("totals", tuple(m.model_dump_json() for m in metrics))
        if key not in self._cache:
            known_cols: list[list[Any]] = []
            open_cols: list[list[Any]] = []
            for metric in metrics:
                _, earned, unknown, _ = self.earned(metric)
                top = float(metric.max_points)
                if unknown:
                    known_cols.append([0.0 if e is None else e for e in earned])
                    open_cols.append([top if e is None else 0.0 for e in earned])
                else:
                    known_cols.append(earned)
            known_points = _column_sum(known_cols, self.size)
            open_points = _column_sum(open_cols, self.size) if open_cols else None
            self._cache[key] = (known_points, open_points)
        found: tuple[list[float], list[float] | None] = self._cache[key]
        return found

    def _points(self, rule: Points) -> Outcome:
        size = self.size
        conditions: list[list[Tri]] = []
        kids = []
        for metric in rule.metrics:
            vals, earned, _, full_points = self.earned(metric)
            if metric.at_least is not None:
                floor = metric.at_least
                conditions.append([None if v is None else v >= floor for v in vals])
            if rule.every_metric_above_zero:
                conditions.append([None if v is None else v > 0 for v in vals])
            kids.append(Outcome(metric, full_points, vals, earned))
        known_points, open_points = self.totals(rule.metrics)
        need = float(rule.points_at_least)
        # A float total is off by far less than this margin, so outside it the float decides as
        # exact arithmetic would; inside it (a near tie) exact fractions decide: no binary
        # rounding ever decides a tier.
        margin = 1e-9 * max(1.0, need)
        low, high = need - margin, need + margin
        total: list[Any]  # True, False, None, or ... for a near tie
        if open_points is not None:
            total = [
                True
                if k >= high
                else (False if k + o < low else (None if k < low and k + o >= high else ...))
                for k, o in zip(known_points, open_points, strict=True)
            ]
        else:
            total = [True if k >= high else (False if k < low else ...) for k in known_points]
        if ... in total:  # one pass in C; near ties are rare
            for i in [i for i, t in enumerate(total) if t is ...]:
                total[i] = self._exact_total(rule, i)
        met = all3([total, *conditions], size)
        return Outcome(rule, met, known_points, known_points, children=kids)

    def _exact_total(self, rule: Points, i: int) -> Tri:
        """Whether one partner's points reach the rule's minimum, in exact fractions."""
        known = Fraction(0)
        unknown = Fraction(0)
        for metric in rule.metrics:
            vals, _ = self.values(metric.fact, metric.over_last, str(metric.aggregate))
            top = Fraction(metric.max_points)
            if vals[i] is None:
                unknown += top
                continue
            x = Fraction(vals[i]) * Fraction(metric.points) / Fraction(metric.full_at)
            known += min(top, max(Fraction(0), x))
        need = Fraction(rule.points_at_least)
        if known >= need:
            return True
        return False if known + unknown < need else None

    def _consistency(self, rule: Consistency) -> Outcome:
        col = self.facts.dated.get(rule.fact)
        periods = rule.each_of_last.periods(self.as_of, self.fiscal_year_starts)
        n = len(periods)
        # period k covers (edges[k], edges[k + 1]]: every edge straight from the review date
        edges = [periods[0][0].toordinal() - 1] + [last.toordinal() for _, last in periods]
        known = self.known(rule.fact)
        zero = self.zero(rule.fact)
        sums: list[list[Any]] = [[zero if k else None for k in known] for _ in range(n)]
        dense = self.dense(rule.fact) if col is not None else None
        if dense is not None:
            for k, (first, last) in enumerate(periods):
                summed = self._dense_sum(rule.fact, first.toordinal(), last.toordinal())
                assert summed is not None
                sums[k] = summed
        elif col is not None and self.bucketed(rule.fact):
            days, buckets = self.days(rule.fact)
            for d in days[bisect_left(days, edges[0] + 1) : bisect_right(days, edges[-1])]:
                acc = sums[bisect_left(edges, d) - 1]
                partners, values = buckets[d]
                for p, v in zip(partners, values, strict=True):
                    acc[p] += v
        elif col is not None:
            lo, hi = edges[0], edges[-1]
            period_of: dict[int, list[Any]] = {}
            for p, d, v in zip(col.partner, col.day, col.value, strict=True):
                if lo < d <= hi:
                    period = period_of.get(d)
                    if period is None:
                        period = period_of[d] = sums[bisect_left(edges, d) - 1]
                    period[p] += v
        need = rule.at_least
        met: list[Tri]
        actual: list[Any]
        if n > 1 and all(known):
            # everyone observed, so no period sum is unknown: count the periods reached with one
            # map per period (bools add up to ints) instead of a tuple per partner
            reached = [[x >= need for x in acc] for acc in sums]
            actual = list(map(operator.add, reached[0], reached[1]))
            for column in reached[2:]:
                actual = list(map(operator.add, actual, column))
            met = [g == n for g in actual]
        else:
            good = list(
                map(sum, zip(*([x is not None and x >= need for x in acc] for acc in sums), strict=True))
            )
            met = [(g == n) if k else None for g, k in zip(good, known, strict=True)]
            actual = [g if k else None for g, k in zip(good, known, strict=True)]
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
        current_tiers, starts = self.held()
        for current, since in zip(current_tiers, starts, strict=True):
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
        return Outcome(rule, met, held_months, detail={"since": starts})

    def _time_at_tier(self, rule: TimeAtTier, tier: Tier) -> Outcome:
        spec = rule.months_at_tier
        levels = self.levels
        named = levels.get(spec.tier)
        if spec.or_above and named is not None:
            counted = {name for name, level in levels.items() if level <= named}
        else:
            counted = {spec.tier}
        as_of = self.as_of
        current_tiers, _ = self.held()
        met: list[Tri] = []
        months: list[Any] = []
        starts: list[date | None] = []
        for i, current in enumerate(current_tiers):
            history = self.facts.spells(i)
            start: date | None = None
            held_months: Any
            ready: Tri
            if history is None:
                # no dates at all: at a counted tier for an unknown time, or not at one now
                held_months, ready = (None, None) if current in counted else (0, False)
            else:
                start = _stretch_start(history, counted, as_of)
                if start is None:
                    held_months, ready = 0, False
                else:
                    held_months = months_between(start, as_of)
                    ready = add_months(start, spec.at_least) <= as_of
            at = levels.get(current) if current is not None else None
            if at is not None and at <= tier.level:
                ready = True  # already at this tier or above: the gate was for getting in
            met.append(ready)
            months.append(held_months)
            starts.append(start)
        return Outcome(rule, met, months, detail={"since": starts})

    def _qualified_within(self, rule: QualifiedWithin, tier: Tier) -> Outcome:
        window = rule.qualified_within
        days = qualification_days(window.months, window.every, self.as_of)
        outcomes = [self.at(day).rule(window.rule, tier) for day in days]
        columns = [outcome.met for outcome in outcomes]
        latest = outcomes[-1]
        need = window.at_least
        met: list[Tri] = []
        counts: list[int] = []
        for row in zip(*columns, strict=True):
            yes = row.count(True)
            maybe = row.count(None)
            counts.append(yes)
            met.append(True if yes >= need else (False if yes + maybe < need else None))
        detail = {"days": days, "mets": columns, "outcomes": outcomes}
        return Outcome(rule, met, counts, children=[latest], detail=detail)


def _strided(col: DatedColumn, count: int, size: int) -> dict[int, list[Any]] | None:
    """A dated fact's columns by day when every partner has one observation on each of ``count``
    days, listed partner by partner in the same order of days (figures per quarter read from a plan
    or an export): then a day's column is every ``count``-th value, one slice. None otherwise."""
    if size == 0 or count == 0 or len(col.day) != count * size or count * size > DENSE_CELLS:
        return None
    order = col.day[:count]
    if len(set(order)) != count:
        return None
    partners = list(range(size))
    for k, day in enumerate(order):
        if col.day[k::count].count(day) != size or col.partner[k::count] != partners:
            return None
    return {day: col.value[k::count] for k, day in enumerate(order)}


def _column_sum(columns: list[list[Any]], size: int) -> list[Any]:
    """The cell-by-cell sum of equal-length columns (one ``map`` per column, no Python step per cell)."""
    if not columns:
        return [0.0] * size
    total = columns[0]
    for column in columns[1:]:
        total = list(map(operator.add, total, column))
    return list(total) if len(columns) == 1 else total


def _stretch_start(history: History, counted: set[str], as_of: date) -> date | None:
    """When the unbroken stretch at the counted tiers that reaches ``as_of`` began (None: not at one)."""
    start: date | None = None
    for day, name in history:
        if day > as_of:
            break
        if name in counted:
            if start is None:
                start = day
        else:
            start = None
    return start


def qualification_days(months: int, every: str, as_of: date) -> list[date]:
    """The days a qualification window judges a rule on, oldest first.

    ``every: month`` is the end of each of the last ``months`` calendar months, the current month
    judged on the review date; ``every: day`` is every day after ``as_of`` moved back ``months``
    months, up to the review date.
    """
    if every == "day":
        first = add_months(as_of, -months) + timedelta(days=1)
        return [first + timedelta(days=k) for k in range((as_of - first).days + 1)]
    index = as_of.year * 12 + as_of.month - 1
    days = []
    for back in range(months - 1, 0, -1):
        year, month = divmod(index - back + 1, 12)
        days.append(date(year, month + 1, 1) - timedelta(days=1))
    days.append(as_of)
    return days


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
    if type(arg) is int and op in ("at_least", "more_than", "at_most", "less_than"):
        # a Decimal compares twice as fast with a Decimal as with an int (still exactly)
        sample = next((v for v in values if v is not None), None)
        if type(sample) is Decimal:
            arg = Decimal(arg)
    # The common comparisons get their own comprehension: a call per cell would double the time.
    if op == "at_least":
        return [None if v is None else v >= arg for v in values]
    if op == "more_than":
        return [None if v is None else v > arg for v in values]
    if op == "at_most":
        return [None if v is None else v <= arg for v in values]
    if op == "less_than":
        return [None if v is None else v < arg for v in values]
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
    fiscal_year_starts: int = 1
    # per partner, the tier held on the review date and since when (from the tier history)
    held: list[str | None] = field(default_factory=list)
    held_since: list[date | None] = field(default_factory=list)
    # wording that is the same for every partner (criterion names, requirements), built once
    cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.held and len(self.facts):
            self.held, self.held_since = list(self.facts.current_tier), list(self.facts.tier_since)

    @property
    def levels(self) -> dict[str, int]:
        """Tier name -> level."""
        return {t.name: t.level for t in self.plan_tiers}

    def __len__(self) -> int:
        return len(self.facts)

    def undecided(self, i: int) -> list[str]:
        """The tiers above the verdict that missing facts leave open for the partner at row ``i``."""
        computed = self.tier[i]
        out = []
        for outcome in self.tiers:
            if outcome.tier.name == computed:
                break
            if outcome.met[i] is None:
                out.append(outcome.tier.name)
        return out

    def row(self, partner: str) -> int:
        """The row of a partner (exact name, then as ``fold_name`` compares); KeyError when there is none."""
        for i, name in enumerate(self.facts.partners):
            if name == partner:
                return i
        folded = fold_name(partner)
        for i, name in enumerate(self.facts.partners):
            if fold_name(name) == folded:
                return i
        raise KeyError(partner)


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
    fiscal_year_starts: int = 1,
) -> Evaluation:
    """Evaluate ``tiers`` over a fact table on ``as_of``: the core of ``evaluate_tiers``."""
    ordered = tier_order(tiers)
    evaluator = Evaluator(facts, specs or {}, {t.name: t.level for t in ordered}, as_of, fiscal_year_starts)
    outcomes = []
    with no_gc():
        for tier in ordered:
            rules = [evaluator.rule(r, tier) for r in tier.rules]
            outcomes.append(TierOutcome(tier, all3([r.met for r in rules], len(facts)), rules))
        verdict: list[str | None] = [None] * len(facts)
        for outcome in reversed(outcomes):  # bottom up, so the highest tier met wins
            name = outcome.tier.name
            verdict = [name if m is True else v for m, v in zip(outcome.met, verdict, strict=True)]
    held, since = evaluator.held()
    return Evaluation(
        ordered,
        facts,
        specs or {},
        as_of,
        outcomes,
        verdict,
        currency,
        grace_days,
        expiry_warning_days,
        fiscal_year_starts,
        list(held),
        list(since),
    )


def evaluate_tiers(
    plan: Plan | TierProgramFile, as_of: date, facts: FactTable | None = None, *, replace: bool = False
) -> Evaluation:
    """Which tier every partner earns on ``as_of``, from the plan's facts refreshed by ``facts``.

    ``plan`` may be a whole plan or a tier program file. The facts table updates the plan's dated
    observations for the dates it covers (``replace``: it replaces each series it has). Raises
    ``PlanError`` when the plan's facts have wrong values (use ``plan_facts`` to get them as
    problems instead).
    """
    table = plan_facts_table(plan, facts, replace=replace)[0]
    return evaluate_source(plan, as_of, table)


def plan_facts_table(
    plan: Plan | TierProgramFile, facts: FactTable | None = None, *, replace: bool = False
) -> tuple[FactTable, list[PartnerMerge]]:
    """The plan's facts refreshed by a facts table, and what the table changed for each partner."""
    from partnerkit.errors import PlanError
    from partnerkit.tiers.facts import facts_from_plan, merged_facts

    table, problems = facts_from_plan(plan)
    if problems:
        raise PlanError(problems)
    if facts is None:
        return table, []
    return merged_facts(table, facts, replace=replace)


def evaluate_source(plan: Plan | TierProgramFile, as_of: date, table: FactTable) -> Evaluation:
    """Evaluate the tiers of a plan (or program file) over a fact table made from it."""
    from partnerkit.model.program import currency_of

    program = plan.tier_program
    return evaluate_facts(
        plan.tiers,
        table,
        as_of,
        dict(program.facts),
        currency=currency_of(plan),
        grace_days=program.downgrade_grace_days,
        expiry_warning_days=program.expiry_warning_days,
        fiscal_year_starts=program.fiscal_year_starts,
    )


def expiry_date(as_of: date, days: int) -> date:
    """The last day of a warning window of ``days`` from ``as_of``."""
    return as_of + timedelta(days=days)


__all__ = ["Evaluation", "Outcome", "PointsMetric", "TierOutcome", "evaluate_facts", "evaluate_tiers"]
