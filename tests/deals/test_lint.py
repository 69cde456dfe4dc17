"""Term lint: one test per rule, each finding with its reason, severity and the terms involved."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.checks import validate
from partnerkit.deals import build_terms
from partnerkit.deals.lint import TermFinding, check_deal_terms, has_errors, lint_terms
from partnerkit.io.planfile import example_plan_path
from partnerkit.model import Plan
from partnerkit.problems import Severity

from .helpers import partner_data, to_plan


def findings(plan: Plan, partner: str, code: str) -> list[TermFinding]:
    """The findings with ``code`` on ``partner``'s terms."""
    return [f for f in lint_terms(build_terms(plan, partner)) if f.code == code]


def test_the_example_has_no_lint_errors(ledgerly: Plan) -> None:
    for _, partner in ledgerly.partners():
        if partner in ledgerly.categories.ecosystem.partners:
            continue
        assert not has_errors(lint_terms(build_terms(ledgerly, partner))), partner.name


# --- discount and margin band ----------------------------------------------------------------------


def test_tier_discount_outside_the_margin_band_is_an_error(ledgerly_data: dict[str, Any]) -> None:
    ledgerly_data["tiers"][0]["benefits"]["partner_discount"] = "45%"
    [finding] = findings(to_plan(ledgerly_data), "Brightline Advisory", "discount_outside_band")
    assert finding.severity is Severity.ERROR
    assert finding.fields == ("partner_discount", "margin_band_min", "margin_band_max")
    assert "45%" in finding.message and "20%-40%" in finding.message
    assert "tier benefit" in finding.message


def test_overridden_discount_outside_the_band_names_the_override(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Summit Cloud Group", overrides={"partner_discount": "15%"})
    [finding] = findings(plan, "Summit Cloud Group", "discount_outside_band")
    assert "this partner's override" in finding.message


@settings(max_examples=60, deadline=None)
@given(percent=st.integers(0, 100))
def test_discount_is_flagged_exactly_outside_the_band(_ledgerly_data: dict[str, Any], percent: int) -> None:
    data = copy.deepcopy(_ledgerly_data)
    partner_data(data, "Summit Cloud Group")["overrides"] = {"partner_discount": f"{percent}%"}
    flagged = bool(findings(to_plan(data), "Summit Cloud Group", "discount_outside_band"))
    assert flagged == (not 20 <= percent <= 40)


def test_registered_deal_discount_above_the_band_is_a_warning(ledgerly_data: dict[str, Any]) -> None:
    assert findings(to_plan(ledgerly_data), "Brightline Advisory", "registered_discount_above_band") == []
    ledgerly_data["tiers"][0]["benefits"]["partner_discount"] = "35%"
    partner_data(ledgerly_data, "Brightline Advisory")["margin"] = "35%"
    [finding] = findings(to_plan(ledgerly_data), "Brightline Advisory", "registered_discount_above_band")
    assert finding.severity is Severity.WARNING
    assert "45% (35% + 10%)" in finding.message


def test_margin_in_the_strategy_table_that_differs_from_the_terms_is_a_warning(
    ledgerly_data: dict[str, Any],
) -> None:
    assert findings(to_plan(ledgerly_data), "Keystone IT Partners", "margin_differs_from_strategy") == []
    partner_data(ledgerly_data, "Keystone IT Partners")["margin"] = "22%"
    ledgerly = to_plan(ledgerly_data)
    [finding] = findings(ledgerly, "Keystone IT Partners", "margin_differs_from_strategy")
    assert finding.severity is Severity.WARNING
    assert finding.fields == ("partner_discount", "strategy_margin")
    assert findings(ledgerly, "Ledger & Lane CPAs", "margin_differs_from_strategy") == []


# --- tier benefits ---------------------------------------------------------------------------------


def test_revenue_share_that_differs_from_the_tier_is_an_error(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Orbit CRM", overrides={"revenue_share": "25%"})
    [finding] = findings(plan, "Orbit CRM", "differs_from_tier")
    assert finding.severity is Severity.ERROR
    assert finding.fields == ("revenue_share",)
    assert "25%" in finding.message and "Registered tier benefit 10%" in finding.message


def test_a_reasoned_difference_from_the_tier_is_a_warning(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner(
        "Keystone IT Partners", overrides={"partner_discount": {"value": "32%", "reason": "two-year deal"}}
    )
    [finding] = findings(plan, "Keystone IT Partners", "differs_from_tier")
    assert finding.severity is Severity.WARNING
    assert "two-year deal" in finding.message


def test_an_untiered_override_does_not_differ_from_a_tier(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Stackpay", overrides={"revenue_share": "25%"})
    assert findings(plan, "Stackpay", "differs_from_tier") == []


def test_unknown_tier_is_an_error(edit_partner: Callable[..., Plan]) -> None:
    [finding] = findings(edit_partner("Orbit CRM", tier="Platinum"), "Orbit CRM", "unknown_tier")
    assert finding.is_error and "Platinum" in finding.message


# --- deal registration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "flagged"), [(20, True), (29, True), (30, False), (365, False), (366, True)]
)
def test_protection_period_must_be_30_to_365_days(
    edit_partner: Callable[..., Plan], days: int, flagged: bool
) -> None:
    plan = edit_partner("Keystone IT Partners", overrides={"protection_period_days": days})
    found = findings(plan, "Keystone IT Partners", "protection_out_of_range")
    assert bool(found) == flagged
    assert all(f.is_error and f.fields == ("protection_period_days",) for f in found)


def test_no_protection_period_is_an_error_only_with_deal_registration(
    edit_partner: Callable[..., Plan],
) -> None:
    plan = edit_partner("Keystone IT Partners", overrides={"protection_period_days": None})
    assert findings(plan, "Keystone IT Partners", "protection_out_of_range")
    plan = edit_partner(
        "Keystone IT Partners", overrides={"protection_period_days": None, "deal_registration": False}
    )
    assert findings(plan, "Keystone IT Partners", "protection_out_of_range") == []


def test_protection_shorter_than_the_sales_cycle_is_a_warning(ledgerly_data: dict[str, Any]) -> None:
    ledgerly_data["deal_frameworks"]["legal"]["sales_cycle_days"] = 100
    plan = to_plan(ledgerly_data)
    [finding] = findings(plan, "Keystone IT Partners", "protection_shorter_than_cycle")
    assert finding.severity is Severity.WARNING
    assert finding.fields == ("protection_period_days", "sales_cycle_days")
    assert "90 days" in finding.message and "100-day" in finding.message
    # Brightline's 120-day override covers the cycle.
    assert findings(plan, "Brightline Advisory", "protection_shorter_than_cycle") == []


# --- exclusivity, quotas, reporting, pricing -------------------------------------------------------


def test_exclusivity_without_a_quota_is_an_error(ledgerly_data: dict[str, Any]) -> None:
    reseller = ledgerly_data["deal_frameworks"]["reseller"]
    reseller["exclusivity"] = "exclusive"
    reseller["quotas"] = {"description": "None"}
    [finding] = findings(to_plan(ledgerly_data), "Keystone IT Partners", "exclusivity_without_limits")
    assert finding.is_error
    assert finding.fields == ("exclusivity", "quota", "quota_minimum_annual")
    assert "without a quota" in finding.message


def test_exclusivity_without_a_territory_is_an_error(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Keystone IT Partners", overrides={"exclusivity": "exclusive", "territory": None})
    [finding] = findings(plan, "Keystone IT Partners", "exclusivity_without_limits")
    assert finding.fields == ("exclusivity", "territory")


def test_exclusivity_with_territory_and_quota_is_fine(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Keystone IT Partners", overrides={"exclusivity": "exclusive"})
    assert findings(plan, "Keystone IT Partners", "exclusivity_without_limits") == []


def test_quotas_without_reporting_are_an_error(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Keystone IT Partners", overrides={"reporting_frequency": "n/a"})
    [finding] = findings(plan, "Keystone IT Partners", "quota_without_reporting")
    assert finding.is_error and finding.fields == ("quota", "reporting_frequency")
    plan = edit_partner(
        "Keystone IT Partners",
        overrides={"reporting_frequency": None, "quota": None, "quota_minimum_annual": None},
    )
    assert findings(plan, "Keystone IT Partners", "quota_without_reporting") == []


def test_controlled_end_user_price_is_resale_price_maintenance(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Keystone IT Partners", overrides={"end_user_pricing": "controlled"})
    [finding] = findings(plan, "Keystone IT Partners", "resale_price_maintenance")
    assert finding.is_error and finding.fields == ("end_user_pricing",)
    assert "resale price maintenance" in finding.message


# --- referral, termination, law --------------------------------------------------------------------


@pytest.mark.parametrize(("months", "flagged"), [(12, False), (24, False), (25, True), (36, True)])
def test_referral_tail_over_24_months_is_flagged(
    edit_partner: Callable[..., Plan], months: int, flagged: bool
) -> None:
    plan = edit_partner("Bluefin Banking", overrides={"referral_tail_months": months})
    found = findings(plan, "Bluefin Banking", "referral_tail_too_long")
    assert bool(found) == flagged
    assert all(f.fields == ("referral_tail_months",) and not f.is_error for f in found)


@pytest.mark.parametrize("notice", [None, 0])
def test_termination_without_notice_is_an_error(
    edit_partner: Callable[..., Plan], notice: int | None
) -> None:
    plan = edit_partner("Bluefin Banking", overrides={"termination_notice_days": notice})
    [finding] = findings(plan, "Bluefin Banking", "termination_without_notice")
    assert finding.is_error and finding.fields == ("termination_notice_days",)


def test_no_cure_period_is_a_warning(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Bluefin Banking", overrides={"cure_period_days": None})
    [finding] = findings(plan, "Bluefin Banking", "no_cure_period")
    assert finding.severity is Severity.WARNING


def test_no_governing_law_is_an_error_and_no_courts_a_warning(ledgerly_data: dict[str, Any]) -> None:
    del ledgerly_data["deal_frameworks"]["legal"]["governing_law"]
    del ledgerly_data["deal_frameworks"]["legal"]["courts"]
    plan = to_plan(ledgerly_data)
    for partner in ("Bluefin Banking", "Keystone IT Partners"):
        [law] = findings(plan, partner, "no_governing_law")
        assert law.is_error and law.fields == ("governing_law",)
        [courts] = findings(plan, partner, "no_courts")
        assert not courts.is_error


# --- overrides and parties -------------------------------------------------------------------------


def test_an_override_the_agreement_cannot_use_is_a_warning(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Bluefin Banking", overrides={"territory": "Europe"})
    [finding] = findings(plan, "Bluefin Banking", "override_not_applicable")
    assert finding.fields == ("territory",) and "Integration Partnership Agreement" in finding.message


def test_missing_partner_details_are_a_warning(ledgerly: Plan) -> None:
    [finding] = findings(ledgerly, "Stackpay", "partner_details_missing")
    assert finding.fields == ("legal_name", "notice_address")
    assert "legal name and notice address are missing" in finding.message
    assert findings(ledgerly, "Northwind ERP", "partner_details_missing") == []


def test_missing_company_details_are_a_warning(ledgerly_data: dict[str, Any]) -> None:
    del ledgerly_data["deal_frameworks"]["legal"]["company"]
    [finding] = findings(to_plan(ledgerly_data), "Keystone IT Partners", "company_details_missing")
    assert not finding.is_error


# --- findings as data ------------------------------------------------------------------------------


def test_errors_come_first_and_findings_print_and_serialise(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Stackpay", overrides={"termination_notice_days": 0})
    found = lint_terms(build_terms(plan, "Stackpay"))
    assert [f.is_error for f in found] == sorted((f.is_error for f in found), reverse=True)
    error = found[0]
    assert str(error).startswith("Stackpay: termination_notice_days: termination has no notice period")
    assert error.to_dict()["severity"] == "error"
    assert str(found[-1]).startswith("Stackpay: legal_name, notice_address: warning: ")


# --- the plan check --------------------------------------------------------------------------------


def test_the_example_passes_the_plan_check(ledgerly: Plan) -> None:
    assert check_deal_terms(ledgerly) == []


def test_an_override_with_a_problem_is_a_warning_at_the_override(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Keystone IT Partners", overrides={"end_user_pricing": "controlled"})
    [problem] = check_deal_terms(plan)
    assert problem.severity is Severity.WARNING
    assert problem.field == "categories.distribution.partners[1].overrides.end_user_pricing"
    assert problem.code == "resale_price_maintenance"
    assert problem in validate(plan)


def test_a_standard_term_problem_is_reported_once(ledgerly_data: dict[str, Any]) -> None:
    del ledgerly_data["deal_frameworks"]["legal"]["governing_law"]
    problems = [p for p in check_deal_terms(to_plan(ledgerly_data)) if p.code == "no_governing_law"]
    assert [p.field for p in problems] == ["deal_frameworks.legal.governing_law"]
    assert all(p.severity is Severity.WARNING for p in problems)


def test_the_plan_check_finds_a_standard_term_problem_behind_any_tier(ledgerly_data: dict[str, Any]) -> None:
    ledgerly_data["deal_frameworks"]["reseller"]["deal_registration"]["protection_period_days"] = 20
    for tier in ledgerly_data["tiers"]:
        tier["benefits"]["deal_registration"] = tier["name"] == "Registered"
    problems = [p for p in check_deal_terms(to_plan(ledgerly_data)) if p.code == "protection_out_of_range"]
    # Only Registered partners register deals; Ledger & Lane CPAs is the one that shows the problem.
    assert [p.field for p in problems] == [
        "deal_frameworks.reseller.deal_registration.protection_period_days"
    ]


def test_overrides_of_an_ecosystem_partner_are_a_warning(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Close Automation Guild", overrides={"term_months": 24})
    [problem] = check_deal_terms(plan)
    assert problem.severity is Severity.WARNING and problem.code == "override_not_applicable"
    assert problem.field == "categories.ecosystem.partners[3].overrides"


def test_validate_places_an_override_warning_at_its_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from partnerkit.cli import cli

    text = example_plan_path().read_text(encoding="utf-8")
    text = text.replace(
        "          protection_period_days:\n            value: 120",
        "          protection_period_days:\n            value: 20",
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    # The override's value starts on the line after its key.
    line = text.splitlines().index("          protection_period_days:") + 2
    result = CliRunner().invoke(cli, ["validate", str(plan)])
    assert result.exit_code == 0, result.output  # a warning, not an error
    assert f"plan.yaml:{line}:" in result.output
    assert (
        "overrides.protection_period_days: warning: Brightline Advisory: registered deals have a protection period of 20 days"
        in result.output
    )
