"""The exact search behind "no false impossible": an order of placing that fits the work a shrinking team must do first.

When the team is smaller after its last change than some activities need, those activities (and
everything they wait for) must end before that change; every other activity fits after it. So
whether a roadmap can be scheduled depends only on that set, and the search looks at it alone.

It tries orders of placing, each activity in its first free window (the serial scheme). That is
enough: for any valid schedule, placing in the order of its starts gives starts no later, and
repeating that reaches a schedule whose own starts come in the order it was placed (by week,
then id). So the search only follows orders whose starts never go back, which is what keeps it
small; without fixed starts, having looked at every such order proves that none fits.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from partnerkit.roadmap.calendar import ProgramCalendar
from partnerkit.roadmap.network import EarlyDates, Network
from partnerkit.roadmap.placement import Placer

# Steps (placements tried) before the search gives up without an answer; a few tenths of a second.
DEFAULT_BUDGET = 20_000
# Deeper than this and the search would outgrow Python's stack; it gives up instead.
MAX_MEMBERS = min(400, sys.getrecursionlimit() // 2)


@dataclass(frozen=True)
class SearchResult:
    """An order of the members that fits them all, or None; ``complete`` when the search saw every order it had to."""

    order: list[str] | None
    complete: bool
    steps: int


class _OutOfSteps(Exception):
    pass


def must_come_first(network: Network, calendar: ProgramCalendar) -> list[str]:
    """The jobs needing more people than the team has after its last change, and everything they wait for."""
    final = calendar.final_capacity
    jobs = network.jobs
    found: set[str] = set()
    stack = [j for j, job in jobs.items() if job.people > final]
    while stack:
        j = stack.pop()
        if j in found:
            continue
        found.add(j)
        stack.extend(jobs[j].depends_on)
    return sorted(found)


def _lower_starts(network: Network, releases: Mapping[str, int], order: list[str]) -> dict[str, int]:
    jobs = network.jobs
    start: dict[str, int] = {}
    for j in order:
        start[j] = max([releases[j], *(start[d] + jobs[d].duration for d in jobs[j].depends_on)])
    return start


def find_order(
    network: Network,
    calendar: ProgramCalendar,
    early: EarlyDates,
    booking_order: Mapping[str, tuple[object, ...]],
    members: Collection[str],
    *,
    keep_fixed: bool,
    budget: int = DEFAULT_BUDGET,
) -> SearchResult:
    """Search for an order of placing ``members`` (closed under dependencies) in which every one finds weeks.

    With ``keep_fixed`` the fixed starts are booked first, as the scheduler does; the search is then
    a good try but no proof. Without it the answer is exact when ``complete``.
    """
    members = sorted(members)
    if len(members) > MAX_MEMBERS:
        return SearchResult(None, False, 0)
    jobs = network.jobs
    placer = Placer(network, calendar, early, booking_order, keep_fixed=keep_fixed)
    member_set = set(members)
    topo = [j for j in network.topological_order() if j in member_set]
    loose = dict(placer.releases)
    for j in placer.fixed_ids:
        # A booked fixed start may be given back: then the job may start from its quarter again.
        loose[j] = min(loose[j], calendar.index_at_or_after(jobs[j].release))
    bound = _lower_starts(network, loose, topo)
    final = calendar.final_capacity
    big = [j for j in members if jobs[j].people > final]
    waiting = {j: len(jobs[j].depends_on) for j in members}
    successors = {j: [s for s in network.successors[j] if s in member_set] for j in members}
    starts: dict[str, int] = {}
    order: list[str] = []
    failed: set[tuple[object, ...]] = set()
    steps = 0

    def room_for_the_rest(last_start: int) -> bool:
        team = placer.team
        for b in big:
            if b in starts or b in placer.booked:
                continue  # placed, or held by its fixed start
            job = jobs[b]
            low = max(
                bound[b], last_start, *(starts[d] + jobs[d].duration for d in job.depends_on if d in starts)
            )
            if team.first_start(low, job.duration, job.people) is None:
                return False
        return True

    def dfs(last: tuple[int, str]) -> bool:
        nonlocal steps
        if len(order) == len(members):
            return True
        state = (frozenset(starts.items()), last, frozenset(placer.booked.items()))
        if state in failed:
            return False
        if not room_for_the_rest(last[0]):
            failed.add(state)
            return False
        ready = sorted(
            (j for j in members if j not in starts and waiting[j] == 0), key=booking_order.__getitem__
        )
        for c in ready:
            steps += 1
            if steps > budget:
                raise _OutOfSteps
            snapshot = placer.snapshot()
            was_booked = placer.booked.get(c)
            t = placer.place(c, starts)
            if t is None:
                placer.restore(snapshot)
                if not keep_fixed:
                    # Free people only go down along this branch: it can never find room for c.
                    break
                continue
            pinned = was_booked is not None and t == was_booked
            if not pinned and (t, c) < last:
                placer.restore(snapshot)
                continue
            starts[c] = t
            order.append(c)
            for s in successors[c]:
                waiting[s] -= 1
            if dfs(last if pinned else (t, c)):
                return True
            for s in successors[c]:
                waiting[s] += 1
            order.pop()
            del starts[c]
            placer.restore(snapshot)
        failed.add(state)
        return False

    try:
        found = dfs((-1, ""))
    except _OutOfSteps:
        return SearchResult(None, False, steps)
    return SearchResult(list(order) if found else None, True, steps)
