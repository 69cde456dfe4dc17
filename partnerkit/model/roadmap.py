"""The prioritized roadmap: quarters (phases), their activities and targets, and the Q3-Q4 focus."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from partnerkit.model.values import (
    IsoDate,
    Name,
    PlanModel,
    Priority,
    PriorityField,
    SourceRefs,
    Text,
    choice,
)


class PartnerType(StrEnum):
    """Which partners an activity is for."""

    ALL = "All"
    INTEGRATION = "Integration"
    DISTRIBUTION = "Distribution"
    ECOSYSTEM = "Ecosystem"


_WEEKS = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


class WeekRange(PlanModel):
    """Weeks of a quarter, written ``"5-8"`` or ``"3"``; weeks count from 1."""

    first: int = Field(ge=1, le=53)
    last: int = Field(ge=1, le=53)

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return {"first": value, "last": value}
        if isinstance(value, str):
            match = _WEEKS.match(value)
            if not match:
                raise ValueError(f"{value!r} is not a week range; write it like '5-8' or '3'")
            first = int(match.group(1))
            return {"first": first, "last": int(match.group(2) or first)}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> WeekRange:
        if self.last < self.first:
            raise ValueError(f"week range {self.first}-{self.last} ends before it starts")
        return self

    @property
    def weeks(self) -> int:
        """How many weeks the range spans."""
        return self.last - self.first + 1

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


class Activity(PlanModel):
    """One piece of roadmap work: what, for whom, how long, after what, and with how many people."""

    id: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: Name
    partner_type: choice(PartnerType, "partner type") = PartnerType.ALL  # type: ignore[valid-type]
    goal: Text
    weeks: WeekRange | None = Field(None, description="planned weeks of the quarter, as in the template")
    duration_weeks: int | None = Field(None, ge=1, le=104)
    depends_on: list[str] = Field(
        default_factory=list, description="ids of activities that must end before this one starts"
    )
    people: int = Field(1, ge=1, le=1000, description="capacity units the activity needs each week")
    priority: PriorityField = Field(
        Priority.P1, description="P0 goes first when activities compete for the team"
    )
    earliest_start: IsoDate | None = Field(None, description="do not start before this date")
    fixed_start: IsoDate | None = Field(None, description="start in the week holding this date")
    deadline: IsoDate | None = Field(None, description="end by this date (the fifth day of its last week)")
    target: Text | None = Field(None, description="a measurable target, e.g. '20 conversations'")

    @field_validator("depends_on", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @property
    def duration(self) -> int:
        """Weeks of work: the explicit duration, else the planned week range, else one week."""
        if self.duration_weeks is not None:
            return self.duration_weeks
        return self.weeks.weeks if self.weeks is not None else 1


class Target(PlanModel):
    """A quarter target as the template prints it: a label and a value."""

    label: Name
    value: bool | int | str
    sources: SourceRefs = Field(default_factory=list)


class Phase(PlanModel):
    """One quarter of the roadmap (Q1 Foundation, Q2 Expansion) with its activities and targets."""

    quarter: str = Field(pattern=r"^Q[1-8]$")
    name: Name
    activities: list[Activity] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)


class ScalePhase(PlanModel):
    """The template's later quarters: a focus and targets by tier and partner revenue share."""

    quarters: str = Field("Q3-Q4", max_length=20)
    name: Name = "Scale"
    focus: Text
    activities: list[Activity] = Field(default_factory=list)
    tier_targets: dict[str, int] = Field(default_factory=dict, description="partners wanted in each tier")
    partner_revenue_share: str | None = Field(
        None, description="partner revenue as a share of total, e.g. '30%'"
    )
    sources: SourceRefs = Field(default_factory=list)


class CapacityChange(PlanModel):
    """The team's capacity from a program week on (a hire, a contractor leaving)."""

    from_week: int = Field(ge=1, le=1000, description="first program week with the new capacity")
    capacity: int = Field(ge=1, le=1000, description="people on the partner team from that week")


class ProgramSettings(PlanModel):
    """What the scheduler needs to know about the program: start, team capacity, weeks off."""

    start: IsoDate | None = None
    capacity: int = Field(3, ge=1, le=1000, description="people on the partner team")
    capacity_changes: list[CapacityChange] = Field(
        default_factory=list, description="capacity from a given program week on, e.g. after a hire"
    )
    quarter_weeks: int = Field(12, ge=4, le=14, description="weeks the roadmap gives each quarter")
    weeks_off: list[int] = Field(default_factory=list, description="program weeks with no work (holidays)")

    @field_validator("weeks_off")
    @classmethod
    def _weeks_off_positive(cls, value: list[int]) -> list[int]:
        bad = [w for w in value if w < 1 or w > 1000]
        if bad:
            raise ValueError(f"weeks off count from program week 1; {bad[0]} is not a program week")
        return sorted(set(value))

    @field_validator("capacity_changes")
    @classmethod
    def _one_change_per_week(cls, value: list[CapacityChange]) -> list[CapacityChange]:
        seen: set[int] = set()
        for change in value:
            if change.from_week in seen:
                raise ValueError(f"two capacity changes from week {change.from_week}; keep one")
            seen.add(change.from_week)
        return sorted(value, key=lambda c: c.from_week)

    def capacity_in_week(self, week: int) -> int:
        """People on the team in program week ``week`` (weeks off not considered)."""
        current = self.capacity
        for change in self.capacity_changes:
            if change.from_week > week:
                break
            current = change.capacity
        return current


class Roadmap(PlanModel):
    """The prioritized roadmap of the template."""

    settings: ProgramSettings = Field(default_factory=ProgramSettings)
    phases: list[Phase] = Field(default_factory=list)
    scale: ScalePhase | None = None

    def activities(self) -> list[Activity]:
        """Every activity of the roadmap, phase by phase."""
        found = [a for phase in self.phases for a in phase.activities]
        if self.scale is not None:
            found.extend(self.scale.activities)
        return found
