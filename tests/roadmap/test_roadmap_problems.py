"""Impossible roadmaps get located answers: cycles, unknown dependencies, too few people, deadlines."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from partnerkit.checks import validate
from partnerkit.io.planfile import example_plan_path, load_example_plan, load_plan_with_problems
from partnerkit.problems import Problem
from partnerkit.roadmap import roadmap_problems, schedule_roadmap
from tests.roadmap.builders import act, assert_feasible, make_roadmap, spans


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def test_a_cycle_names_its_activities_in_order_from_the_first_in_the_file() -> None:
    roadmap = make_roadmap(
        [
            act("outreach", deps=["portal"]),
            act("structure", deps=["outreach"]),
            act("portal", deps=["structure"]),
        ]
    )
    (problem,) = roadmap_problems(roadmap)
    assert problem.code == "dependency-cycle"
    assert "outreach → structure → portal → outreach" in problem.message
    assert problem.field == "roadmap.phases[0].activities[0].depends_on[0]"
    assert problem.is_error


def test_an_activity_that_depends_on_itself() -> None:
    (problem,) = roadmap_problems(make_roadmap([act("a", deps=["a"])]))
    assert problem.code == "dependency-cycle" and "'a' depends on itself" in problem.message


def test_two_separate_cycles_are_two_problems() -> None:
    roadmap = make_roadmap(
        [act("a", deps=["b"]), act("b", deps=["a"]), act("c", deps=["d"]), act("d", deps=["c"]), act("e")]
    )
    problems = roadmap_problems(roadmap)
    assert codes(problems) == ["dependency-cycle", "dependency-cycle"]
    assert "a → b → a" in problems[0].message and "c → d → c" in problems[1].message


def test_an_unknown_dependency_gets_a_did_you_mean() -> None:
    roadmap = make_roadmap([act("portal"), act("onboarding", deps=["portl"])])
    (problem,) = roadmap_problems(roadmap)
    assert problem.code == "unknown-dependency"
    assert problem.field == "roadmap.phases[0].activities[1].depends_on[0]"
    assert "'portl'" in problem.message and problem.hint == "did you mean 'portal'?"


def test_a_duplicate_id_is_named_with_its_first_place() -> None:
    (problem,) = roadmap_problems(make_roadmap([act("a"), act("a")]))
    assert problem.code == "duplicate-activity" and "roadmap.phases[0].activities[0]" in problem.message


def test_an_activity_needing_more_people_than_the_team_ever_has() -> None:
    (problem,) = roadmap_problems(make_roadmap([act("summit", 2, people=5)], capacity=3))
    assert problem.code == "over-capacity"
    assert problem.field == "roadmap.phases[0].activities[0].people"
    assert "needs 5 people" in problem.message and "never has more than 3" in problem.message
    assert "2 short" in problem.message


def test_a_larger_team_for_too_few_weeks_is_not_enough() -> None:
    roadmap = make_roadmap(
        [act("summit", 4, people=4)],
        capacity=2,
        capacity_changes=[{"from_week": 3, "capacity": 4}, {"from_week": 5, "capacity": 2}],
    )
    (problem,) = roadmap_problems(roadmap)
    assert problem.code == "over-capacity" and "4 weeks in a row" in problem.message


def test_an_impossible_deadline_names_the_chain_and_how_late() -> None:
    roadmap = make_roadmap(
        [
            act("structure", 2),
            act("portal", 3, deps=["structure"]),
            act("launch", 2, deps=["portal"], deadline="2026-02-06"),  # end of week 5
            act("unrelated", 1),
        ],
        start="2026-01-05",
        capacity=5,
    )
    (problem,) = roadmap_problems(roadmap)
    assert problem.code == "deadline-impossible"
    assert problem.field == "roadmap.phases[0].activities[2].deadline"
    assert "structure → portal → launch" in problem.message
    assert "ends in week 7" in problem.message and "2 weeks late" in problem.message
    assert problem.extra["weeks_late"] == 2


def test_a_deadline_after_a_cycle_is_still_reported_when_no_fix_of_the_cycle_can_meet_it() -> None:
    # The cycle's closing dependency is set aside, which can only make the deadline easier; a
    # deadline missed even then is missed whichever dependency the user removes.
    roadmap = make_roadmap(
        [
            act("structure", 2, deps=["portal"]),
            act("portal", 3, deps=["structure"]),
            act("launch", 2, deps=["portal", "typo"], deadline="2026-01-30"),  # end of week 4
            act("unrelated", 1),
        ],
        start="2026-01-05",
        capacity=5,
    )
    problems = roadmap_problems(roadmap)
    assert sorted(codes(problems)) == ["deadline-impossible", "dependency-cycle", "unknown-dependency"]
    (late,) = [p for p in problems if p.code == "deadline-impossible"]
    assert late.field == "roadmap.phases[0].activities[2].deadline"
    assert "the chain portal → launch ends in week 5 at the earliest, 1 week late" in late.message


def test_a_deadline_a_fixed_cycle_could_meet_is_not_reported() -> None:
    roadmap = make_roadmap(
        [
            act("structure", 2, deps=["portal"]),
            act("portal", 3, deps=["structure"]),
            act("launch", 2, deps=["portal"], deadline="2026-02-13"),  # end of week 6
        ],
        start="2026-01-05",
        capacity=5,
    )
    assert codes(roadmap_problems(roadmap)) == ["dependency-cycle"]


def test_a_deadline_lost_to_the_quarter_says_where_the_chain_starts() -> None:
    roadmap = make_roadmap([act("q2", 2, deadline="2026-03-20")], quarter="Q2", start="2026-01-05")
    (problem,) = roadmap_problems(roadmap)
    assert problem.code == "deadline-impossible" and "starting in week 13, the start of Q2" in problem.message


def test_a_deadline_missed_only_for_lack_of_people_is_a_warning_naming_the_chain() -> None:
    roadmap = make_roadmap(
        [act("big", 4, people=2, priority="P0"), act("due", 2, people=2, deadline="2026-01-30")],
        start="2026-01-05",
        capacity=2,
    )
    (problem,) = roadmap_problems(roadmap)
    assert problem.code == "deadline-missed" and not problem.is_error
    assert "big → due" in problem.message and "2 weeks after its deadline" in problem.message


def test_a_fixed_start_before_its_dependencies_can_end() -> None:
    roadmap = make_roadmap(
        [act("a", 3), act("b", 1, deps=["a"], fixed_start="2026-01-12")], start="2026-01-05"
    )
    problems = roadmap_problems(roadmap)
    assert codes(problems) == ["fixed-start-impossible"]
    assert "the chain a ends in week 3" in problems[0].message and "2 weeks too late" in problems[0].message
    # The schedule itself still keeps the dependency.
    schedule = schedule_roadmap(roadmap)
    assert schedule.activity("b").start_week == 4


def test_fixed_starts_that_overload_the_team_move_with_a_warning() -> None:
    roadmap = make_roadmap(
        [act("x", 1, people=2, fixed_start="2026-01-05"), act("y", 1, people=2, fixed_start="2026-01-05")],
        start="2026-01-05",
        capacity=3,
    )
    schedule = schedule_roadmap(roadmap)
    assert codes(list(schedule.problems)) == ["fixed-start-moved"]
    assert sorted(a.start_week for a in schedule.activities) == [1, 2]


def test_a_fixed_start_in_a_week_off_or_before_the_program() -> None:
    roadmap = make_roadmap(
        [act("a", fixed_start="2026-01-12"), act("b", fixed_start="2025-12-01")],
        start="2026-01-05",
        weeks_off=[2],
    )
    problems = roadmap_problems(roadmap)
    assert codes(problems) == ["fixed-start-impossible", "fixed-start-impossible"]
    assert "a week off" in problems[0].message and "before the program starts" in problems[1].message


def test_dates_without_a_start_date_are_ignored_with_a_warning() -> None:
    roadmap = make_roadmap([act("a", deadline="2026-01-09")])
    (problem,) = roadmap_problems(roadmap)
    assert problem.code == "no-start-date" and not problem.is_error
    assert roadmap_problems(roadmap, start=load_example_plan().roadmap.settings.start) == []


def test_validate_includes_the_roadmap_check() -> None:
    plan = load_example_plan()
    broken = plan.model_copy(deep=True)
    broken.roadmap.phases[0].activities[1].depends_on = ["program-structur"]
    assert "unknown-dependency" in codes(validate(broken))
    assert not [p for p in validate(plan) if p.code.startswith(("dependency", "deadline", "over-"))]


@pytest.fixture
def three_problem_plan(tmp_path: Path) -> Path:
    data: dict[str, Any] = copy.deepcopy(yaml.safe_load(example_plan_path().read_text(encoding="utf-8")))
    q1 = data["roadmap"]["phases"][0]["activities"]
    by_id = {a["id"]: a for a in q1}
    by_id["program-structure"]["depends_on"] = ["first-integrations"]  # a cycle through Q1
    by_id["portal"]["depends_on"] = ["program-structur"]  # a typo
    q2 = {a["id"]: a for a in data["roadmap"]["phases"][1]["activities"]}
    q2["ecosystem-engagement"]["deadline"] = "2026-06-05"  # starts 2026-05-25, 4 weeks: 2 weeks late
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_a_plan_with_a_cycle_a_typo_and_a_lost_deadline_gets_three_located_messages(
    three_problem_plan: Path,
) -> None:
    plan, problems = load_plan_with_problems(three_problem_plan)
    assert plan is None
    roadmap = [p for p in problems if p.path[:1] == ("roadmap",)]
    assert sorted(codes(roadmap)) == ["deadline-impossible", "dependency-cycle", "unknown-dependency"]
    lines = three_problem_plan.read_text(encoding="utf-8").splitlines()
    for problem in roadmap:
        assert problem.location is not None and problem.location.startswith(f"{three_problem_plan}:")
        line = int(problem.location.rsplit(":", 2)[1])
        expected = {
            "dependency-cycle": "first-integrations",
            "unknown-dependency": "program-structur",
            "deadline-impossible": "deadline:",
        }[problem.code]
        assert expected in lines[line - 1], (problem, lines[line - 1])
    cycle = next(p for p in roadmap if p.code == "dependency-cycle")
    assert (
        "program-structure → integration-outreach → first-integrations → program-structure" in cycle.message
    )


def test_a_fixed_start_whose_dependency_the_team_delays_moves_with_a_warning() -> None:
    roadmap = make_roadmap(
        [
            act("meeting", 1, fixed_start="2026-01-05", priority="P0"),
            act("prep", 1),
            act("launch", 1, deps=["prep"], fixed_start="2026-01-12"),
        ],
        start="2026-01-05",
        capacity=1,
    )
    schedule = schedule_roadmap(roadmap)
    assert [(p.code, p.field) for p in schedule.problems] == [
        ("fixed-start-moved", "roadmap.phases[0].activities[2].fixed_start")
    ]
    assert "its dependencies end later" in schedule.problems[0].message
    # The launch's week is given back to what it waits for, so it slips one week, not two.
    assert spans(schedule) == {"meeting": (1, 1), "prep": (2, 2), "launch": (3, 3)}
    assert_feasible(schedule, roadmap)


def test_a_short_lived_larger_team_taken_by_one_activity_leaves_none_for_the_next() -> None:
    roadmap = make_roadmap(
        [act("summit", 1, people=4), act("retreat", 1, people=4)],
        capacity=2,
        capacity_changes=[{"from_week": 3, "capacity": 4}, {"from_week": 4, "capacity": 2}],
    )
    (problem,) = roadmap_problems(roadmap)
    assert problem.code == "over-capacity" and problem.is_error
    assert problem.message == (
        "needs 4 people for 1 week, and the weeks in which the team is that large (week 3) cannot "
        "hold it together with the other activities that need them (retreat): no order of the "
        "activities fits them all"
    )
    # Equal in all else, the id decides: the retreat gets the larger team's week, the summit none.
    assert problem.field == "roadmap.phases[0].activities[0].people"
