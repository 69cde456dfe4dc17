"""build_terms: the framework comes from the category, every value from the tier, the framework or an override."""

from __future__ import annotations

import string
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.deals import (
    AgreementKind,
    IntegrationTerms,
    NoAgreementError,
    Origin,
    ResellerTerms,
    UnknownPartnerError,
    build_all_terms,
    build_terms,
)
from partnerkit.deals.terms import TERM_LABELS, format_term_value
from partnerkit.model import Plan
from partnerkit.model.deals import OVERRIDABLE_TERMS, TERM_KINDS, parse_term_value
from partnerkit.model.values import Money

from .helpers import partner_data, to_plan

# --- which agreement -------------------------------------------------------------------------------


def test_integration_partner_gets_the_integration_agreement(ledgerly: Plan) -> None:
    terms = build_terms(ledgerly, "Northwind ERP")
    assert isinstance(terms, IntegrationTerms)
    assert terms.kind is AgreementKind.INTEGRATION
    assert terms.title == "Integration Partnership Agreement"


def test_distribution_partner_gets_the_reseller_agreement(ledgerly: Plan) -> None:
    terms = build_terms(ledgerly, "Keystone IT Partners")
    assert isinstance(terms, ResellerTerms)
    assert terms.title == "Reseller Partnership Agreement"


def test_ecosystem_partner_has_no_agreement(ledgerly: Plan) -> None:
    with pytest.raises(NoAgreementError, match=r"ecosystem partner.*no partnership agreement"):
        build_terms(ledgerly, "Open Finance Data Alliance")


def test_partner_names_match_without_case_and_typos_get_a_suggestion(ledgerly: Plan) -> None:
    assert build_terms(ledgerly, "northwind erp").partner_name == "Northwind ERP"
    with pytest.raises(UnknownPartnerError, match="did you mean 'Northwind ERP'"):
        build_terms(ledgerly, "Northwnd ERP")


def test_build_all_terms_gives_none_for_ecosystem_partners(ledgerly: Plan) -> None:
    everything = list(build_all_terms(ledgerly))
    assert len(everything) == len(list(ledgerly.partners()))
    assert {p.name for kind, p, t in everything if t is None} == {
        p.name for p in ledgerly.categories.ecosystem.partners
    }


# --- where each value comes from -------------------------------------------------------------------


def test_revenue_share_comes_from_the_tier(ledgerly: Plan) -> None:
    share = build_terms(ledgerly, "Orbit CRM").term("revenue_share")
    assert share.value == Decimal("0.10")
    assert share.origin is Origin.TIER
    assert share.sources == tuple(ledgerly.tier("Registered").benefits.sources)


def test_revenue_share_without_a_tier_comes_from_the_framework(ledgerly: Plan) -> None:
    share = build_terms(ledgerly, "Stackpay").term("revenue_share")
    assert share.value == ledgerly.deal_frameworks.integration.commercial_terms.revenue_share
    assert share.origin is Origin.FRAMEWORK


def test_discount_comes_from_the_tier(ledgerly: Plan) -> None:
    discount = build_terms(ledgerly, "Brightline Advisory").term("partner_discount")
    assert (discount.value, discount.origin) == (
        ledgerly.tier("Strategic").benefits.partner_discount,
        Origin.TIER,
    )
    assert discount.value == Decimal("0.30")


def test_discount_without_a_tier_is_the_margin_of_the_partners_row(ledgerly: Plan) -> None:
    discount = build_terms(ledgerly, "Summit Cloud Group").term("partner_discount")
    summit = ledgerly.partner("Summit Cloud Group")
    assert (discount.value, discount.origin) == (summit.margin, Origin.PARTNER)  # type: ignore[union-attr]
    assert not discount.deviates


def test_discount_of_a_tier_without_one_comes_from_the_framework(ledgerly_data: dict[str, Any]) -> None:
    for tier in ledgerly_data["tiers"]:
        if tier["name"] == "Registered":
            del tier["benefits"]["partner_discount"]
    discount = build_terms(to_plan(ledgerly_data), "Ledger & Lane CPAs").term("partner_discount")
    assert (discount.value, discount.origin) == (Decimal("0.30"), Origin.FRAMEWORK)


def test_co_marketing_and_deal_registration_follow_the_tier(ledgerly_data: dict[str, Any]) -> None:
    for tier in ledgerly_data["tiers"]:
        if tier["name"] == "Premier":
            tier["benefits"]["deal_registration"] = False
    plan = to_plan(ledgerly_data)
    keystone = build_terms(plan, "Keystone IT Partners")
    assert keystone.co_marketing_budget.value == Money(amount=Decimal(5000))
    assert keystone.co_marketing_budget.origin is Origin.TIER
    assert keystone.term("deal_registration").value is False
    untiered = build_terms(plan, "Summit Cloud Group")
    assert untiered.co_marketing_budget.value is None
    assert untiered.term("deal_registration").value is True


def test_term_and_termination_come_from_each_framework(ledgerly: Plan) -> None:
    integration = build_terms(ledgerly, "Bluefin Banking")
    reseller = build_terms(ledgerly, "Keystone IT Partners")
    assert integration.term_months.value == ledgerly.deal_frameworks.integration.term_months == 24
    assert integration.termination_notice_days.value == 90
    assert reseller.term_months.value == ledgerly.deal_frameworks.legal.term_months == 12
    assert reseller.termination_notice_days.value == 60


def test_referral_terms_come_from_the_programs_referral_defaults(ledgerly: Plan) -> None:
    referral = build_terms(ledgerly, "Bluefin Banking")
    assert isinstance(referral, IntegrationTerms)
    defaults = ledgerly.deal_frameworks.legal.referral
    assert referral.referral.referral_tail_months.value == defaults.tail_months == 12
    assert referral.referral.pipeline_lookback_days.value == defaults.pipeline_lookback_days
    assert referral.referral.referral_tail_months.sources == tuple(defaults.sources)


def test_parties_come_from_the_plan(ledgerly: Plan) -> None:
    terms = build_terms(ledgerly, "Keystone IT Partners")
    assert terms.company.legal_name == "Ledgerly, Inc."
    assert terms.partner.legal_name == "Keystone IT Partners, Inc."
    assert terms.partner.notice_address and "Chicago" in terms.partner.notice_address
    assert terms.effective_date is not None and terms.effective_date.isoformat() == "2026-02-01"
    untitled = build_terms(ledgerly, "Stackpay")
    assert untitled.partner.legal_name == "Stackpay"
    assert not untitled.partner.legal_name_given
    assert untitled.effective_date_text == "The date of the last signature"


def test_without_a_company_the_product_name_stands_in(ledgerly_data: dict[str, Any]) -> None:
    del ledgerly_data["deal_frameworks"]["legal"]
    terms = build_terms(to_plan(ledgerly_data), "Keystone IT Partners")
    assert terms.company.legal_name == "Ledgerly"
    assert not terms.company.legal_name_given
    assert terms.governing_law.value is None


def test_unknown_tier_falls_back_to_the_framework(edit_partner: Callable[..., Plan]) -> None:
    terms = build_terms(edit_partner("Orbit CRM", tier="Platinum"), "Orbit CRM")
    assert not terms.tier_known
    assert terms.term("revenue_share").origin is Origin.FRAMEWORK


# --- overrides and deviations ----------------------------------------------------------------------


def test_an_override_is_a_deviation_with_its_reason(ledgerly: Plan) -> None:
    terms = build_terms(ledgerly, "Northwind ERP")
    term = terms.term_months
    assert (term.value, term.origin, term.standard, term.standard_origin) == (
        36,
        Origin.OVERRIDE,
        24,
        Origin.FRAMEWORK,
    )
    [deviation] = terms.deviations()
    assert (deviation.key, deviation.standard, deviation.value) == ("term_months", "24 months", "36 months")
    assert deviation.reason and "three years" in deviation.reason


def test_an_override_of_a_tier_benefit_keeps_the_tier_as_standard(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner("Orbit CRM", overrides={"revenue_share": {"value": "12%", "reason": "launch deal"}})
    share = build_terms(plan, "Orbit CRM").term("revenue_share")
    assert (share.value, share.standard, share.standard_origin) == (
        Decimal("0.12"),
        Decimal("0.10"),
        Origin.TIER,
    )


def test_an_override_equal_to_the_standard_is_no_deviation(edit_partner: Callable[..., Plan]) -> None:
    terms = build_terms(edit_partner("Orbit CRM", overrides={"revenue_share": "10%"}), "Orbit CRM")
    assert terms.term("revenue_share").origin is Origin.OVERRIDE
    assert terms.deviations() == []


def test_an_override_of_a_term_the_agreement_lacks_is_reported_unused(
    edit_partner: Callable[..., Plan],
) -> None:
    terms = build_terms(edit_partner("Orbit CRM", overrides={"protection_period_days": 120}), "Orbit CRM")
    assert terms.unused_overrides == ("protection_period_days",)
    assert terms.deviations() == []


def test_money_overrides_are_in_the_plans_currency(ledgerly_data: dict[str, Any]) -> None:
    ledgerly_data["product"]["currency"] = "EUR"
    partner_data(ledgerly_data, "Orbit CRM")["overrides"] = {"co_marketing_budget": 5000}
    terms = build_terms(to_plan(ledgerly_data), "Orbit CRM")
    assert terms.co_marketing_budget.value == Money(amount=Decimal(5000), currency="EUR")


# --- the model keeps in step with the override catalogue ------------------------------------------


def test_every_term_key_is_in_the_catalogue_and_labelled(ledgerly: Plan) -> None:
    keys = {t.key for t in build_terms(ledgerly, "Northwind ERP").terms()}
    keys |= {t.key for t in build_terms(ledgerly, "Keystone IT Partners").terms()}
    assert keys == set(TERM_KINDS) == set(TERM_LABELS)
    for terms in (build_terms(ledgerly, "Northwind ERP"), build_terms(ledgerly, "Keystone IT Partners")):
        assert all(t.kind == TERM_KINDS[t.key] for t in terms.terms())


# --- the template view -----------------------------------------------------------------------------


def test_context_is_flat_display_text_plus_raw_values(ledgerly: Plan) -> None:
    terms = build_terms(ledgerly, "Brightline Advisory")
    context = terms.context()
    assert context["title"] == "Reseller Partnership Agreement"
    assert context["partner"]["legal_name"] == "Brightline Advisory Group LLC"
    assert context["company"]["notice_address"].startswith("548 Market Street")
    assert context["effective_date"] == "1 October 2025"
    assert context["terms"]["partner_discount"] == "30%"
    assert context["raw"]["partner_discount"] == "30%"
    assert context["raw"]["protection_period_days"] == 120
    assert context["origins"]["partner_discount"] == "tier benefit"
    assert context["margin_band"] == "20%-40%"
    assert context["flags"]["exclusive"] is False
    assert context["flags"]["deviations"] is True
    assert context["deviations"] == [
        {
            "key": "protection_period_days",
            "label": "Protection period",
            "standard": "90 days",
            "value": "120 days",
            "standard_origin": "framework default",
            "reason": "Controller engagements for enterprise clients close in about four months",
            "sources": "S4",
        }
    ]
    assert all(isinstance(v, str) for v in context["terms"].values())


def test_key_terms_table_starts_with_the_effective_date(ledgerly: Plan) -> None:
    rows = build_terms(ledgerly, "Northwind ERP").key_terms()
    assert rows[0].label == "Effective date" and rows[0].value == "1 March 2026"
    by_label = {row.label: row for row in rows}
    assert by_label["Revenue share"].value == "20%"
    assert by_label["Revenue share"].origin == "tier benefit"
    assert by_label["Initial term"].origin == "per-partner override"
    assert by_label["Renewal"].value.startswith("Renews automatically for successive 12-month periods")
    assert by_label["Liability cap"].value == "The fees paid or payable in the 12 months before the claim"
    assert by_label["Governing law"].value == "the State of Delaware, United States"


def test_to_dict_lists_every_term_with_its_origin(ledgerly: Plan) -> None:
    data = build_terms(ledgerly, "Northwind ERP").to_dict()
    assert data["terms"]["revenue_share"]["origin"] == "tier"
    assert data["terms"]["term_months"] == {
        "key": "term_months",
        "label": "Initial term",
        "value": 36,
        "display": "36 months",
        "origin": "override",
        "standard": 24,
        "standard_origin": "framework",
        "deviates": True,
        "reason": "The native app takes a year to build; three years let both sides recover the investment",
        "sources": [],
    }


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("percent", Decimal("0.125"), "12.5%"),
        ("money", Money(amount=Decimal(15000)), "$15,000"),
        ("days", 1, "1 day"),
        ("months", 24, "24 months"),
        ("years", 3, "3 years"),
        ("bool", False, "No"),
        ("list", [], "None"),
        ("text", None, "Not specified"),
    ],
)
def test_values_read_as_a_draft_prints_them(kind: str, value: Any, shown: str) -> None:
    assert format_term_value(kind, value) == shown


# --- properties ------------------------------------------------------------------------------------

AGREEMENT_PARTNERS = ["Northwind ERP", "Stackpay", "Orbit CRM", "Brightline Advisory", "Summit Cloud Group"]
TEXT = st.text(alphabet=string.ascii_letters + " ,.'", min_size=1, max_size=30).map(str.strip).filter(bool)
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "percent": st.integers(0, 100).map(lambda n: f"{n}%"),
    "money": st.integers(0, 10**6),
    "days": st.integers(0, 3650),
    "months": st.integers(0, 600),
    "years": st.integers(0, 100),
    "bool": st.booleans(),
    "text": TEXT,
    "list": st.lists(TEXT, max_size=3),
    "exclusivity": st.sampled_from(["exclusive", "non-exclusive"]),
    "end_user_pricing": st.sampled_from(["flexible", "controlled"]),
}


def _without_overrides(data: dict[str, Any]) -> None:
    for kind in ("integration", "distribution", "ecosystem"):
        for partner in data["categories"][kind]["partners"]:
            partner.pop("overrides", None)


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(AGREEMENT_PARTNERS),
    tier=st.sampled_from([None, "Strategic", "Premier", "Registered"]),
)
def test_no_overrides_means_no_deviations(
    _ledgerly_data: dict[str, Any], name: str, tier: str | None
) -> None:
    import copy

    data = copy.deepcopy(_ledgerly_data)
    _without_overrides(data)
    partner_data(data, name)["tier"] = tier
    terms = build_terms(to_plan(data), name)
    assert terms.deviations() == []
    assert all(t.origin is not Origin.OVERRIDE and t.value == t.standard for t in terms.terms())


@st.composite
def one_override(draw: st.DrawFn) -> tuple[str, str, Any]:
    name = draw(st.sampled_from(AGREEMENT_PARTNERS))
    key = draw(st.sampled_from(sorted(OVERRIDABLE_TERMS)))
    return name, key, draw(VALUES[TERM_KINDS[key]])


@settings(max_examples=80, deadline=None)
@given(case=one_override())
def test_an_override_shows_up_as_exactly_one_deviation(
    _ledgerly_data: dict[str, Any], case: tuple[str, str, Any]
) -> None:
    import copy

    name, key, value = case
    data = copy.deepcopy(_ledgerly_data)
    _without_overrides(data)
    partner_data(data, name)["overrides"] = {key: {"value": value, "reason": "negotiated"}}
    terms = build_terms(to_plan(data), name)
    keys = {t.key for t in terms.terms()}
    if key not in keys:
        assert terms.unused_overrides == (key,)
        assert terms.deviations() == []
        return
    term = terms.term(key)
    parsed = parse_term_value(TERM_KINDS[key], value)
    assert term.value == parsed
    deviations = terms.deviations()
    if parsed == term.standard:
        assert deviations == []
    else:
        [deviation] = deviations
        assert (deviation.key, deviation.value, deviation.reason) == (key, term.display, "negotiated")
        assert deviation.standard == format_term_value(TERM_KINDS[key], term.standard)


@st.composite
def many_overrides(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(AGREEMENT_PARTNERS))
    keys = draw(st.lists(st.sampled_from(sorted(OVERRIDABLE_TERMS)), max_size=8, unique=True))
    return name, {key: draw(VALUES[TERM_KINDS[key]]) for key in keys}


@settings(max_examples=60, deadline=None)
@given(case=many_overrides())
def test_any_overrides_build_lint_and_render(
    _ledgerly_data: dict[str, Any], case: tuple[str, dict[str, Any]]
) -> None:
    import copy
    import json

    from partnerkit.deals.lint import lint_terms

    name, overrides = case
    data = copy.deepcopy(_ledgerly_data)
    _without_overrides(data)
    partner_data(data, name)["overrides"] = overrides
    terms = build_terms(to_plan(data), name)
    applied = {t.key for t in terms.terms()} & set(overrides)
    assert {d.key for d in terms.deviations()} <= applied
    assert set(terms.unused_overrides) == set(overrides) - applied
    lint_terms(terms)
    json.dumps(terms.to_dict())
    context = terms.context()
    assert all(isinstance(v, str) for v in context["terms"].values())
    assert all(isinstance(v, str) for row in context["key_terms"] for v in row.values())


def test_a_combined_row_is_an_override_when_any_of_its_terms_is(edit_partner: Callable[..., Plan]) -> None:
    plan = edit_partner(
        "Keystone IT Partners", overrides={"non_renewal_notice_days": 90, "liability_cap_amount": 250000}
    )
    rows = {row.key: row for row in build_terms(plan, "Keystone IT Partners").key_terms()}
    assert rows["renewal"].origin == "per-partner override"
    assert rows["renewal"].value.endswith("unless either party gives 90 days' notice of non-renewal")
    assert rows["liability_cap"].origin == "per-partner override"
    assert rows["liability_cap"].value == (
        "The greater of $250,000 and the fees paid or payable in the 12 months before the claim"
    )


def test_the_public_api_exports_terms() -> None:
    import partnerkit

    assert partnerkit.build_terms is build_terms
    assert {"lint_terms", "DealTerms", "IntegrationTerms", "ResellerTerms", "ReferralTerms"} <= set(
        partnerkit.__all__
    )
    assert partnerkit.lint_terms.__module__ == "partnerkit.deals.lint"
