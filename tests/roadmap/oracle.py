"""An outside view of small roadmaps, written without the scheduler's code: validity, slipping, the exhaustive optimum.

Everything here counts in program weeks from the plan's own settings (weeks off, capacity and its
changes, quarters, earliest starts), so a mistake in the scheduler's calendar cannot hide itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache

from partnerkit.model.roadmap import Activity, Roadmap
from partnerkit.roadmap import Schedule
from partnerkit.roadmap.calendar import parse_quarters


class Plan:
    """The facts of a roadmap a checker needs, read straight from the model."""

    def __init__(self, roadmap: Roadmap) -> None:
        settings = roadmap.settings
        self.start: date | None = settings.start
        self.off = set(settings.weeks_off)
        self.base = settings.capacity
        self.changes = sorted((c.from_week, c.capacity) for c in settings.capacity_changes)
        self.quarter_weeks = settings.quarter_weeks
        self.activities: dict[str, Activity] = {}
        self.quarter: dict[str, int] = {}
        for phase in roadmap.phases:
            for a in phase.activities:
                self.activities[a.id] = a
                self.quarter[a.id] = (parse_quarters(phase.quarter) or [1])[0]
        if roadmap.scale is not None:
            for a in roadmap.scale.activities:
                self.activities[a.id] = a
                self.quarter[a.id] = (parse_quarters(roadmap.scale.quarters) or [3])[0]
        self.successors: dict[str, list[str]] = {i: [] for i in self.activities}
        for a in self.activities.values():
            for d in a.depends_on:
                self.successors[d].append(a.id)

    def capacity(self, week: int) -> int:
        """People on the team in program week ``week`` (0 in a week off)."""
        if week in self.off:
            return 0
        people = self.base
        for first, size in self.changes:
            if first <= week:
                people = size
        return people

    def release(self, activity_id: str) -> int:
        """The first program week the activity may start: its quarter or its earliest start."""
        a = self.activities[activity_id]
        week = (self.quarter[activity_id] - 1) * self.quarter_weeks + 1
        if a.earliest_start is not None and self.start is not None:
            days = (a.earliest_start - self.start).days
            week = max(week, -(-days // 7) + 1)
        return week

    def working_after(self, week: int, count: int = 1) -> int:
        """The ``count``-th working week after ``week`` (``count=0``: ``week`` itself if working)."""
        w = week
        if count == 0:
            while w in self.off:
                w += 1
            return w
        while count:
            w += 1
            if w not in self.off:
                count -= 1
        return w

    def end_week(self, start: int, weeks: int) -> int:
        """The last week of ``weeks`` working weeks from a working week ``start``."""
        return self.working_after(start, weeks - 1)

    def horizon(self) -> int:
        """A week no schedule needs to go past: the last release or change, then all the work in a row."""
        last = max([1, *(self.release(i) for i in self.activities), *(first for first, _ in self.changes)])
        return self.working_after(last, sum(a.duration for a in self.activities.values()) + 1)


def starts_of(schedule: Schedule) -> dict[str, int]:
    """Each activity's start week."""
    return {a.id: a.start_week for a in schedule.activities}


def problems(plan: Plan, starts: Mapping[str, int], *, releases: bool = True) -> list[str]:
    """Everything wrong with start weeks: dependencies, weeks off, the team in every week, releases."""
    found: list[str] = []
    load: dict[int, int] = {}
    ends: dict[str, int] = {}
    for i, s in starts.items():
        a = plan.activities[i]
        if s in plan.off or s < 1:
            found.append(f"{i} starts in week {s}, a week off or before the program")
            continue
        ends[i] = plan.end_week(s, a.duration)
        for w in range(s, ends[i] + 1):
            if w not in plan.off:
                load[w] = load.get(w, 0) + a.people
        if releases and s < plan.release(i):
            found.append(f"{i} starts before its release")
    for i, s in starts.items():
        for d in plan.activities[i].depends_on:
            if d in ends and ends[d] >= s:
                found.append(f"{i} starts before {d} ends")
    for w, people in load.items():
        if people > plan.capacity(w):
            found.append(f"week {w}: {people} people, team of {plan.capacity(w)}")
    return found


def last_end(plan: Plan, starts: Mapping[str, int]) -> int:
    """The week the last activity ends."""
    return max(plan.end_week(s, plan.activities[i].duration) for i, s in starts.items())


def slipped(
    plan: Plan, starts: Mapping[str, int], activity_id: str, weeks: int, *, push: bool
) -> dict[str, int]:
    """``activity_id`` started ``weeks`` working weeks later; with ``push`` its dependants pushed as needed."""
    moved = dict(starts)
    moved[activity_id] = plan.working_after(starts[activity_id], weeks)
    if not push:
        return moved
    order = _topological(plan)
    after = order.index(activity_id)
    for i in order[after + 1 :]:
        deps = plan.activities[i].depends_on
        needed = max(
            [
                moved[i],
                *(plan.working_after(plan.end_week(moved[d], plan.activities[d].duration)) for d in deps),
            ]
        )
        moved[i] = needed
    return moved


def _topological(plan: Plan) -> list[str]:
    order: list[str] = []
    seen: set[str] = set()

    def visit(i: str) -> None:
        if i in seen:
            return
        seen.add(i)
        for d in plan.activities[i].depends_on:
            visit(d)
        order.append(i)

    for i in sorted(plan.activities):
        visit(i)
    return order


def best_end(plan: Plan) -> int | None:
    """The earliest week any valid schedule can end in (fixed starts left out), or None when none exists.

    Week by week, every way of starting any set of the activities that are ready: an exhaustive
    search, remembered by week and by what is left of each activity.
    """
    ids = sorted(plan.activities)
    acts = [plan.activities[i] for i in ids]
    deps = [tuple(ids.index(d) for d in a.depends_on) for a in acts]
    release = [plan.release(i) for i in ids]
    horizon = plan.horizon()
    NOT_STARTED, DONE = -1, 0

    @cache
    def best(week: int, state: tuple[int, ...]) -> int | None:
        if week > horizon:
            return None
        if week in plan.off:
            return best(week + 1, state)
        running = [k for k, left in enumerate(state) if left > 0]
        busy = sum(acts[k].people for k in running)
        ready = [
            k
            for k, left in enumerate(state)
            if left == NOT_STARTED and week >= release[k] and all(state[d] == DONE for d in deps[k])
        ]
        answer: int | None = None
        for mask in range(1 << len(ready)):
            chosen = [ready[b] for b in range(len(ready)) if mask >> b & 1]
            if busy + sum(acts[k].people for k in chosen) > plan.capacity(week):
                continue
            following = list(state)
            for k in chosen:
                following[k] = acts[k].duration
            for k in [*running, *chosen]:
                following[k] -= 1  # a week of work done; 0 means finished
            if all(left == DONE for left in following):
                found: int | None = week
            else:
                found = best(week + 1, tuple(following))
            if found is not None and (answer is None or found < answer):
                answer = found
        return answer

    return best(1, tuple(NOT_STARTED for _ in ids))


def earlier_start(plan: Plan, starts: Mapping[str, int], activity_id: str, release: int) -> int | None:
    """An earlier start week the activity could take with all the others in place, or None."""
    current = starts[activity_id]
    for week in range(max(release, 1), current):
        if week in plan.off:
            continue
        trial = {**starts, activity_id: week}
        if not problems(plan, trial, releases=False):
            return week
    return None


def dependants_moved(
    plan: Plan, before: Mapping[str, int], after: Mapping[str, int], activity_id: str
) -> bool:
    """True when some activity other than ``activity_id`` starts elsewhere."""
    return any(after[i] != before[i] for i in before if i != activity_id)
