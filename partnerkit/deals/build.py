"""Build a partner's deal terms from the plan: tier benefits, the program's frameworks, the partner's overrides."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from partnerkit.deals.terms import (
    TERM_LABELS,
    AgreementKind,
    DealTerms,
    IntegrationTerms,
    NoAgreementError,
    Origin,
    PartyTerms,
    ReferralTerms,
    ResellerTerms,
    Term,
    agreement_kind,
)
from partnerkit.model import Plan
from partnerkit.model.deals import TERM_KINDS, parse_term_value
from partnerkit.model.partners import (
    AnyPartner,
    CategoryKind,
    DistributionPartner,
    EcosystemPartner,
    IntegrationPartner,
)
from partnerkit.model.tiers import Tier
from partnerkit.model.values import did_you_mean, fold_name


def find_partner(plan: Plan, name: str) -> tuple[CategoryKind, AnyPartner]:
    """The partner called ``name`` (as ``fold_name`` compares) and its category; UnknownPartnerError when none is."""
    from partnerkit.deals.terms import UnknownPartnerError

    for kind, partner in plan.partners():
        if partner.name == name:
            return kind, partner
    wanted = fold_name(name)
    for kind, partner in plan.partners():
        if fold_name(partner.name) == wanted:
            return kind, partner
    names = [p.name for _, p in plan.partners()]
    guess = did_you_mean(name, names)
    hint = f"; did you mean {guess!r}?" if guess else ""
    raise UnknownPartnerError(f"no partner called {name!r} in the plan{hint}")


def no_agreement_reason(partner: AnyPartner) -> str:
    """Why an ecosystem partner has no agreement, in one sentence."""
    return (
        f"{partner.name} is an ecosystem partner: ecosystem memberships are joined, not signed, "
        "so there is no partnership agreement to draft"
    )


def _category_of(partner: AnyPartner) -> CategoryKind:
    if isinstance(partner, IntegrationPartner):
        return CategoryKind.INTEGRATION
    if isinstance(partner, DistributionPartner):
        return CategoryKind.DISTRIBUTION
    assert isinstance(partner, EcosystemPartner)
    return CategoryKind.ECOSYSTEM


class _Maker:
    """Makes terms for one partner: the standard value, unless the partner overrides it."""

    def __init__(self, partner: AnyPartner, currency: str) -> None:
        self.overrides = partner.overrides
        self.currency = currency
        self.used: set[str] = set()

    def __call__(
        self, key: str, standard: Any, origin: Origin = Origin.FRAMEWORK, sources: list[str] | None = None
    ) -> Term[Any]:
        override = self.overrides.get(key) if self.overrides else None
        if override is None:
            return Term(
                key=key,
                label=TERM_LABELS[key],
                kind=TERM_KINDS[key],
                value=standard,
                origin=origin,
                standard=standard,
                standard_origin=origin,
                sources=tuple(sources) if sources else (),
            )
        self.used.add(key)
        return Term(
            key=key,
            label=TERM_LABELS[key],
            kind=TERM_KINDS[key],
            value=parse_term_value(TERM_KINDS[key], override.value, self.currency),
            origin=Origin.OVERRIDE,
            standard=standard,
            standard_origin=origin,
            reason=override.reason,
            sources=tuple(override.sources),
        )


def _tier_of(plan: Plan, partner: AnyPartner) -> Tier | None:
    if partner.tier is None:
        return None
    for tier in plan.tiers:
        if tier.name == partner.tier:
            return tier
    return None


def build_terms(plan: Plan, partner: AnyPartner | str) -> DealTerms:
    """The deal terms of ``partner`` (a partner of ``plan`` or its name), every value with its origin.

    Integration partners get the Integration Partnership Agreement, distribution partners the
    Reseller Partnership Agreement. Ecosystem partners have no agreement: NoAgreementError.
    """
    if isinstance(partner, str):
        category, found = find_partner(plan, partner)
    else:
        category, found = _category_of(partner), partner
    kind = agreement_kind(category)
    if kind is None:
        raise NoAgreementError(no_agreement_reason(found))
    make = _Maker(found, plan.product.currency)
    shared = _shared_terms(plan, found, category, kind, make)
    terms = _terms_class(kind)(**shared, **_own_fields(found, kind))
    unused = tuple(sorted(set(found.overrides) - make.used))
    return replace(terms, unused_overrides=unused) if unused else terms


def _terms_class(kind: AgreementKind) -> type[DealTerms]:
    return IntegrationTerms if kind is AgreementKind.INTEGRATION else ResellerTerms


def _shared_terms(
    plan: Plan, partner: AnyPartner, category: CategoryKind, kind: AgreementKind, make: _Maker
) -> dict[str, Any]:
    """Every field of the partner's terms but its own details (``_own_fields``): what partners of one
    ``terms_group`` get alike."""
    tier = _tier_of(plan, partner)
    common = _common_terms(plan, partner, category, kind, tier, make)
    if kind is AgreementKind.INTEGRATION:
        assert isinstance(partner, IntegrationPartner)
        return {**common, **_integration_terms(plan, tier, make)}
    assert isinstance(partner, DistributionPartner)
    return {**common, **_reseller_terms(plan, partner, tier, make)}


def _own_fields(partner: AnyPartner, kind: AgreementKind) -> dict[str, Any]:
    """The fields of a partner's terms that are its own: name, party details, dates, strategy margin."""
    own: dict[str, Any] = {
        "partner_name": partner.name,
        "partner": PartyTerms(
            legal_name=partner.legal_name or partner.name,
            notice_address=partner.notice_address,
            contact=partner.contact,
            legal_name_given=partner.legal_name is not None,
        ),
        "effective_date": partner.effective_date,
    }
    if kind is AgreementKind.RESELLER:
        assert isinstance(partner, DistributionPartner)
        own["strategy_margin"] = partner.margin
    return own


def terms_group(plan: Plan, category: CategoryKind, partner: AnyPartner) -> tuple[Any, ...] | None:
    """What a partner's terms depend on besides its own details (``_own_fields``), as a key: partners
    with the same key get equal terms but for those details; None for a partner with overrides (its
    terms are its own) or without an agreement.

    The terms read the plan, the category, the tier and, for a reseller whose tier gives no
    discount (no tier, or one the plan lacks), its margin and the sources behind it.
    """
    if partner.overrides or agreement_kind(category) is None:
        return None
    if isinstance(partner, DistributionPartner) and _tier_of(plan, partner) is None:
        margin = None if partner.margin is None else str(partner.margin)  # 0.3 and 0.30 print apart
        return (category, partner.tier, margin, tuple(partner.sources))
    return (category, partner.tier)


class TermsBuilder:
    """Builds the terms of many partners of one plan: partners of one ``terms_group`` share its terms.

    The shared parts are the very same objects for every partner of a group (terms, referral terms,
    parties of the program): a Term is a value, read-only by convention (change one with
    ``dataclasses.replace``). A partner with overrides gets terms of its own, as ``build_terms``
    builds them. ``build_terms`` and this give every partner equal terms.
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._shared: dict[tuple[Any, ...], tuple[dict[str, Any], dict[str, Term[Any]]]] = {}

    def terms(self, category: CategoryKind, partner: AnyPartner) -> DealTerms:
        """The deal terms of ``partner`` (of ``category``); NoAgreementError for an ecosystem partner."""
        return self.grouped(category, partner, terms_group(self.plan, category, partner))

    def grouped(
        self, category: CategoryKind, partner: AnyPartner, group: tuple[Any, ...] | None
    ) -> DealTerms:
        """``terms``, for a caller that has the partner's ``terms_group`` already."""
        kind = agreement_kind(category)
        if group is None or kind is None:
            return build_terms(self.plan, partner)
        cls = _terms_class(kind)
        found = self._shared.get(group)
        if found is None:
            make = _Maker(partner, self.plan.product.currency)
            shared = _shared_terms(self.plan, partner, category, kind, make)
            first = cls(**shared, **_own_fields(partner, kind))
            self._shared[group] = (shared, {t.key: t for t in first.terms()})
            return first
        shared, index = found
        terms = cls(**shared, **_own_fields(partner, kind))
        terms._share_index(index)  # the same Term objects: the same index, not one walk per partner
        return terms


def build_all_terms(plan: Plan) -> Iterator[tuple[CategoryKind, AnyPartner, DealTerms | None]]:
    """Every partner with its terms, or None for ecosystem partners (who have no agreement)."""
    builder = TermsBuilder(plan)
    for category, partner in plan.partners():
        if agreement_kind(category) is None:
            yield category, partner, None
        else:
            yield category, partner, builder.terms(category, partner)


def _common_terms(
    plan: Plan,
    partner: AnyPartner,
    category: CategoryKind,
    kind: AgreementKind,
    tier: Tier | None,
    make: _Maker,
) -> dict[str, Any]:
    legal = plan.deal_frameworks.legal
    src = list(legal.sources)
    integration = plan.deal_frameworks.integration
    company = legal.company
    # The Integration framework of the template has its own term and termination; the Reseller
    # framework has none, so reseller agreements take the program's legal defaults.
    if kind is AgreementKind.INTEGRATION:
        term_months = make("term_months", integration.term_months, sources=list(integration.sources))
        notice = make("termination_notice_days", integration.termination.notice_days)
        conditions = make("termination_conditions", integration.termination.conditions)
    else:
        term_months = make("term_months", legal.term_months, sources=src)
        notice = make("termination_notice_days", legal.termination_notice_days, sources=src)
        conditions = make("termination_conditions", legal.termination_conditions)
    benefits = tier.benefits if tier is not None else None
    if benefits is not None and benefits.co_marketing_budget is not None:
        budget = make(
            "co_marketing_budget", benefits.co_marketing_budget, Origin.TIER, list(benefits.sources)
        )
    else:
        budget = make("co_marketing_budget", None)
    cap = legal.liability_cap
    return {
        "kind": kind,
        "category": category,
        "tier": partner.tier,
        "tier_known": partner.tier is None or tier is not None,
        "program": plan.product.name,
        "currency": plan.product.currency,
        "company": PartyTerms(
            legal_name=company.legal_name if company else plan.product.name,
            notice_address=company.notice_address if company else None,
            contact=company.contact if company else None,
            legal_name_given=company is not None,
        ),
        "term_months": term_months,
        "auto_renew": make("auto_renew", legal.renewal.auto_renew),
        "renewal_months": make("renewal_months", legal.renewal.renewal_months),
        "non_renewal_notice_days": make("non_renewal_notice_days", legal.renewal.non_renewal_notice_days),
        "governing_law": make("governing_law", legal.governing_law),
        "courts": make("courts", legal.courts),
        "liability_cap_months": make("liability_cap_months", cap.fees_months),
        "liability_cap_amount": make("liability_cap_amount", cap.amount),
        "liability_cap_exceptions": make("liability_cap_exceptions", list(cap.exceptions)),
        "confidentiality_years": make("confidentiality_years", legal.confidentiality_years),
        "trademark_licence": make("trademark_licence", legal.trademark_licence),
        "data_protection": make("data_protection", legal.data_protection),
        "termination_notice_days": notice,
        "termination_conditions": conditions,
        "cure_period_days": make("cure_period_days", legal.cure_period_days),
        "survival": make("survival", legal.survival),
        "assignment": make("assignment", legal.assignment),
        "non_solicit_months": make("non_solicit_months", legal.non_solicit_months),
        "non_circumvention": make("non_circumvention", legal.non_circumvention),
        "audit_rights": make("audit_rights", legal.audit_rights),
        "audit_notice_days": make("audit_notice_days", legal.audit_notice_days),
        "escalation": make("escalation", legal.escalation),
        "co_marketing_budget": budget,
        "sales_cycle_days": make("sales_cycle_days", legal.sales_cycle_days, sources=src),
    }


def _integration_terms(plan: Plan, tier: Tier | None, make: _Maker) -> dict[str, Any]:
    framework = plan.deal_frameworks.integration
    src = list(framework.sources)
    commercial = framework.commercial_terms
    benefits = tier.benefits if tier is not None else None
    if benefits is not None and benefits.revenue_share is not None:
        share = make("revenue_share", benefits.revenue_share, Origin.TIER, list(benefits.sources))
    else:
        share = make("revenue_share", commercial.revenue_share, sources=src)
    referral = plan.deal_frameworks.legal.referral
    ref_src = list(referral.sources)
    return {
        "scope": make("scope", framework.scope),
        "technical_ours": make("technical_ours", framework.technical_obligations.ours),
        "technical_theirs": make("technical_theirs", framework.technical_obligations.theirs),
        "listing_requirements": make(
            "listing_requirements", framework.marketing_obligations.listing_requirements
        ),
        "co_marketing": make("co_marketing", framework.marketing_obligations.co_marketing),
        "first_line_support": make("first_line_support", framework.support_obligations.first_line),
        "support_escalation": make("support_escalation", framework.support_obligations.escalation),
        "revenue_share": share,
        "revenue_share_model": make("revenue_share_model", commercial.revenue_share_model),
        "referral": ReferralTerms(
            referral_fee=make("referral_fee", commercial.referral_fee, sources=src),
            referral_fee_terms=make("referral_fee_terms", commercial.referral_fee_terms),
            referral_definition=make("referral_definition", referral.definition),
            pipeline_lookback_days=make(
                "pipeline_lookback_days", referral.pipeline_lookback_days, sources=ref_src
            ),
            attribution_window_days=make(
                "attribution_window_days", referral.attribution_window_days, sources=ref_src
            ),
            commission_base=make("commission_base", referral.commission_base),
            referral_tail_months=make("referral_tail_months", referral.tail_months, sources=ref_src),
        ),
    }


def _reseller_terms(
    plan: Plan, partner: DistributionPartner, tier: Tier | None, make: _Maker
) -> dict[str, Any]:
    framework = plan.deal_frameworks.reseller
    src = list(framework.sources)
    pricing = framework.pricing
    band = pricing.margin_band
    band_src = list(band.sources) if band else []
    registration = framework.deal_registration
    benefits = tier.benefits if tier is not None else None
    # The tier's discount first; a partner without a tier gets the margin the strategy's
    # distribution table gives it, which is more specific than the framework's default.
    if benefits is not None and benefits.partner_discount is not None:
        discount = make("partner_discount", benefits.partner_discount, Origin.TIER, list(benefits.sources))
    elif tier is None:
        discount = make("partner_discount", partner.margin, Origin.PARTNER, list(partner.sources))
    else:
        discount = make("partner_discount", pricing.partner_discount, sources=src)
    if benefits is not None:
        registers = make("deal_registration", benefits.deal_registration, Origin.TIER)
    else:
        registers = make("deal_registration", True)
    return {
        "territory": make("territory", framework.territory),
        "exclusivity": make("exclusivity", framework.exclusivity),
        "list_price": make("list_price", pricing.list_price),
        "list_price_per_seat": make("list_price_per_seat", pricing.list_price_per_seat),
        "partner_discount": discount,
        "margin_band_min": make("margin_band_min", band.min if band else None, sources=band_src),
        "margin_band_max": make("margin_band_max", band.max if band else None, sources=band_src),
        "end_user_pricing": make("end_user_pricing", pricing.end_user_pricing),
        "deal_registration": registers,
        "registration_process": make("registration_process", registration.process),
        "protection_period_days": make(
            "protection_period_days", registration.protection_period_days, sources=src
        ),
        "conflict_resolution": make("conflict_resolution", registration.conflict_resolution),
        "registered_deal_extra_discount": make(
            "registered_deal_extra_discount", registration.registered_deal_extra_discount, sources=src
        ),
        "training_initial": make("training_initial", framework.training.initial),
        "training_ongoing": make("training_ongoing", framework.training.ongoing),
        "quota": make("quota", framework.quotas.description),
        "quota_minimum_annual": make("quota_minimum_annual", framework.quotas.minimum_annual),
        "reporting_frequency": make("reporting_frequency", framework.reporting.frequency),
        "reporting_metrics": make("reporting_metrics", framework.reporting.metrics),
    }
