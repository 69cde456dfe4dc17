"""Benchmark: 100,000 partners x 3 tiers x ~8 criteria (one a points rule over a trailing window).

Measures, in one run, the columnar engine against a straightforward loop over per-partner pydantic
objects, and reading the same facts from an XLSX file with python-calamine (our reader) and openpyxl
(read-only, values only) side by side. Prints a table; no pass/fail.

    python benchmarks/tiers_bench.py [--partners 100000] [--skip-openpyxl]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from partnerkit.model.rules import (
    AllOf,
    AnyOf,
    AtLeastOf,
    Compare,
    Consistency,
    FactSpec,
    Points,
    TimeInTier,
    Tracks,
    ValidUntil,
    add_months,
)
from partnerkit.model.tiers import Tier
from partnerkit.tiers.evaluate import evaluate_facts
from partnerkit.tiers.explain import compact_rows, explain
from partnerkit.tiers.facts import DatedColumn, FactTable

AS_OF = date(2026, 10, 1)

SPECS = {
    "revenue": FactSpec(kind="money", dated=True, label="revenue"),
    "deals": FactSpec(kind="count", dated=True, label="deals"),
    "certified_staff": FactSpec(kind="count", unit="certified staff"),
    "executive_sponsor": FactSpec(kind="boolean"),
    "joint_business_plan": FactSpec(kind="boolean"),
    "integration_complete": FactSpec(kind="boolean"),
    "agreement_signed": FactSpec(kind="boolean"),
    "basic_training": FactSpec(kind="boolean"),
    "csat": FactSpec(kind="number"),
    "certification_expires": FactSpec(kind="date"),
}

POINTS = {
    "points_at_least": 60,
    "metrics": [
        {"fact": "revenue", "over_last": "12 months", "full_at": 200000, "points": 50},
        {"fact": "deals", "over_last": "12 months", "full_at": 8, "points": 20},
        {"fact": "certified_staff", "full_at": 4, "points": 20},
        {"fact": "csat", "full_at": 9, "points": 10},
    ],
}

TIERS = [
    {
        "name": "Gold",
        "level": 1,
        "rules": [
            {"fact": "revenue", "over_last": "12 months", "at_least": 250000},
            {"fact": "certified_staff", "at_least": 5},
            {"fact": "executive_sponsor", "is": True},
            {"fact": "joint_business_plan", "is": True},
            {"name": "Partner points", **POINTS},
            {"fact": "deals", "each_of_last": "4 quarters", "at_least": 1},
            {"valid_until": "certification_expires"},
            {"months_in_tier": 12},
        ],
    },
    {
        "name": "Silver",
        "level": 2,
        "rules": [
            {"fact": "revenue", "over_last": "12 months", "at_least": 50000},
            {"fact": "certified_staff", "at_least": 2},
            {
                "any_of": [
                    {"fact": "integration_complete", "is": True},
                    {"fact": "deals", "over_last": "12 months", "at_least": 4},
                ]
            },
            {"fact": "agreement_signed", "is": True},
            {"name": "Partner points", **{**POINTS, "points_at_least": 35}},
            {"valid_until": "certification_expires"},
            {"fact": "csat", "at_least": 7},
            {
                "at_least": 2,
                "of": [
                    {"fact": "basic_training", "is": True},
                    {"fact": "joint_business_plan", "is": True},
                    {"fact": "executive_sponsor", "is": True},
                ],
            },
        ],
    },
    {
        "name": "Bronze",
        "level": 3,
        "rules": [
            {"fact": "agreement_signed", "is": True},
            {"fact": "basic_training", "is": True},
            {"fact": "revenue", "over_last": "12 months", "more_than": 0},
            {"fact": "certified_staff", "at_least": 1},
            {"fact": "csat", "at_least": 5},
            {"fact": "deals", "over_last": "12 months", "at_least": 1},
            {"valid_until": "certification_expires"},
            {"all_of": [{"fact": "agreement_signed", "is": True}, {"fact": "csat", "at_most": 10}]},
        ],
    },
]


def make_facts(n: int, seed: int = 7) -> FactTable:
    """n partners with random facts; about 2% miss a fact (unknowns are part of real data)."""
    rng = random.Random(seed)
    table = FactTable(partners=[f"Partner {i:06d}" for i in range(n)], current_tier=[], tier_since=[])
    tiers = ["Gold", "Silver", "Bronze", None]
    cols: dict[str, list[Any]] = {k: [] for k, s in SPECS.items() if not s.dated}
    revenue, deals = DatedColumn(), DatedColumn()
    quarter_ends = [add_months(AS_OF, -3 * k) - timedelta(days=1) for k in range(4)]
    for i in range(n):
        table.current_tier.append(tiers[i % 4])
        table.tier_since.append(AS_OF - timedelta(days=rng.randint(30, 900)))
        scale = rng.choice((5000, 20000, 80000))
        for end in quarter_ends:
            revenue.add(i, end, float(rng.randint(0, scale)))
            deals.add(i, end - timedelta(days=20), float(rng.randint(0, 3)))
        cols["certified_staff"].append(rng.randint(0, 7))
        for flag in ("executive_sponsor", "joint_business_plan", "integration_complete", "agreement_signed"):
            cols[flag].append(rng.random() < 0.7)
        cols["basic_training"].append(None if rng.random() < 0.02 else rng.random() < 0.8)
        cols["csat"].append(round(rng.uniform(3, 10), 1))
        cols["certification_expires"].append(AS_OF + timedelta(days=rng.randint(-60, 400)))
    table.values = cols
    table.dated = {"revenue": revenue, "deals": deals}
    return table


# --- the baseline: a straightforward loop over per-partner pydantic objects -----------------------


class PartnerRecord(BaseModel):
    """One partner as a pydantic object, the way a first version would hold it."""

    name: str
    current_tier: str | None
    tier_since: date | None
    facts: dict[str, Any]
    dated: dict[str, list[tuple[date, float]]]


def to_records(table: FactTable) -> list[PartnerRecord]:
    """The fact table as pydantic objects (built before timing: the baseline's data is already loaded)."""
    dated: list[dict[str, list[tuple[date, float]]]] = [{} for _ in table.partners]
    for name, col in table.dated.items():
        for p, d, v in zip(col.partner, col.day, col.value, strict=True):
            dated[p].setdefault(name, []).append((date.fromordinal(d), v))
    return [
        PartnerRecord(
            name=name,
            current_tier=table.current_tier[i],
            tier_since=table.tier_since[i],
            facts={k: col[i] for k, col in table.values.items()},
            dated=dated[i],
        )
        for i, name in enumerate(table.partners)
    ]


def _value(p: PartnerRecord, fact: str, window: Any, aggregate: str = "sum") -> Any:
    if window is None:
        return p.facts.get(fact)
    obs = p.dated.get(fact)
    if obs is None:
        return None
    start = window.start(AS_OF)
    inside = [v for d, v in obs if start < d <= AS_OF]
    return len(inside) if aggregate == "count" else sum(inside)


def _and(values: list[bool | None]) -> bool | None:
    return False if False in values else (None if None in values else True)


def baseline_rule(rule: Any, p: PartnerRecord, level: int, levels: dict[str, int]) -> tuple[Any, ...]:
    """(met, actual, points) of one rule for one partner, by plain recursion."""
    if isinstance(rule, Compare):
        v = _value(p, rule.fact, rule.over_last, str(rule.aggregate))
        if v is None:
            return (None, None, None)
        op = rule.operator
        arg = rule.is_ if op == "is" else getattr(rule, op)
        if op == "at_least":
            met = v >= arg
        elif op == "more_than":
            met = v > arg
        elif op == "at_most":
            met = v <= arg
        elif op == "less_than":
            met = v < arg
        else:
            met = v is arg
        return (met, v, None)
    if isinstance(rule, Points):
        total, unknown, conds = 0.0, 0.0, []
        for m in rule.metrics:
            v = _value(p, m.fact, m.over_last, str(m.aggregate))
            if v is None:
                unknown += m.max_points
            else:
                total += min(m.max_points, max(0.0, v * m.points / m.full_at))
        need = rule.points_at_least
        met = True if total >= need else (False if total + unknown < need else None)
        return (_and([met, *conds]), total, total)
    if isinstance(rule, AllOf | AnyOf | AtLeastOf):
        kids = rule.all_of if isinstance(rule, AllOf) else rule.any_of if isinstance(rule, AnyOf) else rule.of
        mets = [baseline_rule(k, p, level, levels)[0] for k in kids]
        yes, maybe = mets.count(True), mets.count(None)
        need = len(kids) if isinstance(rule, AllOf) else 1 if isinstance(rule, AnyOf) else rule.at_least
        return (True if yes >= need else (False if yes + maybe < need else None), yes, None)
    if isinstance(rule, Consistency):
        obs = p.dated.get(rule.fact)
        if obs is None:
            return (None, None, None)
        end, good = AS_OF, 0
        for _ in range(rule.each_of_last.count):
            start = rule.each_of_last.period().start(end)
            if sum(v for d, v in obs if start < d <= end) >= rule.at_least:
                good += 1
            end = start
        return (good == rule.each_of_last.count, good, None)
    if isinstance(rule, ValidUntil):
        v = p.facts.get(rule.valid_until)
        return (None, None, None) if v is None else (v >= AS_OF, v, None)
    if isinstance(rule, TimeInTier):
        held = levels.get(p.current_tier) if p.current_tier else None
        if held is not None and held <= level:
            return (True, None, None)
        if p.current_tier is None:
            return (False, 0, None)
        if p.tier_since is None:
            return (None, None, None)
        return (add_months(p.tier_since, rule.months_in_tier) <= AS_OF, None, None)
    if isinstance(rule, Tracks):
        raise NotImplementedError
    raise TypeError(rule)


def baseline(records: list[PartnerRecord], tiers: list[Tier]) -> list[Any]:
    """Every partner's tier and per-criterion results, one partner at a time."""
    ordered = sorted(tiers, key=lambda t: t.level)
    levels = {t.name: t.level for t in ordered}
    out = []
    for p in records:
        results = []
        verdict = None
        for tier in ordered:
            rows = [baseline_rule(r, p, tier.level, levels) for r in tier.rules]
            results.append(rows)
            if verdict is None and _and([r[0] for r in rows]) is True:
                verdict = tier.name
        out.append((p.name, verdict, results))
    return out


# --- XLSX ------------------------------------------------------------------------------------------


def write_xlsx(table: FactTable, path: Path) -> None:
    """One row per partner with the scalar facts and a tier column (what a CRM export looks like)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "default_date_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("Facts")
    names = list(table.values)
    sheet.write_row(0, 0, ["partner", "tier", "tier_since", *names])
    for i, partner in enumerate(table.partners):
        sheet.write_string(i + 1, 0, partner)
        if table.current_tier[i]:
            sheet.write_string(i + 1, 1, table.current_tier[i])
        sheet.write_datetime(i + 1, 2, table.tier_since[i])
        for c, name in enumerate(names, start=3):
            value = table.values[name][i]
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(i + 1, c, value)
            elif isinstance(value, bool):
                sheet.write_boolean(i + 1, c, value)
            else:
                sheet.write_number(i + 1, c, value)
    book.close()


def openpyxl_read(path: Path) -> int:
    """Rows read by openpyxl in read-only mode, values only (no parsing into facts)."""
    import openpyxl

    book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    count = sum(1 for _ in book["Facts"].iter_rows(values_only=True))
    book.close()
    return count


CPU: dict[str, float] = {}


def timed(fn: Any, *args: Any, name: str = "") -> tuple[float, Any]:
    """Wall-clock seconds taken by one call, and its result (CPU seconds kept in CPU[name])."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    CPU[name] = time.process_time() - cpu
    return time.perf_counter() - start, result


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--skip-openpyxl", action="store_true", help="openpyxl takes about half a minute")
    args = parser.parse_args()
    n = args.partners
    tiers = [Tier.model_validate(t) for t in TIERS]
    criteria = sum(len(t.rules) for t in tiers)
    table = make_facts(n)
    gc.collect()

    t_eval, ev = timed(lambda: evaluate_facts(tiers, table, AS_OF, SPECS), name="eval")
    t_rows, rows = timed(compact_rows, ev, name="rows")
    t_explain, _ = timed(lambda: [explain(ev, i) for i in range(1000)], name="explain")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.xlsx"
        t_write, _ = timed(write_xlsx, table, path, name="write")
        from partnerkit.io.facts import load_facts

        gc.collect()
        t_calamine, (read, problems) = timed(
            load_facts, path, SPECS, ["Gold", "Silver", "Bronze"], name="calamine"
        )
        engine_peak = peak_mb()
        t_openpyxl = None if args.skip_openpyxl else timed(openpyxl_read, path, name="openpyxl")[0]
    del read, rows

    records = to_records(table)
    gc.collect()
    t_base, base = timed(baseline, records, tiers, name="base")
    agree = sum(1 for i, b in enumerate(base) if b[1] == ev.tier[i])
    whole_peak = peak_mb()

    engine = t_eval + t_rows
    engine_cpu = CPU["eval"] + CPU["rows"]

    def line(label: str, wall: float | None, cpu: float | None, target: str = "") -> None:
        shown = "skipped" if wall is None else f"{wall:.3f}"
        shown_cpu = "" if cpu is None else f"{cpu:.3f}"
        print(f"{label:56} {shown:>8} {shown_cpu:>8} {target:>9}")

    print(f"partners: {n:,}; tiers: {len(tiers)}; criteria: {criteria} (one a points rule over 12 months)")
    print(f"verdicts agree with the baseline: {agree:,} of {n:,}; XLSX rows read back: {n:,}")
    print(f"problems reading the XLSX: {len(problems)}; load average at the end: {os.getloadavg()[0]:.1f}")
    print()
    print(f"{'measure':56} {'wall s':>8} {'cpu s':>8} {'target':>9}")
    print(f"{'-' * 56} {'-' * 8} {'-' * 8} {'-' * 9}")
    line("columnar evaluation (all tiers, criteria, verdicts)", t_eval, CPU["eval"])
    line("  + explanation tuples for every partner", t_rows, CPU["rows"])
    line("columnar total, with explanations", engine, engine_cpu, "< 1 s")
    line("baseline: loop over per-partner pydantic objects", t_base, CPU["base"])
    print(
        f"{'speed-up over the baseline (wall / cpu)':56} {t_base / engine:7.1f}x {CPU['base'] / engine_cpu:7.1f}x {'>= 3x':>9}"
    )
    line("worded explanation of 1,000 partners (on demand)", t_explain, CPU["explain"])
    line("write the XLSX with xlsxwriter (setup)", t_write, CPU["write"])
    line("read facts from XLSX: python-calamine + cell rules", t_calamine, CPU["calamine"], "< 3 s")
    line("read the same XLSX: openpyxl read-only, values only", t_openpyxl, CPU.get("openpyxl"))
    print(f"{'peak memory, engine and XLSX reading (MB, max RSS)':56} {engine_peak:8.0f} {'':8} {'< 500':>9}")
    print(f"{'peak memory, whole run with the baseline objects (MB)':56} {whole_peak:8.0f}")
    if agree != n:
        sys.exit("the engine and the baseline disagree")


if __name__ == "__main__":
    main()
