"""Facts tables update, they don't erase: merges by covered dates, repeats, additive facts, what was merged."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.cli import cli
from partnerkit.io.facts import load_facts
from partnerkit.io.planfile import example_plan_path
from partnerkit.model import Plan
from partnerkit.model.rules import FactSpec
from partnerkit.tiers.evaluate import evaluate_tiers, plan_facts_table
from partnerkit.tiers.explain import explain
from partnerkit.tiers.facts import FactTable, facts_from_records, merge_facts, merged_facts
from tests.tiers.helpers import SPECS

AS_OF = date(2026, 10, 1)
PLAN = str(example_plan_path())


def csv(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_one_quarter_export_keeps_the_earlier_quarters(tmp_path: Path, example_plan: Plan) -> None:
    # Keystone's plan has four quarters of revenue (320,000); the CRM export has the latest only.
    # Before, the export replaced the whole series: 85,000 over the year, and a downgrade.
    export = csv(tmp_path, "partner,date,revenue\nKeystone IT Partners,2026-09-30,90000\n")
    table, problems = load_facts(export, example_plan)
    assert problems == []
    ev = evaluate_tiers(example_plan, AS_OF, table)
    keystone = explain(ev, ev.row("Keystone IT Partners"))
    assert keystone.criteria[0].actual == "$325,000"
    assert keystone.change.value == "hold"
    _, report = plan_facts_table(example_plan, table)
    assert [m.text() for m in report] == ["Keystone IT Partners: 1 quarter updated, 3 kept"]
    # --replace is the behaviour before, for whoever wants it
    replaced = evaluate_tiers(example_plan, AS_OF, table, replace=True)
    assert explain(replaced, replaced.row("Keystone IT Partners")).criteria[0].actual == "$90,000"


def test_the_export_covers_the_dates_from_its_first_to_its_last_observation() -> None:
    base = table_of(
        {
            "name": "P",
            "facts": {"revenue": {date(2026, 3, 31): 1, date(2026, 6, 30): 2, date(2026, 9, 30): 3}},
        }
    )
    # monthly rows for July to September replace the plan's September quarter; March and June stay
    update = table_of(
        {
            "name": "P",
            "facts": {"revenue": {date(2026, 7, 31): 10, date(2026, 8, 31): 20, date(2026, 9, 30): 30}},
        },
        {"name": "Q", "facts": {"revenue": {date(2026, 7, 31): 5}}},
    )
    merged, report = merged_facts(base, update)
    assert sorted(observations(merged)["P"]["revenue"]) == [
        (date(2026, 3, 31), 1),
        (date(2026, 6, 30), 2),
        (date(2026, 7, 31), 10),
        (date(2026, 8, 31), 20),
        (date(2026, 9, 30), 30),
    ]
    assert [m.text() for m in report] == [
        "P: 1 month updated, 2 added, 2 kept",
        "Q: new partner; 1 month added",
    ]


def test_undated_values_and_tiers_are_reported_too() -> None:
    base = table_of(
        {
            "name": "Orbit CRM",
            "tier": "Silver",
            "tier_since": date(2025, 1, 1),
            "facts": {"certified_staff": 2},
        }
    )
    update = table_of(
        {"name": "orbit crm", "tier": "Gold", "tier_since": date(2026, 9, 1), "facts": {"certified_staff": 3}}
    )
    merged, report = merged_facts(base, update)
    assert [m.text() for m in report] == ["Orbit CRM: tier, tier_since, certified_staff updated"]
    assert merged.spells(0) == ((date(2025, 1, 1), "Silver"), (date(2026, 9, 1), "Gold"))
    assert report[0].to_dict() == {
        "partner": "Orbit CRM",
        "new": False,
        "updated": 0,
        "added": 0,
        "dropped": 0,
        "kept": 0,
        "unit": "date",
        "facts": ["tier", "tier_since", "certified_staff"],
    }


def test_two_rows_for_the_same_partner_date_and_fact_are_a_located_problem(
    tmp_path: Path, example_plan: Plan
) -> None:
    # Before, they were silently added together.
    export = csv(
        tmp_path,
        "partner,date,revenue,deals,certified_staff\n"
        "Orbit CRM,2026-09-30,1000,1,3\n"
        "orbit crm ,2026-09-30,2000,,3\n"
        "Orbit CRM,2026-09-30,,1,4\n",
    )
    _, problems = load_facts(export, example_plan)
    assert [str(p) for p in problems] == [
        "export.csv:3: 'revenue': a second row for partner 'orbit crm' on 2026-09-30 (first at export.csv:2) "
        "(keep one row per partner and date, or declare revenue 'additive: true' if the rows add up (one per deal))",
        "export.csv:4: 'deals': a second row for partner 'Orbit CRM' on 2026-09-30 (first at export.csv:2) "
        "(keep one row per partner and date, or declare deals 'additive: true' if the rows add up (one per deal))",
        "export.csv:4: 'certified_staff': a second row for partner 'Orbit CRM' on 2026-09-30 (first at export.csv:2) "
        "(keep one value per partner and date)",
    ]


def test_an_additive_fact_adds_its_rows_up(tmp_path: Path) -> None:
    specs = {**SPECS, "deals": FactSpec(kind="count", dated=True, additive=True, unit="deals")}
    export = csv(tmp_path, "partner,date,deals\nP,2026-09-30,1\nP,2026-09-30,2\nP,2026-08-31,1\n")
    table, problems = load_facts(export, specs)
    assert problems == []
    assert sorted(zip(table.dated["deals"].day, table.dated["deals"].value, strict=True)) == [
        (date(2026, 8, 31).toordinal(), 1),
        (date(2026, 9, 30).toordinal(), 3),
    ]


def test_a_table_without_dates_lists_a_partner_once_whatever_its_case(
    tmp_path: Path, example_plan: Plan
) -> None:
    export = csv(tmp_path, "partner,certified_staff\nOrbit CRM,3\nORBIT CRM,4\n")
    _, problems = load_facts(export, example_plan)
    assert [str(p) for p in problems] == [
        "export.csv:3: partner 'ORBIT CRM' is listed twice (first at export.csv:2 as 'Orbit CRM')"
    ]


def test_the_cli_says_what_it_merged(tmp_path: Path) -> None:
    export = csv(
        tmp_path, "partner,date,revenue\nKeystone IT Partners,2026-09-30,90000\nNewcomer,2026-09-30,5\n"
    )
    result = CliRunner().invoke(cli, ["tiers", PLAN, "--as-of", "2026-10-01", "--facts", str(export)])
    assert result.exit_code == 0, result.output
    assert "export.csv: merged facts of 2 partner(s)" in result.stderr
    assert "  Keystone IT Partners: 1 quarter updated, 3 kept" in result.stderr
    assert "  Newcomer: new partner; 1 quarter added" in result.stderr
    result = CliRunner().invoke(
        cli, ["tiers", "review", PLAN, "--as-of", "2026-10-01", "--facts", str(export), "--json"]
    )
    import json

    assert json.loads(result.stdout)["merged"][0]["kept"] == 3


# --- importing the same export twice equals importing it once ------------------------------------

DAYS = [date(2026, m, d) for m, d in ((1, 31), (3, 31), (6, 30), (7, 15), (9, 30), (12, 31))]
series = st.dictionaries(st.sampled_from(DAYS), st.integers(0, 9), max_size=4)
partner = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["A", "B", "C", "a"]),
        "revenue": series,
        "deals": series,
        "certified_staff": st.one_of(st.none(), st.integers(0, 5)),
    }
)


def table_of(*records: dict[str, Any]) -> FactTable:
    table, problems = facts_from_records(records, SPECS)
    assert problems == []
    return table


def records(partners: list[dict[str, Any]]) -> FactTable:
    seen: set[str] = set()
    out = []
    for p in partners:
        if p["name"].casefold() in seen:
            continue
        seen.add(p["name"].casefold())
        facts = {k: p[k] for k in ("revenue", "deals", "certified_staff") if p[k] not in (None, {})}
        out.append({"name": p["name"], "facts": facts})
    return table_of(*out)


def observations(table: FactTable) -> dict[str, dict[str, list[tuple[date, Any]]]]:
    out: dict[str, dict[str, list[tuple[date, Any]]]] = {}
    for name, col in table.dated.items():
        for p, d, v in zip(col.partner, col.day, col.value, strict=True):
            out.setdefault(table.partners[p], {}).setdefault(name, []).append((date.fromordinal(d), v))
    return out


def canonical(table: FactTable) -> Any:
    dated = {p: {f: sorted(v) for f, v in facts.items()} for p, facts in observations(table).items()}
    return (table.partners, table.current_tier, table.tier_since, table.values, dated)


@settings(max_examples=80, deadline=None)
@given(st.lists(partner, max_size=4), st.lists(partner, min_size=1, max_size=4), st.booleans())
def test_importing_the_same_export_twice_equals_importing_it_once(
    plan: list[dict[str, Any]], export: list[dict[str, Any]], replace: bool
) -> None:
    base, update = records(plan), records(export)
    once = merge_facts(base, update, replace=replace)
    twice = merge_facts(once, update, replace=replace)
    assert canonical(twice) == canonical(once)


@settings(max_examples=60, deadline=None)
@given(st.lists(partner, max_size=4), st.lists(partner, min_size=1, max_size=4))
def test_an_update_never_loses_an_observation_outside_the_dates_it_covers(
    plan: list[dict[str, Any]], export: list[dict[str, Any]]
) -> None:
    base, update = records(plan), records(export)
    merged = observations(merge_facts(base, update))
    fresh = observations(update)
    for name, facts in observations(base).items():
        for fact, obs in facts.items():
            days = [d for p in fresh.values() for d, _ in p.get(fact, [])]
            covered = (min(days), max(days)) if days else None
            touched = any(k.casefold() == name.casefold() and fact in f for k, f in fresh.items())
            for day, value in obs:
                if not touched or covered is None or not covered[0] <= day <= covered[1]:
                    assert (day, value) in merged[name][fact]
