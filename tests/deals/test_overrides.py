"""Per-partner overrides and the program's legal defaults in the plan file: checked, located, round-tripped."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from partnerkit.deals import build_terms
from partnerkit.io.planfile import dump_plan, parse_plan_text
from partnerkit.model import Plan

from .helpers import partner_data


def load(data: dict[str, Any]) -> tuple[Plan | None, list[str]]:
    """Parse plan data the way a plan file is read; the problems as printed."""
    plan, problems = parse_plan_text(yaml.safe_dump(data, sort_keys=False), "plan.yaml")
    return plan, [str(p) for p in problems if p.is_error]


def test_overrides_and_legal_details_load_from_the_example(ledgerly: Plan) -> None:
    northwind = ledgerly.partner("Northwind ERP")
    assert northwind.legal_name == "Northwind ERP Software, Inc."
    assert northwind.overrides["term_months"].value == 36
    assert ledgerly.deal_frameworks.legal.governing_law == "the State of Delaware, United States"


def test_a_plan_without_a_legal_section_gets_the_standard_defaults(ledgerly_data: dict[str, Any]) -> None:
    del ledgerly_data["deal_frameworks"]["legal"]
    plan, errors = load(ledgerly_data)
    assert errors == [] and plan is not None
    legal = plan.deal_frameworks.legal
    assert (legal.cure_period_days, legal.renewal.non_renewal_notice_days, legal.referral.tail_months) == (
        30,
        60,
        12,
    )
    assert legal.governing_law is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"protection_period": 120},
            "unknown term 'protection_period'; did you mean 'protection_period_days'?",
        ),
        ({"margin_band_max": "50%"}, "'margin_band_max' is set by the program for every partner"),
        ({"partner_discount": 0.3}, "ambiguous as a percentage"),
        ({"protection_period_days": "ninety"}, "expected a whole number of days"),
        ({"protection_period_days": 5000}, "5000 days is outside 0-3650"),
        ({"exclusivity": "exclusiv"}, "did you mean 'exclusive'"),
        ({"auto_renew": "yes please"}, "expected true or false"),
        ({"term_months": None}, "every agreement needs a value for this term"),
    ],
)
def test_a_bad_override_is_a_located_problem(
    ledgerly_data: dict[str, Any], overrides: dict[str, Any], message: str
) -> None:
    partner_data(ledgerly_data, "Keystone IT Partners")["overrides"] = overrides
    plan, errors = load(ledgerly_data)
    assert plan is None
    [error] = errors
    assert error.startswith("plan.yaml:")
    assert "categories.distribution.partners[1].overrides" in error
    assert message in error


def test_overrides_take_a_short_form_or_a_value_with_reason_and_sources(
    ledgerly_data: dict[str, Any],
) -> None:
    partner_data(ledgerly_data, "Keystone IT Partners")["overrides"] = {
        "protection_period_days": 120,
        "partner_discount": {"value": "32%", "reason": "two-year commitment", "sources": "S1"},
    }
    plan, errors = load(ledgerly_data)
    assert errors == [] and plan is not None
    overrides = plan.partner("Keystone IT Partners").overrides
    assert overrides["protection_period_days"].value == 120
    assert overrides["partner_discount"].sources == ["S1"]
    discount = build_terms(plan, "Keystone IT Partners").term("partner_discount")
    assert discount.sources == ("S1",) and discount.reason == "two-year commitment"


def test_an_override_citing_an_unknown_source_is_a_problem(ledgerly_data: dict[str, Any]) -> None:
    partner_data(ledgerly_data, "Keystone IT Partners")["overrides"] = {
        "protection_period_days": {"value": 120, "sources": ["S99"]}
    }
    _, errors = load(ledgerly_data)
    assert any("S99" in e for e in errors)


def test_the_plan_with_overrides_round_trips(ledgerly: Plan) -> None:
    text = dump_plan(ledgerly)
    again, problems = parse_plan_text(text, "again.yaml")
    assert [p for p in problems if p.is_error] == []
    assert again == ledgerly
    assert (
        again is not None
        and again.partner("Brightline Advisory").overrides
        == ledgerly.partner("Brightline Advisory").overrides
    )


def test_a_python_caller_may_pass_decimal_and_date_values(ledgerly: Plan) -> None:
    from datetime import date
    from decimal import Decimal

    from partnerkit.model import DistributionPartner

    data = ledgerly.partner("Keystone IT Partners").model_dump()
    data["overrides"] = {"partner_discount": Decimal("0.32"), "quota": "Ten customers"}
    data["effective_date"] = date(2026, 5, 1)
    partner = DistributionPartner.model_validate(data)
    assert partner.overrides["partner_discount"].value == "32%"
    assert partner.effective_date == date(2026, 5, 1)
