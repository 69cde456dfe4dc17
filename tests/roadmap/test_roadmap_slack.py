"""Slack that means what it says: slipping an activity by its free or total slack keeps the schedule and the promise."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.errors import PlanError
from partnerkit.io.planfile import load_example_plan
from partnerkit.roadmap import Schedule, schedule_roadmap
from tests.roadmap.builders import act, make_roadmap
from tests.roadmap.oracle import Plan, last_end, problems, slipped, starts_of
from tests.roadmap.strategies import build, small_roadmaps


def promise_kept(plan: Plan, schedule: Schedule, activity_id: str, weeks: int, *, push: bool) -> bool:
    """Slipping by ``weeks``: valid, the end of the program in place, and (without push) nothing else moves."""
    starts = starts_of(schedule)
    moved = slipped(plan, starts, activity_id, weeks, push=push)
    return not problems(plan, moved, releases=False) and last_end(plan, moved) <= schedule.makespan_weeks


def test_free_and_total_slack_of_the_worked_example_in_the_docs() -> None:
    # A team of two: research (weeks 1-2) then pitch (week 3); build (weeks 1-5) then launch,
    # which takes both people in week 6.
    roadmap = make_roadmap(
        [
            act("research", 2),
            act("pitch", 1, deps=["research"]),
            act("build", 5),
            act("launch", 1, people=2, deps=["build"]),
        ],
        capacity=2,
    )
    schedule = schedule_roadmap(roadmap)
    got = {a.id: (a.start_week, a.end_week, a.free_slack, a.slack, a.critical) for a in schedule.activities}
    assert got == {
        "research": (1, 2, 0, 2, False),  # pitch starts the week after; pushed along, two weeks
        "build": (1, 5, 0, 0, True),
        "pitch": (3, 3, 2, 2, False),  # not 3: launch holds the whole team in week 6
        "launch": (6, 6, 0, 0, True),
    }
    assert schedule.makespan_weeks == 6 and schedule.critical_path == ("build", "launch")
    plan = Plan(roadmap)
    assert promise_kept(plan, schedule, "pitch", 2, push=False)
    assert not promise_kept(plan, schedule, "pitch", 3, push=False)  # week 6: three people at work
    assert not promise_kept(plan, schedule, "research", 1, push=False)  # pitch would have to move
    assert promise_kept(plan, schedule, "research", 2, push=True)


def test_a_full_week_leaves_no_slack() -> None:
    roadmap = make_roadmap(
        [act("side", 1, people=1), act("wide", 3, people=2, deps=["first"]), act("first", 1, people=1)],
        capacity=2,
    )
    schedule = schedule_roadmap(roadmap)
    assert schedule.activity("wide").start_week == 2
    side = schedule.activity("side")
    assert (side.start_week, side.free_slack, side.slack, side.critical) == (1, 0, 0, True)


def test_program_structure_no_longer_claims_weeks_its_dependants_do_not_leave() -> None:
    plan = load_example_plan()
    schedule = schedule_roadmap(plan)
    structure = schedule.activity("program-structure")
    dependants = [a for a in schedule.activities if "program-structure" in a.depends_on]
    assert min(a.start_week for a in dependants) == structure.end_week + 1
    assert structure.free_slack == 0
    assert promise_kept(Plan(plan.roadmap), schedule, "program-structure", structure.slack, push=True)
    assert not promise_kept(Plan(plan.roadmap), schedule, "program-structure", structure.slack + 1, push=True)


def test_the_example_plans_slack_keeps_its_promise() -> None:
    plan = load_example_plan()
    schedule = schedule_roadmap(plan)
    oracle = Plan(plan.roadmap)
    for a in schedule.activities:
        assert promise_kept(oracle, schedule, a.id, a.free_slack, push=False), a.id
        assert not promise_kept(oracle, schedule, a.id, a.free_slack + 1, push=False), a.id
        assert promise_kept(oracle, schedule, a.id, a.slack, push=True), a.id
        assert not promise_kept(oracle, schedule, a.id, a.slack + 1, push=True), a.id


@settings(max_examples=120, deadline=None)
@given(st.one_of(small_roadmaps(max_activities=6, max_weeks=4), small_roadmaps(max_activities=8, roomy=True)))
def test_slipping_by_the_stated_slack_keeps_the_promise_and_one_week_more_breaks_it(
    data: dict[str, Any],
) -> None:
    roadmap = build(data)
    try:
        schedule = schedule_roadmap(roadmap)
    except PlanError:
        return
    plan = Plan(roadmap)
    for a in schedule.activities:
        assert 0 <= a.free_slack <= a.slack
        assert a.critical == (a.slack == 0)
        # Every slip up to the stated figure is safe, not only the figure itself.
        for weeks in range(a.free_slack + 1):
            assert promise_kept(plan, schedule, a.id, weeks, push=False), (a.id, weeks)
        assert not promise_kept(plan, schedule, a.id, a.free_slack + 1, push=False), a.id
        for weeks in range(a.slack + 1):
            assert promise_kept(plan, schedule, a.id, weeks, push=True), (a.id, weeks)
        assert not promise_kept(plan, schedule, a.id, a.slack + 1, push=True), a.id


@settings(max_examples=120, deadline=None)
@given(small_roadmaps(max_activities=7))
def test_the_critical_path_ends_the_program_and_starts_only_where_the_docs_say(data: dict[str, Any]) -> None:
    roadmap = build(data)
    try:
        schedule = schedule_roadmap(roadmap)
    except PlanError:
        return
    plan = Plan(roadmap)
    path = [schedule.activity(i) for i in schedule.critical_path]
    assert path[-1].end_week == schedule.makespan_weeks and path[-1].critical
    for link, (before, after) in zip(schedule.critical_links, itertools.pairwise(path), strict=True):
        assert (link.before, link.after) == (before.id, after.id)
        assert after.start_week == plan.working_after(before.end_week)
        assert (link.kind == "dependency") == (before.id in after.depends_on)
    # Walking back from the end every activity is critical, up to a week in which several
    # activities freed the people together: none of them alone holds the next one back.
    for link in reversed(schedule.critical_links):
        before = schedule.activity(link.before)
        if not before.critical:
            assert link.kind == "capacity"
            assert any(a.end_week == before.end_week and a.id != before.id for a in schedule.activities)
            break
    first = path[0]
    activity = next(a for a in roadmap.activities() if a.id == first.id)
    fixed_week = (
        (activity.fixed_start - plan.start).days // 7 + 1  # type: ignore[operator]
        if activity.fixed_start is not None
        else None
    )
    previous = max((w for w in range(1, first.start_week) if w not in plan.off), default=None)
    assert (
        previous is None  # the first working week
        or first.start_week == plan.working_after(plan.release(first.id), 0)  # quarter or earliest start
        or first.start_week == fixed_week
        or plan.capacity(first.start_week) > plan.capacity(previous)  # the team grew in time for it
    ), first


def test_two_long_chains_side_by_side_keep_the_promise_all_along() -> None:
    # The short chain can slip as far as the long one runs; every step of its slip pushes the rest.
    roadmap = make_roadmap(
        [act(f"a{i}", 2, deps=[f"a{i - 1}"] if i else []) for i in range(12)]
        + [act(f"b{i}", 3, deps=[f"b{i - 1}"] if i else []) for i in range(12)],
        capacity=2,
    )
    schedule = schedule_roadmap(roadmap)
    plan = Plan(roadmap)
    assert schedule.activity("a0").slack == 12 and schedule.activity("a0").free_slack == 0
    for a in schedule.activities:
        assert promise_kept(plan, schedule, a.id, a.slack, push=True), a.id
        assert not promise_kept(plan, schedule, a.id, a.slack + 1, push=True), a.id
