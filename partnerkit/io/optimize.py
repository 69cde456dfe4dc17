"""The exact roadmap through OR-Tools CP-SAT: the shortest makespan under the scheduler's constraints.

An extra (``pip install 'partnerkit[optimize]'``); OR-Tools is imported only when this runs. The
heuristic schedule is the starting point and the upper bound, so the answer is never worse.
"""

from __future__ import annotations

from datetime import date

from partnerkit.errors import PartnerkitError
from partnerkit.model.plan import Plan
from partnerkit.model.roadmap import Roadmap
from partnerkit.roadmap.schedule import Schedule, build_schedule
from partnerkit.roadmap.scheduler import best_serial_schedule, deadline_warnings, prepare_roadmap


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
    workers: int = 2,
) -> Schedule:
    """The schedule with the shortest makespan CP-SAT finds within ``time_limit`` seconds.

    Same constraints as ``schedule_roadmap``: dependencies, capacity each working week, weeks off,
    quarters and earliest starts, and the fixed starts the heuristic could keep. ``method`` is
    ``"optimal"`` when proven, ``"feasible"`` when the time ran out first.
    """
    try:
        from ortools.sat.python import cp_model
    except ImportError as error:
        raise OptimizerUnavailableError() from error

    prepared = prepare_roadmap(plan, start=start, capacity=capacity)
    network, calendar = prepared.network, prepared.calendar
    jobs = network.jobs
    heuristic, releases, heuristic_problems = best_serial_schedule(prepared)
    if not jobs:
        return build_schedule(network, calendar, heuristic, releases, problems=heuristic_problems)
    horizon = max(heuristic[j] + jobs[j].duration for j in jobs)

    model = cp_model.CpModel()
    starts = {}
    intervals = []
    demands = []
    for j, job in jobs.items():
        kept_fixed = (
            job.fixed is not None and releases[j] == heuristic[j] and releases[j] == prepared.early.release[j]
        )
        low = releases[j]
        high = low if kept_fixed else horizon - job.duration
        starts[j] = model.new_int_var(low, high, f"s_{j}")
        intervals.append(model.new_fixed_size_interval_var(starts[j], job.duration, f"i_{j}"))
        demands.append(job.people)
        model.add_hint(starts[j], heuristic[j])
    for j, job in jobs.items():
        for dep in job.depends_on:
            model.add(starts[j] >= starts[dep] + jobs[dep].duration)

    # A team that changes size: the peak capacity, minus fixed blocks where it is smaller.
    weekly = calendar.capacity_by_index(horizon)
    peak = max(weekly)
    index = 0
    while index < horizon:
        end = index
        while end < horizon and weekly[end] == weekly[index]:
            end += 1
        if weekly[index] < peak:
            intervals.append(model.new_fixed_size_interval_var(index, end - index, f"team_{index}"))
            demands.append(peak - weekly[index])
        index = end
    model.add_cumulative(intervals, demands, peak)

    makespan = model.new_int_var(0, horizon, "makespan")
    for j, job in jobs.items():
        model.add(makespan >= starts[j] + job.duration)
    model.minimize(makespan)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    if status == cp_model.OPTIMAL:
        method, found = "optimal", {j: int(solver.value(v)) for j, v in starts.items()}
    elif status == cp_model.FEASIBLE:
        method, found = "feasible", {j: int(solver.value(v)) for j, v in starts.items()}
    else:
        method, found = "heuristic", heuristic
    moved = [p for p in heuristic_problems if p.code == "fixed-start-moved"]
    problems = [*prepared.problems, *moved, *deadline_warnings(prepared, found, releases)]
    return build_schedule(network, calendar, found, releases, method=method, problems=problems)
