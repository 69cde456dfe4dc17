"""Compaction: every activity moved to the earliest week its dependencies, its release and the team allow."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from partnerkit.roadmap.calendar import ProgramCalendar
from partnerkit.roadmap.network import Network
from partnerkit.roadmap.placement import TeamWeeks


def compact(
    network: Network, calendar: ProgramCalendar, starts: Mapping[str, int], releases: Mapping[str, int]
) -> dict[str, int]:
    """The schedule with each activity as early as it can start with all the others where they are.

    Activities are taken by start week (then id) and each moves, if it can, to the first working
    week from its release and its dependencies' ends that has its people free for all its weeks;
    the passes repeat until none moves. Every move keeps the schedule valid and no activity ever
    starts later, so the end of the program never moves out.
    """
    jobs = network.jobs
    placed = dict(starts)
    if not placed:
        return placed
    horizon = max(placed[j] + jobs[j].duration for j in placed)
    free = calendar.capacity_by_index(horizon)
    for j, s in placed.items():
        for k in range(s, s + jobs[j].duration):
            free[k] -= jobs[j].people
    moved = True
    while moved:
        moved = False
        for j in sorted(placed, key=lambda j: (placed[j], j)):
            job = jobs[j]
            current = placed[j]
            earliest = max([releases[j], *(placed[d] + jobs[d].duration for d in job.depends_on)])
            if earliest >= current:
                continue
            for k in range(current, current + job.duration):
                free[k] += job.people
            start = _first_window(free, earliest, current, job.duration, job.people)
            for k in range(start, start + job.duration):
                free[k] -= job.people
            if start < current:
                placed[j] = start
                moved = True
    return placed


def _first_window(free: list[int], earliest: int, latest: int, weeks: int, people: int) -> int:
    """The first start from ``earliest`` with ``people`` free for ``weeks`` weeks; ``latest`` always fits."""
    start = earliest
    while start < latest:
        k = start + weeks - 1
        while k >= start and free[k] >= people:
            k -= 1
        if k < start:
            return start
        start = k + 1
    return latest


def replay(
    network: Network, calendar: ProgramCalendar, order: Sequence[str], releases: Mapping[str, int]
) -> dict[str, int] | None:
    """Place the activities one by one in ``order``, each in its first free window; None if one finds none.

    Given the order of another valid schedule's starts, every activity starts no later than it
    did there (what it meets in its weeks is a part of what it met there), so the end does not move.
    """
    jobs = network.jobs
    team = TeamWeeks(calendar)
    starts: dict[str, int] = {}
    for j in order:
        job = jobs[j]
        earliest = max([releases[j], *(starts[d] + jobs[d].duration for d in job.depends_on)])
        start = team.first_start(earliest, job.duration, job.people)
        if start is None:
            return None
        team.take(start, job.duration, job.people)
        starts[j] = start
    return starts
