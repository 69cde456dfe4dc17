"""Calendar periods a program is run on: a quarter (``2026-Q3``), a month (``2026-07``), a half or a year.

Every edge is a calendar date and both ends are inclusive: ``2026-Q3`` runs from 1 July to
30 September 2026. Fiscal years that start in another month are not supported yet.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.I)
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.I)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_REVERSED = re.compile(r"^Q([1-4])[\s-]*(\d{4})$", re.I)


@dataclass(frozen=True, order=True)
class Period:
    """A run of calendar days from ``start`` to ``end`` (both inclusive), with its label (``2026-Q3``)."""

    start: date
    end: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        """How many days the period has."""
        return (self.end - self.start).days + 1

    def quarters(self) -> list[Period]:
        """The calendar quarters that make up the period (a month or a day range: the quarters it touches)."""
        out = []
        current = quarter_of(self.start)
        while current.start <= self.end:
            out.append(current)
            current = quarter_of(current.end + timedelta(days=1))
        return out

    def __str__(self) -> str:
        return self.label


def quarter(year: int, number: int) -> Period:
    """Quarter ``number`` (1-4) of ``year``."""
    first_month = 3 * (number - 1) + 1
    last_month = first_month + 2
    end = date(year, last_month, calendar.monthrange(year, last_month)[1])
    return Period(date(year, first_month, 1), end, f"{year}-Q{number}")


def quarter_of(day: date) -> Period:
    """The calendar quarter holding ``day``."""
    return quarter(day.year, (day.month - 1) // 3 + 1)


def parse_period(text: str) -> Period:
    """``2026-Q3``, ``2026-H1``, ``2026-07`` or ``2026`` as a Period; ValueError naming the forms otherwise."""
    value = text.strip()
    if match := _QUARTER.match(value):
        return quarter(int(match.group(1)), int(match.group(2)))
    if match := _HALF.match(value):
        year, half = int(match.group(1)), int(match.group(2))
        first, last = quarter(year, 2 * half - 1), quarter(year, 2 * half)
        return Period(first.start, last.end, f"{year}-H{half}")
    if match := _MONTH.match(value):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r}: there is no month {month}")
        end = date(year, month, calendar.monthrange(year, month)[1])
        return Period(date(year, month, 1), end, f"{year}-{month:02d}")
    if match := _YEAR.match(value):
        year = int(match.group(1))
        return Period(date(year, 1, 1), date(year, 12, 31), str(year))
    if match := _REVERSED.match(value):
        raise ValueError(f"{text!r} is not a period; write {match.group(2)}-Q{match.group(1)}")
    raise ValueError(
        f"{text!r} is not a period; write a quarter (2026-Q3), a month (2026-07) or a year (2026)"
    )


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, on the same day of the month or the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
