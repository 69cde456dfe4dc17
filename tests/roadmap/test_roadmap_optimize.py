"""The CP-SAT optimum: exact on small instances, compacted, the same on every run (skipped without OR-Tools)."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings

from partnerkit.cli import cli
from partnerkit.errors import PlanError
from partnerkit.io.optimize import OptimizerUnavailableError, optimize_roadmap
from partnerkit.io.planfile import example_plan_path, load_example_plan
from partnerkit.roadmap import schedule_roadmap
from tests.roadmap.builders import act, assert_feasible, make_roadmap, spans
from tests.roadmap.oracle import Plan, best_end, earlier_start, problems, starts_of
from tests.roadmap.strategies import build, small_roadmaps


def test_the_optimum_beats_a_priority_that_blocks_the_team() -> None:
    pytest.importorskip("ortools")
    roadmap = make_roadmap(
        [
            act("long", 4, people=1, priority="P0"),
            act("wide", 1, people=2, priority="P1"),
            act("after", 4, people=1, deps=["wide"], priority="P1"),
        ],
        capacity=2,
    )
    assert schedule_roadmap(roadmap).makespan_weeks == 9
    optimum = optimize_roadmap(roadmap, time_limit=5)
    assert optimum.method == "optimal" and optimum.makespan_weeks == 5
    assert_feasible(optimum, roadmap)


def test_the_optimum_keeps_weeks_off_capacity_changes_and_fixed_starts() -> None:
    pytest.importorskip("ortools")
    roadmap = make_roadmap(
        [act("a", 2, people=2), act("b", 2, people=2), act("pinned", 1, people=1, fixed_start="2026-01-19")],
        capacity=2,
        capacity_changes=[{"from_week": 4, "capacity": 4}],
        weeks_off=[2],
        start="2026-01-05",
    )
    optimum = optimize_roadmap(roadmap, time_limit=5)
    assert_feasible(optimum, roadmap)
    assert optimum.activity("pinned").start_week == 3


@settings(max_examples=60, deadline=None)
@given(small_roadmaps(max_activities=5, fixed=False))
def test_the_optimum_is_the_exhaustive_optimum_compacted_and_the_same_on_every_run(
    data: dict[str, Any],
) -> None:
    pytest.importorskip("ortools")
    roadmap = build(data)
    plan = Plan(roadmap)
    best = best_end(plan)
    if best is None:
        with pytest.raises(PlanError) as raised:
            optimize_roadmap(roadmap, time_limit=5)
        assert "over-capacity" in {p.code for p in raised.value.problems}
        return
    optimum = optimize_roadmap(roadmap, time_limit=5)
    assert optimum.method == "optimal"
    assert optimum.makespan_weeks == best
    starts = starts_of(optimum)
    assert problems(plan, starts) == []
    for a in roadmap.activities():
        assert earlier_start(plan, starts, a.id, plan.release(a.id)) is None, a.id
    assert optimize_roadmap(roadmap, time_limit=5).to_dict() == optimum.to_dict()
    # The heuristic is only a hint: without it the optimum is the same.
    assert optimize_roadmap(roadmap, time_limit=5, hint=False).makespan_weeks == best


@settings(max_examples=40, deadline=None)
@given(small_roadmaps(max_activities=5))
def test_with_fixed_starts_the_optimum_is_valid_compacted_and_keeps_what_the_heuristic_keeps(
    data: dict[str, Any],
) -> None:
    pytest.importorskip("ortools")
    roadmap = build(data)
    try:
        heuristic = schedule_roadmap(roadmap)
    except PlanError:
        with pytest.raises(PlanError):
            optimize_roadmap(roadmap, time_limit=5)
        return
    optimum = optimize_roadmap(roadmap, time_limit=5)
    assert_feasible(optimum, roadmap)
    moved = [p for p in optimum.problems if p.code == "fixed-start-moved"]
    assert len(moved) <= len([p for p in heuristic.problems if p.code == "fixed-start-moved"])
    if len(moved) == len([p for p in heuristic.problems if p.code == "fixed-start-moved"]):
        assert optimum.makespan_weeks <= heuristic.makespan_weeks


def test_the_example_plan_optimises_to_the_same_schedule_on_every_run() -> None:
    pytest.importorskip("ortools")
    plan = load_example_plan()
    first = optimize_roadmap(plan, time_limit=10)
    assert first.method == "optimal"
    assert optimize_roadmap(plan, time_limit=10).to_dict() == first.to_dict()
    assert_feasible(first, plan.roadmap)
    oracle = Plan(plan.roadmap)
    starts = starts_of(first)
    for a in plan.roadmap.activities():
        assert earlier_start(oracle, starts, a.id, oracle.release(a.id)) is None, a.id


def test_the_optimum_needs_no_heuristic_schedule() -> None:
    pytest.importorskip("ortools")
    roadmap = make_roadmap(
        [act("a", 2, people=2), act("b", 2, people=3)],
        capacity=4,
        capacity_changes=[{"from_week": 3, "capacity": 2}],
    )
    optimum = optimize_roadmap(roadmap, time_limit=5, hint=False)
    assert spans(optimum) == {"b": (1, 2), "a": (3, 4)} and optimum.method == "optimal"


def test_a_roadmap_no_schedule_fits_is_impossible_for_the_optimiser_too() -> None:
    pytest.importorskip("ortools")
    roadmap = make_roadmap(
        [act("summit", 1, people=4), act("retreat", 1, people=4)],
        capacity=2,
        capacity_changes=[{"from_week": 3, "capacity": 4}, {"from_week": 4, "capacity": 2}],
    )
    for hint in (True, False):
        with pytest.raises(PlanError) as raised:
            optimize_roadmap(roadmap, time_limit=5, hint=hint)
        assert [p.code for p in raised.value.problems] == ["over-capacity"]


def test_without_ortools_the_optimiser_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import ortools...` fail as if it were not installed.
    for name in [m for m in sys.modules if m == "ortools" or m.startswith("ortools.")] or ["ortools"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "ortools.sat.python", None)
    with pytest.raises(OptimizerUnavailableError, match=r"partnerkit\[optimize\]"):
        optimize_roadmap(make_roadmap([act("a")]))
    result = CliRunner().invoke(cli, ["roadmap", str(example_plan_path()), "--optimize"])
    assert result.exit_code == 2 and "pip install 'partnerkit[optimize]'" in result.stderr
