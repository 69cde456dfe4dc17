"""Helpers for the tier tests: tiers and fact tables from plain data."""

from __future__ import annotations

from datetime import date
from typing import Any

from partnerkit.model.rules import FactSpec
from partnerkit.model.tiers import Tier
from partnerkit.tiers.evaluate import Evaluation, evaluate_facts
from partnerkit.tiers.explain import Verdict, explain
from partnerkit.tiers.facts import FactTable, facts_from_records

AS_OF = date(2026, 10, 1)

SPECS = {
    "revenue": FactSpec(kind="money", dated=True, label="revenue"),
    "deals": FactSpec(kind="count", dated=True, unit="deals"),
    "certified_staff": FactSpec(kind="count", unit="certified staff"),
    "sponsor": FactSpec(kind="boolean", label="executive sponsor"),
    "csat": FactSpec(kind="number", label="satisfaction score"),
    "region": FactSpec(kind="text"),
    "cert_expires": FactSpec(kind="date", label="certification"),
}


def tiers_of(*tiers: dict[str, Any]) -> list[Tier]:
    """Tiers from plain data, as a plan file holds them."""
    return [Tier.model_validate(t) for t in tiers]


def table_of(*partners: dict[str, Any], specs: dict[str, FactSpec] | None = None) -> FactTable:
    """A fact table from ``{name, tier, tier_since, facts}`` records; fails on bad values."""
    table, problems = facts_from_records(partners, specs or SPECS)
    assert not problems, problems
    return table


def run(tiers: list[Tier], table: FactTable, as_of: date = AS_OF, **kw: Any) -> Evaluation:
    """Evaluate with the test specs."""
    return evaluate_facts(tiers, table, as_of, kw.pop("specs", SPECS), **kw)


def one(rule: dict[str, Any], facts: dict[str, Any], as_of: date = AS_OF, **partner: Any) -> Verdict:
    """The verdict of one partner against a single tier 'T' holding one rule."""
    ev = run(
        tiers_of({"name": "T", "level": 1, "rules": [rule]}),
        table_of({"name": "P", "facts": facts, **partner}),
        as_of,
    )
    return explain(ev, 0)
