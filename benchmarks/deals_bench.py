"""Benchmark: check 1,000,000 deals for conflicts and compute a quarter's payouts for 10,000 partners.

Prints, in one run:

* the conflict check (``check_registrations``) and the whole job (check, attribution, the 2026-Q3
  payout run) at 250k, 500k and 1M deals, to show the growth is linear, with peak memory;
* the conflict check against a straightforward baseline written plainly (each registration
  compared with every other registration, accounts folded inside the comparison), alternating the
  two, at sizes where the baseline finishes, with medians and ratios; both must agree.

Targets on a 2-core machine: under 10 s end to end for 1M deals and 10,000 partners, under 2 GB.

    python benchmarks/deals_bench.py [--deals 1000000] [--partners 10000] [--repeats 5] [--quick]
"""

from __future__ import annotations

import argparse
import copy
import gc
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from partnerkit.io.planfile import example_plan_path
from partnerkit.model import Plan
from partnerkit.payouts import compute_payouts
from partnerkit.pipeline import (
    Deal,
    RegistrationStatus,
    Stage,
    Touch,
    attribute,
    check_registrations,
    parse_period,
    partner_rules,
    same_account,
)
from partnerkit.pipeline.registrations import accounts_of
from partnerkit.pipeline.rules import PartnerRules, rules_by_name

AS_OF = date(2026, 9, 30)
PERIOD = parse_period("2026-Q3")
START = date(2025, 7, 1)
SUFFIXES = ["Inc", "Inc.", "LLC", "Ltd", "GmbH", "S.A.", ""]


def big_plan(partners: int) -> Plan:
    """The example plan with ``partners`` partners: integration and distribution, in every tier."""
    import yaml

    data = yaml.safe_load(example_plan_path().read_text(encoding="utf-8"))
    integ = data["categories"]["integration"]["partners"]
    dist = data["categories"]["distribution"]["partners"]
    tiers = [None, "Registered", "Registered", "Premier", "Strategic"]
    template_i, template_d = integ[0], dist[0]
    for n in range(partners - len(integ) - len(dist) - len(data["categories"]["ecosystem"]["partners"])):
        base = copy.deepcopy(template_i if n % 3 == 0 else template_d)
        base.update(name=f"Partner {n:05d}", tier=tiers[n % len(tiers)], facts={}, overrides={})
        for key in ("legal_name", "notice_address", "contact", "effective_date", "tier_since"):
            base.pop(key, None)
        (integ if n % 3 == 0 else dist).append(base)
    return Plan.model_validate(data, context={"currency": "USD"})


def synthetic_deals(count: int, plan: Plan, seed: int = 7) -> list[Deal]:
    """``count`` deal rows on count/3 accounts, about three registrations each over 15 months.

    Like a CRM export: each account has its CRM name and domain; one row in ten carries the name as
    a partner typed it (another legal suffix, other case), one in ten the domain with ``www.``, one in
    ten no domain at all. A quarter of the rows are influence touches; 45% of the deals are won, 15%
    lost; one won deal in forty is refunded.
    """
    rnd = random.Random(seed)
    names = [p.name for _, p in plan.partners()]
    accounts = max(count // 3, 1)
    out = []
    won, lost, open_ = Stage.WON, Stage.LOST, Stage.OPEN
    touches = [Touch.SOURCED, Touch.SOURCED, Touch.REFERRAL, Touch.INFLUENCED]
    for n in range(count):
        a = rnd.randrange(accounts)
        spelling = rnd.randrange(10 * len(SUFFIXES))
        name = f"Account {a} Inc" if spelling >= len(SUFFIXES) else f"ACCOUNT {a} {SUFFIXES[spelling]}"
        where = rnd.randrange(10)
        domain = None if where == 0 else (f"account{a}.example" if where > 1 else f"www.account{a}.example")
        registered = START + timedelta(days=rnd.randrange(450))
        touch = touches[n % 4]
        approved = registered + timedelta(days=rnd.randrange(5)) if n % 7 else None
        roll = rnd.random()
        stage = won if roll < 0.45 else (lost if roll < 0.6 else open_)
        close = registered + timedelta(days=rnd.randrange(150))
        out.append(
            Deal(
                deal_id=f"D-{n}",
                account_name=name,
                account_domain=domain,
                partner=names[rnd.randrange(len(names))],
                touch=touch,
                stage=stage,
                amount=Decimal(rnd.randrange(100_000, 10_000_000)) / 100,
                currency="USD",
                registered_on=registered if touch is not Touch.INFLUENCED or n % 3 == 0 else None,
                approved_on=approved if touch is not Touch.INFLUENCED else None,
                close_date=close if stage is not open_ else None,
                refunded_on=close + timedelta(days=rnd.randrange(200))
                if stage is won and n % 40 == 0
                else None,
            )
        )
    return out


def plain_conflicts(
    plan: Plan, deals: Sequence[Deal], as_of: date, rules: dict[str, PartnerRules]
) -> list[int]:
    """The baseline, written plainly: every registration compared with every other one.

    Registrations are taken in approval order; one loses when an earlier protected registration of
    another partner on the same account (folded inside the comparison) covers its approval day.
    Returns the rows that lose.
    """
    by_name = rules_by_name(rules, {d.partner for d in deals})
    regs = [
        i
        for i, d in enumerate(deals)
        if d.touch is not Touch.INFLUENCED
        and d.registered_on is not None
        and d.registered_on <= as_of
        and d.partner in by_name
        and by_name[d.partner].may_register
        and d.approved_on is not None
        and d.approved_on <= as_of
    ]
    regs.sort(
        key=lambda i: (deals[i].approved_on, deals[i].registered_on, deals[i].deal_id, deals[i].partner)
    )
    protected: dict[int, date] = {}
    lost = []
    for i in regs:
        d = deals[i]
        rule = by_name[d.partner]
        beaten = False
        for j in regs:
            if j == i or j not in protected:
                continue
            other = deals[j]
            if (
                by_name[other.partner].partner != rule.partner
                and other.approved_on <= d.approved_on <= protected[j]  # type: ignore[operator]
                and same_account(
                    (d.account_name, d.account_domain), (other.account_name, other.account_domain)
                )
            ):
                beaten = True
                break
        if beaten:
            lost.append(i)
        else:
            days = rule.protection_for(d.touch) or rule.protection_days or 1
            protected[i] = d.approved_on + timedelta(days=days - 1)  # type: ignore[operator]
    return sorted(lost)


def linear_conflicts(
    plan: Plan, deals: Sequence[Deal], as_of: date, rules: dict[str, PartnerRules]
) -> list[int]:
    """partnerkit's check (account matching included): the rows that lose."""
    check = check_registrations(plan, deals, as_of, rules=rules)
    return [i for i, s in enumerate(check.status) if s is RegistrationStatus.LOST]


def job_once(plan: Plan, deals: Sequence[Deal], rules: dict[str, PartnerRules]) -> dict[str, Any]:
    """One run of the whole job; per step (wall s, CPU s), and the check and the run under "result"."""
    out: dict[str, Any] = {}

    def step(name: str, work: Callable[[], Any]) -> Any:
        gc.collect()  # a full collection over a million rows is not the job's: keep it out of the timing
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        out[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        return result

    accounts = step("accounts", lambda: accounts_of(deals))
    check = step(
        "check", lambda: check_registrations(plan, deals, PERIOD.end, rules=rules, accounts=accounts)
    )
    credit = step("attribute", lambda: attribute(plan, deals, check, rules=rules, period=PERIOD))
    run = step(
        "payouts", lambda: compute_payouts(plan, deals, PERIOD, rules=rules, check=check, attribution=credit)
    )
    out["result"] = (check, run)
    return out


def timed(job: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = job()
    return time.perf_counter() - start, result


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5, help="runs of each baseline comparison")
    parser.add_argument("--job-repeats", type=int, default=3, help="runs of the whole job at each size")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)
    sizes = [args.deals // 4, args.deals // 2, args.deals]
    baseline_sizes = [500, 1000, 2000, 4000]
    if args.quick:
        sizes, baseline_sizes, args.repeats, args.job_repeats = [2500, 5000, 10_000], [250, 500], 3, 1

    t_plan, plan = timed(lambda: big_plan(args.partners))
    t_rules, rules = timed(lambda: partner_rules(plan))
    print(f"plan with {args.partners:,} partners: built in {t_plan:.2f} s; partner rules {t_rules:.2f} s")

    print(
        f"\nlinear growth (wall seconds, median of {args.job_repeats} runs; generating the rows is not timed)"
    )
    print(
        f"{'deals':>10} {'accounts':>9} {'check':>7} {'attribute':>10} {'payouts':>8} {'job':>7} "
        f"{'job cpu':>8} {'s / 1M':>7} {'lost':>8} {'statements':>11} {'peak MB':>8}"
    )
    last: dict[str, float] = {}
    for size in sizes:
        t_gen, deals = timed(lambda size=size: synthetic_deals(size, plan))
        runs = [job_once(plan, deals, rules)]
        for _ in range(args.job_repeats - 1):
            again = job_once(plan, deals, rules)
            del again["result"]  # one run's results in memory at a time, as in real use
            runs.append(again)
        steps = {
            k: statistics.median(r[k][0] for r in runs) for k in ("accounts", "check", "attribute", "payouts")
        }
        job = statistics.median(sum(r[k][0] for k in steps) for r in runs)
        cpu = statistics.median(sum(r[k][1] for k in steps) for r in runs)
        check, run = runs[0]["result"]
        lost = check.count(RegistrationStatus.LOST)
        print(
            f"{size:>10,} {steps['accounts']:>9.2f} {steps['check']:>7.2f} {steps['attribute']:>10.2f} "
            f"{steps['payouts']:>8.2f} {job:>7.2f} {cpu:>8.2f} {job / size * 1e6:>7.2f} {lost:>8,} "
            f"{len(run.statements):>11,} {peak_mb():>8.0f}"
        )
        last = {"total": job + t_rules, "gen": t_gen, "cpu": cpu + t_rules}
        del deals, runs, check, run
    print(
        f"\nend to end at {sizes[-1]:,} deals: {last['total']:.2f} s wall, {last['cpu']:.2f} s CPU (partner rules, "
        f"accounts, check, attribution, payouts; medians); generating the rows took {last['gen']:.2f} s more; "
        f"peak memory {peak_mb():.0f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"target under 10 s: {'met' if last['total'] < 10 else 'NOT met'}; "
        f"under 2 GB: {'met' if peak_mb() < 2048 else 'NOT met'}"
    )

    print(
        f"\nconflict check against the plain pairwise baseline (alternating, {args.repeats} repeats, medians)"
    )
    print(f"{'deals':>8} {'baseline s':>11} {'linear s':>9} {'ratio':>8} {'agree':>6}")
    for size in baseline_sizes:
        deals = synthetic_deals(size, plan, seed=size)
        base_times, fast_times = [], []
        agree = True
        for _ in range(args.repeats):
            tb, slow = timed(lambda deals=deals: plain_conflicts(plan, deals, AS_OF, rules))
            tf, fast = timed(lambda deals=deals: linear_conflicts(plan, deals, AS_OF, rules))
            base_times.append(tb)
            fast_times.append(tf)
            agree = agree and slow == fast
        mb, mf = statistics.median(base_times), statistics.median(fast_times)
        print(f"{size:>8,} {mb:>11.3f} {mf:>9.4f} {mb / mf:>7.0f}x {'yes' if agree else 'NO':>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
