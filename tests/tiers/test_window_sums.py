"""Window sums over figures on a few days (quarter or month ends) equal the plain sum of the observations.

The engine keeps running totals between windows (from the first day on, and from each day to the
last) and picks the cheapest way to each window's sum; whatever order the windows come in, each sum
must be the one a plain loop over the observations gives.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.model.rules import FactKind, FactSpec, Window
from partnerkit.tiers.evaluate import Evaluator
from partnerkit.tiers.facts import DatedColumn, FactTable

AS_OF = date(2026, 10, 1)
QUARTER_ENDS = [date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31), date(2026, 3, 31)]
DAYS = [*QUARTER_ENDS, date(2026, 6, 30), date(2026, 9, 30), date(2026, 10, 1)]
WINDOWS = [
    "12 months",
    "6 months",
    "90 days",
    "2 quarters",
    "4 completed quarters",
    "2 completed quarters",
    "6 calendar months",
    "1 fiscal year",
    "2 calendar years",
    "1 completed year",
]

amount = st.one_of(
    st.integers(0, 10**6),
    st.builds(lambda c: Decimal(c) / 100, st.integers(0, 10**8)),
)
observations = st.lists(st.tuples(st.sampled_from(DAYS), amount), max_size=5)


def plain_sum(rows: list[list[tuple[date, Any]]], first: date, last: date) -> list[Any]:
    """Per partner, the sum of its observations from ``first`` to ``last``; None for one never observed."""
    return [sum((v for d, v in obs if first <= d <= last), Decimal(0)) if obs else None for obs in rows]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(observations, min_size=1, max_size=6),
    st.lists(st.sampled_from(WINDOWS), min_size=1, max_size=8),
    st.sampled_from([1, 2, 4]),
)
def test_window_sums_equal_the_plain_sum_in_any_order(
    rows: list[list[tuple[date, Any]]], windows: list[str], fiscal_year_starts: int
) -> None:
    column = DatedColumn()
    for partner, obs in enumerate(rows):
        for day, value in obs:
            column.add(partner, day, value)
    table = FactTable(
        partners=[f"P{i}" for i in range(len(rows))],
        current_tier=[None] * len(rows),
        tier_since=[None] * len(rows),
        dated={"revenue": column},
    )
    specs = {"revenue": FactSpec(kind=FactKind.MONEY, dated=True)}
    evaluator = Evaluator(table, specs, {}, AS_OF, fiscal_year_starts)
    for text in windows:
        window = Window.model_validate(text)
        first, last = window.span(AS_OF, fiscal_year_starts)
        summed, empty = evaluator.values("revenue", window, "sum")
        assert summed == plain_sum(rows, first, last), text
        assert not empty


def test_a_later_window_reads_the_totals_an_earlier_one_built() -> None:
    # a quarter's figures for two partners, one quarter missing for the second
    rows: list[list[tuple[date, Any]]] = [
        [(d, Decimal("100.25") * (k + 1)) for k, d in enumerate(QUARTER_ENDS)],
        [(d, 7) for d in QUARTER_ENDS[1:]],
    ]
    column = DatedColumn()
    for partner, obs in enumerate(rows):
        for day, value in obs:
            column.add(partner, day, value)
    table = FactTable(["A", "B"], [None, None], [None, None], dated={"revenue": column})
    as_of = QUARTER_ENDS[-1] + timedelta(days=1)
    evaluator = Evaluator(table, {"revenue": FactSpec(kind=FactKind.MONEY, dated=True)}, {}, as_of)
    for text, expected in [
        ("4 completed quarters", [Decimal("1002.50"), 21]),
        ("12 months", [Decimal("1002.50"), 21]),
        ("6 months", [Decimal("701.75"), 14]),
        ("2 completed quarters", [Decimal("701.75"), 14]),
        ("1 completed quarter", [Decimal("401.00"), 7]),
        ("3 completed quarters", [Decimal("902.25"), 21]),
    ]:
        summed, _ = evaluator.values("revenue", Window.model_validate(text), "sum")
        assert summed == expected, text


def dense_of(observations: list[tuple[int, date, Any]], size: int) -> Any:
    """The engine's columns by day of a dated fact with these (partner, day, value) observations."""
    column = DatedColumn()
    for partner, day, value in observations:
        column.add(partner, day, value)
    table = FactTable([f"P{i}" for i in range(size)], [None] * size, [None] * size, dated={"revenue": column})
    evaluator = Evaluator(table, {"revenue": FactSpec(kind=FactKind.MONEY, dated=True)}, {}, AS_OF)
    return evaluator.dense("revenue"), evaluator.known("revenue")


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 6),
    st.lists(st.sampled_from(DAYS), min_size=1, max_size=4, unique=True),
    st.data(),
    st.randoms(use_true_random=False),
)
def test_figures_listed_partner_by_partner_give_the_columns_any_order_gives(
    size: int, days: list[date], data: st.DataObject, rnd: Any
) -> None:
    # every partner one figure on each day, in the same order of days: the engine slices the list
    observations = [(p, day, data.draw(amount)) for p in range(size) for day in days]
    if data.draw(st.booleans()):
        # or one figure dropped or repeated: the general path
        k = data.draw(st.integers(0, len(observations) - 1))
        observations = (
            observations[:k] + observations[k + 1 :]
            if rnd.random() < 0.5
            else [*observations, observations[k]]
        )
    shuffled = list(observations)
    rnd.shuffle(shuffled)
    assert dense_of(observations, size) == dense_of(shuffled, size)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(DAYS), amount), min_size=1, max_size=5), min_size=1, max_size=5
    ),
    st.sampled_from(["2 completed quarters", "4 completed quarters", "3 quarters", "1 completed quarter"]),
    st.integers(1, 300),
)
def test_consistency_with_everyone_observed_is_what_it_is_beside_an_unobserved_partner(
    rows: list[list[tuple[date, Any]]], periods: str, need: int
) -> None:
    from partnerkit.model.rules import Consistency

    rule = Consistency.model_validate({"fact": "revenue", "each_of_last": periods, "at_least": need})

    def evaluate(partners: list[list[tuple[date, Any]]]) -> tuple[list[Any], list[Any]]:
        column = DatedColumn()
        for partner, obs in enumerate(partners):
            for day, value in obs:
                column.add(partner, day, value)
        size = len(partners)
        table = FactTable(
            [f"P{i}" for i in range(size)], [None] * size, [None] * size, dated={"revenue": column}
        )
        evaluator = Evaluator(table, {"revenue": FactSpec(kind=FactKind.MONEY, dated=True)}, {}, AS_OF)
        outcome = evaluator._consistency(rule)
        return outcome.met, outcome.actual

    met, actual = evaluate(rows)  # everyone observed: the counting by columns
    met_beside, actual_beside = evaluate([*rows, []])  # one partner never observed: the general path
    assert (met, actual) == (met_beside[:-1], actual_beside[:-1])
    assert (met_beside[-1], actual_beside[-1]) == (None, None)
    assert all(type(a) is int for a in actual)
