"""Free and total slack under the team's capacity as scheduled: how far an activity can slip, and what moves if it does.

Both count working weeks and keep every other activity where the schedule put it:

- **free slack**: the activity alone slips; no dependant moves, the team has its people in every
  week it now runs, and it still ends by the end of the program;
- **total slack**: the activity slips and its dependants are pushed just as far as their
  dependencies make them (each starts the week after the last of its dependencies ends, or where
  it was if that is later), everything else stays; the team has the people in every week and the
  end of the program does not move.

Each figure is the largest number of weeks such that slipping by it, or by any fewer weeks, keeps
its promise. Fixed starts and deadlines are not part of it: slipping one of those is a warning of
its own.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass

from partnerkit.roadmap.calendar import ProgramCalendar
from partnerkit.roadmap.network import Network


@dataclass(frozen=True)
class Slack:
    """Free and total slack of every activity, in working weeks."""

    free: dict[str, int]
    total: dict[str, int]


def schedule_slack(network: Network, calendar: ProgramCalendar, starts: Mapping[str, int]) -> Slack:
    """Free and total slack of each activity of a valid schedule (start indexes by id)."""
    jobs = network.jobs
    if not jobs:
        return Slack({}, {})
    ends = {j: starts[j] + jobs[j].duration - 1 for j in jobs}
    last = max(ends.values())
    capacity = calendar.capacity_by_index(last + 1)
    load = [0] * (last + 1)
    for j, job in jobs.items():
        for k in range(starts[j], ends[j] + 1):
            load[k] += job.people
    spare = [c - used for c, used in zip(capacity, load, strict=True)]

    # For each number of people an activity needs: how many weeks in a row from each week have them spare.
    run_from: dict[int, list[int]] = {}
    for people in {job.people for job in jobs.values()}:
        runs = [0] * (last + 2)
        for k in range(last, -1, -1):
            runs[k] = runs[k + 1] + 1 if spare[k] >= people else 0
        run_from[people] = runs

    # Dependencies alone: how far each could slip, dependants pushed, before the program ends later.
    by_start = sorted(jobs, key=lambda j: (-starts[j], j))
    within: dict[str, int] = {}
    for j in by_start:
        within[j] = min(
            [last - ends[j], *(starts[s] - ends[j] - 1 + within[s] for s in network.successors[j])]
        )

    free: dict[str, int] = {}
    total: dict[str, int] = {}
    for j, job in jobs.items():
        gap = min([starts[s] - ends[j] - 1 for s in network.successors[j]], default=last - ends[j])
        gap = min(gap, last - ends[j])
        alone = run_from[job.people][ends[j] + 1]
        free[j] = min(gap, alone)
        if free[j] >= within[j] or alone < gap:
            # Either nothing more is allowed, or the activity alone already meets a full week.
            total[j] = free[j]
        elif _first_push_overloads(network, starts, ends, load, capacity, j, gap):
            total[j] = free[j]
        else:
            total[j] = _pushed_slack(network, starts, ends, load, capacity, j, free[j], within[j])
    return Slack(free, total)


def _first_push_overloads(
    network: Network,
    starts: Mapping[str, int],
    ends: Mapping[str, int],
    load: list[int],
    capacity: list[int],
    first: str,
    gap: int,
) -> bool:
    """True when slipping ``first`` one week past ``gap`` (its free slack) overloads some week.

    That first push moves ``first`` and every dependant whose chain from it has ``gap`` weeks of
    gaps, each by one week: it takes the week after its end and gives back its first week. Taking
    the dependants in order of start, a week's load is final once the next one starts after it,
    so an overload is found without walking the whole, possibly long, tail.
    """
    jobs = network.jobs
    change: dict[int, int] = {}
    people = jobs[first].people
    for week in range(starts[first], ends[first] + 1):
        change[week] = change.get(week, 0) - people
    for week in range(starts[first] + gap + 1, ends[first] + gap + 2):
        change[week] = change.get(week, 0) + people
    taken = [ends[first] + gap + 1]  # the weeks whose load went up, smallest first
    distance = {first: 0}
    queue: list[tuple[int, str]] = []
    for s in network.successors[first]:
        d = starts[s] - ends[first] - 1
        if d <= gap and d < distance.get(s, gap + 1):
            distance[s] = d
            heapq.heappush(queue, (starts[s], s))
    done = {first}
    while True:
        next_start = queue[0][0] if queue else len(load)
        # Nothing still to come changes a week before the next start: those weeks are final.
        while taken and taken[0] < next_start:
            week = heapq.heappop(taken)
            if load[week] + change.get(week, 0) > capacity[week]:
                return True
        if not queue:
            return False
        _, y = heapq.heappop(queue)
        if y in done:
            continue
        done.add(y)
        people = jobs[y].people
        change[starts[y]] = change.get(starts[y], 0) - people
        change[ends[y] + 1] = change.get(ends[y] + 1, 0) + people
        heapq.heappush(taken, ends[y] + 1)
        for s in network.successors[y]:
            d = distance[y] + starts[s] - ends[y] - 1
            if d <= gap and d < distance.get(s, gap + 1):
                distance[s] = d
                heapq.heappush(queue, (starts[s], s))


def _pushed_slack(
    network: Network,
    starts: Mapping[str, int],
    ends: Mapping[str, int],
    load: list[int],
    capacity: list[int],
    first: str,
    already: int,
    most: int,
) -> int:
    """Total slack by slipping ``first`` week by week past ``already``, its dependants pushed, up to ``most``.

    A dependant moves once the slip exceeds the gaps on its tightest chain from ``first`` (its
    distance), and from then on one week per week. So in coordinates that move along (a week minus
    the slip) each moving activity stays put at its start minus its distance: their load there is
    a fixed pattern that only grows as activities join. One more week of slip raises the load only
    where that pattern steps down, so only those weeks need a look.
    """
    jobs = network.jobs
    still: dict[int, int] = {}  # change of the load of the activities that stay, by week
    pattern: dict[int, int] = {}  # load of the moving ones, by moving coordinate
    drops: set[int] = set()  # coordinates after which the pattern steps down

    def join(j: str, distance: int) -> None:
        people = jobs[j].people
        for week in range(starts[j], ends[j] + 1):
            still[week] = still.get(week, 0) - people
        low, high = starts[j] - distance, ends[j] - distance
        for x in range(low, high + 1):
            pattern[x] = pattern.get(x, 0) + people
        for x in (low - 1, high):
            if pattern.get(x, 0) > pattern.get(x + 1, 0):
                drops.add(x)
            else:
                drops.discard(x)

    # After `already` weeks (all of them safe) only `first` has moved: its dependants are all
    # at least that far away.
    distance = {first: 0}
    frontier: list[tuple[int, str]] = []
    settled = {first}
    join(first, 0)
    _reach(network, starts, ends, first, 0, most, distance, frontier)
    slip = already
    while slip < most:
        slip += 1
        while frontier and frontier[0][0] < slip:
            d, j = heapq.heappop(frontier)
            if j in settled or d > distance[j]:
                continue
            settled.add(j)
            join(j, d)
            _reach(network, starts, ends, j, d, most, distance, frontier)
        for x in drops:
            week = x + slip
            if load[week] + still.get(week, 0) + pattern.get(x, 0) > capacity[week]:
                return slip - 1
    return most


def _reach(
    network: Network,
    starts: Mapping[str, int],
    ends: Mapping[str, int],
    j: str,
    d: int,
    most: int,
    distance: dict[str, int],
    frontier: list[tuple[int, str]],
) -> None:
    """Offer ``j``'s dependants their distance through ``j`` (only those that move within ``most`` weeks)."""
    for after in network.successors[j]:
        nd = d + starts[after] - ends[j] - 1
        if nd < distance.get(after, most):
            distance[after] = nd
            heapq.heappush(frontier, (nd, after))
