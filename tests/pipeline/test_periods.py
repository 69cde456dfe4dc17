"""Periods: quarters, halves, months and years as calendar dates, both ends inclusive."""

from __future__ import annotations

from datetime import date

import pytest

from partnerkit.pipeline import parse_period, quarter_of
from partnerkit.pipeline.periods import add_months


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "2026-Q3"),
        ("2026q1", date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
        ("2026-H2", date(2026, 7, 1), date(2026, 12, 31), "2026-H2"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2026"),
    ],
)
def test_periods_are_calendar_periods(text: str, start: date, end: date, label: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert start in period and end in period and date(start.year - 1, 12, 31) not in period


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Q3 2026", "write 2026-Q3"),
        ("2026-13", "no month 13"),
        ("last quarter", r"write a quarter \(2026-Q3\)"),
    ],
)
def test_other_forms_are_refused_with_the_canonical_one(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_period(text)


def test_a_year_is_four_quarters() -> None:
    assert [q.label for q in parse_period("2026").quarters()] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert quarter_of(date(2026, 11, 5)).label == "2026-Q4"


def test_months_are_added_on_the_same_day_or_the_last_of_the_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2025, 6, 15), 12) == date(2026, 6, 15)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
