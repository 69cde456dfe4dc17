"""Attribution: one documented primary-credit rule, overrides with reasons, revenue per partner and category."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from partnerkit.model import CategoryKind, Plan
from partnerkit.pipeline import (
    Attribution,
    CreditOverride,
    Deal,
    Period,
    Stage,
    Touch,
    attribute,
    check_registrations,
    parse_period,
    partner_rules,
)
from partnerkit.pipeline.attribution import _won_rows

from .builders import START, day, deal, deals_strategy

AS_OF = date(2026, 12, 31)


def credit(plan: Plan, rows: list[Deal], as_of: date = AS_OF) -> Attribution:
    return attribute(plan, rows, check_registrations(plan, rows, as_of))


def test_a_sourced_registration_beats_an_influence_touch(example_plan: Plan) -> None:
    rows = [
        deal(
            deal_id="D-1",
            partner="Northwind ERP",
            touch=Touch.INFLUENCED,
            registered_on=None,
            approved_on=None,
        ),
        deal(deal_id="D-1"),
    ]
    [won] = credit(example_plan, rows).deals
    assert won.sourced_by == "Brightline Advisory"
    assert won.influenced_by == ("Northwind ERP",)
    assert won.reason == "protected registration approved 2026-07-01"


def test_an_unregistered_or_losing_sourced_claim_is_influence(example_plan: Plan) -> None:
    rows = [
        deal(deal_id="D-1", partner="Orbit CRM", registered_on=None, approved_on=None),
        deal(deal_id="D-2", partner="Keystone IT Partners", approved_on=day("2026-07-05")),
        deal(deal_id="D-3", approved_on=day("2026-07-01"), account_name="Acme GmbH"),
    ]
    by_id = {c.deal_id: c for c in credit(example_plan, rows).deals}
    assert by_id["D-1"].sourced_by is None and by_id["D-1"].influenced_by == ("Orbit CRM",)
    assert by_id["D-2"].sourced_by is None and by_id["D-2"].influenced_by == ("Keystone IT Partners",)
    assert by_id["D-3"].sourced_by == "Brightline Advisory"


def test_an_override_decides_and_carries_its_reason(example_plan: Plan) -> None:
    rows = [
        deal(deal_id="D-1"),
        deal(
            deal_id="D-1",
            partner="Stackpay",
            touch=Touch.INFLUENCED,
            registered_on=None,
            approved_on=None,
            credit=CreditOverride.SOURCED,
            credit_reason="their card data won the evaluation",
        ),
        deal(
            deal_id="D-1",
            partner="Orbit CRM",
            touch=Touch.INFLUENCED,
            credit=CreditOverride.NONE,
            credit_reason="x",
        ),
    ]
    [won] = credit(example_plan, rows).deals
    assert won.sourced_by == "Stackpay"
    assert won.reason == "override: their card data won the evaluation"
    assert won.influenced_by == ("Brightline Advisory",)  # Orbit's override gives it no credit


def test_two_overrides_to_sourced_are_a_problem_and_the_first_approved_wins(example_plan: Plan) -> None:
    rows = [
        deal(deal_id="D-1", approved_on=day("2026-07-03"), credit=CreditOverride.SOURCED, credit_reason="a"),
        deal(
            deal_id="D-1",
            partner="Keystone IT Partners",
            approved_on=day("2026-07-02"),
            credit=CreditOverride.SOURCED,
            credit_reason="b",
        ),
    ]
    result = credit(example_plan, rows)
    assert result.deals[0].sourced_by == "Keystone IT Partners"
    [problem] = result.problems
    assert problem.code == "deals.two-sourced-overrides" and problem.path == ("deals", 1, "credit")


def test_rows_of_one_deal_that_disagree_leave_it_out(example_plan: Plan) -> None:
    rows = [deal(deal_id="D-1"), deal(deal_id="D-1", partner="Northwind ERP", amount=Decimal("9999"))]
    result = credit(example_plan, rows)
    assert result.deals == []
    [problem] = result.problems
    assert "disagree on amount (10000 and 9999)" in problem.message


def test_revenue_per_partner_per_category_and_for_the_program(example_plan: Plan) -> None:
    rows = [
        deal(deal_id="D-1", amount=Decimal("48000"), close_date=day("2026-08-14")),
        deal(
            deal_id="D-1",
            partner="Northwind ERP",
            touch=Touch.INFLUENCED,
            amount=Decimal("48000"),
            close_date=day("2026-08-14"),
        ),
        deal(
            deal_id="D-2",
            partner="Orbit CRM",
            registered_on=None,
            account_name="B",
            account_domain=None,
            amount=Decimal("15000"),
        ),
        deal(
            deal_id="D-3",
            partner="Northwind ERP",
            account_name="C",
            account_domain=None,
            amount=Decimal("12000.50"),
        ),
        deal(
            deal_id="D-4",
            partner="Keystone IT Partners",
            account_name="E",
            account_domain=None,
            close_date=day("2026-10-02"),
        ),
    ]
    revenue = credit(example_plan, rows).revenue(parse_period("2026-Q3"))
    assert revenue.sourced == Decimal("60000.50") and revenue.sourced_deals == 2
    assert revenue.influenced == Decimal("15000") and revenue.influenced_deals == 1
    northwind = revenue.by_partner["Northwind ERP"]
    assert (northwind.sourced, northwind.influenced) == (Decimal("12000.50"), Decimal("48000"))
    integration = revenue.by_category[CategoryKind.INTEGRATION]
    assert integration.sourced == Decimal("12000.50")
    assert integration.influenced == Decimal("63000")  # D-1 (influenced by Northwind) and D-2 (Orbit)
    assert revenue.by_category[CategoryKind.DISTRIBUTION].sourced == Decimal("48000")
    assert "Keystone IT Partners" not in revenue.by_partner  # closed in Q4


def test_deals_in_another_currency_are_left_out_with_a_located_problem(example_plan: Plan) -> None:
    result = credit(example_plan, [deal(), deal(currency="EUR", account_name="B", account_domain=None)])
    assert len(result.deals) == 1
    [problem] = result.problems
    assert problem.path == ("deals", 1, "currency") and "one currency per program" in problem.message


@given(deals_strategy(), st.randoms(use_true_random=False))
def test_a_deal_is_credited_to_at_most_one_partner_as_sourced(
    example_plan: Plan, rows: list[Deal], rnd: random.Random
) -> None:
    as_of = START + timedelta(days=400)
    result = credit(example_plan, rows, as_of)
    ids = [c.deal_id for c in result.deals]
    assert len(ids) == len(set(ids))
    for c in result.deals:
        assert c.sourced_by not in c.influenced_by
    revenue = result.revenue()
    assert revenue.sourced == sum((p.sourced for p in revenue.by_partner.values()), Decimal(0))
    # and the credit does not depend on the order of the rows
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    again = credit(example_plan, shuffled, as_of)
    assert sorted((c.deal_id, c.sourced_by, c.influenced_by) for c in again.deals) == sorted(
        (c.deal_id, c.sourced_by, c.influenced_by) for c in result.deals
    )


def _won_rows_plainly(
    rows: list[Deal], as_of: date, period: Period | None, accounts: list[int | None]
) -> dict[str, list[int]]:
    """The rule of ``_won_rows`` written plainly: won by the as-of date; with a period, the deals closed
    or refunded in it and every earlier won deal on their accounts."""
    won = [
        i
        for i, d in enumerate(rows)
        if d.stage is Stage.WON and d.close_date is not None and d.close_date <= as_of
    ]
    if period is not None:
        inside = [
            i
            for i in won
            if rows[i].close_date in period
            or (rows[i].refunded_on is not None and rows[i].refunded_on in period)
        ]
        touched = {accounts[i] for i in inside} - {None}
        won = [i for i in won if i in inside or accounts[i] in touched]
    out: dict[str, list[int]] = {}
    for i in won:
        out.setdefault(rows[i].deal_id, []).append(i)
    return out


@given(
    deals_strategy(),
    st.integers(0, 400),
    st.sampled_from([None, "2026-Q1", "2026-Q2", "2026-Q3", "2026-07", "2026"]),
    st.randoms(use_true_random=False),
)
def test_the_won_rows_a_run_needs_follow_the_plain_rule(
    rows: list[Deal], as_of_day: int, label: str | None, rnd: random.Random
) -> None:
    as_of = START + timedelta(days=as_of_day)
    period = parse_period(label) if label is not None else None
    # account numbers as accounts_of gives them, and some rows without an account
    accounts: list[int | None] = [rnd.choice([None, 0, 1, 2, 3]) for _ in rows]
    assert _won_rows(rows, as_of, period, accounts) == _won_rows_plainly(rows, as_of, period, accounts)


@given(deals_strategy())
def test_attribution_reusing_the_checks_partner_names_credits_the_same(
    example_plan: Plan, rows: list[Deal]
) -> None:
    rules = partner_rules(example_plan)
    check = check_registrations(example_plan, rows, AS_OF, rules=rules)
    assert check.names_for(rows, rules) is check.by_name
    reused = attribute(example_plan, rows, check, rules=rules, period=parse_period("2026-Q3"))
    fresh = attribute(
        example_plan, rows, replace(check, by_name=None), rules=rules, period=parse_period("2026-Q3")
    )
    assert reused.deals == fresh.deals
    assert reused.problems == fresh.problems
