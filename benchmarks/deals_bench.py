"""Deals at scale: 1,000,000 deals checked for conflicts and a quarter's payouts for 10,000 partners.

    python benchmarks/deals_bench.py [--deals 1000000] [--partners 10000] [--repeat 5] [--quick]

Each sample runs in its own process (harness.py), alternating:

* the whole job (partner rules, account matching, the conflict check, attribution, the 2026-Q3
  payout run) at 250k, 500k and 1M deals: the times show whether growth is linear (the exponent of
  a log-log fit is printed), the peak memory is the child's, its deals included;
* reading the deals CSV (250k rows; as many as ``--deals`` asks; a synthetic CRM export written
  beforehand): partnerkit's ``read_deals`` (every cell checked, partners looked up in the plan)
  against the script a user would write (csv.DictReader, date.fromisoformat, Decimal, a dict per
  row; nothing of partnerkit). Figures only, no target; both must read the same deals and money;
* the conflict check against the plain pairwise baseline at sizes where the baseline finishes:
  deals as plain dicts, account names and domains folded by a few lines of string code, each
  registration compared with every earlier one. It imports nothing of partnerkit: the partners'
  protection days come from a JSON file written beforehand. Both must find the same losers.

Targets on a 2-core machine (issue 14): under 10 s end to end for 1M deals and 10,000 partners,
under 2 GB; growth close to linear (exponent under 1.2).
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import sys
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness import Contender

AS_OF = date(2026, 9, 30)
START = date(2025, 7, 1)
SUFFIXES = ["Inc", "Inc.", "LLC", "Ltd", "GmbH", "S.A.", ""]
TOUCHES = ["sourced", "sourced", "referral", "influenced"]
TARGET_SECONDS, TARGET_MB, TARGET_EXPONENT = 10.0, 2048, 1.2


def big_plan(partners: int) -> Any:
    """The example plan with ``partners`` partners: integration and distribution, in every tier."""
    import yaml

    from partnerkit.io.planfile import example_plan_path
    from partnerkit.model import Plan

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


def synthetic_rows(count: int, names: list[str], seed: int = 7) -> Iterator[dict[str, Any]]:
    """``count`` deal rows, as plain dicts, on count/3 accounts, about three registrations each over 15 months.

    Like a CRM export: each account has its CRM name and domain; one row in ten carries the name as
    a partner typed it (another legal suffix, other case), one in ten the domain with ``www.``, one in
    ten no domain at all. A quarter of the rows are influence touches; 45% of the deals are won, 15%
    lost; one won deal in forty is refunded.
    """
    rnd = random.Random(seed)
    accounts = max(count // 3, 1)
    for n in range(count):
        a = rnd.randrange(accounts)
        spelling = rnd.randrange(10 * len(SUFFIXES))
        name = f"Account {a} Inc" if spelling >= len(SUFFIXES) else f"ACCOUNT {a} {SUFFIXES[spelling]}"
        where = rnd.randrange(10)
        domain = None if where == 0 else (f"account{a}.example" if where > 1 else f"www.account{a}.example")
        registered = START + timedelta(days=rnd.randrange(450))
        touch = TOUCHES[n % 4]
        approved = registered + timedelta(days=rnd.randrange(5)) if n % 7 else None
        roll = rnd.random()
        stage = "won" if roll < 0.45 else ("lost" if roll < 0.6 else "open")
        close = registered + timedelta(days=rnd.randrange(150))
        yield {
            "deal_id": f"D-{n}",
            "account_name": name,
            "account_domain": domain,
            "partner": names[rnd.randrange(len(names))],
            "touch": touch,
            "stage": stage,
            "amount": Decimal(rnd.randrange(100_000, 10_000_000)) / 100,
            "currency": "USD",
            "registered_on": registered if touch != "influenced" or n % 3 == 0 else None,
            "approved_on": approved if touch != "influenced" else None,
            "close_date": close if stage != "open" else None,
            "refunded_on": close + timedelta(days=rnd.randrange(200))
            if stage == "won" and n % 40 == 0
            else None,
        }


def partnerkit_deals(count: int, names: list[str], seed: int = 7) -> list[Any]:
    """The rows as partnerkit's Deal records (built row by row: no second copy of the rows is held)."""
    from partnerkit.pipeline import Deal, Stage, Touch

    touch, stage = {t.value: t for t in Touch}, {s.value: s for s in Stage}
    out = []
    for row in synthetic_rows(count, names, seed):
        row["touch"], row["stage"] = touch[row["touch"]], stage[row["stage"]]
        out.append(Deal(**row))
    return out


def digest(rows: list[int]) -> str:
    """A short fingerprint of the losing rows, to check both contenders agree."""
    return hashlib.sha256(",".join(map(str, rows)).encode()).hexdigest()[:16]


# --- the baseline: plain Python, nothing of partnerkit ----------------------------------------------

LEGAL = {"inc", "llc", "ltd", "gmbh", "sa"}


def fold_name(name: str | None) -> str | None:
    """A company name as compared: lower case, no dots or commas, no trailing legal suffix."""
    words = (name or "").lower().replace(".", "").replace(",", " ").split()
    while len(words) > 1 and words[-1] in LEGAL:
        words.pop()
    return " ".join(words) or None


def fold_domain(domain: str | None) -> str | None:
    """A domain as compared: lower case, without ``www.``."""
    if not domain:
        return None
    domain = domain.strip().lower()
    return domain[4:] if domain.startswith("www.") else domain


def pairwise_contender(count: int, rules_file: str, seed: int) -> Any:
    """The baseline: every registration compared with every earlier protected one."""
    facts = json.loads(Path(rules_file).read_text(encoding="utf-8"))
    rules, names = facts["rules"], facts["names"]
    deals = list(synthetic_rows(count, names, seed))

    def work() -> Any:
        regs = [
            i
            for i, d in enumerate(deals)
            if d["touch"] != "influenced"
            and d["registered_on"] is not None
            and d["registered_on"] <= AS_OF
            and d["partner"] in rules
            and rules[d["partner"]]["may_register"]
            and d["approved_on"] is not None
            and d["approved_on"] <= AS_OF
        ]
        regs.sort(key=lambda i: (deals[i]["approved_on"], deals[i]["registered_on"], deals[i]["deal_id"]))
        protected: dict[int, date] = {}
        lost = []
        for i in regs:
            d = deals[i]
            name, domain = fold_name(d["account_name"]), fold_domain(d["account_domain"])
            beaten = False
            for j, until in protected.items():
                other = deals[j]
                if (
                    other["partner"] != d["partner"]
                    and other["approved_on"] <= d["approved_on"] <= until
                    and (
                        (domain is not None and domain == fold_domain(other["account_domain"]))
                        or (name is not None and name == fold_name(other["account_name"]))
                    )
                ):
                    beaten = True
                    break
            if beaten:
                lost.append(i)
            else:
                rule = rules[d["partner"]]
                days = rule["days"].get(d["touch"]) or rule["days"].get("default") or 1
                protected[i] = d["approved_on"] + timedelta(days=days - 1)
        return lambda: digest(sorted(lost))

    return work


# --- partnerkit ---------------------------------------------------------------------------------


def check_contender(count: int, partners: int, seed: int) -> Any:
    """partnerkit's conflict check alone (account matching included), on the baseline's rows."""
    from partnerkit.pipeline import RegistrationStatus, check_registrations, partner_rules

    plan = big_plan(partners)
    rules = partner_rules(plan)
    deals = partnerkit_deals(count, [p.name for _, p in plan.partners()], seed)

    def work() -> Any:
        check = check_registrations(plan, deals, AS_OF, rules=rules)
        lost = [i for i, s in enumerate(check.status) if s is RegistrationStatus.LOST]
        return lambda: digest(lost)

    return work


def job_contender(count: int, partners: int) -> Any:
    """The whole job: partner rules, accounts, the conflict check, attribution, the quarter's payouts."""
    from partnerkit.payouts import compute_payouts
    from partnerkit.pipeline import (
        RegistrationStatus,
        attribute,
        check_registrations,
        parse_period,
        partner_rules,
    )
    from partnerkit.pipeline.registrations import accounts_of

    plan = big_plan(partners)
    deals = partnerkit_deals(count, [p.name for _, p in plan.partners()])
    period = parse_period("2026-Q3")

    def work() -> Any:
        rules = partner_rules(plan)
        accounts = accounts_of(deals)
        check = check_registrations(plan, deals, period.end, rules=rules, accounts=accounts)
        credit = attribute(plan, deals, check, rules=rules, period=period)
        run = compute_payouts(plan, deals, period, rules=rules, check=check, attribution=credit)
        return f"lost {check.count(RegistrationStatus.LOST)}, statements {len(run.statements)}"

    return work


def write_rules(path: Path, partners: int) -> Path:
    """The partners' names and protection days, as plain JSON for the baseline."""
    from partnerkit.pipeline import Touch, partner_rules

    plan = big_plan(partners)
    rules = {}
    for name, rule in partner_rules(plan).items():
        days = {t.value: rule.protection_for(t) for t in Touch}
        days["default"] = rule.protection_days
        rules[name] = {"may_register": rule.may_register, "days": days}
    names = [p.name for _, p in plan.partners()]
    path.write_text(json.dumps({"rules": rules, "names": names}), encoding="utf-8")
    return path


# --- reading the deals CSV ----------------------------------------------------------------------

CSV_COLUMNS = {
    "Deal ID": "deal_id",
    "Account Name": "account_name",
    "Account Domain": "account_domain",
    "Partner": "partner",
    "Touch": "touch",
    "Registered On": "registered_on",
    "Approved On": "approved_on",
    "Stage": "stage",
    "Close Date": "close_date",
    "Amount": "amount",
    "Currency": "currency",
    "Refunded On": "refunded_on",
}
DATE_COLUMNS = ("Registered On", "Approved On", "Close Date", "Refunded On")


def write_deals_csv(folder: Path, count: int, names: list[str]) -> Path:
    """``count`` synthetic rows as a CRM export (a CSV with the shipped example's headings)."""
    import csv

    path = folder / "deals.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for row in synthetic_rows(count, names):
            cells = (row[key] for key in CSV_COLUMNS.values())
            writer.writerow("" if v is None else v.isoformat() if isinstance(v, date) else v for v in cells)
    return path


def read_answer(count: int, total: Decimal) -> str:
    """What both readers must agree on: the rows read and their money."""
    return f"{count:,} deals, {total} in all"


def read_contender(csv_file: str, partners_file: str) -> Any:
    """partnerkit's read_deals: every cell checked, every partner looked up in the plan's names."""
    from partnerkit.io.pipeline.deals import read_deals

    partners = json.loads(Path(partners_file).read_text(encoding="utf-8"))

    def work() -> Any:
        table = read_deals(csv_file, partners, "USD")
        assert table.ok, table.problems[:3]
        return lambda: read_answer(len(table.deals), sum(d.amount for d in table.deals))

    return work


def plain_read_contender(csv_file: str) -> Any:
    """The script a user would write: csv.DictReader, date.fromisoformat, Decimal, a dict per row."""

    def work() -> Any:
        import csv

        deals = []
        with open(csv_file, newline="", encoding="utf-8") as source:
            for row in csv.DictReader(source):
                deal: dict[str, Any] = {key: row[head] or None for head, key in CSV_COLUMNS.items()}
                for head in DATE_COLUMNS:
                    if row[head]:
                        deal[CSV_COLUMNS[head]] = date.fromisoformat(row[head])
                deal["amount"] = Decimal(row["Amount"])
                deals.append(deal)
        return lambda: read_answer(len(deals), sum(d["amount"] for d in deals))

    return work


def main(argv: list[str] | None = None) -> int:
    """Run the growth series and the baseline comparison; print the tables and targets."""
    bench = harness.Bench("deals_bench", (__doc__ or "").splitlines()[0])
    bench.parser.add_argument(
        "--deals", type=int, default=None, help="deals (default 1,000,000; the read: 250,000)"
    )
    bench.parser.add_argument("--partners", type=int, default=10_000)
    args = bench.parse(argv)
    me = str(Path(__file__).resolve())
    deals, partners = (4_000, 200) if args.quick else (args.deals or 1_000_000, args.partners)
    read_rows = 4_000 if args.quick else (args.deals or 250_000)
    sizes = [deals // 4, deals // 2, deals]
    baseline_sizes = [200, 400] if args.quick else [1000, 2000, 4000]

    growth = harness.run(
        f"the whole job, {partners:,} partners",
        [
            Contender.call(f"partnerkit job, {n:,} deals", me, "job_contender", count=n, partners=partners)
            for n in sizes
        ],
        args.repeat,
    )
    bench.table(growth, "the work alone; memory: the child's peak, its deals included")
    points = [(n, growth.median(f"partnerkit job, {n:,} deals")) for n in sizes]
    exponent = harness.fit_exponent(points)
    for n, seconds in points:
        print(f"   {n:>10,} deals: {seconds / n * 1e6:6.2f} s per million")
    largest = f"partnerkit job, {deals:,} deals"
    work = f"deals job, {deals:,} deals, {partners:,} partners"
    bench.under_seconds(growth, largest, TARGET_SECONDS, work)
    bench.under_mb(growth, largest, TARGET_MB, work)
    bench.target(
        harness.Target(
            f"deals job growth, {sizes[0]:,} to {deals:,} deals",
            f"exponent < {TARGET_EXPONENT:g}",
            f"time ~ size^{exponent:.2f}",
            exponent < TARGET_EXPONENT,
            partnerkit=growth.median(largest),
            memory=growth.median(largest, "rss_mb"),
        )
    )

    with tempfile.TemporaryDirectory() as folder:
        from partnerkit.services.deals import partner_names

        plan = big_plan(partners)
        names_file = Path(folder) / "partners.json"
        names_file.write_text(json.dumps(partner_names(plan)), encoding="utf-8")
        csv_file = write_deals_csv(Path(folder), read_rows, [p.name for _, p in plan.partners()])
        title = f"read the deals CSV, {read_rows:,} rows ({csv_file.stat().st_size / 1e6:.0f} MB)"
        read = harness.run(
            title,
            [
                Contender.call(
                    "partnerkit read_deals",
                    me,
                    "read_contender",
                    csv_file=str(csv_file),
                    partners_file=str(names_file),
                ),
                Contender.call(
                    "plain csv.DictReader script",
                    me,
                    "plain_read_contender",
                    baseline=True,
                    csv_file=str(csv_file),
                ),
            ],
            args.repeat,
        )
        bench.table(read, "the read alone; memory: the child's peak, the rows read included")
        found = read.answers()
        agree = len(set().union(*found.values())) == 1
        print(
            f"   both read the same deals and money: {'yes' if agree else 'NO'} ({', '.join(map(str, set().union(*found.values())))})"
        )
        if not agree:
            return 1
        ours = "partnerkit read_deals"
        bench.target(
            harness.Target(
                f"read the deals CSV, {read_rows:,} rows",
                "none set (figures only)",
                f"{read.ratio('plain csv.DictReader script', ours):.2f}x the plain script",
                None,
                **bench.figures(read, ours),
            )
        )

    with tempfile.TemporaryDirectory() as folder:
        rules = str(write_rules(Path(folder) / "rules.json", partners))
        for n in baseline_sizes:
            compared = harness.run(
                f"conflict check, {n:,} deals",
                [
                    Contender.call(
                        "partnerkit check_registrations",
                        me,
                        "check_contender",
                        count=n,
                        partners=partners,
                        seed=n,
                    ),
                    Contender.call(
                        "plain pairwise loop",
                        me,
                        "pairwise_contender",
                        baseline=True,
                        count=n,
                        rules_file=rules,
                        seed=n,
                    ),
                ],
                args.repeat,
            )
            bench.table(compared, "the check alone")
            found = compared.answers()
            agree = len(set().union(*found.values())) == 1
            print(f"   both find the same losing registrations: {'yes' if agree else 'NO'}")
            if not agree:
                return 1
        ours = "partnerkit check_registrations"
        bench.target(
            harness.Target(
                f"conflict check, {baseline_sizes[-1]:,} deals",
                "none set (figures only)",
                f"{compared.ratio('plain pairwise loop', ours):.1f}x the pairwise loop",
                None,
                **bench.figures(compared, ours),
            )
        )
    return bench.finish()


if __name__ == "__main__":
    sys.exit(main())
