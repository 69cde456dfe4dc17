"""Benchmark: 100,000 partners x 3 tiers x 8 criteria, with calendar periods and exact money.

The rules use trailing, calendar, completed and fiscal windows (``12 months``, ``6 calendar months``,
``4 completed quarters``, ``1 fiscal year``) over revenue held in exact cents (Decimal), a points
rule, a consistency gate on completed quarters, a time-in-tier gate and validity dates.

Two ways to get every partner's tier and the (met, actual) of every criterion, timed in the same
run, alternating, several times, and compared by their medians:

* the columnar engine (``evaluate_facts`` plus ``compact_rows``, the explanation tuples);
* a straightforward loop, written the way a first version would be: each partner a small pydantic
  record, the rules plain dicts as a YAML file holds them, window edges worked out once per review
  date, then partner by partner, rule by rule. It shares nothing with partnerkit's rule objects.

Both must give every partner the same tier. Optionally reads the same facts from an XLSX file with
python-calamine (our reader) and openpyxl. Prints a table; no pass/fail.

    python benchmarks/tiers_bench.py [--partners 100000] [--repeats 5] [--xlsx] [--openpyxl]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from partnerkit.model.rules import FactSpec
from partnerkit.model.tiers import Tier
from partnerkit.tiers.evaluate import evaluate_facts
from partnerkit.tiers.explain import compact_rows, explain
from partnerkit.tiers.facts import DatedColumn, FactTable

AS_OF = date(2026, 10, 1)
FISCAL_YEAR_STARTS = 2  # February

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

TIERS: list[dict[str, Any]] = [
    {
        "name": "Gold",
        "level": 1,
        "rules": [
            {"fact": "revenue", "over_last": "4 completed quarters", "at_least": 250000.00},
            {"fact": "certified_staff", "at_least": 5},
            {"fact": "executive_sponsor", "is": True},
            {"fact": "joint_business_plan", "is": True},
            {"name": "Partner points", **POINTS},
            {"fact": "deals", "each_of_last": "4 completed quarters", "at_least": 1},
            {"valid_until": "certification_expires"},
            {"months_in_tier": 12},
        ],
    },
    {
        "name": "Silver",
        "level": 2,
        "rules": [
            {"fact": "revenue", "over_last": "1 fiscal year", "at_least": 50000.50},
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
            {"fact": "revenue", "over_last": "6 calendar months", "more_than": 0},
            {"fact": "certified_staff", "at_least": 1},
            {"fact": "csat", "at_least": 5},
            {"fact": "deals", "over_last": "12 months", "at_least": 1},
            {"valid_until": "certification_expires"},
            {"all_of": [{"fact": "agreement_signed", "is": True}, {"fact": "csat", "at_most": 10}]},
        ],
    },
]


def make_facts(n: int, seed: int = 7) -> FactTable:
    """n partners with random facts in exact cents; about 2% miss a fact (unknowns are real data)."""
    rng = random.Random(seed)
    table = FactTable(partners=[f"Partner {i:06d}" for i in range(n)], current_tier=[], tier_since=[])
    tiers = ["Gold", "Silver", "Bronze", None]
    cols: dict[str, list[Any]] = {k: [] for k, s in SPECS.items() if not s.dated}
    revenue, deals = DatedColumn(), DatedColumn()
    quarter_ends = [date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)]
    cents = Decimal("0.01")
    for i in range(n):
        table.current_tier.append(tiers[i % 4])
        table.tier_since.append(AS_OF - timedelta(days=rng.randint(30, 900)))
        scale = rng.choice((5000, 20000, 80000))
        for end in quarter_ends:
            revenue.add(i, end, rng.randint(0, scale * 100) * cents)
            deals.add(i, end - timedelta(days=20), rng.randint(0, 3))
        cols["certified_staff"].append(rng.randint(0, 7))
        for flag in ("executive_sponsor", "joint_business_plan", "integration_complete", "agreement_signed"):
            cols[flag].append(rng.random() < 0.7)
        cols["basic_training"].append(None if rng.random() < 0.02 else rng.random() < 0.8)
        cols["csat"].append(Decimal(rng.randint(30, 100)) / 10)
        cols["certification_expires"].append(AS_OF + timedelta(days=rng.randint(-60, 400)))
    table.values = cols
    table.dated = {"revenue": revenue, "deals": deals}
    return table


# --- the baseline: a straightforward loop over per-partner pydantic records and rule dicts ----------


class PartnerRecord(BaseModel):
    """One partner as a pydantic record, the way a first version would hold it."""

    name: str
    tier: str | None
    tier_since: date | None
    facts: dict[str, Any]
    dated: dict[str, list[tuple[date, Any]]]


def to_records(table: FactTable) -> list[PartnerRecord]:
    """The facts as records (built before timing: the baseline's data is already loaded)."""
    dated: list[dict[str, list[tuple[date, Any]]]] = [{} for _ in table.partners]
    for name, col in table.dated.items():
        for p, d, v in zip(col.partner, col.day, col.value, strict=True):
            dated[p].setdefault(name, []).append((date.fromordinal(d), v))
    return [
        PartnerRecord(
            name=name,
            tier=table.current_tier[i],
            tier_since=table.tier_since[i],
            facts={k: col[i] for k, col in table.values.items()},
            dated=dated[i],
        )
        for i, name in enumerate(table.partners)
    ]


def month_shift(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's end."""
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = (date(y + (m + 1) // 12, (m + 1) % 12 + 1, 1) - timedelta(days=1)).day
    return date(y, m + 1, min(day.day, last))


def month_start(index: int) -> date:
    """The first day of month number ``index`` (year * 12 + month - 1)."""
    return date(index // 12, index % 12 + 1, 1)


def periods_of(text: str, as_of: date) -> list[tuple[date, date]]:
    """A window's periods, oldest first, each (first day, last day): written for this script alone."""
    words = text.split()
    count, unit = int(words[0]), words[-1].rstrip("s")
    size = {"month": 1, "quarter": 3, "year": 12}[unit]
    if len(words) == 2:  # trailing
        return [
            (month_shift(as_of, -size * (k + 1)) + timedelta(days=1), month_shift(as_of, -size * k))
            for k in range(count - 1, -1, -1)
        ]
    offset = FISCAL_YEAR_STARTS - 1 if "fiscal" in words else 0
    current = (as_of.year * 12 + as_of.month - 1 - offset) // size
    last = current - 1 if "completed" in words else current
    out = []
    for k in range(last - count + 1, last + 1):
        end = month_start((k + 1) * size + offset) - timedelta(days=1)
        out.append((month_start(k * size + offset), min(end, as_of)))
    return out


def prepare(rule: dict[str, Any], as_of: date) -> dict[str, Any]:
    """A rule dict with its window's periods worked out once for the review date."""
    out = dict(rule)
    for key in ("over_last", "each_of_last"):
        if key in rule:
            out["_periods"] = periods_of(rule[key], as_of)
    if "metrics" in rule:
        out["metrics"] = [prepare(m, as_of) for m in rule["metrics"]]
    for key in ("all_of", "any_of", "of"):
        if key in rule:
            out[key] = [prepare(r, as_of) for r in rule[key]]
    for key in ("at_least", "more_than", "at_most", "points_at_least", "full_at", "points"):
        if isinstance(out.get(key), float):
            out[key] = Decimal(repr(out[key]))
    return out


def _value(p: PartnerRecord, rule: dict[str, Any]) -> Any:
    if "_periods" not in rule:
        return p.facts.get(rule["fact"])
    obs = p.dated.get(rule["fact"])
    if obs is None:
        return None
    first, last = rule["_periods"][0][0], rule["_periods"][-1][1]
    return sum((v for d, v in obs if first <= d <= last), Decimal(0))


def _and(values: list[bool | None]) -> bool | None:
    return False if False in values else (None if None in values else True)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if month_shift(start, months) > end else months


def baseline_rule(
    rule: dict[str, Any], p: PartnerRecord, level: int, levels: dict[str, int]
) -> tuple[Any, Any]:
    """(met, actual) of one rule for one partner, by plain recursion over the rule dicts."""
    if "metrics" in rule:
        total, unknown = Decimal(0), Decimal(0)
        for m in rule["metrics"]:
            v = _value(p, m)
            top = Decimal(m.get("cap", m["points"]))
            if v is None:
                unknown += top
            else:
                total += min(top, max(Decimal(0), Decimal(v) * m["points"] / Decimal(m["full_at"])))
        need = rule["points_at_least"]
        return (True if total >= need else (False if total + unknown < need else None), total)
    for key in ("all_of", "any_of", "of"):
        if key in rule:
            mets = [baseline_rule(k, p, level, levels)[0] for k in rule[key]]
            yes, maybe = mets.count(True), mets.count(None)
            need = {"all_of": len(mets), "any_of": 1, "of": rule.get("at_least", 1)}[key]
            return (True if yes >= need else (False if yes + maybe < need else None), yes)
    if "each_of_last" in rule:
        obs = p.dated.get(rule["fact"])
        if obs is None:
            return (None, None)
        good = sum(
            1
            for first, last in rule["_periods"]
            if sum(v for d, v in obs if first <= d <= last) >= rule["at_least"]
        )
        return (good == len(rule["_periods"]), good)
    if "valid_until" in rule:
        v = p.facts.get(rule["valid_until"])
        return (None, None) if v is None else (v >= AS_OF, v)
    if "months_in_tier" in rule:
        held = levels.get(p.tier) if p.tier else None
        if held is not None and held <= level:
            return (True, None)
        if p.tier is None:
            return (False, 0)
        if p.tier_since is None:
            return (None, None)
        return (
            month_shift(p.tier_since, rule["months_in_tier"]) <= AS_OF,
            months_between(p.tier_since, AS_OF),
        )
    v = _value(p, rule)
    if v is None:
        return (None, None)
    if "at_least" in rule:
        return (v >= rule["at_least"], v)
    if "more_than" in rule:
        return (v > rule["more_than"], v)
    if "at_most" in rule:
        return (v <= rule["at_most"], v)
    return (v == rule["is"], v)


def baseline(
    records: list[PartnerRecord], tiers: list[dict[str, Any]]
) -> list[tuple[str, str | None, list[Any]]]:
    """Every partner's tier and per-criterion (met, actual), one partner at a time."""
    ordered = sorted(tiers, key=lambda t: t["level"])
    levels = {t["name"]: t["level"] for t in ordered}
    prepared = [(t["name"], t["level"], [prepare(r, AS_OF) for r in t["rules"]]) for t in ordered]
    out = []
    for p in records:
        results = []
        verdict = None
        for name, level, rules in prepared:
            rows = [baseline_rule(r, p, level, levels) for r in rules]
            results.append(rows)
            if verdict is None and _and([r[0] for r in rows]) is True:
                verdict = name
        out.append((p.name, verdict, results))
    return out


# --- XLSX ------------------------------------------------------------------------------------------


def write_xlsx(table: FactTable, path: Path) -> None:
    """One row per partner with the undated facts and a tier column (what a CRM export looks like)."""
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
                sheet.write_number(i + 1, c, float(value))
    book.close()


def openpyxl_read(path: Path) -> int:
    """Rows read by openpyxl in read-only mode, values only (no parsing into facts)."""
    import openpyxl

    book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    count = sum(1 for _ in book["Facts"].iter_rows(values_only=True))
    book.close()
    return count


def timed(fn: Any, *args: Any) -> tuple[float, float, Any]:
    """Wall-clock and CPU seconds of one call (the collector paused, as the engine pauses it), and its result."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return time.perf_counter() - start, time.process_time() - cpu, result


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5, help="alternating runs of each (at least 5)")
    parser.add_argument("--xlsx", action="store_true", help="also write and read the facts as XLSX")
    parser.add_argument("--openpyxl", action="store_true", help="with --xlsx: openpyxl too (slow)")
    args = parser.parse_args()
    n, repeats = args.partners, max(5, args.repeats)
    tiers = [Tier.model_validate(t) for t in TIERS]
    criteria = sum(len(t.rules) for t in tiers)
    table = make_facts(n)
    records = to_records(table)

    def engine() -> tuple[Any, Any]:
        ev = evaluate_facts(tiers, table, AS_OF, SPECS, fiscal_year_starts=FISCAL_YEAR_STARTS)
        return ev, compact_rows(ev)

    samples: dict[str, list[tuple[float, float]]] = {"engine": [], "baseline": []}
    ev = base = None
    for _ in range(repeats):  # alternating, so both see the same machine
        wall, cpu, (ev, rows) = timed(engine)
        samples["engine"].append((wall, cpu))
        del rows
        wall, cpu, base = timed(baseline, records, TIERS)
        samples["baseline"].append((wall, cpu))
    assert ev is not None and base is not None
    agree = sum(1 for i, b in enumerate(base) if b[1] == ev.tier[i])
    t_explain = timed(lambda: [explain(ev, i) for i in range(1000)])

    def median(name: str, k: int) -> float:
        return statistics.median(s[k] for s in samples[name])

    e_wall, e_cpu, b_wall, b_cpu = (
        median("engine", 0),
        median("engine", 1),
        median("baseline", 0),
        median("baseline", 1),
    )
    windows = "4 completed quarters, 1 fiscal year (Feb), 6 calendar months, 12 months"
    print(
        f"partners: {n:,}; tiers: {len(tiers)}; criteria: {criteria}; windows: {windows}; money in Decimal cents"
    )
    print(f"verdicts agree with the baseline: {agree:,} of {n:,}; repeats: {repeats}, alternating; medians")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print()
    print(f"{'measure':52} {'wall s':>8} {'cpu s':>8} {'target':>8} {'met (wall/cpu)':>15}")
    print(f"{'-' * 52} {'-' * 8} {'-' * 8} {'-' * 8} {'-' * 15}")

    def line(label: str, wall: float, cpu: float, target: str = "", met: str = "") -> None:
        print(f"{label:52} {wall:8.3f} {cpu:8.3f} {target:>8} {met:>15}")

    def yes(ok: bool) -> str:
        return "yes" if ok else "no"

    line(
        "columnar engine, verdicts + explanation tuples",
        e_wall,
        e_cpu,
        "< 1 s",
        f"{yes(e_wall < 1)}/{yes(e_cpu < 1)}",
    )
    line("straightforward loop (pydantic records, rule dicts)", b_wall, b_cpu)
    ratio_wall, ratio_cpu = b_wall / e_wall, b_cpu / e_cpu
    print(
        f"{'speed-up: baseline median / engine median':52} {ratio_wall:7.1f}x {ratio_cpu:7.1f}x {'>= 3x':>8} "
        f"{yes(ratio_wall >= 3) + '/' + yes(ratio_cpu >= 3):>15}"
    )
    line("worded explanation of 1,000 partners (on demand)", t_explain[0], t_explain[1])
    for name in ("engine", "baseline"):
        shown = ", ".join(f"{w:.2f}/{c:.2f}" for w, c in samples[name])
        print(f"  {name} runs (wall/cpu s): {shown}")
    if args.xlsx:
        from partnerkit.io.facts import load_facts

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "facts.xlsx"
            w_wall, w_cpu, _ = timed(write_xlsx, table, path)
            r_wall, r_cpu, (read, problems) = timed(load_facts, path, SPECS, ["Gold", "Silver", "Bronze"])
            line("write the XLSX with xlsxwriter (setup)", w_wall, w_cpu)
            line(f"read facts from XLSX: python-calamine ({len(problems)} problems)", r_wall, r_cpu, "< 3 s")
            if args.openpyxl:
                o_wall, o_cpu, _ = timed(openpyxl_read, path)
                line("read the same XLSX: openpyxl read-only, values only", o_wall, o_cpu)
            del read
    print(f"{'peak memory of the whole run (MB, max RSS)':52} {peak_mb():8.0f}")
    if agree != n:
        sys.exit("the engine and the baseline disagree")


if __name__ == "__main__":
    main()
