"""Small roadmaps for tests, and a checker that a schedule keeps every rule of the domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from partnerkit.model.roadmap import Roadmap
from partnerkit.roadmap import Schedule


def act(
    activity_id: str, weeks: int = 1, people: int = 1, deps: Sequence[str] = (), **extra: Any
) -> dict[str, Any]:
    """One activity as plan data."""
    return {
        "id": activity_id,
        "name": extra.pop("name", f"Activity {activity_id}"),
        "goal": extra.pop("goal", f"goal of {activity_id}"),
        "duration_weeks": weeks,
        "people": people,
        "depends_on": list(deps),
        **extra,
    }


def make_roadmap(activities: Sequence[dict[str, Any]], *, quarter: str = "Q1", **settings: Any) -> Roadmap:
    """A roadmap with one phase holding ``activities``; ``settings`` go to roadmap.settings."""
    settings.setdefault("capacity", 3)
    return Roadmap.model_validate(
        {
            "settings": settings,
            "phases": [{"quarter": quarter, "name": "Foundation", "activities": list(activities)}],
        }
    )


def spans(schedule: Schedule) -> dict[str, tuple[int, int]]:
    """Each activity's (start week, end week)."""
    return {a.id: (a.start_week, a.end_week) for a in schedule.activities}


def assert_feasible(schedule: Schedule, roadmap: Roadmap) -> None:
    """Every dependency, the capacity in every week, weeks off and durations are respected."""
    calendar = schedule.calendar
    activities = {a.id: a for a in roadmap.activities()}
    assert {a.id for a in schedule.activities} == set(activities)
    load: dict[int, int] = {}
    for placed in schedule.activities:
        planned = activities[placed.id]
        for dep in planned.depends_on:
            assert schedule.activity(dep).end_week < placed.start_week, (
                f"{placed.id} starts before {dep} ends"
            )
        assert not calendar.is_off(placed.start_week) and not calendar.is_off(placed.end_week)
        working = [w for w in range(placed.start_week, placed.end_week + 1) if not calendar.is_off(w)]
        assert len(working) == planned.duration, f"{placed.id} does not get exactly its weeks of work"
        for week in working:
            load[week] = load.get(week, 0) + planned.people
    for week, people in load.items():
        assert people <= calendar.capacity_in_week(week), f"week {week}: {people} people at work"
