"""Grouped terms: partners alike share their terms' build and lint, and get exactly what one build gives them."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerkit.deals import agreement_kind, build_all_terms, build_terms
from partnerkit.deals.build import TermsBuilder, terms_group
from partnerkit.deals.lint import lint_terms
from partnerkit.deals.review import TermsReviewer, review_partner, review_terms
from partnerkit.model import Plan

from .helpers import partner_data, to_plan


def assert_same_as_one_by_one(plan: Plan) -> None:
    """Every partner's grouped review equals its review built alone: terms, findings, note."""
    reviewer = TermsReviewer(plan)
    for category, partner in plan.partners():
        grouped, alone = reviewer.review(category, partner), review_partner(plan, category, partner)
        assert grouped.terms == alone.terms, partner.name
        assert grouped.findings == alone.findings, partner.name
        assert grouped.note == alone.note
        if grouped.terms is not None and alone.terms is not None:
            assert grouped.terms.terms() == alone.terms.terms()
            assert grouped.terms.context() == alone.terms.context()
            assert grouped.terms.to_dict() == alone.terms.to_dict()
    assert review_terms(plan) == [review_partner(plan, c, p) for c, p in plan.partners()]
    assert list(build_all_terms(plan)) == [
        (c, p, None if agreement_kind(c) is None else build_terms(plan, p)) for c, p in plan.partners()
    ]


def test_the_example_plan_gets_the_same_terms_grouped(ledgerly: Plan) -> None:
    assert_same_as_one_by_one(ledgerly)


def test_partners_alike_share_their_terms_and_keep_their_own_details(ledgerly_data: dict[str, Any]) -> None:
    template = partner_data(ledgerly_data, "Keystone IT Partners")
    twin = dict(
        copy.deepcopy(template), name="Keystone Twin", legal_name=None, notice_address=None, overrides={}
    )
    template["overrides"] = {}
    ledgerly_data["categories"]["distribution"]["partners"].append(twin)
    plan = to_plan(ledgerly_data)
    builder = TermsBuilder(plan)
    found = {p.name: (c, p) for c, p in plan.partners()}
    first, second = (builder.terms(*found[name]) for name in ("Keystone IT Partners", "Keystone Twin"))
    assert first.term_months is second.term_months  # one build for both
    assert (first.partner_name, second.partner_name) == ("Keystone IT Partners", "Keystone Twin")
    assert second.partner.legal_name == "Keystone Twin" and not second.partner.legal_name_given
    codes = {f.code for f in lint_terms(second)} - {f.code for f in lint_terms(first)}
    assert "partner_details_missing" in codes


# --- random plans --------------------------------------------------------------------------------

PERCENT = st.integers(0, 100).map(lambda n: f"{n}%")
OVERRIDES = st.one_of(
    st.just({}),
    st.builds(lambda v: {"partner_discount": {"value": v}}, PERCENT),
    st.builds(lambda v: {"revenue_share": {"value": v, "reason": "agreed"}}, PERCENT),
    st.builds(lambda v: {"term_months": {"value": v}}, st.integers(1, 60)),
)


@st.composite
def partner_rows(draw: st.DrawFn, index: int) -> tuple[str, dict[str, Any]]:
    """One partner: a category, a tier (maybe none, maybe one the plan lacks), its own details."""
    kind = draw(st.sampled_from(["integration", "distribution"]))
    row: dict[str, Any] = {
        "tier": draw(st.sampled_from([None, "Strategic", "Premier", "Registered", "Platinum"])),
        "legal_name": draw(st.one_of(st.none(), st.just(f"Partner {index} Ltd"))),
        "notice_address": draw(st.one_of(st.none(), st.just("1 Main Street"))),
        "sources": draw(st.sampled_from([[], ["S1"], ["S2"]])),
        "overrides": draw(OVERRIDES),
    }
    if kind == "distribution":
        row["margin"] = draw(st.sampled_from(["20%", "30%", "30.0%", "45%"]))
    return kind, row


@st.composite
def random_plans(draw: st.DrawFn, base: dict[str, Any]) -> Plan:
    """The example plan with a random tier discount and a dozen partners made from its first of each kind."""
    data = copy.deepcopy(base)
    data["tiers"][1]["benefits"]["partner_discount"] = draw(st.sampled_from([None, "25%", "50%"]))
    templates = {k: data["categories"][k]["partners"][0] for k in ("integration", "distribution")}
    for i in range(draw(st.integers(1, 12))):
        kind, row = draw(partner_rows(i))
        partner = dict(copy.deepcopy(templates[kind]), name=f"Partner {i}", tier_since=None, facts={}, **row)
        data["categories"][kind]["partners"].append(partner)
    return to_plan(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_plans_get_the_same_terms_grouped(_ledgerly_data: dict[str, Any], data: st.DataObject) -> None:
    plan = data.draw(random_plans(_ledgerly_data))
    assert_same_as_one_by_one(plan)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_partners_of_one_group_differ_only_in_their_own_details(
    _ledgerly_data: dict[str, Any], data: st.DataObject
) -> None:
    plan = data.draw(random_plans(_ledgerly_data))
    by_group: dict[Any, list[Any]] = {}
    for category, partner in plan.partners():
        group = terms_group(plan, category, partner)
        if group is not None:
            by_group.setdefault(group, []).append(build_terms(plan, partner))
    own = {"partner_name", "partner", "effective_date", "strategy_margin"}
    for members in by_group.values():
        first = {k: v for k, v in members[0].__dict__.items() if k not in own and k != "_by_key"}
        for other in members[1:]:
            assert {k: v for k, v in other.__dict__.items() if k not in own and k != "_by_key"} == first
