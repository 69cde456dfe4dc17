"""The exact roadmap through OR-Tools CP-SAT: the shortest makespan under the scheduler's constraints.

An extra (``pip install 'partnerkit[optimize]'``); OR-Tools is imported only when this runs. The
model is built from the roadmap itself: dependencies, quarters and earliest starts, the team's
capacity in every working week, and fixed starts (kept wherever a schedule can keep them). The
heuristic schedule, when there is one, is only a hint, a bound and a fallback.

The solver keeps the most fixed starts and, among those, finishes soonest. Its answer is then
compacted: the activities are placed again one by one in the order the solver started them, each
in its first free window (no activity starts later than in the solver's answer, so the end does
not move), and any activity that can still start earlier with the others in place moves there.
The solver runs on one worker with a fixed seed, and its budget is counted in its deterministic
time, so the same roadmap gives the same schedule on every run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from partnerkit.errors import PartnerkitError, PlanError
from partnerkit.model.plan import Plan
from partnerkit.model.roadmap import Roadmap
from partnerkit.problems import Problem, Severity
from partnerkit.roadmap.compaction import compact, replay
from partnerkit.roadmap.diagnostics import no_room_problem
from partnerkit.roadmap.network import Job
from partnerkit.roadmap.placement import fixed_start_moved, normal_release
from partnerkit.roadmap.schedule import Schedule, build_schedule
from partnerkit.roadmap.scheduler import (
    PreparedRoadmap,
    best_serial_schedule,
    deadline_warnings,
    prepare_roadmap,
)

# The solver's budget of work, in CP-SAT's deterministic seconds per second of the time limit.
# Deterministic time counts the solver's operations, so a search it ends stops at the same point
# on every run. On this project's two shared cores, under load, one worker did 0.12 to 0.2
# deterministic seconds per second; a twentieth keeps the clock (the hard limit) a backstop
# that a busy machine does not reach.
WORK_PER_SECOND = 0.05
# Kept back from the time limit for compaction and building the schedule: a share of the limit,
# since on a busy machine that work waits for the processor too.
RESERVE_SHARE = 0.05


class OptimizerUnavailableError(PartnerkitError):
    """OR-Tools is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "the exact optimiser needs OR-Tools; install it with: pip install 'partnerkit[optimize]'"
        )


def optimize_roadmap(
    plan: Plan | Roadmap,
    *,
    start: date | None = None,
    capacity: int | None = None,
    time_limit: float = 10.0,
    workers: int = 1,
    hint: bool = True,
) -> Schedule:
    """The schedule with the shortest makespan CP-SAT finds within ``time_limit`` seconds, compacted.

    Same constraints as ``schedule_roadmap``: dependencies, capacity each working week, weeks off,
    quarters and earliest starts; fixed starts are kept wherever a schedule can keep them (the most
    of them first, then the shortest end). ``method`` is ``"optimal"`` when proven, ``"feasible"``
    when the budget ran out first, ``"heuristic"`` when the solver found nothing in time and the
    heuristic's schedule stands. ``hint=False`` leaves the heuristic out entirely. ``workers`` above
    1 search in parallel, deterministically (interleaved), but hold to the budget less exactly.
    Raises PlanError when no schedule exists, as ``schedule_roadmap`` does.
    """
    try:
        from ortools.sat.python import cp_model
    except ImportError as error:
        raise OptimizerUnavailableError() from error

    began = time.perf_counter()
    prepared = prepare_roadmap(plan, start=start, capacity=capacity)
    network, calendar = prepared.network, prepared.calendar
    jobs = network.jobs
    if not jobs:
        return build_schedule(network, calendar, {}, {}, problems=prepared.problems)
    heuristic: dict[str, int] | None = None
    heuristic_problems: list[Problem] = []
    failure: PlanError | None = None
    if hint:
        try:
            heuristic, _, heuristic_problems = best_serial_schedule(prepared)
        except PlanError as error:
            failure = error

    bound = None
    if heuristic is not None and not any(_keepable(prepared, j) for j in jobs):
        # Only the end counts: no better schedule ends after the heuristic's.
        bound = max(heuristic[j] + job.duration for j, job in jobs.items())
    model = _Model(cp_model, prepared, bound)
    if heuristic is not None:
        model.hint(heuristic)
    clock = max(time_limit * (1 - RESERVE_SHARE) - (time.perf_counter() - began), 0.01)
    answer = model.solve(clock=clock, work=max(time_limit, 0.01) * WORK_PER_SECOND, workers=workers)
    warnings = answer.warnings(time_limit)
    if answer.starts is None:
        if answer.infeasible:
            raise PlanError(_impossible(prepared, failure, proven=True))
        if heuristic is not None:
            return _schedule(prepared, heuristic, "heuristic", problems=[*heuristic_problems, *warnings])
        raise failure or PlanError(_impossible(prepared, None, proven=False))
    if heuristic is not None and _score(prepared, heuristic) < _score(prepared, answer.starts):
        # The budget ran out before the solver caught up with its own hint.
        return _schedule(prepared, heuristic, "feasible", problems=[*heuristic_problems, *warnings])
    return _schedule(prepared, answer.starts, "optimal" if answer.proven else "feasible", extra=warnings)


def _keepable(prepared: PreparedRoadmap, j: str) -> bool:
    """A fixed start some schedule may keep: its dependencies can end before it (else it is an error)."""
    early = prepared.early
    return prepared.network.jobs[j].fixed is not None and early.start[j] <= early.release[j]


def _score(prepared: PreparedRoadmap, starts: dict[str, int]) -> tuple[int, int]:
    """(fixed starts moved, end index): the solver's objective, smaller is better."""
    jobs = prepared.network.jobs
    moved = sum(1 for j in jobs if _keepable(prepared, j) and starts[j] != prepared.early.release[j])
    return moved, max(starts[j] + job.duration for j, job in jobs.items())


def _schedule(
    prepared: PreparedRoadmap,
    starts: dict[str, int],
    method: str,
    *,
    problems: list[Problem] | None = None,
    extra: list[Problem] | None = None,
) -> Schedule:
    """Compact ``starts`` and build the schedule with every problem: the roadmap's, fixed starts moved, deadlines.

    ``problems`` are those of a heuristic schedule, which says itself why it moved a fixed start.
    """
    network, calendar, early = prepared.network, prepared.calendar, prepared.early
    kept = {j for j in network.jobs if _keepable(prepared, j) and starts[j] == early.release[j]}
    releases = {
        j: early.release[j] if j in kept else normal_release(job, calendar) for j, job in network.jobs.items()
    }
    order = sorted(starts, key=lambda j: (starts[j], j))
    placed = replay(network, calendar, order, releases) or starts
    compacted = compact(network, calendar, placed, releases)
    if problems is None:
        problems = [
            *prepared.problems,
            *(
                _moved(job, method)
                for j, job in network.jobs.items()
                if _keepable(prepared, j) and j not in kept
            ),
            *deadline_warnings(prepared, compacted, releases),
            *(extra or []),
        ]
    return build_schedule(network, calendar, compacted, releases, method=method, problems=problems)


def _moved(job: Job, method: str) -> Problem:
    reason = (
        "no schedule keeps it together with the other fixed starts and the team's capacity"
        if method == "optimal"
        else "the optimiser found no schedule that keeps it within its time limit"
    )
    return fixed_start_moved(job, reason, "move the fixed start, or raise the capacity")


def _impossible(prepared: PreparedRoadmap, failure: PlanError | None, *, proven: bool) -> list[Problem]:
    """The problems of a roadmap no schedule fits: the heuristic's, made sure when the solver proved it."""
    out: list[Problem] = []
    for problem in failure.problems if failure is not None else prepared.problems:
        activity = problem.extra.get("activity")
        competing = problem.extra.get("competing")
        if problem.code in {"schedule-not-found", "over-capacity"} and isinstance(activity, str):
            names = [str(c) for c in competing] if isinstance(competing, list) else []
            problem = no_room_problem(
                prepared.network, prepared.calendar, prepared.loose, activity, names, proven=proven, steps=0
            )
        out.append(problem)
    if not any(p.is_error for p in out):
        out.append(
            Problem(
                "no schedule fits the activities that need more people than the team has after its "
                "last change into the weeks before it"
                if proven
                else "the optimiser found no schedule within its time limit",
                path=("roadmap", "settings", "capacity_changes"),
                hint="lower people, keep the larger team for longer, or give the optimiser more time",
                code="over-capacity" if proven else "schedule-not-found",
            )
        )
    return out


@dataclass
class _Answer:
    """What one solve gave: start indexes (or None), proven optimal, proven impossible, stopped by the clock."""

    starts: dict[str, int] | None
    proven: bool = False
    infeasible: bool = False
    clock_stopped: bool = False

    def warnings(self, time_limit: float) -> list[Problem]:
        """A warning when the clock, not the budget of work, stopped the search: another run may differ."""
        if not self.clock_stopped:
            return []
        return [
            Problem(
                f"the optimiser's time limit ({time_limit:g} s) ran out on the clock before its fixed "
                "budget of work: on a busy machine another run may return another schedule",
                path=("roadmap",),
                severity=Severity.WARNING,
                hint="raise --time-limit, or run again when the machine is less busy",
                code="optimizer-clock",
            )
        ]


class _Model:
    """The CP-SAT model of one prepared roadmap, in working-week indexes."""

    def __init__(self, cp_model: Any, prepared: PreparedRoadmap, bound: int | None = None) -> None:
        self.cp_model = cp_model
        network, calendar, early = prepared.network, prepared.calendar, prepared.early
        jobs = network.jobs
        self.keepable = [j for j in jobs if _keepable(prepared, j)]
        normal = {j: normal_release(job, calendar) for j, job in jobs.items()}
        # A bound on any schedule's end: the work that must fit before the team shrinks, then
        # everything else one after another.
        last_change = calendar.index_at_or_after(calendar.last_change_week)
        horizon = max([last_change, *normal.values(), *(early.release[j] for j in self.keepable)]) + sum(
            job.duration for job in jobs.values()
        )
        if bound is not None:
            horizon = min(horizon, bound)
        # No activity can start later than the work still to follow it allows.
        tails = network.tails(prepared.order)
        m = cp_model.CpModel()
        self.model = m
        self.starts: dict[str, Any] = {}
        self.kept: dict[str, Any] = {}
        intervals, demands = [], []
        for j, job in jobs.items():
            low = min(normal[j], early.release[j]) if j in self.keepable else normal[j]
            self.starts[j] = m.new_int_var(low, horizon - tails[j], f"s_{j}")
            intervals.append(m.new_fixed_size_interval_var(self.starts[j], job.duration, f"i_{j}"))
            demands.append(job.people)
        self.fixed = {j: early.release[j] for j in self.keepable}
        for j in self.keepable:
            keep = m.new_bool_var(f"keep_{j}")
            self.kept[j] = keep
            m.add(self.starts[j] == self.fixed[j]).only_enforce_if(keep)
            m.add(self.starts[j] >= normal[j]).only_enforce_if(~keep)
        for j, job in jobs.items():
            for dep in job.depends_on:
                m.add(self.starts[j] >= self.starts[dep] + jobs[dep].duration)
        # A team that changes size: the peak capacity, minus fixed blocks where it is smaller.
        weekly = calendar.capacity_by_index(horizon)
        peak = max(weekly)
        index = 0
        while index < horizon:
            end = index
            while end < horizon and weekly[end] == weekly[index]:
                end += 1
            if weekly[index] < peak:
                intervals.append(m.new_fixed_size_interval_var(index, end - index, f"team_{index}"))
                demands.append(peak - weekly[index])
            index = end
        m.add_cumulative(intervals, demands, peak)
        self.makespan = m.new_int_var(_energy_bound(weekly, jobs), horizon, "makespan")
        for j, job in jobs.items():
            m.add(self.makespan >= self.starts[j] + job.duration)
        moved = sum(1 - keep for keep in self.kept.values())
        # The most fixed starts kept first, then the soonest end.
        m.minimize((horizon + 1) * moved + self.makespan)

    def hint(self, starts: dict[str, int]) -> None:
        """Start the search from a known schedule."""
        for j, var in self.starts.items():
            self.model.add_hint(var, starts[j])
        for j, keep in self.kept.items():
            self.model.add_hint(keep, starts[j] == self.fixed[j])

    def solve(self, *, clock: float, work: float, workers: int) -> _Answer:
        """Solve within ``clock`` seconds and ``work`` deterministic seconds."""
        cp = self.cp_model
        solver = cp.CpSolver()
        params = solver.parameters
        params.max_deterministic_time = work
        params.max_time_in_seconds = clock
        params.num_workers = max(1, workers)
        params.random_seed = 0
        # Interleaved search is deterministic whatever the number of workers.
        params.interleave_search = workers > 1
        # Stronger reasoning on the team's capacity: it proved random 40-activity roadmaps sooner.
        params.use_timetable_edge_finding_in_cumulative = True
        params.use_overload_checker_in_cumulative = True
        params.use_hard_precedences_in_cumulative = True
        status = solver.solve(self.model)
        stopped = status != cp.OPTIMAL and solver.deterministic_time < work * 0.98
        if status == cp.INFEASIBLE:
            return _Answer(None, infeasible=True)
        if status not in (cp.OPTIMAL, cp.FEASIBLE):
            return _Answer(None, clock_stopped=stopped)
        starts = {j: int(solver.value(v)) for j, v in self.starts.items()}
        return _Answer(starts, proven=status == cp.OPTIMAL, clock_stopped=stopped)


def _energy_bound(weekly: list[int], jobs: dict[str, Job]) -> int:
    """The first week by which the team, all hands on deck, could have done all the work: no schedule ends sooner."""
    work = sum(job.duration * job.people for job in jobs.values())
    done = 0
    for index, people in enumerate(weekly):
        done += people
        if done >= work:
            return index + 1
    return len(weekly)
