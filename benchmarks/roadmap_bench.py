"""Benchmark the roadmap scheduler against a plain baseline, its growth, and the CP-SAT optimiser.

Run: python benchmarks/roadmap_bench.py [--seed N] [--repeats N] [--quick] [--no-optimum]

1. Side by side: ``schedule_roadmap`` (the whole call from the Roadmap model: checks, two rules,
   slack, critical path) against a plain serial scheme written here (one pass in file order, first
   free window, nothing else), run alternately, ``--repeats`` times each; medians and their ratio.
2. Growth at a fixed team: the same random roadmaps at 500 to 8,000 activities with eight people,
   and the exponent of time against size (the slope of log time on log size).
3. ``--optimize`` on random 40-activity roadmaps: time against its limit, run twice to show the
   schedule is the same, and the makespan against the heuristic's.
4. Heuristic against the proven optimum on small random roadmaps (the gap table).

Every target is printed with whether this run met it. Figures move with the machine's load.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Callable

from partnerkit.model.roadmap import Activity, Phase, ProgramSettings, Roadmap
from partnerkit.model.values import Priority
from partnerkit.roadmap import schedule_roadmap

TARGET_SECONDS = 1.0  # 2,000 activities
TARGET_EXPONENT = 1.5  # growth at a fixed team: close to linear
OPTIMIZE_LIMIT = 10.0  # seconds, the default --time-limit


def random_roadmap(n: int, *, seed: int, capacity: int, max_deps: int = 3, window: int = 60) -> Roadmap:
    """``n`` activities; each depends on up to ``max_deps`` of the ``window`` activities before it."""
    rng = random.Random(seed)
    activities = []
    for i in range(n):
        earlier = list(range(max(0, i - window), i))
        deps = rng.sample(earlier, k=min(len(earlier), rng.randint(0, max_deps)))
        activities.append(
            Activity(
                id=f"a{i}",
                name=f"Activity {i}",
                goal="benchmark",
                duration_weeks=rng.randint(1, 8),
                people=rng.randint(1, min(3, capacity)),
                priority=rng.choice(["P0", "P1", "P2"]),
                depends_on=[f"a{d}" for d in deps],
            )
        )
    rng.shuffle(activities)  # file order must not matter
    settings = ProgramSettings(capacity=capacity, weeks_off=[26, 52, 78])
    return Roadmap(settings=settings, phases=[Phase(quarter="Q1", name="All", activities=activities)])


def plain_schedule(roadmap: Roadmap) -> int:
    """The baseline: one pass of the serial scheme in dependency order, each activity in its first free window.

    Weeks off, dependencies and capacity are kept; no priorities, no slack, no critical path.
    Returns the makespan in working weeks.
    """
    settings = roadmap.settings
    activities = {a.id: a for a in roadmap.activities()}
    order: list[str] = []
    seen: set[str] = set()
    for root in sorted(activities):
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            stack.extend((d, False) for d in activities[node].depends_on if d not in seen)
    free: list[int] = []
    end: dict[str, int] = {}
    for node in order:
        a = activities[node]
        start = max((end[d] for d in a.depends_on), default=0)
        while True:
            while len(free) < start + a.duration:
                free.append(settings.capacity)
            clash = [k for k in range(start, start + a.duration) if free[k] < a.people]
            if not clash:
                break
            start = clash[-1] + 1
        for k in range(start, start + a.duration):
            free[k] -= a.people
        end[node] = start + a.duration
    return max(end.values(), default=0)


def lower_bounds(roadmap: Roadmap) -> tuple[int, int]:
    """(longest dependency chain in weeks, total person-weeks / capacity): no schedule beats either."""
    acts = {a.id: a for a in roadmap.activities()}
    finish: dict[str, int] = {}
    # Each activity depends only on activities with a smaller number: number order is an order of work.
    for a in sorted(acts.values(), key=lambda a: int(a.id[1:])):
        finish[a.id] = a.duration + max((finish[d] for d in a.depends_on), default=0)
    work = sum(a.duration * a.people for a in acts.values())
    return max(finish.values()), -(-work // roadmap.settings.capacity)


def _timed(call: Callable[[], object]) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def side_by_side(roadmap: Roadmap, repeats: int) -> tuple[float, float]:
    """Median seconds of the baseline and of schedule_roadmap, run alternately (the order swaps each round)."""
    plain: list[float] = []
    ours: list[float] = []
    for round_ in range(repeats):
        pair = [("plain", lambda: plain_schedule(roadmap)), ("ours", lambda: schedule_roadmap(roadmap))]
        if round_ % 2:
            pair.reverse()
        for name, call in pair:
            (plain if name == "plain" else ours).append(_timed(call))
    return statistics.median(plain), statistics.median(ours)


def verdict(met: bool) -> str:
    """``met`` or ``MISSED``."""
    return "met" if met else "MISSED"


def table_side_by_side(seed: int, repeats: int, sizes: tuple[int, ...]) -> None:
    """Section 1: partnerkit's scheduler against the plain serial scheme."""
    print(f"1. schedule_roadmap against a plain serial scheme ({repeats} alternating runs each, medians)")
    print(f"   target: 2,000 activities in under {TARGET_SECONDS:.1f} s")
    print(
        f"{'activities':>10} {'deps':>6} {'team':>5} {'plain s':>8} {'ours s':>8} {'ratio':>6} "
        f"{'plain weeks':>11} {'our weeks':>9} {'chain LB':>8} {'work LB':>8} {'target':>7}"
    )
    for n in sizes:
        capacity = max(4, n // 250)
        roadmap = random_roadmap(n, seed=seed, capacity=capacity)
        deps = sum(len(a.depends_on) for a in roadmap.activities())
        plain, ours = side_by_side(roadmap, repeats)
        schedule = schedule_roadmap(roadmap)
        chain_lb, work_lb = lower_bounds(roadmap)
        target = verdict(ours < TARGET_SECONDS) if n == 2000 else ""
        print(
            f"{n:>10,} {deps:>6,} {capacity:>5} {plain:>8.3f} {ours:>8.3f} {ours / plain:>6.1f} "
            f"{plain_schedule(roadmap):>11} {schedule.calendar.index_at_or_after(schedule.makespan_weeks) + 1:>9} "
            f"{chain_lb:>8} {work_lb:>8} {target:>7}"
        )
    print("   (weeks are working weeks; the last two columns are lower bounds no schedule beats)")


def table_growth(seed: int, repeats: int, sizes: tuple[int, ...], capacity: int = 8) -> None:
    """Section 2: time against size with the same team, and the fitted exponent."""
    print()
    print(f"2. growth with a team of {capacity} throughout (median of {repeats})")
    print(f"   target: time grows like size^k with k < {TARGET_EXPONENT}")
    print(f"{'activities':>10} {'seconds':>8} {'makespan':>9}")
    points: list[tuple[float, float]] = []
    for n in sizes:
        roadmap = random_roadmap(n, seed=seed, capacity=capacity)
        seconds = statistics.median(_timed(lambda r=roadmap: schedule_roadmap(r)) for _ in range(repeats))
        points.append((math.log(n), math.log(seconds)))
        print(f"{n:>10,} {seconds:>8.3f} {schedule_roadmap(roadmap).makespan_weeks:>9}")
    xs, ys = zip(*points, strict=True)
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x in xs)
    print(f"   exponent k = {slope:.2f} ({verdict(slope < TARGET_EXPONENT)})")


def table_optimize(seed: int, count: int) -> None:
    """Section 3: --optimize on 40 activities within its limit, the same twice, and its gap to the heuristic."""
    try:
        from partnerkit.io.optimize import optimize_roadmap
    except ImportError:  # pragma: no cover
        print("OR-Tools is not installed: pip install 'partnerkit[optimize]' for sections 3 and 4")
        return
    print()
    print(f"3. --optimize on 40 activities, time limit {OPTIMIZE_LIMIT:g} s, each run twice")
    print("   targets: every run within its time limit; the same schedule on both runs")
    print(
        f"{'instance':>8} {'team':>5} {'heuristic':>9} {'optimised':>9} {'gap':>6} {'status':>9} "
        f"{'run 1 s':>8} {'run 2 s':>8} {'same':>5}"
    )
    within = same = 0
    for k in range(count):
        capacity = 3 + k % 3
        roadmap = random_roadmap(40, seed=seed * 100 + k, capacity=capacity)
        heuristic = schedule_roadmap(roadmap).makespan_weeks
        runs = []
        for _ in range(2):
            began = time.perf_counter()
            result = optimize_roadmap(roadmap, time_limit=OPTIMIZE_LIMIT)
            runs.append((time.perf_counter() - began, result))
        (first_s, first), (second_s, second) = runs
        identical = first.to_dict() == second.to_dict()
        within += first_s <= OPTIMIZE_LIMIT and second_s <= OPTIMIZE_LIMIT
        same += identical
        gap = (heuristic - first.makespan_weeks) / first.makespan_weeks
        print(
            f"{k:>8} {capacity:>5} {heuristic:>9} {first.makespan_weeks:>9} {gap:>6.1%} {first.method:>9} "
            f"{first_s:>8.2f} {second_s:>8.2f} {'yes' if identical else 'NO':>5}"
        )
    print(
        f"   within the limit: {within}/{count} ({verdict(within == count)}); same schedule: {same}/{count} ({verdict(same == count)})"
    )
    print("   (gap: how much longer the heuristic's schedule is than the optimiser's)")


def table_gaps(count: int, seed: int) -> None:
    """Section 4: heuristic against the optimum on small random instances."""
    from partnerkit.errors import PartnerkitError
    from partnerkit.io.optimize import optimize_roadmap

    print()
    print("4. heuristic against the optimum on small roadmaps (CP-SAT, 10 s limit each), makespan in weeks")
    print("   (heuristic: with the instance's P0/P1/P2 priorities, which the optimum ignores;")
    print("    one-priority: the same instance with every activity P1, the rule's pure quality)")
    print(
        f"{'instance':>8} {'n':>4} {'team':>5} {'heuristic':>10} {'one-prio':>9} {'optimum':>8} "
        f"{'status':>9} {'gap':>7} {'one-prio gap':>12}"
    )
    gaps: list[float] = []
    flat_gaps: list[float] = []
    for k in range(count):
        rng = random.Random(seed * 1000 + k)
        n = rng.randint(8, 16)
        capacity = rng.randint(2, 4)
        roadmap = random_roadmap(n, seed=seed * 1000 + k, capacity=capacity, max_deps=2, window=6)
        heuristic = schedule_roadmap(roadmap).makespan_weeks
        flat = roadmap.model_copy(deep=True)
        for activity in flat.phases[0].activities:
            activity.priority = Priority.P1
        one_priority = schedule_roadmap(flat).makespan_weeks
        try:
            optimum = optimize_roadmap(roadmap, time_limit=10.0)
        except PartnerkitError as error:
            print(f"{k:>8} optimiser failed: {error}")
            continue
        best = optimum.makespan_weeks
        gap, flat_gap = (heuristic - best) / best, (one_priority - best) / best
        gaps.append(gap)
        flat_gaps.append(flat_gap)
        print(
            f"{k:>8} {n:>4} {capacity:>5} {heuristic:>10} {one_priority:>9} {best:>8} "
            f"{optimum.method:>9} {gap:>6.1%} {flat_gap:>12.1%}"
        )
    if gaps:
        for label, values in (("with priorities", gaps), ("one priority", flat_gaps)):
            print(
                f"   {label}: mean gap {sum(values) / len(values):.1%}, worst {max(values):.1%}, "
                f"optimal on {values.count(0.0)}/{len(values)}"
            )


def main() -> None:
    """Print the benchmark tables."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per figure (at least 5)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer instances")
    parser.add_argument("--no-optimum", action="store_true", help="skip the optimiser's sections")
    parser.add_argument("--instances", type=int, default=12, help="small instances for the gap table")
    args = parser.parse_args()
    repeats = max(5, args.repeats)

    sizes = (500, 2000) if args.quick else (500, 2000, 8000)
    growth = (250, 500, 1000, 2000) if args.quick else (500, 1000, 2000, 4000, 8000)
    table_side_by_side(args.seed, repeats, sizes)
    table_growth(args.seed, repeats, growth)
    if not args.no_optimum:
        table_optimize(args.seed, 2 if args.quick else 4)
        table_gaps(4 if args.quick else args.instances, args.seed)


if __name__ == "__main__":
    main()
