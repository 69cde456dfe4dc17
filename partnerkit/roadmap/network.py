"""The activity network: activities as jobs for the scheduler, their dependencies, order and chains."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from partnerkit.model.roadmap import Activity, Roadmap
from partnerkit.problems import FieldPath
from partnerkit.roadmap.calendar import ProgramCalendar, parse_quarters

PRIORITY_RANK = {"P0": 0, "P1": 1, "P2": 2}


@dataclass(frozen=True)
class Job:
    """One activity as the scheduler sees it: weeks of work, people, predecessors and time limits.

    Weeks here are program weeks (from 1); ``release`` is the first week it may start (its quarter or
    its earliest start), ``fixed`` the week it must start, ``deadline`` the last week it may end in.
    """

    id: str
    duration: int
    people: int = 1
    depends_on: tuple[str, ...] = ()
    priority: int = 1
    release: int = 1
    fixed: int | None = None
    deadline: int | None = None
    path: FieldPath = ()
    activity: Activity | None = None
    phase: str | None = None


@dataclass(frozen=True)
class PlacedActivity:
    """An activity of the roadmap with the place it was written (field path) and its phase."""

    activity: Activity
    path: FieldPath
    phase: str
    release_quarter: int


def placed_activities(roadmap: Roadmap) -> list[PlacedActivity]:
    """Every activity of the roadmap with its field path, in file order."""
    found: list[PlacedActivity] = []
    for i, phase in enumerate(roadmap.phases):
        quarters = parse_quarters(phase.quarter) or [1]
        for j, activity in enumerate(phase.activities):
            path: FieldPath = ("roadmap", "phases", i, "activities", j)
            found.append(PlacedActivity(activity, path, phase.quarter, quarters[0]))
    if roadmap.scale is not None:
        quarters = parse_quarters(roadmap.scale.quarters) or [3]
        for j, activity in enumerate(roadmap.scale.activities):
            path = ("roadmap", "scale", "activities", j)
            found.append(PlacedActivity(activity, path, roadmap.scale.quarters, quarters[0]))
    return found


def job_for(placed: PlacedActivity, calendar: ProgramCalendar) -> Job:
    """The scheduler's view of one activity; dates become program weeks (they need a start date)."""
    activity = placed.activity
    release = calendar.first_week_of_quarter(placed.release_quarter)
    fixed = deadline = None
    if calendar.start is not None:
        if activity.earliest_start is not None:
            release = max(release, calendar.first_week_from(activity.earliest_start))
        if activity.fixed_start is not None:
            fixed = calendar.week_containing(activity.fixed_start)
        if activity.deadline is not None:
            deadline = calendar.last_week_by(activity.deadline)
    return Job(
        id=activity.id,
        duration=activity.duration,
        people=activity.people,
        depends_on=tuple(dict.fromkeys(activity.depends_on)),
        priority=PRIORITY_RANK[str(activity.priority)],
        release=release,
        fixed=fixed,
        deadline=deadline,
        path=placed.path,
        activity=activity,
        phase=placed.phase,
    )


class Network:
    """Jobs and their dependencies, ready to order; assumes ids are unique and dependencies known."""

    def __init__(self, jobs: Iterable[Job]) -> None:
        # Sorting by id makes every result independent of the order of activities in the file.
        self.jobs: dict[str, Job] = {job.id: job for job in sorted(jobs, key=lambda j: j.id)}
        self.successors: dict[str, list[str]] = {job_id: [] for job_id in self.jobs}
        for job in self.jobs.values():
            for dep in job.depends_on:
                self.successors[dep].append(job.id)

    def topological_order(self) -> list[str]:
        """Every job after its dependencies (ties by id); raises ValueError on a cycle."""
        waiting = {job_id: len(job.depends_on) for job_id, job in self.jobs.items()}
        ready = [job_id for job_id, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            job_id = heapq.heappop(ready)
            order.append(job_id)
            for succ in self.successors[job_id]:
                waiting[succ] -= 1
                if waiting[succ] == 0:
                    heapq.heappush(ready, succ)
        if len(order) != len(self.jobs):
            raise ValueError("the dependencies form a cycle")
        return order

    def tails(self, order: Sequence[str]) -> dict[str, int]:
        """Weeks of work from each job's start to the end of the longest chain that follows it."""
        tail: dict[str, int] = {}
        for job_id in reversed(order):
            after = max((tail[s] for s in self.successors[job_id]), default=0)
            tail[job_id] = self.jobs[job_id].duration + after
        return tail

    def urgency(self, order: Sequence[str]) -> dict[str, int]:
        """Each job's priority, raised to the highest priority of anything that waits for it.

        A P2 activity that a P0 activity depends on is as urgent as the P0 one: delaying it delays it.
        """
        rank: dict[str, int] = {}
        for job_id in reversed(order):
            own = self.jobs[job_id].priority
            rank[job_id] = min([own, *(rank[s] for s in self.successors[job_id])])
        return rank


def schedulable_part(jobs: Sequence[Job]) -> list[Job]:
    """The jobs, made timeable despite structural problems, so one run reports impossible deadlines too.

    Keeps the first job of each id, forgets dependencies on unknown ids and the dependencies that
    close a cycle (those between activities of one strongly connected group). Dropping a dependency
    can only make a job earlier, so a deadline missed here is missed by every fixed version of the plan.
    """
    first: dict[str, Job] = {}
    for job in jobs:
        first.setdefault(job.id, job)
    successors: dict[str, list[str]] = {job_id: [] for job_id in first}
    for job in first.values():
        for dep in job.depends_on:
            if dep in first:
                successors[dep].append(job.id)
    group_of = {
        member: number for number, group in enumerate(_strongly_connected(successors)) for member in group
    }
    return [
        replace(
            job,
            depends_on=tuple(
                d for d in job.depends_on if d in first and d != job_id and group_of[d] != group_of[job_id]
            ),
        )
        for job_id, job in first.items()
    ]


def find_cycles(depends_on: Mapping[str, Sequence[str]], file_order: Sequence[str]) -> list[list[str]]:
    """Each dependency cycle once, as activities in the order they would have to run.

    A cycle starts at the activity that comes first in the file and is the shortest cycle through it
    within its strongly connected group; ``[a, b, a]`` means a before b before a.
    """
    successors: dict[str, list[str]] = {node: [] for node in depends_on}
    for node, deps in depends_on.items():
        for dep in deps:
            if dep in successors:
                successors[dep].append(node)
    position = {node: i for i, node in enumerate(file_order)}
    cycles: list[list[str]] = []
    for group in _strongly_connected(successors):
        members = set(group)
        first = min(group, key=lambda n: position.get(n, len(position)))
        if len(group) == 1 and first not in successors[first]:
            continue
        cycles.append(_shortest_cycle(first, successors, members))
    cycles.sort(key=lambda c: position.get(c[0], len(position)))
    return cycles


def _shortest_cycle(first: str, successors: dict[str, list[str]], members: set[str]) -> list[str]:
    previous: dict[str, str] = {}
    frontier = [first]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for succ in sorted(successors[node]):
                if succ not in members:
                    continue
                if succ == first:
                    chain = [node]
                    while chain[-1] != first:
                        chain.append(previous[chain[-1]])
                    return [*reversed(chain), first]
                if succ not in previous:
                    previous[succ] = node
                    following.append(succ)
        frontier = following
    return [first, first]  # unreachable for a real cycle; keeps the type honest


def _strongly_connected(successors: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm without recursion (plans may hold thousands of activities)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(successors):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            succs = successors[node]
            while i < len(succs):
                succ = succs[i]
                i += 1
                if succ not in index:
                    work.append((node, i))
                    work.append((succ, 0))
                    recurse = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if recurse:
                continue
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return groups


@dataclass(frozen=True)
class EarlyDates:
    """Earliest start and end of every job with unlimited people, in working-week indexes."""

    start: dict[str, int]
    end: dict[str, int]
    release: dict[str, int]

    def slack(self, network: Network, calendar: ProgramCalendar, order: Sequence[str]) -> dict[str, int]:
        """Critical-path slack of each job with unlimited people: how far it could slip before it
        delays the program's end or its own deadline (negative when a deadline is already lost)."""
        finish = max(self.end.values(), default=0)
        latest: dict[str, int] = {}
        for job_id in reversed(order):
            job = network.jobs[job_id]
            limits = [finish, *(latest[s] - 1 for s in network.successors[job_id])]
            if job.deadline is not None:
                limits.append(calendar.index_at_or_before(job.deadline))
            latest[job_id] = min(limits) - job.duration + 1
        return {job_id: latest[job_id] - self.start[job_id] for job_id in order}

    def driving_chain(self, network: Network, job_id: str) -> list[str]:
        """The chain of dependencies that sets ``job_id``'s earliest start, first activity first."""
        chain = [job_id]
        current = job_id
        while True:
            job = network.jobs[current]
            begin = self.start[current]
            if begin == self.release[current]:
                break
            drivers = [d for d in job.depends_on if self.end[d] == begin - 1]
            if not drivers:
                break
            current = min(drivers)
            chain.append(current)
        return list(reversed(chain))


def early_dates(
    network: Network, calendar: ProgramCalendar, order: Sequence[str], *, fixed: bool = True
) -> EarlyDates:
    """The critical-path forward pass: every job as early as dependencies, releases and fixed starts allow.

    With ``fixed=False`` fixed starts are left out (each job from its quarter or earliest start):
    the earliest any schedule can reach, since the scheduler may move a fixed start.
    """
    start: dict[str, int] = {}
    end: dict[str, int] = {}
    release: dict[str, int] = {}
    for job_id in order:
        job = network.jobs[job_id]
        own = calendar.index_at_or_after(job.fixed if fixed and job.fixed is not None else job.release)
        release[job_id] = own
        begin = max([own, *(end[d] + 1 for d in job.depends_on)])
        start[job_id] = begin
        end[job_id] = begin + job.duration - 1
    return EarlyDates(start, end, release)
