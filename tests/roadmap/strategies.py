"""Random small roadmaps for hypothesis: chains, diamonds, fans and mixed graphs; a team that grows and shrinks; weeks off."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from partnerkit.model.roadmap import Roadmap
from tests.roadmap.builders import act, make_roadmap

START = date(2026, 1, 5)
SHAPES = ("chain", "diamond", "fan-out", "fan-in", "mixed", "none", "beside")


def _dependencies(draw: st.DrawFn, shape: str, n: int) -> list[list[int]]:
    if shape == "chain":
        return [[i - 1] if i else [] for i in range(n)]
    if shape == "beside":  # a chain beside one long activity (the last), which sets the end
        return [[i - 1] if 0 < i < n - 1 else [] for i in range(n)]
    if shape == "diamond":  # 0 before everything in the middle, the last after all of them
        return [[] if i == 0 else [0] if i < n - 1 else list(range(1, n - 1)) for i in range(n)]
    if shape == "fan-out":
        return [[0] if i else [] for i in range(n)]
    if shape == "fan-in":
        return [list(range(n - 1)) if i == n - 1 else [] for i in range(n)]
    if shape == "none":
        return [[] for _ in range(n)]
    return [
        draw(st.lists(st.integers(0, i - 1), unique=True, max_size=min(i, 2))) if i else [] for i in range(n)
    ]


@st.composite
def small_roadmaps(
    draw: st.DrawFn,
    *,
    max_activities: int = 5,
    max_weeks: int = 3,
    dated: bool = True,
    fixed: bool = True,
    roomy: bool = False,
) -> dict[str, Any]:
    """Plan data: up to ``max_activities`` activities in a random shape, a team whose size goes up and down.

    ``roomy`` roadmaps have a team of three or more and activities of one or two people, so that
    there is slack to find.
    """
    n = draw(st.integers(1, max_activities))
    shape = draw(st.sampled_from(SHAPES))
    deps = _dependencies(draw, shape, n)
    capacity = draw(st.integers(3, 5) if roomy else st.integers(1, 4))
    changes = draw(
        st.lists(
            st.fixed_dictionaries(
                {"from_week": st.integers(2, 10), "capacity": st.integers(2 if roomy else 1, 5)}
            ),
            unique_by=lambda c: c["from_week"],
            max_size=3,
        )
    )
    peak = max([capacity, *(c["capacity"] for c in changes)])
    weeks_off = draw(st.lists(st.integers(1, 12), unique=True, max_size=2))
    names = draw(st.permutations([f"a{i}" for i in range(n)]))
    activities = []
    for i in range(n):
        extra: dict[str, Any] = {}
        kind = draw(st.sampled_from(["none", "none", "earliest_start", "fixed_start"] if dated else ["none"]))
        if kind == "fixed_start" and not fixed:
            kind = "none"
        if kind != "none":
            week = draw(st.integers(1, 8))
            if kind == "fixed_start" and week in weeks_off:
                kind = "earliest_start"  # a fixed start in a week off is an error of the plan
            extra[kind] = (START + timedelta(days=7 * (week - 1))).isoformat()
        weeks = draw(st.integers(1, max_weeks))
        if shape == "beside" and i == n - 1:
            weeks = draw(st.integers(n, n * max_weeks + 2))
        activities.append(
            act(
                names[i],
                weeks=weeks,
                people=draw(st.integers(1, 2 if roomy else peak)),
                deps=[names[d] for d in deps[i]],
                priority=draw(st.sampled_from(["P0", "P1", "P2"])),
                **extra,
            )
        )
    return {
        "activities": activities,
        "capacity": capacity,
        "capacity_changes": changes,
        "weeks_off": weeks_off,
    }


def build(data: dict[str, Any]) -> Roadmap:
    """The roadmap of plan data drawn above."""
    return make_roadmap(
        data["activities"],
        capacity=data["capacity"],
        capacity_changes=data["capacity_changes"],
        weeks_off=data["weeks_off"],
        start=START.isoformat(),
    )
