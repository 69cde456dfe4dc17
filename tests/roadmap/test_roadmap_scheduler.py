"""The scheduler on small roadmaps whose right answer is known."""

from __future__ import annotations

from datetime import date

import pytest

from partnerkit.errors import PlanError
from partnerkit.io.planfile import load_example_plan
from partnerkit.roadmap import schedule_roadmap
from tests.roadmap.builders import act, assert_feasible, make_roadmap, spans


def test_the_example_plan_respects_every_dependency_and_the_team() -> None:
    example_plan = load_example_plan()
    schedule = schedule_roadmap(example_plan)
    assert_feasible(schedule, example_plan.roadmap)
    assert schedule.problems == ()
    # The plan's Q2 activities wait for Q2; the Q3-Q4 ones for Q3.
    q2 = {a.id for a in example_plan.roadmap.phases[1].activities}
    assert all(schedule.activity(i).start_week >= 13 for i in q2)
    assert example_plan.roadmap.scale is not None
    assert all(schedule.activity(a.id).start_week >= 25 for a in example_plan.roadmap.scale.activities)
    assert schedule.activity("program-structure").start_week == 1
    assert schedule.makespan_weeks <= 48  # a year's roadmap fits the year


def test_a_chain_runs_back_to_back() -> None:
    roadmap = make_roadmap([act("a", 2), act("b", 3, deps=["a"]), act("c", 1, deps=["b"])])
    schedule = schedule_roadmap(roadmap)
    assert spans(schedule) == {"a": (1, 2), "b": (3, 5), "c": (6, 6)}
    assert schedule.makespan_weeks == 6
    assert schedule.critical_path == ("a", "b", "c")


def test_capacity_makes_parallel_work_wait() -> None:
    roadmap = make_roadmap([act("a", 4, people=2), act("b", 4, people=2)], capacity=3)
    assert spans(schedule_roadmap(roadmap)) == {"a": (1, 4), "b": (5, 8)}
    assert spans(schedule_roadmap(roadmap, capacity=4)) == {"a": (1, 4), "b": (1, 4)}


def test_higher_priority_goes_first_then_the_longer_chain() -> None:
    roadmap = make_roadmap(
        [
            act("low", 2, people=2, priority="P2"),
            act("high", 2, people=2, priority="P0"),
            act("short", 1, people=2, priority="P1"),
            act("long", 1, people=2, priority="P1"),
            act("after-long", 3, deps=["long"], priority="P1"),
        ],
        capacity=2,
    )
    schedule = schedule_roadmap(roadmap)
    order = [a.id for a in sorted(schedule.activities, key=lambda a: a.start_week) if a.id != "after-long"]
    assert order == ["high", "long", "short", "low"]


def test_what_a_p0_activity_waits_for_is_as_urgent_as_it() -> None:
    roadmap = make_roadmap(
        [
            act("busy", 3, people=1, priority="P1"),
            act("enabler", 3, people=1, priority="P2"),
            act("launch", 1, people=1, deps=["enabler"], priority="P0"),
        ],
        capacity=1,
    )
    assert spans(schedule_roadmap(roadmap))["enabler"] == (1, 3)


def test_work_pauses_over_a_week_off() -> None:
    roadmap = make_roadmap([act("a", 3), act("b", 1, deps=["a"])], weeks_off=[2, 5])
    schedule = schedule_roadmap(roadmap)
    assert spans(schedule) == {"a": (1, 4), "b": (6, 6)}
    assert schedule.people_in_week(2) == 0


def test_capacity_can_change_from_a_given_week() -> None:
    roadmap = make_roadmap(
        [act("a", 2, people=2), act("b", 2, people=2), act("c", 2, people=2)],
        capacity=2,
        capacity_changes=[{"from_week": 3, "capacity": 4}],
    )
    schedule = schedule_roadmap(roadmap)
    assert sorted(spans(schedule).values()) == [(1, 2), (3, 4), (3, 4)]
    assert_feasible(schedule, roadmap)


def test_an_activity_too_big_for_the_early_team_waits_for_the_hire() -> None:
    roadmap = make_roadmap(
        [act("big", 2, people=4)], capacity=2, capacity_changes=[{"from_week": 5, "capacity": 4}]
    )
    assert spans(schedule_roadmap(roadmap)) == {"big": (5, 6)}


def test_dates_quarters_and_the_json_shape() -> None:
    roadmap = make_roadmap([act("a", 2), act("b", 12, deps=["a"])], start="2026-01-05")
    schedule = schedule_roadmap(roadmap)
    b = schedule.activity("b")
    assert (b.start_week, b.end_week, b.quarter_label) == (3, 14, "Q1")
    assert b.start_date == date(2026, 1, 19)
    assert b.end_date == date(2026, 4, 10)  # the Friday of week 14
    row = b.to_dict()
    assert {"id", "start_week", "end_week", "start_date", "end_date", "quarter", "slack", "critical"} <= set(
        row
    )
    assert row["start_date"] == "2026-01-19" and row["quarter"] == "Q1" and row["critical"] is True
    assert schedule.to_dict()["makespan_weeks"] == 14
    assert schedule.to_dict()["end"] == "2026-04-10"


def test_the_start_date_can_come_from_the_caller() -> None:
    roadmap = make_roadmap([act("a", 1)])
    assert schedule_roadmap(roadmap).activity("a").start_date is None
    assert schedule_roadmap(roadmap, start=date(2027, 3, 1)).activity("a").end_date == date(2027, 3, 5)


def test_earliest_and_fixed_starts_and_the_phase_quarter() -> None:
    roadmap = make_roadmap(
        [
            act("late", 1, earliest_start="2026-02-02"),  # week 5
            act("pinned", 2, people=3, fixed_start="2026-01-19"),  # week 3, the whole team
            act("free", 4, people=1),
        ],
        start="2026-01-05",
    )
    schedule = schedule_roadmap(roadmap)
    assert spans(schedule)["late"] == (5, 5)
    assert spans(schedule)["pinned"] == (3, 4)
    assert spans(schedule)["free"] == (5, 8)  # weeks 1-2 are free but 3-4 are booked: no room for 4 weeks
    assert_feasible(schedule, roadmap)
    later = make_roadmap([act("q3-work", 1)], quarter="Q3")
    assert spans(schedule_roadmap(later)) == {"q3-work": (25, 25)}


def test_slack_counts_the_weeks_an_activity_can_slip() -> None:
    roadmap = make_roadmap([act("long", 6), act("short", 2), act("end", 1, deps=["long", "short"])])
    schedule = schedule_roadmap(roadmap)
    assert schedule.activity("short").slack == 4
    assert not schedule.activity("short").critical
    assert schedule.activity("long").slack == 0 and schedule.critical_path == ("long", "end")


def test_the_critical_path_follows_the_team_when_capacity_decides() -> None:
    roadmap = make_roadmap([act("first", 3, people=2, priority="P0"), act("second", 2, people=2)], capacity=2)
    schedule = schedule_roadmap(roadmap)
    assert schedule.critical_path == ("first", "second")
    assert schedule.activity("first").slack == 0
    assert schedule.to_dict()["critical_links"] == [
        {"before": "first", "after": "second", "kind": "capacity"}
    ]


def test_an_empty_roadmap_schedules_to_nothing() -> None:
    schedule = schedule_roadmap(make_roadmap([]))
    assert schedule.activities == () and schedule.makespan_weeks == 0 and schedule.critical_path == ()


def test_an_impossible_roadmap_raises_plan_error_with_every_problem() -> None:
    roadmap = make_roadmap([act("a", 1, deps=["b"]), act("b", 1, deps=["a"]), act("c", 1, deps=["zz"])])
    with pytest.raises(PlanError) as raised:
        schedule_roadmap(roadmap)
    assert {p.code for p in raised.value.problems} == {"dependency-cycle", "unknown-dependency"}
