"""The program calendar: program weeks, working weeks (weeks off skipped), quarters, dates and capacity."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

from partnerkit.model.roadmap import ProgramSettings

# A week's end date is its fifth day: Friday for a program that starts on a Monday, which is
# when a partner team says a week's work is done.
_END_OFFSET_DAYS = 4


@dataclass(frozen=True)
class ProgramCalendar:
    """Program weeks count from 1; work happens only in working weeks (every week not off).

    The scheduler works in *working-week indexes* (0 = the first working week), so an activity of
    ``d`` weeks always occupies ``d`` consecutive indexes and simply pauses over a week off.
    """

    start: date | None = None
    quarter_weeks: int = 12
    weeks_off: tuple[int, ...] = ()
    capacity: int = 3
    capacity_changes: tuple[tuple[int, int], ...] = ()
    _weeks: list[int] = field(default_factory=list, init=False, repr=False, compare=False)

    @classmethod
    def from_settings(
        cls, settings: ProgramSettings, *, start: date | None = None, capacity: int | None = None
    ) -> ProgramCalendar:
        """The calendar of ``settings``; ``start`` and ``capacity`` override the plan's (a flat team)."""
        changes = (
            ()
            if capacity is not None
            else tuple((c.from_week, c.capacity) for c in settings.capacity_changes)
        )
        return cls(
            start=start if start is not None else settings.start,
            quarter_weeks=settings.quarter_weeks,
            weeks_off=tuple(sorted(set(settings.weeks_off))),
            capacity=capacity if capacity is not None else settings.capacity,
            capacity_changes=tuple(sorted(changes)),
        )

    # --- weeks and working-week indexes ----------------------------------------------------------

    def is_off(self, week: int) -> bool:
        """True when program week ``week`` is a week off."""
        i = bisect_left(self.weeks_off, week)
        return i < len(self.weeks_off) and self.weeks_off[i] == week

    def index_at_or_after(self, week: int) -> int:
        """The index of the first working week on or after program week ``week``."""
        week = max(week, 1)
        return (week - 1) - bisect_left(self.weeks_off, week)

    def index_at_or_before(self, week: int) -> int:
        """The index of the last working week on or before ``week``; -1 when there is none."""
        if week < 1:
            return -1
        return week - bisect_right(self.weeks_off, week) - 1

    def week(self, index: int) -> int:
        """The program week of working-week ``index``."""
        weeks = self._weeks
        if index >= len(weeks):
            candidate = weeks[-1] + 1 if weeks else 1
            while len(weeks) <= index:
                if not self.is_off(candidate):
                    weeks.append(candidate)
                candidate += 1
        return weeks[index]

    def quarter(self, week: int) -> int:
        """The program quarter (1, 2, ...) holding ``week``."""
        return (week - 1) // self.quarter_weeks + 1

    def week_of_quarter(self, week: int) -> int:
        """Week ``week`` counted within its quarter, from 1 (as the template's Week column)."""
        return (week - 1) % self.quarter_weeks + 1

    def first_week_of_quarter(self, quarter: int) -> int:
        """The program week a quarter begins."""
        return (quarter - 1) * self.quarter_weeks + 1

    # --- capacity ------------------------------------------------------------------------------------

    def capacity_in_week(self, week: int) -> int:
        """People on the team in program week ``week``; 0 in a week off."""
        if self.is_off(week):
            return 0
        current = self.capacity
        for from_week, capacity in self.capacity_changes:
            if from_week > week:
                break
            current = capacity
        return current

    @property
    def final_capacity(self) -> int:
        """The capacity that holds from the last change on, for ever."""
        return self.capacity_changes[-1][1] if self.capacity_changes else self.capacity

    @property
    def last_change_week(self) -> int:
        """The program week from which capacity no longer changes."""
        return self.capacity_changes[-1][0] if self.capacity_changes else 1

    @property
    def peak_capacity(self) -> int:
        """The most people the team ever has."""
        return max([self.capacity, *(c for _, c in self.capacity_changes)])

    def capacity_by_index(self, count: int) -> list[int]:
        """Capacity of the first ``count`` working weeks, by index."""
        return [self.capacity_in_week(self.week(i)) for i in range(count)]

    # --- dates ---------------------------------------------------------------------------------------

    def start_date(self, week: int) -> date | None:
        """The first day of program week ``week`` (None without a start date)."""
        return None if self.start is None else self.start + timedelta(days=7 * (week - 1))

    def end_date(self, week: int) -> date | None:
        """The last working day of program week ``week``: its fifth day."""
        first = self.start_date(week)
        return None if first is None else first + timedelta(days=_END_OFFSET_DAYS)

    def _days(self, day: date) -> int:
        assert self.start is not None, "dates need the program's start date"
        return (day - self.start).days

    def week_containing(self, day: date) -> int:
        """The program week holding ``day`` (0 or less before the program starts)."""
        return self._days(day) // 7 + 1

    def first_week_from(self, day: date) -> int:
        """The first program week that starts on or after ``day`` (an earliest start)."""
        return max(1, -(-self._days(day) // 7) + 1)

    def last_week_by(self, day: date) -> int:
        """The last program week that ends on or before ``day`` (a deadline); 0 when none does."""
        return max(0, (self._days(day) - _END_OFFSET_DAYS) // 7 + 1)


def quarter_label(quarter: int) -> str:
    """``Q3`` for quarter 3."""
    return f"Q{quarter}"


def parse_quarters(text: str) -> list[int]:
    """``"Q3-Q4"`` -> ``[3, 4]``, ``"Q2"`` -> ``[2]``; an unreadable text gives no quarters."""
    parts = [p.strip().upper().lstrip("Q") for p in text.split("-")]
    numbers = [int(p) for p in parts if p.isdigit()]
    if not numbers:
        return []
    return list(range(numbers[0], numbers[-1] + 1))
