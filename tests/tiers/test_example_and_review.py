"""The example plan's verdicts, gaps and tier review, and the benefit totals against the budget."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from partnerkit.errors import PlanError
from partnerkit.model import Plan
from partnerkit.tiers.evaluate import evaluate_tiers
from partnerkit.tiers.explain import Change, compact_rows, explain, verdicts
from partnerkit.tiers.facts import facts_from_records, merge_facts
from partnerkit.tiers.review import review_evaluation, review_tiers

AS_OF = date(2026, 10, 1)


def by_name(plan: Plan, as_of: date = AS_OF) -> dict[str, Any]:
    return {v.partner: v for v in verdicts(evaluate_tiers(plan, as_of))}


def test_the_example_shows_a_mix_of_tiers_and_changes(example_plan: Plan) -> None:
    found = by_name(example_plan)
    assert {v.change for v in found.values()} == set(Change)
    assert found["Northwind ERP"].tier == "Strategic"
    assert found["Orbit CRM"].change is Change.UPGRADE
    assert found["Brightline Advisory"].change is Change.DOWNGRADE
    assert found["Summit Cloud Group"].change is Change.NEW
    # ecosystem organisations are outside the tier program of the example
    assert "Open Finance Data Alliance" not in found


def test_the_example_gaps_read_like_a_note_to_the_partner(example_plan: Plan) -> None:
    found = by_name(example_plan)
    assert [g.text for g in found["Bluefin Banking"].gaps] == [
        "$60,000 more revenue over the last 12 months",
        "2 more certified staff",
        "Joint business plan: required (now: no)",
        "business reviews: at least 1 in each of the last 2 quarters; short in 1 (2026-07-02 to 2026-10-01)",
    ]
    # 34.66 of 60 points: revenue earns a point per $2,000 (50 points at $100,000), the cheapest
    # relative to its threshold, so 25.34 points are $50,680, exactly
    assert [g.text for g in found["Crestline Tax"].gaps][:2] == [
        "$24,000 more revenue over the last 12 months",
        "25.34 more points (34.66 of 60); the cheapest route: "
        "$50,680 more revenue over the last 12 months (+25.34 points)",
    ]
    assert [(g.fact, g.amount) for g in found["Bluefin Banking"].gaps] == [
        ("revenue", 60000),
        ("certified_staff", 2),
        ("joint_business_plan", None),
        ("business_reviews", 1),
    ]
    assert [g.text for g in found["Keystone IT Partners"].gaps] == [
        "4 more months in Premier (eligible from 2027-02-01)"
    ]
    assert found["Ledger & Lane CPAs"].unknown == ["certified_staff", "integration_complete"]
    assert found["Ledger & Lane CPAs"].change is Change.UNDECIDED
    assert found["Ledger & Lane CPAs"].undecided == ["Premier"]
    assert found["Northwind ERP"].warnings == ["Ledgerly certification expires on 2026-10-20 (in 19 days)"]
    # every partner gets a tier or a readable way to one
    for verdict in found.values():
        assert verdict.tier == "Strategic" or verdict.gaps or verdict.unknown


def test_the_verdict_carries_the_tier_benefits(example_plan: Plan) -> None:
    orbit = by_name(example_plan)["Orbit CRM"].to_dict()
    assert orbit["benefits"]["co_marketing_budget"] == "5000 USD"
    assert orbit["benefits"]["deal_registration"] is True
    assert orbit["requirements"]["certified_resources"] == 2
    for key in ("partner", "tier", "current_tier", "change", "criteria", "next_tier", "gaps", "unknown"):
        assert key in orbit


def test_review_proposes_and_never_applies(example_plan: Plan) -> None:
    review = review_tiers(example_plan, AS_OF)
    proposals = {p.partner: p for p in review.proposals}
    assert set(proposals) == {"Orbit CRM", "Brightline Advisory", "Summit Cloud Group"}
    down = proposals["Brightline Advisory"]
    assert down.effective == date(2026, 12, 30)  # 90 days of grace
    assert "Revenue potential: $210,000 (needs at least $250,000)" in down.reason
    assert proposals["Orbit CRM"].effective == AS_OF
    assert all(p.to_dict()["needs_approval"] for p in review.proposals)
    # the plan itself is unchanged: Brightline still holds Strategic
    assert example_plan.partner("Brightline Advisory").tier == "Strategic"
    assert review.expiring == [("Northwind ERP", "Ledgerly certification expires on 2026-10-20 (in 19 days)")]
    assert [p for p, _ in review.unknown] == ["Ledger & Lane CPAs", "Copperleaf Consulting"]


def test_review_totals_benefits_against_the_budget(example_plan: Plan) -> None:
    review = review_tiers(example_plan, AS_OF)
    assert [(c.tier, c.partners, c.co_marketing_total) for c in review.costs] == [
        ("Strategic", 1, 15000),
        ("Premier", 4, 20000),
        ("Registered", 3, 0),
    ]
    assert review.total_cost == 35000
    assert review.over_budget == 0
    tight = review_evaluation(evaluate_tiers(example_plan, AS_OF), plan_budget=30000)
    assert tight.over_budget == 5000
    assert tight.notes == [
        "co-marketing benefits of $35,000 a quarter exceed the budget of $30,000 by $5,000"
    ]
    assert review_evaluation(evaluate_tiers(example_plan, AS_OF)).over_budget is None


def test_grace_period_comes_from_the_plan(example_plan: Plan) -> None:
    plan = example_plan.model_copy(
        update={"tier_program": example_plan.tier_program.model_copy(update={"downgrade_grace_days": 0})}
    )
    down = [p for p in review_tiers(plan, AS_OF).proposals if p.change is Change.DOWNGRADE]
    assert [p.effective for p in down] == [AS_OF]


def test_a_facts_table_refreshes_the_plan(example_plan: Plan) -> None:
    update, problems = facts_from_records(
        [
            {"name": "Brightline Advisory", "facts": {"revenue": {date(2026, 9, 30): 95000}}},
            {"name": "Newcomer Ltd", "facts": {"agreement_signed": True, "basic_training": True}},
        ],
        example_plan.tier_program.facts,
    )
    assert not problems
    ev = evaluate_tiers(example_plan, AS_OF, update)
    found = {v.partner: v for v in verdicts(ev)}
    # the table covers 2026-09-30 only: its 95,000 replaces that quarter's 55,000, the three
    # quarters before are kept, so the year holds 250,000 and Brightline keeps Strategic
    assert found["Brightline Advisory"].tier == "Strategic"
    assert found["Brightline Advisory"].criteria[0].actual == "$250,000"
    assert found["Newcomer Ltd"].tier == "Registered"
    assert found["Newcomer Ltd"].change is Change.NEW
    assert len(merge_facts(ev.facts, update)) == len(ev.facts)
    # --replace (replace=True) keeps the behaviour before: the table's series is the whole series
    replaced = evaluate_tiers(example_plan, AS_OF, update, replace=True)
    brightline = explain(replaced, replaced.row("Brightline Advisory"))
    assert (brightline.tier, brightline.criteria[0].actual) == ("Premier", "$95,000")


def test_a_facts_table_matches_plan_partners_without_case(example_plan: Plan) -> None:
    # CRM exports change case; 'brightline advisory' is the plan's Brightline, not a new partner.
    update, problems = facts_from_records(
        [{"name": "brightline ADVISORY", "facts": {"revenue": {date(2026, 9, 30): 95000}}}],
        example_plan.tier_program.facts,
    )
    assert not problems
    found = {v.partner: v for v in verdicts(evaluate_tiers(example_plan, AS_OF, update))}
    assert "brightline ADVISORY" not in found
    assert found["Brightline Advisory"].criteria[0].actual == "$250,000"


def test_compact_rows_hold_every_criterion(example_plan: Plan) -> None:
    ev = evaluate_tiers(example_plan, AS_OF)
    rows = compact_rows(ev)
    assert len(rows) == len(ev)
    assert [r[0] for r in rows] == ev.tier
    full = explain(ev, 0)
    # tier + (met, actual) per criterion + points per points rule
    assert len(rows[0]) == 1 + 2 * len(full.criteria) + sum(
        1 for c in full.criteria if c.depth == 0 and c.max_points
    )


def test_bad_plan_facts_are_a_plan_error(example_plan: Plan) -> None:
    data = example_plan.model_copy(deep=True)
    data.categories.integration.partners[0].facts["certified_staff"] = "many"
    with pytest.raises(PlanError, match="expected a whole number such as 12"):
        evaluate_tiers(data, AS_OF)


def test_a_current_tier_the_plan_does_not_have_is_a_warning(example_plan: Plan) -> None:
    update, _ = facts_from_records(
        [{"name": "Orbit CRM", "tier": "Platinum"}], example_plan.tier_program.facts
    )
    ev = evaluate_tiers(example_plan, AS_OF, update)
    verdict = explain(ev, ev.row("Orbit CRM"))
    assert "current tier 'Platinum' is not a tier of the plan" in verdict.warnings
    assert verdict.change is Change.NEW


def test_a_verdict_that_hangs_on_a_missing_fact_is_undecided_and_proposes_nothing() -> None:
    # Gold fails, Silver hangs on a missing fact, Bronze holds. Before, this read as a downgrade
    # to Bronze; missing data is not a downgrade: the verdict is undecided and the review proposes
    # nothing, naming the fact to record.
    from tests.tiers.helpers import run, table_of, tiers_of

    tiers = tiers_of(
        {"name": "Gold", "level": 1, "rules": [{"fact": "certified_staff", "at_least": 5}]},
        {"name": "Silver", "level": 2, "rules": [{"fact": "sponsor", "is": True}]},
        {"name": "Bronze", "level": 3, "rules": [{"fact": "certified_staff", "at_least": 1}]},
    )
    table = table_of({"name": "P", "tier": "Gold", "facts": {"certified_staff": 2}})
    ev = run(tiers, table)
    verdict = explain(ev, 0)
    assert (verdict.tier, verdict.change, verdict.undecided) == ("Bronze", Change.UNDECIDED, ["Silver"])
    assert verdict.to_dict()["change"] == "undecided"
    assert verdict.unknown == ["sponsor"]
    review = review_evaluation(ev)
    assert review.proposals == []
    assert review.unknown == [("P", ["sponsor"])]
    known = table_of({"name": "P", "tier": "Gold", "facts": {"certified_staff": 2, "sponsor": False}})
    (settled,) = review_evaluation(run(tiers, known)).proposals
    assert (settled.proposed_tier, settled.change) == ("Bronze", Change.DOWNGRADE)


def test_a_partner_with_no_deal_data_is_undecided_not_a_downgrade() -> None:
    from tests.tiers.helpers import run, table_of, tiers_of

    tiers = tiers_of(
        {"name": "Gold", "level": 1, "rules": [{"fact": "deals", "over_last": "12 months", "at_least": 4}]},
        {"name": "Member", "level": 2},
    )
    ev = run(tiers, table_of({"name": "P", "tier": "Gold"}))
    assert explain(ev, 0).change is Change.UNDECIDED
    assert review_evaluation(ev).proposals == []
