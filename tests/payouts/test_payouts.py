"""Payout runs: margins, revenue share, referral fees, tail cap, clawbacks, accelerators, carry-over, cents."""

from __future__ import annotations

import copy
import random
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from partnerkit.model import Plan
from partnerkit.payouts import LineKind, PayoutRun, cents, compute_payouts
from partnerkit.pipeline import Deal, Touch, parse_period
from tests.deals.helpers import to_plan
from tests.pipeline.builders import PARTNERS, day, deal, deals_strategy

Q3 = parse_period("2026-Q3")


def run(plan: Plan, rows: list[Deal], period: str = "2026-Q3", **kw: Any) -> PayoutRun:
    return compute_payouts(plan, rows, parse_period(period), **kw)


def lines(result: PayoutRun, partner: str) -> list[tuple[str, str, str]]:
    return [(x.kind.value, x.deal_id, str(x.amount)) for x in result.statement(partner).lines]


def test_a_reseller_earns_its_margin_and_the_registered_deal_discount(example_plan: Plan) -> None:
    result = run(example_plan, [deal(partner="Keystone IT Partners", amount=Decimal("40000"), deal_id="D-1")])
    assert lines(result, "Keystone IT Partners") == [
        ("margin", "D-1", "10000.00"),
        ("registered-deal discount", "D-1", "4000.00"),
    ]
    statement = result.statement("Keystone IT Partners")
    assert statement.payable == Decimal("14000.00") and statement.status == "paid"


def test_no_registered_deal_discount_after_protection_ended(example_plan: Plan) -> None:
    late = deal(
        partner="Ledger & Lane CPAs",
        approved_on=day("2026-03-03"),
        close_date=day("2026-07-09"),
        deal_id="D-1",
    )
    [margin, extra] = run(example_plan, [late]).statement("Ledger & Lane CPAs").lines
    assert margin.amount == Decimal("2000.00")
    assert extra.amount == 0 and extra.note == "closed after protection ended"


def test_integration_partners_earn_revenue_share_and_referral_fees(example_plan: Plan) -> None:
    rows = [
        deal(deal_id="D-1", partner="Northwind ERP", amount=Decimal("12000")),
        deal(
            deal_id="D-2",
            partner="Northwind ERP",
            touch=Touch.REFERRAL,
            account_name="B",
            account_domain=None,
        ),
    ]
    assert lines(run(example_plan, rows), "Northwind ERP")[:2] == [
        ("revenue share", "D-1", "2400.00"),
        ("referral fee", "D-2", "1500.00"),
    ]


def test_the_commission_tail_cap_ends_on_the_anniversary(example_plan: Plan) -> None:
    first = deal(
        deal_id="D-0", partner="Bluefin Banking", approved_on=day("2025-06-01"), close_date=day("2025-06-15")
    )
    before = deal(
        deal_id="D-1", partner="Bluefin Banking", approved_on=day("2026-05-01"), close_date=day("2026-06-14")
    )
    on = deal(
        deal_id="D-2", partner="Bluefin Banking", approved_on=day("2026-05-01"), close_date=day("2026-06-15")
    )
    result = run(example_plan, [first, before, on], "2026-Q2")
    d1, d2 = result.statement("Bluefin Banking").lines
    assert d1.amount == Decimal("1500.00") and d1.note == "within the commission tail cap"
    assert d2.amount == 0 and "after the commission tail cap (12 months from 2025-06-15" in d2.note


def test_a_clawback_on_the_last_allowed_day_takes_the_commission_back(example_plan: Plan) -> None:
    won = {
        "partner": "Keystone IT Partners",
        "approved_on": day("2026-04-02"),
        "close_date": day("2026-05-15"),
    }
    on_last_day = deal(deal_id="D-1", amount=Decimal("16000"), refunded_on=day("2026-08-13"), **won)
    a_day_late = deal(
        deal_id="D-2", amount=Decimal("8000"), refunded_on=day("2026-08-14"), account_name="B", **won
    )
    statement = run(example_plan, [on_last_day, a_day_late]).statement("Keystone IT Partners")
    taken = [(x.deal_id, x.takes_back, x.amount) for x in statement.lines if x.amount]
    assert taken == [
        ("D-1", LineKind.MARGIN, Decimal("-4000.00")),
        ("D-1", LineKind.REGISTERED_DISCOUNT, Decimal("-1600.00")),
    ]
    [late] = [x for x in statement.lines if x.deal_id == "D-2"]
    assert late.amount == 0 and "beyond the 90-day clawback window" in late.note
    assert statement.clawed_back == Decimal("-5600.00")
    assert statement.payable == 0 and statement.carried_out == Decimal("-5600.00")
    assert statement.status == "negative balance carried over"


def test_a_refund_in_the_same_period_nets_to_zero(example_plan: Plan) -> None:
    statement = run(example_plan, [deal(refunded_on=day("2026-09-01"))]).statement("Brightline Advisory")
    assert statement.earned == -statement.clawed_back and statement.payable == 0


def test_the_minimum_payout_carries_a_small_balance_over(example_plan: Plan) -> None:
    small = deal(partner="Summit Cloud Group", amount=Decimal("1200.15"))
    statement = run(example_plan, [small]).statement("Summit Cloud Group")
    # 30% of 1200.15 is 360.045 and 10% is 120.015: half a cent goes to the even cent
    assert [x.amount for x in statement.lines] == [Decimal("360.04"), Decimal("120.02")]
    assert statement.payable == 0 and statement.carried_out == Decimal("480.06")
    paid = run(example_plan, [small], carried_in={"Summit Cloud Group": Decimal("100")}).statement(
        "Summit Cloud Group"
    )
    assert paid.payable == Decimal("580.06") and paid.carried_out == 0


def test_a_carried_in_balance_alone_makes_a_statement(example_plan: Plan) -> None:
    result = run(example_plan, [], carried_in={"Crestline Tax": Decimal("700")})
    assert result.statement("Crestline Tax").payable == Decimal("700.00")
    unknown = run(example_plan, [], carried_in={"Nobody": Decimal("5")})
    assert not unknown.ok and unknown.statements == ()


def test_the_accelerator_needs_the_threshold(example_plan: Plan) -> None:
    below = run(example_plan, [deal(amount=Decimal("49999.99"))]).statement("Brightline Advisory")
    assert below.accelerator == 0
    assert "needs $50,000 of sourced revenue in the period; $49,999.99 was sourced" in below.lines[-1].note
    # a partner whose deals add up to the threshold earns it
    rows = [
        deal(amount=Decimal("25000")),
        deal(amount=Decimal("25000"), account_name="B", account_domain=None),
    ]
    reached = run(example_plan, rows).statement("Brightline Advisory")
    assert reached.earned == Decimal("20000.00") and reached.accelerator == Decimal("2000.00")
    assert reached.payable == Decimal("22000.00")


def test_mixed_currencies_refuse_the_run_with_the_row(example_plan: Plan) -> None:
    rows = [
        deal(),
        deal(partner="Keystone IT Partners", currency="EUR", account_name="B", account_domain=None),
    ]
    result = run(example_plan, rows)
    assert not result.ok and result.statements == ()
    [problem] = result.problems
    assert problem.path == ("deals", 1, "currency") and problem.is_error
    # a deal in another currency outside the period only informs
    old = deal(currency="EUR", close_date=day("2025-03-01"), approved_on=day("2025-01-01"), account_name="C")
    later = run(example_plan, [deal(), old])
    assert later.ok and not later.problems[0].is_error


def test_influencing_and_ecosystem_partners_earn_nothing(example_plan: Plan) -> None:
    rows = [
        deal(deal_id="D-1"),
        deal(
            deal_id="D-1",
            partner="Northwind ERP",
            touch=Touch.INFLUENCED,
            registered_on=None,
            approved_on=None,
        ),
    ]
    result = run(example_plan, rows)
    assert [s.partner for s in result.statements] == ["Brightline Advisory"]


def test_a_minimum_in_another_currency_is_a_problem(example_data: dict[str, Any]) -> None:
    data = copy.deepcopy(example_data)
    data["deal_frameworks"]["payouts"]["minimum_payout"] = "500 EUR"
    result = run(to_plan(data), [deal()])
    assert not result.ok and "minimum payout is in EUR" in result.problems[0].message


def test_cents_round_half_to_even() -> None:
    assert [cents(Decimal(x)) for x in ("1.005", "1.015", "1.025", "-1.005")] == [
        Decimal("1.00"),
        Decimal("1.02"),
        Decimal("1.02"),
        Decimal("-1.00"),
    ]


# --- properties ---------------------------------------------------------------------------------

balances = st.dictionaries(
    st.sampled_from(PARTNERS), st.integers(-100_000, 100_000).map(lambda c: Decimal(c) / 100), max_size=4
)


@given(deals_strategy(max_size=40), balances, st.sampled_from(["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]))
def test_payouts_are_never_negative_and_statements_add_up_to_the_run(
    example_plan: Plan, rows: list[Deal], carried: dict[str, Decimal], period: str
) -> None:
    result = run(example_plan, rows, period, carried_in=carried)
    assert result.ok
    for s in result.statements:
        assert s.payable >= 0
        assert s.payable + s.carried_out == s.carried_in + s.net  # nothing lost, nothing made up
        assert s.earned + s.clawed_back + s.accelerator == sum((x.amount for x in s.lines), Decimal(0))
        assert all(x.amount == cents(x.amount) for x in s.lines)
        if s.minimum is not None and s.payable > 0:
            assert s.payable >= s.minimum
    assert result.total_payable == sum((s.payable for s in result.statements), Decimal(0))
    assert result.total_carried_out == sum((s.carried_out for s in result.statements), Decimal(0))


@given(deals_strategy(max_size=40), balances, st.randoms(use_true_random=False))
def test_rerunning_a_period_is_idempotent(
    example_plan: Plan, rows: list[Deal], carried: dict[str, Decimal], rnd: random.Random
) -> None:
    first = run(example_plan, rows, carried_in=carried).to_dict()
    assert run(example_plan, rows, carried_in=carried).to_dict() == first
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    again = run(example_plan, shuffled, carried_in=carried).to_dict()
    assert again["statements"] == first["statements"] and again["payable"] == first["payable"]
