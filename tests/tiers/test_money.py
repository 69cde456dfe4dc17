"""Exact money: amounts are read, summed, compared and worded in Decimal; no binary rounding decides a tier."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.io.facts import load_facts
from partnerkit.model.rules import Compare
from tests.tiers.helpers import AS_OF, SPECS, one, run, table_of, tiers_of

RULE = {"name": "Revenue", "fact": "revenue", "over_last": "12 months", "at_least": 234545.41}


def test_three_deals_whose_cents_add_up_to_the_threshold_earn_it() -> None:
    # As binary floats 83779.06 + 84772.56 + 65993.79 is 234545.40999999997: the tier was missed
    # and the gap read "$0 more".
    deals = {date(2026, 3, 31): 83779.06, date(2026, 6, 30): 84772.56, date(2026, 9, 30): 65993.79}
    verdict = one(RULE, {"revenue": deals})
    assert verdict.criteria[0].met is True
    assert verdict.criteria[0].actual == "$234,545.41"


def test_one_cent_short_says_one_cent() -> None:
    deals = {date(2026, 3, 31): 83779.06, date(2026, 6, 30): 84772.56, date(2026, 9, 30): 65993.78}
    verdict = one(RULE, {"revenue": deals})
    assert verdict.criteria[0].met is False
    assert [g.text for g in verdict.gaps] == ["$0.01 more revenue over the last 12 months"]
    assert verdict.gaps[0].amount == Decimal("0.01")
    assert verdict.to_dict()["gaps"][0]["amount"] == 0.01


def test_thresholds_are_held_exactly() -> None:
    rule = Compare.model_validate(RULE)
    assert rule.at_least == Decimal("234545.41")
    assert Compare.model_validate({"fact": "revenue", "at_least": "0.3"}).at_least == Decimal("0.3")
    assert Compare.model_validate({"fact": "revenue", "at_least": 250000}).at_least == 250000
    assert rule.model_dump(mode="json")["at_least"] == 234545.41  # written back as the same digits


def test_a_plain_number_fact_is_exact_too() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in floats, which "at most 0.3" would refuse
    rule = {"fact": "csat", "at_most": 0.3}
    tiers = tiers_of({"name": "T", "level": 1, "rules": [rule]})
    specs = {**SPECS, "score": SPECS["csat"].model_copy(update={"dated": True})}
    table = table_of(
        {"name": "P", "facts": {"score": {date(2026, 1, 1): 0.1, date(2026, 2, 1): 0.2}}}, specs=specs
    )
    sums = tiers_of(
        {"name": "T", "level": 1, "rules": [{"fact": "score", "over_last": "1 year", "at_most": 0.3}]}
    )
    assert run(sums, table, specs=specs).tier == ["T"]
    assert run(tiers, table_of({"name": "P", "facts": {"csat": 0.3}})).tier == ["T"]


cents = st.lists(st.integers(1, 5_000_000_00), min_size=1, max_size=8)


@settings(max_examples=120, deadline=None)
@given(cents, st.randoms(use_true_random=False), st.sampled_from(["float", "text", "decimal"]))
def test_amounts_in_cents_that_sum_to_the_threshold_earn_it_in_any_order(
    amounts: list[int], rnd: random.Random, written: str
) -> None:
    threshold = Decimal(sum(amounts)) / 100
    rnd.shuffle(amounts)

    def as_written(c: int) -> object:
        text = f"{Decimal(c) / 100:.2f}"
        return float(text) if written == "float" else text if written == "text" else Decimal(text)

    days = [AS_OF - timedelta(days=k) for k in range(len(amounts))]
    rule = {"fact": "revenue", "over_last": "12 months", "at_least": threshold}
    exactly = {d: as_written(c) for d, c in zip(days, amounts, strict=True)}
    assert one(rule, {"revenue": exactly}).criteria[0].met is True
    short = dict(exactly)
    short[days[0]] = as_written(amounts[0] - 1)
    verdict = one(rule, {"revenue": short})
    assert verdict.criteria[0].met is False
    assert verdict.gaps[0].text.startswith("$0.01 more revenue")


@settings(max_examples=25, deadline=None)
@given(cents, st.randoms(use_true_random=False))
def test_a_csv_export_of_cents_sums_exactly(amounts: list[int], rnd: random.Random) -> None:
    import tempfile

    rnd.shuffle(amounts)
    lines = ["partner,date,revenue"] + [
        f"P,{(AS_OF - timedelta(days=k)).isoformat()},{Decimal(c) / 100:.2f}" for k, c in enumerate(amounts)
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        table, problems = load_facts(path, SPECS)
    assert problems == []
    assert sum(table.dated["revenue"].value) == Decimal(sum(amounts)) / 100
    threshold = Decimal(sum(amounts)) / 100
    tiers = tiers_of(
        {
            "name": "T",
            "level": 1,
            "rules": [{"fact": "revenue", "over_last": "1 year", "at_least": threshold}],
        }
    )
    assert run(tiers, table).tier == ["T"]


def test_points_reach_their_minimum_exactly() -> None:
    # three metrics each earning a third of 10 points: 10 exactly, although 10/3 has no end in decimals
    metric = {"points": 10, "full_at": 3}
    rule = {
        "points_at_least": 10,
        "metrics": [
            {"fact": "certified_staff", **metric},
            {"fact": "csat", **metric},
            {"fact": "deals", "over_last": "12 months", **metric},
        ],
    }
    facts = {"certified_staff": 1, "csat": 1, "deals": {date(2026, 9, 1): 1}}
    assert one(rule, facts).criteria[0].met is True
    facts["csat"] = Decimal("0.999999999999999999999")
    assert one(rule, facts).criteria[0].met is False


def test_money_in_the_json_output_is_a_number_with_the_same_digits() -> None:
    deals = {date(2026, 9, 30): 100.1}
    verdict = one({"fact": "revenue", "over_last": "12 months", "at_least": 200}, {"revenue": deals})
    data = json.loads(json.dumps(verdict.to_dict()))
    assert data["gaps"][0]["amount"] == 99.9
    assert data["gaps"][0]["increases"] == [{"fact": "revenue", "amount": 99.9}]
