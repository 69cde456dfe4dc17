"""The roadmap scheduler: a serial schedule generation scheme with a priority rule, week by week.

Activities are taken one at a time, each as soon as all its dependencies are placed; among those
ready, higher priority goes first (an activity is as urgent as the most urgent one waiting for it),
then the one on the more critical chain (the one that must start soonest, or has the least slack,
in the critical-path schedule with unlimited people, deadlines included: the scheduler runs both
and keeps the better schedule), then the longer chain of work still to follow, then the id (so the
result never depends on the order of the file). Each is placed at the first working week from
which the team has the people it needs for all its weeks. Fixed starts are booked before anything
else. When the team shrinks and an activity finds no room, it is promoted and placing starts
again, then an exact search (roadmap/search.py) finds an order that fits or proves that none does.
See docs/roadmap.md for the complexity.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from partnerkit.errors import PlanError
from partnerkit.model.plan import Plan
from partnerkit.model.roadmap import Roadmap
from partnerkit.problems import DERIVED_FROM, Problem, Severity
from partnerkit.roadmap.calendar import ProgramCalendar
from partnerkit.roadmap.compaction import compact
from partnerkit.roadmap.diagnostics import (
    ARROW,
    deadline_impossible,
    no_room_problem,
    shrinking_team_problems,
    structure_problems,
    timing_problems,
    too_much_work,
)
from partnerkit.roadmap.network import (
    EarlyDates,
    Network,
    early_dates,
    job_for,
    placed_activities,
    schedulable_part,
)
from partnerkit.roadmap.placement import Placer, SerialPass, fixed_start_moved
from partnerkit.roadmap.schedule import Schedule, build_schedule, chain_before, chain_ids
from partnerkit.roadmap.search import find_order, must_come_first


@dataclass(frozen=True)
class PreparedRoadmap:
    """A roadmap checked and ready to schedule: its network, calendar, order and earliest dates.

    ``loose`` are the earliest dates without fixed starts: what any schedule can reach at best.
    """

    network: Network
    calendar: ProgramCalendar
    order: list[str]
    early: EarlyDates
    problems: list[Problem]
    loose: EarlyDates


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
    loose = early_dates(network, calendar, order, fixed=False)
    timing = timing_problems(network, calendar, early)
    too_few = shrinking_team_problems(network, calendar, loose)
    if too_few:
        raise PlanError([*found, *too_few, *timing])
    return PreparedRoadmap(network, calendar, order, early, [*found, *timing], loose)


def schedule_roadmap(
    plan: Plan | Roadmap, *, start: date | None = None, capacity: int | None = None
) -> Schedule:
    """Schedule the roadmap with the team's capacity; ``start`` and ``capacity`` override the plan's.

    Raises PlanError (carrying every problem) when nothing can be scheduled: a cycle, an unknown
    dependency, a duplicate id, an activity needing more people than the team has for long enough,
    activities that together need a larger team than it stays. Deadlines and fixed starts that
    cannot be kept are reported in ``Schedule.problems``.
    """
    prepared = prepare_roadmap(plan, start=start, capacity=capacity)
    starts, releases, problems = best_serial_schedule(prepared)
    return build_schedule(prepared.network, prepared.calendar, starts, releases, problems=problems)


# Two tie-breaks within a priority, both "the more critical chain first": the latest start the
# critical-path schedule allows (deadlines and quarters included), and the least slack. Neither
# wins everywhere; keeping the better of the two cut the gap to the optimum on random roadmaps.
RULES = ("latest-start", "slack")

# Promotions tried (the failing activity put first) before the exact search.
MAX_PROMOTIONS = 12


def rule_keys(prepared: PreparedRoadmap, rule: str = "latest-start") -> dict[str, tuple[int, int, int, str]]:
    """Each job's place in the queue under ``rule``: urgency, criticality, chain still to follow, id."""
    network, calendar = prepared.network, prepared.calendar
    tails = network.tails(prepared.order)
    urgency = network.urgency(prepared.order)
    slack = prepared.early.slack(network, calendar, prepared.order)
    early = prepared.early
    if rule == "slack":
        return {j: (urgency[j], slack[j], -tails[j], j) for j in network.jobs}
    return {j: (urgency[j], early.start[j] + slack[j], -tails[j], j) for j in network.jobs}


def promotion_ranks(prepared: PreparedRoadmap, promoted: Sequence[str]) -> dict[str, int]:
    """The rank of each job when ``promoted`` go first, in that order, each with what it waits for."""
    network = prepared.network
    rank = {j: len(promoted) for j in network.jobs}
    for position, j in enumerate(promoted):
        rank[j] = min(rank[j], position)
    for j in reversed(prepared.order):
        for dep in network.jobs[j].depends_on:
            rank[dep] = min(rank[dep], rank[j])
    return rank


def serial_schedule(
    prepared: PreparedRoadmap,
    rule: str = "latest-start",
    *,
    promoted: Sequence[str] = (),
    keep_fixed: bool = True,
) -> SerialPass:
    """One pass of the serial scheme: start indexes, the releases honoured, warnings, or the job with no room.

    Within a priority, ``rule="latest-start"`` places first the activity that must start soonest in
    the critical-path schedule; ``rule="slack"`` the one with the least slack there. Ties go to the
    longer chain still to follow, then the id. ``promoted`` jobs (and what they wait for) go before
    all others, in that order; without ``keep_fixed`` fixed starts are not booked.
    """
    network = prepared.network
    jobs = network.jobs
    base = rule_keys(prepared, rule)
    rank = promotion_ranks(prepared, promoted)
    key = {j: (rank[j], *base[j]) for j in jobs}
    placer = Placer(network, prepared.calendar, prepared.early, base, keep_fixed=keep_fixed)
    starts: dict[str, int] = {}
    waiting = {j: len(job.depends_on) for j, job in jobs.items()}
    ready = [key[j] for j, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    while ready:
        j = str(heapq.heappop(ready)[-1])
        start = placer.place(j, starts)
        if start is None:
            return SerialPass(starts, placer.releases, placer.problems, failed=j)
        starts[j] = start
        for succ in network.successors[j]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                heapq.heappush(ready, key[succ])
    return SerialPass(starts, placer.releases, placer.problems, unbooked=placer.unbooked)


def best_serial_schedule(prepared: PreparedRoadmap) -> tuple[dict[str, int], dict[str, int], list[Problem]]:
    """The better schedule of the rules: fewer missed deadlines, then the earlier end, then the first rule.

    When the team shrinks and greedy placing leaves an activity no room, the activity is promoted
    and placing starts again; when that does not help, an exact search finds an order that fits or
    proves that none does. Returns start indexes, the releases honoured, and every problem (the
    roadmap's and the schedule's); raises PlanError when no schedule fits.
    """
    passes = [serial_schedule(prepared, rule) for rule in RULES]
    done = [p for p in passes if p.failed is None]
    if not done:
        done = [p for p in (_promoted_pass(prepared, rule) for rule in RULES) if p is not None]
    if not done:
        done = [_searched_pass(prepared, failing=str(passes[0].failed))]
    best: tuple[tuple[int, int], dict[str, int], dict[str, int], list[Problem]] | None = None
    jobs = prepared.network.jobs
    for finished in done:
        starts = finished.starts
        if finished.unbooked:
            # A fixed start given back frees weeks that activities placed before could have used.
            starts = compact(prepared.network, prepared.calendar, starts, finished.releases)
        missed = deadline_warnings(prepared, starts, finished.releases)
        score = (len(missed), max((starts[j] + jobs[j].duration for j in starts), default=0))
        if best is None or score < best[0]:
            best = (score, starts, finished.releases, [*prepared.problems, *finished.problems, *missed])
    assert best is not None
    return best[1], best[2], best[3]


def _promoted_pass(prepared: PreparedRoadmap, rule: str) -> SerialPass | None:
    """Place again with the activity that found no room (and what it waits for) first, until all fit."""
    promoted: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for _ in range(MAX_PROMOTIONS):
        attempt = serial_schedule(prepared, rule, promoted=promoted)
        if attempt.failed is None:
            return attempt
        promoted = [attempt.failed, *(j for j in promoted if j != attempt.failed)]
        if tuple(promoted) in seen:
            return None
        seen.add(tuple(promoted))
    return None


def _searched_pass(prepared: PreparedRoadmap, failing: str) -> SerialPass:
    """The exact search over the work that must fit before the team shrinks; PlanError when none fits."""
    network, calendar = prepared.network, prepared.calendar
    members = must_come_first(network, calendar)
    final = calendar.final_capacity
    competing = [j for j in members if j != failing and network.jobs[j].people > final]
    if not competing:
        competing = [j for j in members if j != failing]
    booking = rule_keys(prepared, RULES[0])
    has_fixed = any(network.jobs[j].fixed is not None for j in network.jobs)
    steps = 0
    # Keeping the fixed starts is tried first; only the search without them proves anything,
    # since a fixed start may always be moved.
    for keep_fixed in (True, False) if has_fixed else (False,):
        found = find_order(network, calendar, prepared.early, booking, members, keep_fixed=keep_fixed)
        steps += found.steps
        if found.order is not None:
            replay = serial_schedule(prepared, RULES[0], promoted=found.order, keep_fixed=keep_fixed)
            if replay.failed is None:
                if not keep_fixed:
                    replay.problems.extend(_fixed_starts_given_up(prepared, replay.starts))
                return replay
    # A search cut short proves nothing; sheer work may still prove it.
    problem = None if found.complete else too_much_work(network, calendar, members, failing)
    if problem is None:
        problem = no_room_problem(
            network, calendar, prepared.loose, failing, competing, proven=found.complete, steps=steps
        )
    raise PlanError([*prepared.problems, problem])


def _fixed_starts_given_up(prepared: PreparedRoadmap, starts: dict[str, int]) -> list[Problem]:
    problems = []
    for j, job in prepared.network.jobs.items():
        if job.fixed is not None and starts[j] != prepared.early.release[j]:
            problems.append(
                fixed_start_moved(
                    job,
                    "the weeks in which the team is larger are needed by the activities that can "
                    "only run then",
                    "move the fixed start, or keep the larger team for longer",
                )
            )
    return problems


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
