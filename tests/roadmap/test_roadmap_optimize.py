"""The CP-SAT optimum against the heuristic on small instances (skipped without OR-Tools)."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.cli import cli
from partnerkit.io.optimize import OptimizerUnavailableError, optimize_roadmap
from partnerkit.io.planfile import example_plan_path
from partnerkit.roadmap import schedule_roadmap
from tests.roadmap.builders import act, assert_feasible, make_roadmap


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


@st.composite
def small_roadmaps(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 7))
    capacity = draw(st.integers(1, 3))
    activities = []
    for i in range(n):
        deps = (
            draw(st.lists(st.sampled_from([f"a{j}" for j in range(i)]), unique=True, max_size=2)) if i else []
        )
        activities.append(
            act(f"a{i}", draw(st.integers(1, 4)), people=draw(st.integers(1, capacity)), deps=deps)
        )
    return {"activities": activities, "capacity": capacity}


@settings(max_examples=15, deadline=None)
@given(small_roadmaps())
def test_on_random_small_instances_the_optimum_is_feasible_and_never_worse(data: dict[str, Any]) -> None:
    pytest.importorskip("ortools")
    roadmap = make_roadmap(data["activities"], capacity=data["capacity"])
    heuristic = schedule_roadmap(roadmap)
    optimum = optimize_roadmap(roadmap, time_limit=5)
    assert optimum.method == "optimal"
    assert_feasible(optimum, roadmap)
    assert optimum.makespan_weeks <= heuristic.makespan_weeks
    # No schedule beats the longest chain or the team's total work.
    work = sum(a["duration_weeks"] * a["people"] for a in data["activities"])
    assert optimum.makespan_weeks >= -(-work // data["capacity"])


def test_without_ortools_the_optimiser_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import ortools...` fail as if it were not installed.
    for name in [m for m in sys.modules if m == "ortools" or m.startswith("ortools.")] or ["ortools"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "ortools.sat.python", None)
    with pytest.raises(OptimizerUnavailableError, match=r"partnerkit\[optimize\]"):
        optimize_roadmap(make_roadmap([act("a")]))
    result = CliRunner().invoke(cli, ["roadmap", str(example_plan_path()), "--optimize"])
    assert result.exit_code == 2 and "pip install 'partnerkit[optimize]'" in result.stderr
