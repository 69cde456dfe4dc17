"""Periods as programs count them: trailing and calendar windows, fiscal years, edges from the review date."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from partnerkit.model.rules import FactSpec, Window
from tests.tiers.helpers import SPECS, one, run, table_of, tiers_of


def window(text: str | dict) -> Window:
    return Window.model_validate(text)


def spans(text: str, as_of: date, fiscal: int = 1) -> list[tuple[str, str]]:
    return [(a.isoformat(), b.isoformat()) for a, b in window(text).periods(as_of, fiscal)]


# --- the defect: quarter edges chained from each other ---------------------------------------------


def test_quarters_on_the_31st_of_december_are_the_calendar_quarters_of_the_trailing_year() -> None:
    # Stepping each edge back three months from the previous one gave 30 Sep, 30 Jun, 30 Mar, 30 Dec.
    assert spans("4 quarters", date(2026, 12, 31)) == [
        ("2026-01-01", "2026-03-31"),
        ("2026-04-01", "2026-06-30"),
        ("2026-07-01", "2026-09-30"),
        ("2026-10-01", "2026-12-31"),
    ]


def test_a_sale_on_31_march_lands_in_its_quarter_and_one_outside_the_year_never_counts() -> None:
    gate = {"fact": "deals", "each_of_last": "4 quarters", "at_least": 1}
    as_of = date(2026, 12, 31)
    every = {date(2026, 3, 31): 1, date(2026, 6, 30): 1, date(2026, 9, 30): 1, date(2026, 12, 31): 1}
    assert one(gate, {"deals": every}, as_of).criteria[0].met is True
    # 2025-12-31 is outside the 12-month window, so it must not fill the first quarter either
    outside = {**every, date(2025, 12, 31): 1}
    del outside[date(2026, 3, 31)]
    verdict = one(gate, {"deals": outside}, as_of)
    assert verdict.criteria[0].met is False
    assert verdict.gaps[0].text.endswith("short in 1 (2026-01-01 to 2026-03-31)")
    year = {"fact": "deals", "over_last": "12 months", "at_least": 4}
    assert one(year, {"deals": outside}, as_of).criteria[0].actual == "3"


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(
        ["4 quarters", "12 months", "2 years", "3 months", "6 calendar months", "4 completed quarters"]
    ),
    st.integers(1, 12),
)
def test_periods_are_contiguous_and_cover_exactly_the_window(as_of: date, text: str, fiscal: int) -> None:
    w = window(text)
    periods = w.periods(as_of, fiscal)
    assert len(periods) == w.count
    for (_, end), (start, _) in itertools.pairwise(periods):
        assert start == end + timedelta(days=1)
    assert all(a <= b for a, b in periods)
    assert periods[-1][1] <= as_of
    first, last = w.span(as_of, fiscal)
    assert (first, last) == (periods[0][0], periods[-1][1])
    if not w.calendar:
        # a trailing window of N periods is the trailing window of N times the period, day for day
        months = {"month": 1, "quarter": 3, "year": 12}[w.unit] * w.count
        assert first == window(f"{months} months").span(as_of)[0]
        assert last == as_of


# --- day arithmetic on the 29th-31st and in February (docs/tiers.md, "Periods") ------------------


@pytest.mark.parametrize(
    ("text", "as_of", "expected"),
    [
        ("1 month", date(2026, 3, 31), ("2026-03-01", "2026-03-31")),  # back to Feb 28: March only
        ("1 month", date(2026, 3, 29), ("2026-03-01", "2026-03-29")),  # Feb 29 does not exist in 2026
        ("1 month", date(2028, 3, 29), ("2028-03-01", "2028-03-29")),  # leap year: back to Feb 29
        ("1 month", date(2028, 3, 30), ("2028-03-01", "2028-03-30")),
        ("1 month", date(2026, 2, 28), ("2026-01-29", "2026-02-28")),
        ("1 month", date(2026, 1, 31), ("2026-01-01", "2026-01-31")),
        ("12 months", date(2028, 2, 29), ("2027-03-01", "2028-02-29")),
        ("12 months", date(2027, 2, 28), ("2026-03-01", "2027-02-28")),
        ("3 months", date(2026, 5, 31), ("2026-03-01", "2026-05-31")),
        ("3 months", date(2026, 5, 30), ("2026-03-01", "2026-05-30")),
        ("90 days", date(2026, 3, 1), ("2025-12-02", "2026-03-01")),
        ("6 calendar months", date(2026, 8, 31), ("2026-03-01", "2026-08-31")),
        ("1 calendar month", date(2026, 2, 28), ("2026-02-01", "2026-02-28")),
        ("1 completed month", date(2026, 3, 31), ("2026-02-01", "2026-02-28")),
        ("1 completed month", date(2028, 3, 1), ("2028-02-01", "2028-02-29")),
    ],
)
def test_day_arithmetic(text: str, as_of: date, expected: tuple[str, str]) -> None:
    first, last = window(text).span(as_of)
    assert (first.isoformat(), last.isoformat()) == expected


def test_trailing_quarters_at_a_month_end_shorter_months_clamp_each_edge_on_its_own() -> None:
    # 30 Nov: edges 30 Aug, 30 May, 28 Feb, 30 Nov, each straight from the review date
    assert spans("4 quarters", date(2026, 11, 30)) == [
        ("2025-12-01", "2026-02-28"),
        ("2026-03-01", "2026-05-30"),
        ("2026-05-31", "2026-08-30"),
        ("2026-08-31", "2026-11-30"),
    ]


# --- calendar and fiscal periods ---------------------------------------------------------------


def test_calendar_months_this_one_to_date_and_the_previous_ones() -> None:
    assert spans("6 calendar months", date(2026, 10, 15))[0] == ("2026-05-01", "2026-05-31")
    assert spans("6 calendar months", date(2026, 10, 15))[-1] == ("2026-10-01", "2026-10-15")


def test_completed_quarters_end_before_the_current_one() -> None:
    assert spans("4 completed quarters", date(2026, 10, 15)) == [
        ("2025-10-01", "2025-12-31"),
        ("2026-01-01", "2026-03-31"),
        ("2026-04-01", "2026-06-30"),
        ("2026-07-01", "2026-09-30"),
    ]
    # on the first day of a quarter the quarter just ended is the latest completed one
    assert spans("1 completed quarter", date(2026, 10, 1)) == [("2026-07-01", "2026-09-30")]


def test_fiscal_years_and_quarters_start_in_the_programs_month() -> None:
    assert spans("1 fiscal year", date(2026, 1, 15), fiscal=2) == [("2025-02-01", "2026-01-15")]
    assert spans("1 fiscal year", date(2026, 2, 1), fiscal=2) == [("2026-02-01", "2026-02-01")]
    assert spans("1 completed fiscal year", date(2026, 2, 1), fiscal=2) == [("2025-02-01", "2026-01-31")]
    assert spans("2 completed fiscal quarters", date(2026, 6, 10), fiscal=2) == [
        ("2025-11-01", "2026-01-31"),
        ("2026-02-01", "2026-04-30"),
    ]
    # a fiscal year starting in January is the calendar year
    assert spans("1 fiscal year", date(2026, 6, 10), fiscal=1) == spans("1 calendar year", date(2026, 6, 10))


def test_a_calendar_window_gives_the_same_answer_whichever_day_of_the_month_the_review_runs() -> None:
    rule = {"fact": "revenue", "over_last": "3 completed months", "at_least": 100}
    facts = {"revenue": {date(2026, 7, 10): 60, date(2026, 8, 20): 40, date(2026, 9, 29): 5}}
    for day in range(1, 32):
        assert one(rule, facts, date(2026, 10, day)).criteria[0].met is True
    # the trailing three months give a different answer depending on the day: the problem solved
    trailing = {**rule, "over_last": "3 months"}
    answers = {one(trailing, facts, date(2026, 10, day)).criteria[0].met for day in range(1, 32)}
    assert answers == {True, False}


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(st.dates(date(2025, 6, 1), date(2026, 12, 31)), st.integers(0, 50), max_size=8),
    st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    st.integers(0, 91),
    st.integers(0, 150),
)
def test_completed_quarters_never_depend_on_the_day_of_the_quarter(
    revenue: dict[date, int], day: date, shift: int, need: int
) -> None:
    rule = {"fact": "revenue", "over_last": "2 completed quarters", "at_least": need}
    facts = {"revenue": revenue} if revenue else {}
    quarter_start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    other = quarter_start + timedelta(days=shift)
    if (other.month - 1) // 3 != (day.month - 1) // 3 or other.year != day.year:
        other = quarter_start
    assert one(rule, facts, day).criteria[0].met == one(rule, facts, other).criteria[0].met


def test_a_fiscal_rule_uses_the_programs_fiscal_year() -> None:
    tiers = tiers_of(
        {
            "name": "Gold",
            "level": 1,
            "rules": [{"fact": "revenue", "over_last": "1 fiscal year", "at_least": 100}],
        }
    )
    table = table_of({"name": "P", "facts": {"revenue": {date(2026, 1, 20): 100}}})
    # the fiscal year that starts in February 2026 has none of January's revenue yet
    assert run(tiers, table, as_of=date(2026, 2, 10), fiscal_year_starts=2).tier == [None]
    assert run(tiers, table, as_of=date(2026, 2, 10), fiscal_year_starts=1).tier == ["Gold"]


# --- writing windows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("12 months", "12 months"),
        ("6 calendar months", "6 calendar months"),
        ("4 completed quarters", "4 completed quarters"),
        ("4 Completed Fiscal Quarters", "4 completed fiscal quarters"),
        ("1 fiscal year", "1 fiscal year"),
        ({"period": "quarter", "count": 4, "completed": True}, "4 completed quarters"),
        ({"period": "month", "count": 6, "completed": False}, "6 calendar months"),
        ({"period": "year", "fiscal": True}, "1 fiscal year"),
        ({"period": "month", "count": 12}, "12 months"),
    ],
)
def test_windows_are_written_as_text_or_a_mapping_and_dump_as_text(
    written: str | dict, canonical: str
) -> None:
    parsed = window(written)
    assert str(parsed) == canonical
    assert window(str(parsed)) == parsed


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("90 calendar days", "calendar periods are months, quarters or years"),
        ("3 fiscal months", "fiscal applies to quarters and years"),
        ({"period": "quarter", "completed": True, "calendar": False}, "drop 'calendar: false'"),
        ("last quarter", "is not a window"),
    ],
)
def test_windows_that_cannot_be_are_refused_in_words(written: str | dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        window(written)


def test_phrases_say_which_kind_of_window() -> None:
    assert window("12 months").phrase() == "the last 12 months"
    assert window("1 quarter").phrase() == "the last quarter"
    assert window("6 calendar months").phrase() == "this month and the previous 5"
    assert window("2 calendar quarters").phrase() == "this quarter and the previous one"
    assert window("4 completed quarters").phrase() == "the last 4 completed quarters"
    assert window("1 fiscal year").phrase() == "this fiscal year"
    assert window("1 completed fiscal year").phrase() == "the last completed fiscal year"


def test_a_fact_spec_may_hold_the_plurals_and_costs_gaps_use() -> None:
    spec = FactSpec(kind="count", dated=True, unit="people", unit_one="person", cost_per_unit=5000)
    assert (spec.unit_one, spec.cost_per_unit) == ("person", 5000)
    assert SPECS["deals"].unit == "deals"
