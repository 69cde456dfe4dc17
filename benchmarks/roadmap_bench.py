"""Benchmark the roadmap scheduler: 500, 2,000 and 8,000 activities against the 1-second target.

Run: python benchmarks/roadmap_bench.py [--seed N] [--no-optimum]

Prints, for each size, the time to schedule (best of three, the whole call from the Roadmap model),
the makespan and two lower bounds measured in the same run: the longest dependency chain and the
team's total work divided by its capacity. Then, on small random instances, the gap between the
heuristic and the CP-SAT optimum (when OR-Tools is installed: pip install 'partnerkit[optimize]').
"""

from __future__ import annotations

import argparse
import random
import time

from partnerkit.model.roadmap import Activity, Phase, ProgramSettings, Roadmap
from partnerkit.model.values import Priority
from partnerkit.roadmap import schedule_roadmap

TARGET_SECONDS = 1.0


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


def lower_bounds(roadmap: Roadmap) -> tuple[int, int]:
    """(longest dependency chain in weeks, total person-weeks / capacity) — no schedule beats either."""
    acts = {a.id: a for a in roadmap.activities()}
    finish: dict[str, int] = {}
    # Each activity depends only on activities with a smaller number: number order is an order of work.
    for a in sorted(acts.values(), key=lambda a: int(a.id[1:])):
        finish[a.id] = a.duration + max((finish[d] for d in a.depends_on), default=0)
    work = sum(a.duration * a.people for a in acts.values())
    return max(finish.values()), -(-work // roadmap.settings.capacity)


def time_schedule(roadmap: Roadmap, repeats: int = 3) -> tuple[float, int]:
    """Best wall time of ``repeats`` runs, and the makespan."""
    best = float("inf")
    makespan = 0
    for _ in range(repeats):
        began = time.perf_counter()
        schedule = schedule_roadmap(roadmap)
        best = min(best, time.perf_counter() - began)
        makespan = schedule.makespan_weeks
    return best, makespan


def optimum_gaps(count: int, seed: int) -> None:
    """Heuristic vs CP-SAT optimum on small random instances."""
    try:
        from partnerkit.io.optimize import optimize_roadmap
    except ImportError:  # pragma: no cover
        print("OR-Tools is not installed: pip install 'partnerkit[optimize]' to see the gap")
        return
    from partnerkit.errors import PartnerkitError

    print()
    print("heuristic vs optimum (CP-SAT, 10 s limit each), makespan in weeks")
    print("(heuristic: with the instance's P0/P1/P2 priorities, which the optimum ignores;")
    print(" one-priority: the same instance with every activity P1, the rule's pure quality)")
    print(
        f"{'instance':>8} {'n':>4} {'cap':>4} {'heuristic':>10} {'one-prio':>9} {'optimum':>8} "
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
            f"{k:>8} {n:>4} {capacity:>4} {heuristic:>10} {one_priority:>9} {best:>8} "
            f"{optimum.method:>9} {gap:>6.1%} {flat_gap:>12.1%}"
        )
    if gaps:
        for label, values in (("with priorities", gaps), ("one priority", flat_gaps)):
            print(
                f"{label}: mean gap {sum(values) / len(values):.1%}, worst {max(values):.1%}, "
                f"optimal on {values.count(0.0)}/{len(values)}"
            )


def main() -> None:
    """Print the benchmark tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-optimum", action="store_true", help="skip the heuristic-vs-optimum table")
    parser.add_argument("--instances", type=int, default=12, help="small instances for the gap table")
    args = parser.parse_args()

    print(f"roadmap scheduler, target < {TARGET_SECONDS:.1f} s for 2,000 activities")
    print(
        f"{'activities':>10} {'deps':>6} {'capacity':>8} {'seconds':>8} {'target':>7} "
        f"{'makespan':>8} {'chain LB':>8} {'work LB':>8}"
    )
    for n in (500, 2000, 8000):
        capacity = max(4, n // 250)
        roadmap = random_roadmap(n, seed=args.seed, capacity=capacity)
        deps = sum(len(a.depends_on) for a in roadmap.activities())
        seconds, makespan = time_schedule(roadmap)
        chain_lb, work_lb = lower_bounds(roadmap)
        verdict = ("ok" if seconds < TARGET_SECONDS else "SLOW") if n == 2000 else ""
        print(
            f"{n:>10,} {deps:>6,} {capacity:>8} {seconds:>8.3f} {verdict:>7} "
            f"{makespan:>8} {chain_lb:>8} {work_lb:>8}"
        )
    if not args.no_optimum:
        optimum_gaps(args.instances, args.seed)


if __name__ == "__main__":
    main()
