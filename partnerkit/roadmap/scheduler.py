"""The roadmap scheduler: a serial schedule generation scheme with a priority rule, week by week.

Activities are taken one at a time, each as soon as all its dependencies are placed; among those
ready, higher priority goes first (an activity is as urgent as the most urgent one waiting for it),
then the one on the more critical chain (the one that must start soonest, or has the least slack,
in the critical-path schedule with unlimited people, deadlines included: the scheduler runs both
and keeps the better schedule), then the longer chain of work still to follow, then the id (so the
result never depends on the order of the file). Each is placed at the first working week from
which the team has the people it needs for all its weeks. Fixed starts are booked before anything
else. See docs/roadmap.md for the complexity.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace
from datetime import date

from partnerkit.errors import PlanError
from partnerkit.model.plan import Plan
from partnerkit.model.roadmap import Roadmap
from partnerkit.problems import DERIVED_FROM, Problem, Severity
from partnerkit.roadmap.calendar import ProgramCalendar
from partnerkit.roadmap.diagnostics import ARROW, deadline_impossible, structure_problems, timing_problems
from partnerkit.roadmap.network import (
    EarlyDates,
    Job,
    Network,
    early_dates,
    job_for,
    placed_activities,
    schedulable_part,
)
from partnerkit.roadmap.schedule import Schedule, build_schedule, chain_before, chain_ids


class TeamWeeks:
    """Free people in each working week, grown as far as the schedule reaches."""

    def __init__(self, calendar: ProgramCalendar) -> None:
        self.calendar = calendar
        self.free: list[int] = []
        # first_fit[r]: no week before it has r people free. Free people only ever go down (except
        # when a fixed booking is given back, which resets this), so the pointer only moves on.
        self.first_fit: dict[int, int] = {}
        self.final = calendar.final_capacity
        self.limit = calendar.index_at_or_after(calendar.last_change_week)

    def _grow(self, size: int) -> None:
        free, calendar = self.free, self.calendar
        while len(free) < size:
            free.append(calendar.capacity_in_week(calendar.week(len(free))))

    def fits(self, start: int, weeks: int, people: int) -> bool:
        """True when ``people`` are free in each of ``weeks`` working weeks from ``start``."""
        self._grow(start + weeks)
        return all(self.free[k] >= people for k in range(start, start + weeks))

    def first_start(self, earliest: int, weeks: int, people: int) -> int | None:
        """The first working week from ``earliest`` with ``people`` free for ``weeks`` weeks in a row."""
        # Past `limit` capacity never changes again; a team too small there stays too small.
        bound = self.limit if people > self.final else None
        free = self.free
        pointer = self.first_fit.get(people, 0)
        while True:
            if bound is not None and pointer >= bound:
                return None
            self._grow(pointer + 1)
            if free[pointer] >= people:
                break
            pointer += 1
        self.first_fit[people] = pointer
        start = max(earliest, pointer)
        while True:
            end = start + weeks
            if bound is not None and end > bound:
                return None
            self._grow(end)
            k = end - 1
            # Check the window from its end: the last full week tells how far to jump.
            while k >= start and free[k] >= people:
                k -= 1
            if k < start:
                return start
            start = k + 1

    def take(self, start: int, weeks: int, people: int) -> None:
        """Book ``people`` for ``weeks`` working weeks from ``start``."""
        self._grow(start + weeks)
        for k in range(start, start + weeks):
            self.free[k] -= people

    def give_back(self, start: int, weeks: int, people: int) -> None:
        """Undo a booking."""
        for k in range(start, start + weeks):
            self.free[k] += people
        self.first_fit.clear()


@dataclass(frozen=True)
class PreparedRoadmap:
    """A roadmap checked and ready to schedule: its network, calendar, order and earliest dates."""

    network: Network
    calendar: ProgramCalendar
    order: list[str]
    early: EarlyDates
    problems: list[Problem]


def _roadmap_of(plan: Plan | Roadmap) -> Roadmap:
    return plan.roadmap if isinstance(plan, Plan) else plan


def prepare_roadmap(
    plan: Plan | Roadmap, *, start: date | None = None, capacity: int | None = None
) -> PreparedRoadmap:
    """Check the roadmap's structure and build what the schedulers need; PlanError when it is impossible."""
    roadmap = _roadmap_of(plan)
    calendar = ProgramCalendar.from_settings(roadmap.settings, start=start, capacity=capacity)
    placed = placed_activities(roadmap)
    found = structure_problems(placed, calendar)
    jobs = [job_for(item, calendar) for item in placed]
    if any(p.is_error for p in found):
        # Still time what can be timed, so one run reports the deadlines no schedule can meet too.
        sound = Network(schedulable_part(jobs))
        order = sound.topological_order()
        raise PlanError([*found, *timing_problems(sound, calendar, early_dates(sound, calendar, order))])
    network = Network(jobs)
    order = network.topological_order()
    early = early_dates(network, calendar, order)
    return PreparedRoadmap(
        network, calendar, order, early, [*found, *timing_problems(network, calendar, early)]
    )


def schedule_roadmap(
    plan: Plan | Roadmap, *, start: date | None = None, capacity: int | None = None
) -> Schedule:
    """Schedule the roadmap with the team's capacity; ``start`` and ``capacity`` override the plan's.

    Raises PlanError (carrying every problem) when nothing can be scheduled: a cycle, an unknown
    dependency, a duplicate id, an activity needing more people than the team ever has. Deadlines
    and fixed starts that cannot be kept are reported in ``Schedule.problems``.
    """
    prepared = prepare_roadmap(plan, start=start, capacity=capacity)
    starts, releases, problems = best_serial_schedule(prepared)
    return build_schedule(prepared.network, prepared.calendar, starts, releases, problems=problems)


# Two tie-breaks within a priority, both "the more critical chain first": the latest start the
# critical-path schedule allows (deadlines and quarters included), and the least slack. Neither
# wins everywhere; keeping the better of the two cut the gap to the optimum on random roadmaps.
RULES = ("latest-start", "slack")


def best_serial_schedule(prepared: PreparedRoadmap) -> tuple[dict[str, int], dict[str, int], list[Problem]]:
    """The better schedule of the rules: fewer missed deadlines, then the earlier end, then the first rule.

    Returns start indexes, the releases honoured, and every problem (the roadmap's and the schedule's).
    """
    best: tuple[tuple[int, int], dict[str, int], dict[str, int], list[Problem]] | None = None
    for rule in RULES:
        starts, releases, moved = serial_schedule(prepared, rule)
        missed = deadline_warnings(prepared, starts, releases)
        jobs = prepared.network.jobs
        score = (len(missed), max((starts[j] + jobs[j].duration for j in starts), default=0))
        if best is None or score < best[0]:
            best = (score, starts, releases, [*prepared.problems, *moved, *missed])
    assert best is not None
    return best[1], best[2], best[3]


def serial_schedule(
    prepared: PreparedRoadmap, rule: str = "latest-start"
) -> tuple[dict[str, int], dict[str, int], list[Problem]]:
    """Start indexes of every job, the releases the schedule honoured, and warnings about fixed starts.

    Within a priority, ``rule="latest-start"`` places first the activity that must start soonest in
    the critical-path schedule; ``rule="slack"`` the one with the least slack there. Ties go to the
    longer chain still to follow, then the id.
    """
    network, calendar = prepared.network, prepared.calendar
    jobs = network.jobs
    tails = network.tails(prepared.order)
    urgency = network.urgency(prepared.order)
    slack = prepared.early.slack(network, calendar, prepared.order)
    early = prepared.early
    if rule == "slack":
        key = {j: (urgency[j], slack[j], -tails[j], j) for j in jobs}
    else:
        key = {j: (urgency[j], early.start[j] + slack[j], -tails[j], j) for j in jobs}
    releases = dict(prepared.early.release)
    team = TeamWeeks(calendar)
    problems: list[Problem] = []

    booked: dict[str, int] = {}
    for j in sorted((j for j in jobs if jobs[j].fixed is not None), key=key.__getitem__):
        job = jobs[j]
        index = releases[j]
        if team.fits(index, job.duration, job.people):
            team.take(index, job.duration, job.people)
            booked[j] = index
        else:
            problems.append(
                _fixed_start_moved(
                    job,
                    "other fixed activities already need the team's people then",
                    "move one of the fixed starts or raise the capacity",
                )
            )
            releases[j] = calendar.index_at_or_after(job.release)

    def unbook(fixed_id: str) -> None:
        # A fixed start its dependencies cannot precede: free its weeks for them and say so.
        fixed_job = jobs[fixed_id]
        team.give_back(booked.pop(fixed_id), fixed_job.duration, fixed_job.people)
        releases[fixed_id] = calendar.index_at_or_after(fixed_job.release)
        if not early.start[fixed_id] > early.release[fixed_id]:  # else an error already says so
            problems.append(
                _fixed_start_moved(
                    fixed_job,
                    "its dependencies end later with the team's capacity",
                    "raise the priority of what it depends on, or move the fixed start",
                )
            )

    starts: dict[str, int] = {}
    waiting = {j: len(job.depends_on) for j, job in jobs.items()}
    ready = [key[j] for j, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    while ready:
        j = heapq.heappop(ready)[-1]
        job = jobs[j]
        earliest = max([releases[j], *(starts[d] + jobs[d].duration for d in job.depends_on)])
        for succ in network.successors[j]:
            if succ in booked:
                trial = team.first_start(earliest, job.duration, job.people)
                if trial is None or trial + job.duration > booked[succ]:
                    unbook(succ)
        if j in booked and booked[j] < earliest:
            unbook(j)
        start: int | None = booked.pop(j, None)
        if start is None:
            start = team.first_start(earliest, job.duration, job.people)
            if start is None:
                raise PlanError(
                    [
                        Problem(
                            f"needs {job.people} people for {job.duration} weeks, and the weeks in "
                            f"which the team is that large are taken by other activities",
                            path=(*job.path, "people"),
                            hint="lower people, or keep the larger team for longer",
                            code="over-capacity",
                        )
                    ]
                )
            team.take(start, job.duration, job.people)
        starts[j] = start
        for succ in network.successors[j]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                heapq.heappush(ready, key[succ])
    return starts, releases, problems


def _fixed_start_moved(job: Job, reason: str, hint: str) -> Problem:
    return Problem(
        f"fixed start in week {job.fixed} cannot be kept: {reason}; scheduled when the team can",
        path=(*job.path, "fixed_start"),
        severity=Severity.WARNING,
        hint=hint,
        code="fixed-start-moved",
    )


def deadline_warnings(
    prepared: PreparedRoadmap, starts: dict[str, int], releases: dict[str, int]
) -> list[Problem]:
    """Deadlines a schedule misses because the team is busy (those missed anyway are errors already)."""
    network, calendar = prepared.network, prepared.calendar
    problems: list[Problem] = []
    for j, job in network.jobs.items():
        if job.deadline is None or deadline_impossible(network, prepared.early, calendar, j):
            continue
        end_week = calendar.week(starts[j] + job.duration - 1)
        if end_week <= job.deadline:
            continue
        chain = chain_ids(chain_before(network, j, starts, releases), j)
        late = end_week - job.deadline
        problems.append(
            Problem(
                f"scheduled to end in week {end_week}, {late} week{'s' if late != 1 else ''} after its "
                f"deadline (end of week {job.deadline}), because the team's capacity delays the chain "
                f"{ARROW.join(chain)}",
                path=(*job.path, "deadline"),
                severity=Severity.WARNING,
                hint="raise its priority, add capacity, or move the deadline",
                code="deadline-missed",
                extra={"chain": chain, "weeks_late": late},
            )
        )
    return problems


def roadmap_problems(
    plan: Plan | Roadmap, *, start: date | None = None, capacity: int | None = None
) -> list[Problem]:
    """Every problem of the roadmap: what blocks scheduling, what no schedule can meet, and warnings."""
    try:
        return list(schedule_roadmap(plan, start=start, capacity=capacity).problems)
    except PlanError as error:
        return error.problems


# Problems of the roadmap's structure are about the entries they name; what the schedule finds
# (capacity, dates, deadlines) follows from the whole roadmap, which a validation that had to drop a
# broken part of it needs to know.
_STRUCTURE = frozenset({"duplicate-activity", "unknown-dependency", "dependency-cycle"})


def check_roadmap(plan: Plan) -> list[Problem]:
    """The roadmap check for ``partnerkit.checks.CHECKS``."""
    return [
        p if p.code in _STRUCTURE else replace(p, extra={**p.extra, DERIVED_FROM: (("roadmap",),)})
        for p in roadmap_problems(plan)
    ]
