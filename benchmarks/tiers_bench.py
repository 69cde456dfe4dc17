"""Benchmark: 100,000 partners x 3 tiers x 8 criteria, with calendar periods and exact money.

The rules use trailing, calendar, completed and fiscal windows (``12 months``, ``6 calendar months``,
``4 completed quarters``, ``1 fiscal year``) over revenue held in exact cents (Decimal), a points
rule, a consistency gate on completed quarters, a time-in-tier gate and validity dates.

Two ways to get every partner's tier and the (met, actual) of every criterion, each in its own
process, alternating (harness.py), compared by their medians:

* partnerkit's columnar engine (``evaluate_facts`` plus ``compact_rows``, the explanation tuples);
* a straightforward loop, written the way a first version would be: each partner a small pydantic
  record, the rules plain dicts as a YAML file holds them, window edges worked out once per review
  date, then partner by partner, rule by rule. It shares nothing with partnerkit's objects: both
  children generate the same plain rows from a seed, and each builds its own input from them.

Both must give every partner the same tier. Targets (issue 14): under 1 s for 100,000 partners, and
at least 10x the plain loop.

    python benchmarks/tiers_bench.py [--partners 100000] [--repeat 5] [--quick]
"""

from __future__ import annotations

import hashlib
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness import Contender

AS_OF = date(2026, 10, 1)
FISCAL_YEAR_STARTS = 2  # February

# The facts' kinds, as a plan file holds them (the engine's child turns them into FactSpecs).
SPECS: dict[str, dict[str, Any]] = {
    "revenue": {"kind": "money", "dated": True, "label": "revenue"},
    "deals": {"kind": "count", "dated": True, "label": "deals"},
    "certified_staff": {"kind": "count", "unit": "certified staff"},
    "executive_sponsor": {"kind": "boolean"},
    "joint_business_plan": {"kind": "boolean"},
    "integration_complete": {"kind": "boolean"},
    "agreement_signed": {"kind": "boolean"},
    "basic_training": {"kind": "boolean"},
    "csat": {"kind": "number"},
    "certification_expires": {"kind": "date"},
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


def make_rows(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """n partners as plain data, with random facts in exact cents; about 2% miss a fact (unknowns are real data)."""
    rng = random.Random(seed)
    tiers = ["Gold", "Silver", "Bronze", None]
    quarter_ends = [date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)]
    cents = Decimal("0.01")
    rows = []
    for i in range(n):
        scale = rng.choice((5000, 20000, 80000))
        row: dict[str, Any] = {
            "name": f"Partner {i:06d}",
            "tier": tiers[i % 4],
            "tier_since": AS_OF - timedelta(days=rng.randint(30, 900)),
            "dated": {"revenue": [], "deals": []},
        }
        for end in quarter_ends:
            row["dated"]["revenue"].append((end, rng.randint(0, scale * 100) * cents))
            row["dated"]["deals"].append((end - timedelta(days=20), rng.randint(0, 3)))
        facts: dict[str, Any] = {"certified_staff": rng.randint(0, 7)}
        for flag in ("executive_sponsor", "joint_business_plan", "integration_complete", "agreement_signed"):
            facts[flag] = rng.random() < 0.7
        facts["basic_training"] = None if rng.random() < 0.02 else rng.random() < 0.8
        facts["csat"] = Decimal(rng.randint(30, 100)) / 10
        facts["certification_expires"] = AS_OF + timedelta(days=rng.randint(-60, 400))
        row["facts"] = facts
        rows.append(row)
    return rows


def fact_table(rows: list[dict[str, Any]]) -> Any:
    """The rows as partnerkit's columnar fact table (what its facts reader builds from a CRM export)."""
    from partnerkit.tiers.facts import DatedColumn, FactTable

    table = FactTable(
        partners=[r["name"] for r in rows],
        current_tier=[r["tier"] for r in rows],
        tier_since=[r["tier_since"] for r in rows],
    )
    table.values = {k: [r["facts"][k] for r in rows] for k in rows[0]["facts"]} if rows else {}
    table.dated = {}
    for name in ("revenue", "deals"):
        column = DatedColumn()
        for i, r in enumerate(rows):
            for day, value in r["dated"][name]:
                column.add(i, day, value)
        table.dated[name] = column
    return table


def digest(verdicts: list[str | None]) -> str:
    """A short fingerprint of every partner's tier, to check both contenders agree."""
    return hashlib.sha256("\n".join(str(v) for v in verdicts).encode()).hexdigest()[:16]


# --- the baseline: a straightforward loop over per-partner pydantic records and rule dicts ----------


class PartnerRecord(BaseModel):
    """One partner as a pydantic record, the way a first version would hold it."""

    name: str
    tier: str | None
    tier_since: date | None
    facts: dict[str, Any]
    dated: dict[str, list[tuple[date, Any]]]


def to_records(rows: list[dict[str, Any]]) -> list[PartnerRecord]:
    """The rows as pydantic records (built before timing: the baseline's data is already loaded)."""
    return [
        PartnerRecord(
            name=r["name"], tier=r["tier"], tier_since=r["tier_since"], facts=r["facts"], dated=r["dated"]
        )
        for r in rows
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


# --- the contenders (factories: the set-up here, the returned function is timed) --------------------


def engine_contender(partners: int) -> Any:
    """partnerkit's columnar engine: verdicts and every criterion's (met, actual) tuples."""
    from partnerkit.model.rules import FactSpec
    from partnerkit.model.tiers import Tier
    from partnerkit.tiers.evaluate import evaluate_facts
    from partnerkit.tiers.explain import compact_rows

    specs = {name: FactSpec(**spec) for name, spec in SPECS.items()}
    tiers = [Tier.model_validate(t) for t in TIERS]
    table = fact_table(make_rows(partners))

    def work() -> Any:
        ev = evaluate_facts(tiers, table, AS_OF, specs, fiscal_year_starts=FISCAL_YEAR_STARTS)
        compact_rows(ev)
        return lambda: digest(list(ev.tier))

    return work


def loop_contender(partners: int) -> Any:
    """The straightforward loop: pydantic records, rule dicts, partner by partner."""
    records = to_records(make_rows(partners))

    def work() -> Any:
        out = baseline(records, TIERS)
        return lambda: digest([verdict for _, verdict, _ in out])

    return work


def main(argv: list[str] | None = None) -> int:
    """Run both contenders alternating, each in its own process, and print the table and targets."""
    bench = harness.Bench("tiers_bench", (__doc__ or "").splitlines()[0])
    bench.parser.add_argument("--partners", type=int, default=100_000)
    args = bench.parse(argv)
    n = 2_000 if args.quick else args.partners
    me = str(Path(__file__).resolve())
    criteria = sum(len(t["rules"]) for t in TIERS)
    results = harness.run(
        f"{n:,} partners, {len(TIERS)} tiers, {criteria} criteria",
        [
            Contender.call("partnerkit columnar engine", me, "engine_contender", partners=n),
            Contender.call("plain pydantic loop", me, "loop_contender", baseline=True, partners=n),
        ],
        args.repeat,
    )
    bench.table(results, "the evaluation alone; memory includes each child's facts")
    answers = results.answers()
    agree = len(set().union(*answers.values())) == 1
    print(f"   every partner's tier agrees between the two: {'yes' if agree else 'NO'}")
    work = f"tier review, {n:,} partners"
    bench.under_seconds(results, "partnerkit columnar engine", 1, work)
    bench.faster(results, "partnerkit columnar engine", "plain pydantic loop", 10, work)
    code = bench.finish()
    return code if agree else 1


if __name__ == "__main__":
    sys.exit(main())
