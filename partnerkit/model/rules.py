"""The tier rule language, as plan data: declarative criteria, each kind recognised by its key.

A rule is a mapping; the key it carries says what it is (see docs/tiers.md):

* ``fact`` with one of ``at_least``/``more_than``/``at_most``/``less_than``/``between``/``equals``/
  ``one_of``/``is``: a comparison, optionally ``over_last: 12 months`` (sum, count, max or min of a
  dated fact) or ``on_any_day_within: 6 months`` (any dated observation qualifies); windows are
  trailing or calendar periods (``6 calendar months``, ``4 completed quarters``, ``1 fiscal year``);
* ``each_of_last: 4 quarters`` with ``fact``: a consistency gate (every period reaches ``at_least``);
* ``valid_until: <date fact>``: something (a certification) still valid on the review date;
* ``months_in_tier: 12``: time in the current tier before the next one;
* ``months_at_tier: {tier: Gold, or_above: true, at_least: 12}``: time at a named tier, from the history;
* ``qualified_within: {months: 6, every: month, rule: ...}``: any rule met on some days or month ends;
* ``all_of`` / ``any_of`` / ``at_least`` + ``of``: composition;
* ``points_at_least`` with ``metrics``: a points program;
* ``tracks``: alternative ways into one tier, the best-scoring one reported.

The rules are part of the plan (a tier's ``rules:``, the ``tier_program:``), so they live in the
model; ``partnerkit.tiers`` evaluates them.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    field_validator,
    model_serializer,
    model_validator,
)

from partnerkit.model.values import Money, Name, PlanModel, SourceRefs, Text, choice, did_you_mean

FactName = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
"""The name of a partner fact: letters, digits and underscores, e.g. ``revenue`` or ``certified_staff``."""


def exact(value: int | float | Decimal) -> int | Decimal:
    """A number held exactly: ints stay ints, floats become the Decimal of their shortest text (0.1 is 0.1)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _number(value: Any) -> Any:
    # Thresholds are plain numbers like every amount in the plan; "$50K" gets the Money hint.
    # They are held exactly (int or Decimal) so that no binary rounding decides a tier.
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, str):
        return money_text(value)
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        # .nan compares false with everything: a tier that silently nobody earns
        raise ValueError(f"{value!r} is not a threshold; write a plain number such as 250000")
    if isinstance(value, float):
        return exact(value)
    if isinstance(value, Decimal) and value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    return value


def plain_number(value: int | Decimal) -> int | float:
    """A number for JSON and YAML: an int when whole, else the float whose text is the same digits."""
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def money_text(text: str) -> Decimal:
    """A plain amount written as text; ValueError saying what to write for "$50K" or "50,000"."""
    from pydantic import ValidationError

    try:
        return Money.model_validate(text).amount
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise ValueError(message) from None


Number = Annotated[
    int | Decimal,
    BeforeValidator(_number),
    PlainSerializer(plain_number, return_type=int | float, when_used="json"),
]
"""A threshold: a plain number (money in the plan's currency, counts, points), held exactly."""


class FactKind(StrEnum):
    """What a fact holds, which decides how it is read from a table and how a gap is worded."""

    NUMBER = "number"
    MONEY = "money"
    COUNT = "count"
    BOOLEAN = "boolean"
    DATE = "date"
    TEXT = "text"


class FactSpec(PlanModel):
    """A partner fact the rules may use: its kind, whether it is dated, and words for gaps."""

    kind: choice(FactKind, "fact kind") = FactKind.NUMBER  # type: ignore[valid-type]
    dated: bool = Field(False, description="observations with dates (revenue per month, deals)")
    additive: bool = Field(
        False,
        description="rows of a facts table for the same partner and date add up (one row per deal); "
        "otherwise such a repeat is a problem",
    )
    label: Text | None = Field(None, description="how a gap names it: 'revenue', 'deals'")
    unit: Text | None = Field(None, description="what a count counts, in the plural: 'certified staff'")
    unit_one: Text | None = Field(
        None, description="the unit for one, when dropping the plural's final s is wrong: 'person'"
    )
    cost_per_unit: Number | None = Field(
        None,
        ge=0,
        description="what one more unit costs the partner, for the cheapest route to missing points",
    )
    description: Text | None = None

    @model_validator(mode="after")
    def _dated_numbers(self) -> FactSpec:
        if self.dated and self.kind not in (
            FactKind.NUMBER,
            FactKind.MONEY,
            FactKind.COUNT,
            FactKind.BOOLEAN,
        ):
            raise ValueError(f"a dated fact must be a number, money, count or boolean, not {self.kind.value}")
        if self.additive and not (
            self.dated and self.kind in (FactKind.NUMBER, FactKind.MONEY, FactKind.COUNT)
        ):
            raise ValueError("additive applies to dated numbers, money or counts (rows that add up)")
        return self


_WINDOW = re.compile(
    r"^\s*(\d+)\s+((?:(?:calendar|fiscal|completed)\s+)*)(day|week|month|quarter|year)s?\s*$", re.IGNORECASE
)
_MONTHS_PER = {"month": 1, "quarter": 3, "year": 12}
_CALENDAR_UNITS = ("month", "quarter", "year")


class Window(PlanModel):
    """A stretch of time up to the review date: trailing (``12 months``) or calendar (``4 completed quarters``).

    Calendar windows are written ``"6 calendar months"``, ``"4 completed quarters"`` or ``"1 fiscal
    year"`` (or as a mapping, ``{period: quarter, count: 4, completed: true}``). A trailing window counts back from the review date: ``12 months`` on 2026-10-15 holds the days
    after 2025-10-15 up to 2026-10-15. A calendar window is whole months, quarters or years: the
    current one up to the review date and the ones before it, or with ``completed`` only periods that
    have ended. ``fiscal`` quarters and years start in ``tier_program.fiscal_year_starts``. Every edge
    is worked out from the review date directly (see docs/tiers.md, "Periods").
    """

    count: int = Field(ge=1, le=1000)
    unit: Literal["day", "week", "month", "quarter", "year"]
    calendar: bool = Field(
        False, description="whole calendar (or fiscal) periods instead of a trailing window"
    )
    fiscal: bool = Field(False, description="quarters and years of the fiscal year")
    completed: bool = Field(False, description="only periods that have ended before the review date")

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = _WINDOW.match(value)
            if not match:
                raise ValueError(
                    f"{value!r} is not a window; write it like '12 months', '90 days', "
                    "'6 calendar months', '4 completed quarters' or '1 fiscal year'"
                )
            words = {w.lower() for w in match.group(2).split()}
            return {
                "count": int(match.group(1)),
                "unit": match.group(3).lower(),
                "calendar": bool(words),
                "fiscal": "fiscal" in words,
                "completed": "completed" in words,
            }
        if isinstance(value, dict) and "period" in value:
            data = dict(value)
            period = data.pop("period")
            data.setdefault("count", 1)
            # A period that says fiscal or completed (either way) is a calendar period.
            aligned = bool(data.get("fiscal")) or "completed" in data
            if data.get("calendar") is False and aligned:
                raise ValueError("fiscal and completed periods are calendar periods; drop 'calendar: false'")
            data["calendar"] = bool(data.get("calendar", False)) or aligned
            return {"unit": period, **data}
        return value

    @model_validator(mode="after")
    def _aligned(self) -> Window:
        if self.calendar and self.unit not in _CALENDAR_UNITS:
            raise ValueError(
                f"calendar periods are months, quarters or years; a window of {self.unit}s is trailing"
            )
        if self.fiscal and self.unit == "month":
            raise ValueError("fiscal applies to quarters and years (a month is the same in any year)")
        return self

    @model_serializer
    def _dump(self) -> str:
        return str(self)

    def __str__(self) -> str:
        words = ("completed " if self.completed else "") + (
            "fiscal " if self.fiscal else "calendar " if self.calendar and not self.completed else ""
        )
        return f"{self.count} {words}{self.unit}{'s' if self.count != 1 else ''}"

    def phrase(self) -> str:
        """The window in words after 'over': ``the last 12 months``, ``this fiscal year``."""
        unit = self.unit
        if not self.calendar:
            return f"the last {unit}" if self.count == 1 else f"the last {self}"
        kind = "fiscal " if self.fiscal else ""
        if self.completed:
            if self.count == 1:
                return f"the last completed {kind}{unit}"
            return f"the last {self.count} completed {kind}{unit}s"
        if self.count == 1:
            return f"this {kind}{unit}"
        previous = self.count - 1
        return f"this {kind}{unit} and the previous {previous if previous > 1 else 'one'}"

    def period(self) -> Window:
        """One period of this window's unit and alignment (a quarter of ``4 completed quarters``)."""
        return self.model_copy(update={"count": 1})

    def start(self, end: date, fiscal_year_starts: int = 1) -> date:
        """The day before the window's first day: observations after it and up to ``end`` count."""
        return self.span(end, fiscal_year_starts)[0] - timedelta(days=1)

    def span(self, as_of: date, fiscal_year_starts: int = 1) -> tuple[date, date]:
        """The window's first and last day, both included, for a review on ``as_of``."""
        periods = self.periods(as_of, fiscal_year_starts)
        return periods[0][0], periods[-1][1]

    def periods(self, as_of: date, fiscal_year_starts: int = 1) -> list[tuple[date, date]]:
        """The window's periods, oldest first, as (first day, last day): each computed from ``as_of``.

        A trailing ``4 quarters`` on 2026-12-31 is Jan-Mar, Apr-Jun, Jul-Sep and Oct-Dec 2026: edge k
        is ``as_of`` moved back 3k months, never the previous edge moved back again.
        """
        out: list[tuple[date, date]] = []
        if not self.calendar:
            for k in range(self.count - 1, -1, -1):
                out.append((_back(as_of, self.unit, k + 1) + timedelta(days=1), _back(as_of, self.unit, k)))
            return out
        size = _MONTHS_PER[self.unit]
        offset = (fiscal_year_starts - 1) if self.fiscal and self.unit != "month" else 0
        current = (as_of.year * 12 + as_of.month - 1 - offset) // size
        last = current - 1 if self.completed else current
        for index in range(last - self.count + 1, last + 1):
            first = _month_start(index * size + offset)
            end = _month_start((index + 1) * size + offset) - timedelta(days=1)
            out.append((first, min(end, as_of)))
        return out


def _month_start(index: int) -> date:
    """The first day of month ``index`` counted as year * 12 + month - 1."""
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def _back(day: date, unit: str, periods: int) -> date:
    """``day`` moved back by whole periods of ``unit`` in one step (month ends clamp: May 31 - 3 months is Feb 28)."""
    if unit == "day":
        return day - timedelta(days=periods)
    if unit == "week":
        return day - timedelta(weeks=periods)
    return add_months(day, -periods * _MONTHS_PER[unit])


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's last day (Mar 31 - 1 month = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"cannot move {day} by {months} months")  # pragma: no cover - unreachable


class RuleBase(PlanModel):
    """What every rule may carry: a name shown in explanations."""

    name: Name | None = Field(None, description="how explanations and gaps name this criterion")


class Aggregate(StrEnum):
    """How observations of a dated fact in a window become one number."""

    SUM = "sum"
    COUNT = "count"
    MAX = "max"
    MIN = "min"


_OPERATORS = ("at_least", "more_than", "at_most", "less_than", "between", "equals", "one_of", "is_")


class Compare(RuleBase):
    """A partner fact compared with a required value, optionally aggregated over a trailing window."""

    model_config = ConfigDict(serialize_by_alias=True)

    fact: FactName
    at_least: Number | None = None
    more_than: Number | None = None
    at_most: Number | None = None
    less_than: Number | None = None
    between: tuple[Number, Number] | None = Field(None, description="inclusive at both ends")
    equals: bool | int | float | str | None = None
    one_of: list[str | Number] | None = None
    is_: bool | None = Field(None, alias="is")
    over_last: Window | None = Field(None, description="aggregate a dated fact over this trailing window")
    aggregate: choice(Aggregate, "aggregate") = Aggregate.SUM  # type: ignore[valid-type]
    on_any_day_within: Window | None = Field(
        None, description="qualified when any dated observation in this window meets the requirement"
    )

    @model_validator(mode="after")
    def _one_operator(self) -> Compare:
        given = [op.rstrip("_") for op in _OPERATORS if getattr(self, op) is not None]
        if len(given) != 1:
            allowed = ", ".join(op.rstrip("_") for op in _OPERATORS)
            if not given:
                raise ValueError(f"rule on fact {self.fact!r} needs one comparison: {allowed}")
            raise ValueError(f"rule on fact {self.fact!r} has {len(given)} comparisons ({', '.join(given)})")
        if self.between is not None and self.between[1] < self.between[0]:
            raise ValueError(f"between [{self.between[0]:g}, {self.between[1]:g}] ends below its start")
        if self.over_last is not None and self.on_any_day_within is not None:
            raise ValueError("use either over_last or on_any_day_within, not both")
        return self

    @property
    def operator(self) -> str:
        """The comparison's key: ``at_least``, ``between``, ``is``..."""
        for op in _OPERATORS:
            if getattr(self, op) is not None:
                return op.rstrip("_")
        raise AssertionError("validated rule without operator")  # pragma: no cover


class Consistency(RuleBase):
    """A dated fact reaching ``at_least`` in each of the last N periods (one deal every quarter)."""

    fact: FactName
    each_of_last: Window
    at_least: Number = Field(1, gt=0, description="per period, summed")


class ValidUntil(RuleBase):
    """A date fact (a certification's expiry) that is on or after the review date."""

    valid_until: FactName
    warn_within_days: int | None = Field(
        None, ge=0, le=3650, description="warn when it expires within this many days"
    )


class TimeInTier(RuleBase):
    """At least N months in the current tier before this one (held at once if already at or above)."""

    months_in_tier: int = Field(ge=0, le=600)


class TierTime(PlanModel):
    """How long a partner must have held a named tier: ``{tier: Gold, or_above: true, at_least: 12}``."""

    tier: Name
    or_above: bool = Field(False, description="time at a higher tier counts too")
    at_least: int = Field(ge=0, le=600, description="months, unbroken, up to the review date")

    @model_validator(mode="before")
    @classmethod
    def _min_is_at_least(cls, value: Any) -> Any:
        if isinstance(value, dict) and "min" in value and "at_least" not in value:
            raise ValueError("write the months as 'at_least: 12', like every minimum of the rule language")
        return value


class TimeAtTier(RuleBase):
    """At least N months at a named tier (or above) before this one, from the tier history.

    The months are the unbroken stretch at that tier (or above, with ``or_above``) that reaches the
    review date; like ``months_in_tier``, a partner already at this tier or higher passes at once.
    """

    months_at_tier: TierTime


class Qualification(PlanModel):
    """Which rule, over how many months, on how many of its days or month ends."""

    months: int = Field(ge=1, le=120, description="how far back the window reaches")
    every: Literal["day", "month"] = Field(
        "month",
        description="evaluate the rule on each day, or at each month end (this month: the review date)",
    )
    at_least: int = Field(1, ge=1, description="how many of those days or months must qualify")
    rule: Rule


class QualifiedWithin(RuleBase):
    """Any rule (points and tracks included) met on at least N days, or month ends, of the last months.

    Each day or month end is judged on the dated facts as they stood then (observations up to that
    day); facts without dates are taken as they are.
    """

    qualified_within: Qualification

    @model_validator(mode="after")
    def _possible(self) -> QualifiedWithin:
        window = self.qualified_within
        if window.every == "month" and window.at_least > window.months:
            raise ValueError(f"at_least {window.at_least} of {window.months} months can never hold")
        return self


class PointsMetric(PlanModel):
    """One metric of a points program: full points at ``full_at``, proportional points below it."""

    fact: FactName
    name: Name | None = None
    points: Number = Field(description="points earned at full_at (the metric's weight)")
    full_at: Number = Field(gt=0)
    cap: Number | None = Field(None, description="points keep growing past full_at up to this cap")
    at_least: Number | None = Field(None, description="a minimum value of this metric for the rule to hold")
    over_last: Window | None = None
    aggregate: choice(Aggregate, "aggregate") = Aggregate.SUM  # type: ignore[valid-type]

    @field_validator("points")
    @classmethod
    def _not_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError(f"points (the metric's weight) cannot be negative, got {value:g}")
        return value

    @model_validator(mode="after")
    def _cap_above_points(self) -> PointsMetric:
        if self.cap is not None and self.cap < self.points:
            raise ValueError(f"cap {self.cap:g} is below the metric's points {self.points:g}")
        return self

    @property
    def max_points(self) -> int | Decimal:
        """The most this metric can earn (nothing at all when its points are zero, cap or not)."""
        if not self.points:
            return 0
        return self.cap if self.cap is not None else self.points


class Points(RuleBase):
    """A points program: weighted metrics, a minimum total, optionally every metric above zero."""

    points_at_least: Number = Field(ge=0)
    metrics: list[PointsMetric] = Field(min_length=1)
    every_metric_above_zero: bool = False

    @model_validator(mode="after")
    def _reachable(self) -> Points:
        most = sum(m.max_points for m in self.metrics)
        if most < self.points_at_least:
            raise ValueError(
                f"the metrics earn at most {most:g} points, below the required {self.points_at_least:g}"
            )
        return self

    @property
    def max_points(self) -> int | Decimal:
        """The most the program can earn."""
        return sum((m.max_points for m in self.metrics), 0)


class AllOf(RuleBase):
    """Every listed rule holds."""

    all_of: list[Rule] = Field(min_length=1)


class AnyOf(RuleBase):
    """At least one listed rule holds."""

    any_of: list[Rule] = Field(min_length=1)


class AtLeastOf(RuleBase):
    """At least ``at_least`` of the listed rules hold."""

    at_least: int = Field(ge=1)
    of: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _possible(self) -> AtLeastOf:
        if self.at_least > len(self.of):
            raise ValueError(f"at_least {self.at_least} of only {len(self.of)} rules can never hold")
        return self


class Track(PlanModel):
    """One way into a tier: a name and the rules that must all hold."""

    name: Name
    rules: list[Rule] = Field(min_length=1)


class Tracks(RuleBase):
    """Alternative tracks: the tier is reached through any of them; the best-scoring one is reported."""

    tracks: list[Track] = Field(min_length=1)


class _UnknownRule(PlanModel):
    """A mapping that carries none of the rule keys: refused with the closest key as a hint."""

    @model_validator(mode="before")
    @classmethod
    def _refuse(cls, value: Any) -> Any:
        keys = ", ".join(RULE_KEYS)
        if not isinstance(value, dict):
            raise ValueError(f"expected a rule (a mapping with one of the keys {keys}), got {value!r}")
        for key in value:
            guess = did_you_mean(str(key), RULE_KEYS)
            if guess:
                raise ValueError(f"unknown rule key {key!r}; did you mean {guess!r}?")
        raise ValueError(f"a rule needs one of the keys {keys} (see docs/tiers.md)")


# The key a mapping carries says which rule it is; order matters where keys are shared
# (``at_least`` with ``of`` is composition, with ``fact`` a comparison).
_TAGS = (
    ("tracks", "tracks"),
    ("points_at_least", "points"),
    ("all_of", "all_of"),
    ("any_of", "any_of"),
    ("of", "at_least_of"),
    ("each_of_last", "consistency"),
    ("valid_until", "valid_until"),
    ("months_in_tier", "months_in_tier"),
    ("months_at_tier", "months_at_tier"),
    ("qualified_within", "qualified_within"),
    ("fact", "compare"),
)
_KINDS = {
    "tracks": Tracks,
    "points": Points,
    "all_of": AllOf,
    "any_of": AnyOf,
    "at_least_of": AtLeastOf,
    "consistency": Consistency,
    "valid_until": ValidUntil,
    "months_in_tier": TimeInTier,
    "months_at_tier": TimeAtTier,
    "qualified_within": QualifiedWithin,
    "compare": Compare,
}
RULE_KEYS = tuple(key for key, _ in _TAGS)


def _rule_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        for key, tag in _TAGS:
            if key in value:
                return tag
        return "rule"
    for tag, cls in _KINDS.items():
        if isinstance(value, cls):
            return tag
    return "rule"


Rule = Annotated[
    Annotated[Tracks, Tag("tracks")]
    | Annotated[Points, Tag("points")]
    | Annotated[AllOf, Tag("all_of")]
    | Annotated[AnyOf, Tag("any_of")]
    | Annotated[AtLeastOf, Tag("at_least_of")]
    | Annotated[Consistency, Tag("consistency")]
    | Annotated[ValidUntil, Tag("valid_until")]
    | Annotated[TimeInTier, Tag("months_in_tier")]
    | Annotated[TimeAtTier, Tag("months_at_tier")]
    | Annotated[QualifiedWithin, Tag("qualified_within")]
    | Annotated[Compare, Tag("compare")]
    | Annotated[_UnknownRule, Tag("rule")],
    Discriminator(_rule_tag),
]
"""Any rule of the language."""

for _model in (AllOf, AnyOf, AtLeastOf, Track, Tracks, Qualification, QualifiedWithin):
    _model.model_rebuild()


_ALL_CATEGORIES: tuple[Literal["Integration", "Distribution", "Ecosystem"], ...] = (
    "Integration",
    "Distribution",
    "Ecosystem",
)


def _category(value: Any) -> Any:
    """A partner category in any case; a typo gets a did-you-mean like every other choice."""
    if not isinstance(value, str):
        return value
    for name in _ALL_CATEGORIES:
        if value.strip().lower() == name.lower():
            return name
    guess = did_you_mean(value.strip(), list(_ALL_CATEGORIES))
    suffix = f"; did you mean {guess!r}?" if guess else ""
    allowed = ", ".join(repr(n) for n in _ALL_CATEGORIES)
    raise ValueError(f"{value!r} is not a partner category{suffix} (one of {allowed})")


CategoryName = Annotated[Literal["Integration", "Distribution", "Ecosystem"], BeforeValidator(_category)]


class TierProgram(PlanModel):
    """How tiers are run: the facts rules may use, the downgrade grace period and the benefits budget."""

    facts: dict[FactName, FactSpec] = Field(default_factory=dict)
    applies_to: list[CategoryName] = Field(
        default_factory=lambda: list(_ALL_CATEGORIES),
        description="the partner categories the tiers apply to",
    )
    fiscal_year_starts: int = Field(
        1, ge=1, le=12, description="the month the fiscal year starts in (2 for February), for fiscal periods"
    )
    downgrade_grace_days: int = Field(90, ge=0, le=3650, description="a downgrade waits this long")
    expiry_warning_days: int = Field(30, ge=0, le=3650, description="default warning before an expiry")
    benefits_budget_per_quarter: Money | None = Field(
        None, description="what the program may spend on tier benefits each quarter"
    )
    sources: SourceRefs = Field(default_factory=list)


def walk(rules: list[Rule]) -> list[Any]:
    """Every rule and metric in ``rules``, nested ones included, depth first."""
    out: list[Any] = []
    for rule in rules:
        out.append(rule)
        if isinstance(rule, AllOf):
            out += walk(rule.all_of)
        elif isinstance(rule, AnyOf):
            out += walk(rule.any_of)
        elif isinstance(rule, AtLeastOf):
            out += walk(rule.of)
        elif isinstance(rule, Tracks):
            for track in rule.tracks:
                out += walk(track.rules)
        elif isinstance(rule, Points):
            out += rule.metrics
        elif isinstance(rule, QualifiedWithin):
            out += walk([rule.qualified_within.rule])
    return out


def fact_names(rule: Any) -> list[str]:
    """The facts one rule (or points metric) reads directly."""
    if isinstance(rule, Compare | Consistency | PointsMetric):
        return [rule.fact]
    if isinstance(rule, ValidUntil):
        return [rule.valid_until]
    return []


FactValue = bool | int | float | Decimal | date | str | dict[date, int | float | Decimal | bool]
"""A fact as the plan holds it: a value, or dated observations ``{2026-03-31: 42000}``."""

__all__ = [
    "AllOf",
    "AnyOf",
    "AtLeastOf",
    "Compare",
    "Consistency",
    "FactKind",
    "FactSpec",
    "FactValue",
    "Points",
    "PointsMetric",
    "Qualification",
    "QualifiedWithin",
    "Rule",
    "TierProgram",
    "TierTime",
    "TimeAtTier",
    "TimeInTier",
    "Track",
    "Tracks",
    "ValidUntil",
    "Window",
]
