"""No false "impossible": a team that shrinks, greedy placing that fails, and an exhaustive search that decides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings

from partnerkit.cli import cli
from partnerkit.errors import PlanError
from partnerkit.io.planfile import example_plan_path
from partnerkit.roadmap import roadmap_problems, schedule_roadmap
from tests.roadmap.builders import act, assert_feasible, make_roadmap, spans
from tests.roadmap.oracle import Plan, best_end, earlier_start, problems, starts_of
from tests.roadmap.strategies import build, small_roadmaps

ISSUE_ROADMAP = """
roadmap:
  settings: {start: 2026-01-05, capacity: 4, capacity_changes: [{from_week: 3, capacity: 2}]}
  phases:
    - quarter: Q1
      name: Foundation
      activities:
        - {id: a, name: A, goal: g, duration_weeks: 2, people: 2}
        - {id: b, name: B, goal: g, duration_weeks: 2, people: 3}
"""


@pytest.fixture
def shrinking_plan(tmp_path: Path) -> Path:
    data: dict[str, Any] = yaml.safe_load(example_plan_path().read_text(encoding="utf-8"))
    data["roadmap"] = yaml.safe_load(ISSUE_ROADMAP)["roadmap"]
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_the_larger_team_goes_to_the_activity_that_needs_it(shrinking_plan: Path) -> None:
    roadmap = make_roadmap(
        [act("a", 2, people=2), act("b", 2, people=3)],
        capacity=4,
        capacity_changes=[{"from_week": 3, "capacity": 2}],
    )
    schedule = schedule_roadmap(roadmap)
    assert spans(schedule) == {"b": (1, 2), "a": (3, 4)}
    assert schedule.problems == () and roadmap_problems(roadmap) == []
    assert_feasible(schedule, roadmap)


@pytest.mark.parametrize("optimize", [False, True])
def test_the_issue_plan_schedules_b_then_a_from_the_command_line(
    shrinking_plan: Path, optimize: bool
) -> None:
    if optimize:
        pytest.importorskip("ortools")
    args = ["roadmap", str(shrinking_plan), "--json", *(["--optimize"] if optimize else [])]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.stdout)
    assert [(a["id"], a["start_week"], a["end_week"]) for a in data["activities"]] == [
        ("b", 1, 2),
        ("a", 3, 4),
    ]
    assert data["critical_path"] == ["b", "a"]


def test_validate_accepts_the_issue_plan(shrinking_plan: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(shrinking_plan)])
    assert result.exit_code == 0, result.output


def test_promoting_is_not_enough_when_small_work_blocks_the_larger_team() -> None:
    # Greedy placing puts the two-person chain first; the three-person activity then finds the
    # larger team's weeks taken whichever activity is promoted, and only the search finds the order.
    roadmap = make_roadmap(
        [
            act("wide", 2, people=3, deps=["prep"], priority="P2"),
            act("prep", 1, people=1, priority="P2"),
            act("x", 1, people=2, priority="P0"),
            act("y", 2, people=2, deps=["x"], priority="P0"),
        ],
        capacity=4,
        capacity_changes=[{"from_week": 4, "capacity": 2}],
    )
    schedule = schedule_roadmap(roadmap)
    assert_feasible(schedule, roadmap)
    wide = schedule.activity("wide")
    assert wide.end_week <= 3


def test_an_activity_its_chain_pushes_past_the_larger_team_is_impossible_on_its_own() -> None:
    roadmap = make_roadmap(
        [act("prep", 3, people=1), act("summit", 2, people=3, deps=["prep"])],
        capacity=4,
        capacity_changes=[{"from_week": 5, "capacity": 2}],
    )
    (problem,) = roadmap_problems(roadmap)
    assert problem.code == "over-capacity" and problem.field == "roadmap.phases[0].activities[1].people"
    assert problem.message == (
        "needs 3 people for 2 weeks in a row, but from week 4 on, the earliest it can start (after "
        "prep), the team is that large for fewer weeks in a row"
    )


def test_two_activities_that_need_the_short_lived_team_name_each_other() -> None:
    roadmap = make_roadmap(
        [act("summit", 2, people=3), act("retreat", 2, people=3), act("notes", 1)],
        capacity=3,
        capacity_changes=[{"from_week": 4, "capacity": 1}],
    )
    with pytest.raises(PlanError) as raised:
        schedule_roadmap(roadmap)
    (problem,) = raised.value.problems
    assert problem.code == "over-capacity"
    assert "(weeks 1-3)" in problem.message and "(retreat)" in problem.message
    assert "no order of the activities fits them all" in problem.message


def test_a_fixed_start_that_takes_the_larger_team_gives_way_with_a_warning() -> None:
    roadmap = make_roadmap(
        [act("meeting", 1, people=2, fixed_start="2026-01-12"), act("summit", 2, people=3)],
        capacity=4,
        capacity_changes=[{"from_week": 3, "capacity": 2}],
        start="2026-01-05",
    )
    schedule = schedule_roadmap(roadmap)
    assert_feasible(schedule, roadmap)
    assert spans(schedule)["summit"] == (1, 2)
    assert [p.code for p in schedule.problems] == ["fixed-start-moved"]
    assert "larger are needed by the activities that can only run then" in schedule.problems[0].message


@settings(max_examples=150, deadline=None)
@given(small_roadmaps())
def test_a_roadmap_is_impossible_exactly_when_the_exhaustive_search_finds_no_schedule(
    data: dict[str, Any],
) -> None:
    roadmap = build(data)
    plan = Plan(roadmap)
    best = best_end(plan)
    try:
        schedule = schedule_roadmap(roadmap)
    except PlanError as error:
        assert best is None, f"called impossible, but a schedule ending in week {best} exists"
        # On instances this small the search always finishes: a proof, never "not found".
        codes = {p.code for p in error.problems if p.is_error}
        assert "over-capacity" in codes and "schedule-not-found" not in codes
        return
    assert best is not None
    assert problems(plan, starts_of(schedule)) == []
    assert schedule.makespan_weeks >= best


@settings(max_examples=100, deadline=None)
@given(small_roadmaps(max_activities=6))
def test_every_activity_starts_as_early_as_the_others_allow(data: dict[str, Any]) -> None:
    roadmap = build(data)
    try:
        schedule = schedule_roadmap(roadmap)
    except PlanError:
        return
    plan = Plan(roadmap)
    starts = starts_of(schedule)
    for a in roadmap.activities():
        kept = a.fixed_start is not None and starts[a.id] == (a.fixed_start - plan.start).days // 7 + 1  # type: ignore[operator]
        release = starts[a.id] if kept else plan.release(a.id)
        assert earlier_start(plan, starts, a.id, release) is None, a.id


def test_a_search_that_runs_out_of_steps_says_it_proved_nothing() -> None:
    from partnerkit.roadmap.diagnostics import no_room_problem
    from partnerkit.roadmap.scheduler import RULES, prepare_roadmap, rule_keys
    from partnerkit.roadmap.search import find_order, must_come_first

    roadmap = make_roadmap(
        [act("summit", 1, people=4), act("retreat", 1, people=4), act("dinner", 1, people=3)],
        capacity=2,
        capacity_changes=[{"from_week": 3, "capacity": 4}, {"from_week": 5, "capacity": 2}],
    )
    prepared = prepare_roadmap(roadmap)
    members = must_come_first(prepared.network, prepared.calendar)
    assert members == ["dinner", "retreat", "summit"]
    keys = rule_keys(prepared, RULES[0])
    args = (prepared.network, prepared.calendar, prepared.early, keys, members)
    cut = find_order(*args, keep_fixed=False, budget=1)
    assert cut.order is None and not cut.complete
    full = find_order(*args, keep_fixed=False)
    assert full.order is None and full.complete  # three activities, two weeks of the larger team
    problem = no_room_problem(
        prepared.network,
        prepared.calendar,
        prepared.loose,
        "summit",
        ["dinner", "retreat"],
        proven=False,
        steps=1,
    )
    assert problem.code == "schedule-not-found" and problem.is_error
    assert "the search stopped after 1 try without proving that none exists" in problem.message
    assert "--optimize" in (problem.hint or "")


def test_more_work_than_the_larger_team_can_do_is_proved_when_the_search_gives_up() -> None:
    # 30 activities that fit 5 at a time in 10 weeks: far too many orders to try them all.
    roadmap = make_roadmap(
        [act(f"big{i:02d}", 2, people=3) for i in range(30)] + [act("prep", 1, people=1)],
        capacity=3,
        capacity_changes=[{"from_week": 11, "capacity": 2}],
    )
    (problem,) = roadmap_problems(roadmap)
    assert problem.code == "over-capacity" and problem.is_error
    assert problem.message.endswith(
        "and the 30 activities that need more people than the team keeps after week 10 must all end "
        "by then: together they need 180 person-weeks, and the team has 30 in those weeks"
    )
