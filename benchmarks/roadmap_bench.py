"""The roadmap scheduler against a plain serial scheme, its growth at a fixed team, and the CP-SAT optimiser.

    python benchmarks/roadmap_bench.py [--seed N] [--repeat 5] [--quick] [--no-optimum]

1. Side by side, each sample in its own process, alternating (harness.py): ``schedule_roadmap`` (the
   whole call from the Roadmap model: checks, two rules, slack, critical path) against a plain serial
   scheme written here over plain dicts (one pass in dependency order, first free window, nothing
   else; it imports nothing of partnerkit), at sizes where the team grows with the roadmap.
2. Growth at a fixed team of eight: the same random roadmaps at 500 to 8,000 activities, both
   contenders, and the exponent of time against size (the slope of a log-log fit).
3. ``--optimize`` on random 40-activity roadmaps: time against its limit, run twice to show the
   schedule is the same, and the makespan against the heuristic's (in this process).
4. Heuristic against the proven optimum on small random roadmaps (the gap table).

Targets: 2,000 activities in under 1 s; growth at a fixed team like size^k with k < 1.5; the optimiser
within its limit and the same schedule twice. Figures move with the machine's load.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness import Contender

TARGET_SECONDS = 1.0  # 2,000 activities
TARGET_EXPONENT = 1.5  # growth at a fixed team: close to linear
OPTIMIZE_LIMIT = 10.0  # seconds, the default --time-limit
WEEKS_OFF = (26, 52, 78)


def random_activities(
    n: int, *, seed: int, capacity: int, max_deps: int = 3, window: int = 60
) -> list[dict[str, Any]]:
    """``n`` activities as plain dicts; each depends on up to ``max_deps`` of the ``window`` activities before it."""
    rng = random.Random(seed)
    activities = []
    for i in range(n):
        earlier = list(range(max(0, i - window), i))
        deps = rng.sample(earlier, k=min(len(earlier), rng.randint(0, max_deps)))
        activities.append(
            {
                "id": f"a{i}",
                "name": f"Activity {i}",
                "goal": "benchmark",
                "duration_weeks": rng.randint(1, 8),
                "people": rng.randint(1, min(3, capacity)),
                "priority": rng.choice(["P0", "P1", "P2"]),
                "depends_on": [f"a{d}" for d in deps],
            }
        )
    rng.shuffle(activities)  # file order must not matter
    return activities


def random_roadmap(n: int, *, seed: int, capacity: int, max_deps: int = 3, window: int = 60) -> Any:
    """The same activities as partnerkit's Roadmap model."""
    from partnerkit.model.roadmap import Activity, Phase, ProgramSettings, Roadmap

    activities = [
        Activity(**a)
        for a in random_activities(n, seed=seed, capacity=capacity, max_deps=max_deps, window=window)
    ]
    settings = ProgramSettings(capacity=capacity, weeks_off=list(WEEKS_OFF))
    return Roadmap(settings=settings, phases=[Phase(quarter="Q1", name="All", activities=activities)])


def plain_schedule(activities: list[dict[str, Any]], capacity: int) -> int:
    """The baseline: one pass of the serial scheme in dependency order, each activity in its first free window.

    Dependencies and capacity are kept (weeks off are not); no priorities, no slack, no critical path.
    Returns the makespan in working weeks.
    """
    by_id = {a["id"]: a for a in activities}
    order: list[str] = []
    seen: set[str] = set()
    for root in sorted(by_id):
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
            stack.extend((d, False) for d in by_id[node]["depends_on"] if d not in seen)
    free: list[int] = []
    end: dict[str, int] = {}
    for node in order:
        a = by_id[node]
        duration, people = a["duration_weeks"], a["people"]
        start = max((end[d] for d in a["depends_on"]), default=0)
        while True:
            while len(free) < start + duration:
                free.append(capacity)
            clash = [k for k in range(start, start + duration) if free[k] < people]
            if not clash:
                break
            start = clash[-1] + 1
        for k in range(start, start + duration):
            free[k] -= people
        end[node] = start + duration
    return max(end.values(), default=0)


# --- the contenders (factories: the set-up here, the returned function is timed) --------------------


def partnerkit_contender(n: int, seed: int, capacity: int) -> Any:
    """partnerkit's ``schedule_roadmap`` from the Roadmap model."""
    from partnerkit.roadmap import schedule_roadmap

    roadmap = random_roadmap(n, seed=seed, capacity=capacity)

    def work() -> Any:
        return f"makespan {schedule_roadmap(roadmap).makespan_weeks} weeks"

    return work


def plain_contender(n: int, seed: int, capacity: int) -> Any:
    """The plain serial scheme over dicts."""
    activities = random_activities(n, seed=seed, capacity=capacity)

    def work() -> Any:
        return f"makespan {plain_schedule(activities, capacity)} weeks"

    return work


def side_by_side(
    bench: harness.Bench, seed: int, repeat: int, sizes: list[int], fixed: int | None
) -> list[harness.Results]:
    """Both contenders at each size (the team grows with the roadmap, or stays ``fixed``)."""
    me = str(Path(__file__).resolve())
    out = []
    for n in sizes:
        capacity = fixed or max(4, n // 250)
        kwargs = {"n": n, "seed": seed, "capacity": capacity}
        results = harness.run(
            f"{n:,} activities, a team of {capacity}",
            [
                Contender.call("partnerkit schedule_roadmap", me, "partnerkit_contender", **kwargs),
                Contender.call("plain serial scheme", me, "plain_contender", baseline=True, **kwargs),
            ],
            repeat,
        )
        bench.table(results, "the scheduling alone")
        shown = {name: next(iter(a)) for name, a in results.answers().items()}
        print(f"   partnerkit: {shown['partnerkit schedule_roadmap']}; plain: {shown['plain serial scheme']}")
        out.append(results)
    return out


def table_optimize(bench: harness.Bench, seed: int, count: int) -> None:
    """Section 3: --optimize on 40 activities within its limit, the same twice, and its gap to the heuristic."""
    from partnerkit.roadmap import schedule_roadmap

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
    bench.target(
        harness.Target(
            "roadmap --optimize, 40 activities",
            f"within {OPTIMIZE_LIMIT:g} s",
            f"{within}/{count} runs",
            within == count,
        )
    )
    bench.target(
        harness.Target(
            "roadmap --optimize, 40 activities", "same schedule twice", f"{same}/{count}", same == count
        )
    )
    print("   (gap: how much longer the heuristic's schedule is than the optimiser's)")


def table_gaps(count: int, seed: int) -> None:
    """Section 4: heuristic against the optimum on small random instances."""
    from partnerkit.errors import PartnerkitError
    from partnerkit.io.optimize import optimize_roadmap
    from partnerkit.model.values import Priority
    from partnerkit.roadmap import schedule_roadmap

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


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark tables and targets."""
    bench = harness.Bench("roadmap_bench", (__doc__ or "").splitlines()[0])
    bench.parser.add_argument("--seed", type=int, default=7)
    bench.parser.add_argument("--no-optimum", action="store_true", help="skip the optimiser's sections")
    bench.parser.add_argument("--instances", type=int, default=12, help="small instances for the gap table")
    args = bench.parse(argv)
    sizes = [100, 400] if args.quick else [500, 2000, 8000]
    growth = [100, 200, 400] if args.quick else [500, 1000, 2000, 4000, 8000]

    print("\n1. schedule_roadmap against a plain serial scheme, the team growing with the roadmap")
    for n, results in zip(sizes, side_by_side(bench, args.seed, args.repeat, sizes, None), strict=True):
        if n == 2000 or (args.quick and n == sizes[-1]):
            bench.under_seconds(
                results, "partnerkit schedule_roadmap", TARGET_SECONDS, f"roadmap, {n:,} activities"
            )

    print("\n2. growth with a team of 8 throughout")
    fixed = side_by_side(bench, args.seed, args.repeat, growth, 8)
    print()
    print(f"   {'activities':>10} {'partnerkit s':>12} {'plain s':>8}")
    for n, results in zip(growth, fixed, strict=True):
        print(
            f"   {n:>10,} {results.median('partnerkit schedule_roadmap'):>12.3f} {results.median('plain serial scheme'):>8.3f}"
        )
    ours = harness.fit_exponent(
        [(n, r.median("partnerkit schedule_roadmap")) for n, r in zip(growth, fixed, strict=True)]
    )
    plain = harness.fit_exponent(
        [(n, r.median("plain serial scheme")) for n, r in zip(growth, fixed, strict=True)]
    )
    print(f"   growth exponent (log-log fit): partnerkit {ours:.2f}, plain scheme {plain:.2f}")
    last = fixed[-1]
    bench.target(
        harness.Target(
            f"roadmap growth, team of 8, {growth[0]:,} to {growth[-1]:,} activities",
            f"exponent < {TARGET_EXPONENT:g}",
            f"time ~ size^{ours:.2f} (plain: ^{plain:.2f})",
            ours < TARGET_EXPONENT,
            partnerkit=last.median("partnerkit schedule_roadmap"),
            baseline=last.median("plain serial scheme"),
            ratio=last.ratio("plain serial scheme", "partnerkit schedule_roadmap"),
            memory=last.median("partnerkit schedule_roadmap", "rss_mb"),
        )
    )
    if not (args.no_optimum or args.quick):
        table_optimize(bench, args.seed, 4)
        table_gaps(args.instances, args.seed)
    return bench.finish()


if __name__ == "__main__":
    sys.exit(main())
