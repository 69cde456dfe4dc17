"""Properties of the scheduler over random dependency graphs, durations, capacities and weeks off."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.roadmap import schedule_roadmap
from tests.roadmap.builders import act, assert_feasible, make_roadmap, spans

START = date(2026, 1, 5)


@st.composite
def roadmaps(draw: st.DrawFn, *, unlimited: bool = False, max_activities: int = 12) -> dict[str, Any]:
    """Plan data for a random roadmap: a DAG of activities, a team, weeks off, capacity changes."""
    n = draw(st.integers(1, max_activities))
    capacity = draw(st.integers(1, 5))
    names = draw(st.permutations([f"act-{i:02d}" for i in range(n)]))
    weeks_off = [] if unlimited else draw(st.lists(st.integers(1, 40), unique=True, max_size=4))
    activities = []
    for i in range(n):
        deps = draw(st.lists(st.sampled_from(names[:i]), unique=True, max_size=3)) if i else []
        limits = {}
        if not unlimited:
            # Some activities wait for a date, some are pinned to one (the scheduler may have to move them).
            limit = draw(st.sampled_from([None, None, "earliest_start", "fixed_start"]))
            days = draw(st.integers(0, 140))
            # A fixed start in a week off is an error of the plan, not a scheduling question.
            if limit is not None and not (limit == "fixed_start" and days // 7 + 1 in weeks_off):
                limits[limit] = (START + timedelta(days=days)).isoformat()
        activities.append(
            act(
                names[i],
                weeks=draw(st.integers(1, 5)),
                people=draw(st.integers(1, capacity)),
                deps=deps,
                priority=draw(st.sampled_from(["P0", "P1", "P2"])),
                **limits,
            )
        )
    changes = (
        []
        if unlimited
        else draw(
            st.lists(
                st.fixed_dictionaries(
                    {"from_week": st.integers(2, 40), "capacity": st.integers(capacity, 6)}
                ),
                unique_by=lambda c: c["from_week"],
                max_size=2,
            )
        )
    )
    if unlimited:
        capacity = sum(a["people"] for a in activities)
    return {
        "activities": activities,
        "capacity": capacity,
        "weeks_off": weeks_off,
        "capacity_changes": changes,
    }


def build(data: dict[str, Any], order: list[int] | None = None) -> Any:
    activities = data["activities"]
    if order is not None:
        activities = [activities[i] for i in order]
    return make_roadmap(
        activities,
        capacity=data["capacity"],
        weeks_off=data["weeks_off"],
        capacity_changes=data["capacity_changes"],
        start=START.isoformat(),
    )


@settings(max_examples=150, deadline=None)
@given(roadmaps())
def test_dependencies_capacity_and_weeks_off_are_always_respected(data: dict[str, Any]) -> None:
    roadmap = build(data)
    schedule = schedule_roadmap(roadmap)
    assert_feasible(schedule, roadmap)
    for activity in roadmap.activities():
        if activity.earliest_start is not None:
            assert schedule.activity(activity.id).start_date >= activity.earliest_start  # type: ignore[operator]


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_the_schedule_does_not_depend_on_the_order_of_the_file(data: st.DataObject) -> None:
    plan = data.draw(roadmaps())
    order = data.draw(st.permutations(range(len(plan["activities"]))))
    first, again, shuffled = (
        schedule_roadmap(build(plan)),
        schedule_roadmap(build(plan)),
        schedule_roadmap(build(plan, list(order))),
    )
    assert spans(first) == spans(again) == spans(shuffled)
    assert first.critical_path == shuffled.critical_path
    # Everything but where the problems sit in the file (their field paths follow the file).
    assert {**first.to_dict(), "problems": None} == {**shuffled.to_dict(), "problems": None}
    assert sorted((p.code, p.message) for p in first.problems) == sorted(
        (p.code, p.message) for p in shuffled.problems
    )


@settings(max_examples=100, deadline=None)
@given(roadmaps(unlimited=True))
def test_with_unlimited_people_the_critical_path_is_as_long_as_the_makespan(data: dict[str, Any]) -> None:
    roadmap = build(data)
    schedule = schedule_roadmap(roadmap)
    path = [schedule.activity(i) for i in schedule.critical_path]
    assert sum(a.duration_weeks for a in path) == schedule.makespan_weeks
    # Each step of the path is a dependency that ends the week before the next starts.
    for before, after in itertools.pairwise(path):
        assert before.id in after.depends_on
        assert after.start_week == before.end_week + 1
    assert path[0].start_week == 1 and path[-1].end_week == schedule.makespan_weeks
    assert all(a.slack == 0 and a.critical for a in path)


@settings(max_examples=80, deadline=None)
@given(roadmaps())
def test_slack_is_never_negative_and_the_critical_path_ends_the_program(data: dict[str, Any]) -> None:
    schedule = schedule_roadmap(build(data))
    assert all(0 <= a.free_slack <= a.slack for a in schedule.activities)
    last = schedule.activity(schedule.critical_path[-1])
    assert last.end_week == schedule.makespan_weeks and last.critical
    # Critical up to the first week in which several activities freed the people together (see
    # test_roadmap_slack for the whole rule).
    for link in reversed(schedule.critical_links):
        if not schedule.activity(link.before).critical:
            assert link.kind == "capacity"
            break
