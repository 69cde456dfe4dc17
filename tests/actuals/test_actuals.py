"""Actuals and economics: metrics from deals against the plan's targets, partner NPS, cost per tier."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.actuals import (
    SurveyResponse,
    metric_actuals,
    metric_windows,
    net_promoter_score,
    score_problem,
    tier_economics,
)
from partnerkit.model import Plan
from partnerkit.pipeline import Deal, Touch, attribute, check_registrations, parse_period, partner_rules
from tests.deals.helpers import to_plan
from tests.pipeline.builders import day, deal


def test_nps_counts_promoters_passives_and_detractors() -> None:
    answers = [SurveyResponse(date(2026, 5, 1), s) for s in (10, 9, 8, 7, 6, 0)]
    nps = net_promoter_score(answers)
    assert (nps.promoters, nps.passives, nps.detractors, nps.responses) == (2, 2, 2, 6)
    assert nps.score == Decimal("0.0")
    assert net_promoter_score([]).score is None
    assert net_promoter_score(answers[:3]).score == Decimal("66.7")  # 2 of 3 promoters, no detractors
    assert net_promoter_score(answers, parse_period("2026-Q3")).responses == 0


@given(st.lists(st.integers(0, 10), min_size=1, max_size=60))
def test_nps_is_between_minus_100_and_100(scores: list[int]) -> None:
    nps = net_promoter_score([SurveyResponse(date(2026, 1, 1), s) for s in scores])
    assert nps.score is not None and Decimal(-100) <= nps.score <= Decimal(100)
    assert nps.responses == len(scores)


@pytest.mark.parametrize(
    ("value", "ok"), [(0, True), (10, True), (11, False), (-1, False), (7.5, False), (True, False)]
)
def test_an_answer_is_a_whole_number_from_0_to_10(value: object, ok: bool) -> None:
    assert (score_problem(value) is None) is ok


def test_the_plans_periods_start_with_the_quarter_of_the_program_start(example_plan: Plan) -> None:
    windows = metric_windows(example_plan)
    assert [(w.key, w.period.start, w.period.end) for w in windows] == [
        ("q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("year1", date(2026, 1, 1), date(2026, 12, 31)),
    ]


def _actuals(plan: Plan, rows: list[Deal], answers: list[SurveyResponse], as_of: date) -> dict[Any, Any]:
    check = check_registrations(plan, rows, as_of)
    found = metric_actuals(plan, rows, answers, as_of, check, attribute(plan, rows, check))
    return {(r.metric, r.period): r for r in found}


def test_metrics_from_deals_against_targets(example_plan: Plan) -> None:
    rows = [
        deal(
            deal_id="D-1",
            approved_on=day("2026-02-01"),
            close_date=day("2026-03-01"),
            amount=Decimal("30000"),
        ),
        deal(
            deal_id="D-2",
            partner="Keystone IT Partners",
            approved_on=day("2026-05-01"),
            account_name="B",
            account_domain=None,
        ),
        deal(
            deal_id="D-2",
            partner="Orbit CRM",
            touch=Touch.INFLUENCED,
            registered_on=None,
            approved_on=None,
            account_name="B",
            account_domain=None,
        ),
    ]
    rows[1].close_date = rows[2].close_date = day("2026-06-01")
    answers = [SurveyResponse(day("2026-05-02"), 10, "Keystone IT Partners")]
    by = _actuals(example_plan, rows, answers, day("2026-09-30"))
    revenue_q1 = by[("Partner-sourced revenue", "Q1")]
    assert (revenue_q1.target, revenue_q1.actual) == (Decimal("75000"), Decimal("30000"))
    assert revenue_q1.attainment == Decimal("0.4000") and revenue_q1.variance == Decimal("-45000")
    assert revenue_q1.status == "final" and revenue_q1.source == "deals"
    assert by[("Partner-sourced revenue", "Q2")].actual == Decimal("40000")  # cumulative from Q1
    assert by[("Active partners", "Q2")].actual == 3  # Brightline, Keystone and the influencing Orbit CRM
    assert by[("Partner-sourced leads", "Q2")].actual == 2
    assert by[("Partner-sourced revenue", "Year 1")].status == "to date"
    nps_q2 = by[("Partner satisfaction (NPS)", "Q2")]
    assert nps_q2.actual == Decimal("100.0") and nps_q2.nps is not None and nps_q2.nps.responses == 1
    assert nps_q2.target is None and nps_q2.attainment is None  # never an invented target
    assert by[("Integration usage", "Q1")].status == "no actual"


def test_a_period_not_begun_has_no_actual(example_plan: Plan) -> None:
    by = _actuals(example_plan, [], [], day("2025-12-01"))
    assert by[("Active partners", "Q1")].status == "not started"
    assert by[("Active partners", "Q1")].actual is None


def test_typed_actuals_stay_for_metrics_without_a_measure(example_data: dict[str, Any]) -> None:
    data = copy.deepcopy(example_data)
    usage = next(m for m in data["metrics"] if m["name"] == "Integration usage")
    usage["actual_q1"] = "12%"
    row = _actuals(to_plan(data), [], [], day("2026-09-30"))[("Integration usage", "Q1")]
    assert row.actual == Decimal("0.12") and row.source == "plan"
    assert row.to_dict()["attainment"] == "120%"


def test_a_measure_must_count_in_its_unit(example_data: dict[str, Any]) -> None:
    data = copy.deepcopy(example_data)
    data["metrics"][0]["measure"] = "partner_sourced_revenue"  # Active partners is a count
    with pytest.raises(ValueError, match="counts in unit 'money', not 'count'"):
        to_plan(data)


def test_economics_by_tier(example_plan: Plan) -> None:
    rows = [
        deal(deal_id="D-1", amount=Decimal("48000")),
        deal(deal_id="D-2", amount=Decimal("12000"), account_name="B", account_domain=None),
        deal(
            deal_id="D-3",
            partner="Northwind ERP",
            amount=Decimal("12000"),
            account_name="C",
            account_domain=None,
        ),
        deal(
            deal_id="D-4",
            partner="Keystone IT Partners",
            amount=Decimal("40000"),
            account_name="E",
            account_domain=None,
        ),
    ]
    q3 = parse_period("2026-Q3")
    check = check_registrations(example_plan, rows, q3.end)
    found = tier_economics(
        example_plan, rows, q3, partner_rules(example_plan), check, attribute(example_plan, rows, check)
    )
    by = {e.tier: e for e in found}
    strategic = by["Strategic"]
    assert strategic.partners == 2  # Northwind ERP and Brightline Advisory
    assert strategic.co_marketing == Decimal("30000.00")  # 15,000 a quarter each
    assert strategic.revenue_share == Decimal("2400.00")
    assert strategic.other_payouts == Decimal("26400.00")  # 24,000 of margin + discount, 2,400 accelerator
    assert strategic.sourced_revenue == Decimal("72000")
    assert strategic.cost_ratio == Decimal("0.8167")
    # fixed 15,000 a partner, variable 28,800 / 72,000 = 40%: 15,000 / 0.6
    assert strategic.break_even_revenue_per_partner == Decimal("25000.00")
    premier = by["Premier"]
    assert premier.other_payouts == Decimal("14000.00") and premier.sourced_revenue == Decimal("40000")
    assert by["Registered"].break_even_revenue_per_partner == Decimal("0.00")  # no co-marketing budget
    assert list(by) == ["Strategic", "Premier", "Registered", "No tier"]
