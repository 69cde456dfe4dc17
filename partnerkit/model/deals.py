"""The deal framework templates: the standard terms of integration and reseller agreements."""

from __future__ import annotations

from datetime import date
from enum import Enum, StrEnum
from typing import Any

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from partnerkit.model.values import (
    Money,
    Name,
    Percent,
    PlanModel,
    SourceRefs,
    Text,
    choice,
    format_percent,
)


class Exclusivity(StrEnum):
    """Whether a reseller has a territory to itself."""

    EXCLUSIVE = "exclusive"
    NON_EXCLUSIVE = "non-exclusive"


class EndUserPricing(StrEnum):
    """Who sets the price the end customer pays."""

    FLEXIBLE = "flexible"
    CONTROLLED = "controlled"


class Obligations(PlanModel):
    """What each side does."""

    ours: Text
    theirs: Text


class MarketingObligations(PlanModel):
    """Listings and joint marketing."""

    listing_requirements: Text
    co_marketing: Text


class SupportObligations(PlanModel):
    """Who answers the customer first and how problems escalate."""

    first_line: Text
    escalation: Text


class CommercialTerms(PlanModel):
    """How money flows in an integration partnership."""

    revenue_share: Percent | None = None
    revenue_share_model: Text = Field(description="how the share is computed, e.g. 'of net new ARR'")
    referral_fee: Percent | None = None
    referral_fee_terms: Text = "Not applicable"


class Termination(PlanModel):
    """How either side may end the agreement."""

    notice_days: int | None = Field(None, ge=0, le=3650)
    conditions: Text


class IntegrationFramework(PlanModel):
    """Key terms of the standard Integration Partnership Agreement."""

    scope: Text
    technical_obligations: Obligations
    marketing_obligations: MarketingObligations
    support_obligations: SupportObligations
    commercial_terms: CommercialTerms
    term_months: int = Field(ge=1, le=120)
    termination: Termination
    sources: SourceRefs = Field(default_factory=list, description="sources of the numbers above")


class MarginBand(PlanModel):
    """The discount range the program allows resellers."""

    min: Percent
    max: Percent
    sources: SourceRefs = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> MarginBand:
        if self.max < self.min:
            raise ValueError("max must not be below min")
        return self


class Pricing(PlanModel):
    """List price, partner discount and who sets the end-user price."""

    list_price: Text = Field(description="our MSRP, e.g. 'Published price list'")
    list_price_per_seat: Money | None = Field(
        None, description="per seat per year, when the MSRP is per seat"
    )
    partner_discount: Percent
    margin_band: MarginBand | None = None
    end_user_pricing: choice(EndUserPricing, "end-user pricing") = EndUserPricing.FLEXIBLE  # type: ignore[valid-type]


class DealRegistration(PlanModel):
    """How a reseller registers a deal and how long it is protected."""

    process: Text
    protection_period_days: int = Field(ge=1, le=730)
    conflict_resolution: Text
    registered_deal_extra_discount: Percent | None = None


class TrainingRequirements(PlanModel):
    """What certification a reseller needs first and keeps up."""

    initial: Text
    ongoing: Text


class Quotas(PlanModel):
    """Minimum commitments."""

    description: Text
    minimum_annual: Money | None = None


class Reporting(PlanModel):
    """How often a reseller reports, and what."""

    frequency: Text
    metrics: Text


class ResellerFramework(PlanModel):
    """Key terms of the standard Reseller Partnership Agreement."""

    territory: Text
    exclusivity: choice(Exclusivity, "exclusivity") = Exclusivity.NON_EXCLUSIVE  # type: ignore[valid-type]
    pricing: Pricing
    deal_registration: DealRegistration
    training: TrainingRequirements
    quotas: Quotas
    reporting: Reporting
    sources: SourceRefs = Field(default_factory=list, description="sources of the numbers above")


# --- the program's standard legal terms ------------------------------------------------------------


class Party(PlanModel):
    """One side of an agreement as a legal reviewer needs it: legal name, notice address, contact."""

    legal_name: Name
    notice_address: Text | None = None
    contact: Text | None = Field(None, description="who receives notices, e.g. 'General Counsel, legal@...'")


class Renewal(PlanModel):
    """Whether agreements renew by themselves, for how long, and how early to say no."""

    auto_renew: bool = True
    renewal_months: int = Field(12, ge=1, le=120)
    non_renewal_notice_days: int = Field(60, ge=0, le=3650)


class LiabilityCap(PlanModel):
    """The liability cap: fees of so many months, or an amount, with the claims it does not limit."""

    fees_months: int | None = Field(
        12, ge=1, le=120, description="the cap is the fees paid or payable in this many months"
    )
    amount: Money | None = Field(None, description="a fixed cap, when there is one")
    exceptions: list[Text] = Field(
        default_factory=lambda: [
            "Breach of confidentiality",
            "Indemnified claims",
            "Infringement or misappropriation of the other party's intellectual property",
            "Gross negligence, fraud or wilful misconduct",
        ],
        description="claims with no cap (or a higher one)",
    )


class ReferralDefaults(PlanModel):
    """The program's standard referral terms: what counts as a referral and how long it pays."""

    definition: Text = (
        "A prospect the partner introduces in writing through the partner portal who is not already "
        "in our pipeline"
    )
    pipeline_lookback_days: int = Field(
        90, ge=0, le=730, description="a prospect active in our pipeline this recently is not a referral"
    )
    attribution_window_days: int = Field(
        180, ge=1, le=730, description="the referral counts if it closes within this many days"
    )
    commission_base: Text = Field("First-year net contract value", description="what the fee is a share of")
    tail_months: int = Field(12, ge=0, le=120, description="how long recurring commission is paid")
    sources: SourceRefs = Field(default_factory=list)


class LegalDefaults(PlanModel):
    """The program's standard cover-page terms, the same for every agreement unless overridden."""

    company: Party | None = Field(None, description="our side of every agreement")
    governing_law: Text | None = Field(None, description="e.g. 'the State of Delaware, United States'")
    courts: Text | None = Field(None, description="where disputes are heard")
    term_months: int = Field(12, ge=1, le=120, description="initial term of reseller agreements")
    renewal: Renewal = Field(default_factory=Renewal, description="automatic renewal and non-renewal notice")
    termination_notice_days: int | None = Field(
        60, ge=0, le=3650, description="notice to end a reseller agreement for convenience"
    )
    termination_conditions: Text = Field(
        description="when either side may end a reseller agreement",
        default=(
            "Either party for convenience on notice, or for material breach not cured within the cure period"
        ),
    )
    cure_period_days: int = Field(30, ge=0, le=365, description="days to cure a breach before termination")
    liability_cap: LiabilityCap = Field(
        default_factory=LiabilityCap, description="the cap and its exceptions"
    )
    confidentiality_years: int = Field(3, ge=0, le=50, description="years it lasts after the end")
    trademark_licence: Text = (
        "Non-exclusive, non-transferable licence to use the other party's marks only to market the "
        "partnership, following its brand guidelines; first uses need the owner's written approval"
    )
    data_protection: Text = (
        "Each party complies with applicable data-protection law; where one party processes personal "
        "data for the other they sign a data processing addendum"
    )
    survival: Text = (
        "Confidentiality, accrued payment obligations, limitation of liability, indemnities, audit rights "
        "and governing law survive termination"
    )
    assignment: Text = (
        "Neither party may assign without the other's written consent, except to a successor in a merger "
        "or sale of substantially all of its assets, on notice"
    )
    non_solicit_months: int | None = Field(12, ge=0, le=60, description="no hiring of each other's staff")
    non_circumvention: bool = Field(True, description="no going around the partner to its customers")
    audit_rights: Text = (
        "Once a year on written notice, during business hours, at the auditing party's cost unless an "
        "underpayment of more than 5% is found"
    )
    audit_notice_days: int = Field(30, ge=0, le=365, description="written notice before an audit")
    escalation: Text = (
        "Partner managers first, then executive sponsors within 15 business days, before any litigation"
    )
    sales_cycle_days: int | None = Field(
        None, ge=1, le=1000, description="median days from first meeting to signed deal"
    )
    referral: ReferralDefaults = Field(
        default_factory=ReferralDefaults, description="standard referral terms of integration agreements"
    )
    sources: SourceRefs = Field(default_factory=list, description="sources of the numbers above")


class PayoutDefaults(PlanModel):
    """How partners are paid: the clawback window and the minimum payout (docs/payouts.md)."""

    clawback_days: int = Field(
        90, ge=0, le=730, description="a refund or churn this many days after close takes the commission back"
    )
    minimum_payout: Money | None = Field(
        None, description="smaller balances are carried over to the next payout run"
    )
    sources: SourceRefs = Field(default_factory=list)


class DealFrameworks(PlanModel):
    """Both standard agreements of the program."""

    integration: IntegrationFramework
    reseller: ResellerFramework
    legal: LegalDefaults = Field(
        default_factory=LegalDefaults, description="standard cover-page terms of every agreement"
    )
    payouts: PayoutDefaults = Field(
        default_factory=PayoutDefaults, description="clawbacks and the minimum payout of every payout run"
    )


# --- per-partner overrides of the standard terms -----------------------------------------------------

# Every key term a partner's agreement may override, and the kind of value it takes. The term
# models in partnerkit.deals use the same keys (a test keeps the two in step), so an override in
# the plan lands on exactly one term and shows up as exactly one deviation in the draft.
TERM_KINDS: dict[str, str] = {
    # every agreement
    "term_months": "months",
    "auto_renew": "bool",
    "renewal_months": "months",
    "non_renewal_notice_days": "days",
    "governing_law": "text",
    "courts": "text",
    "liability_cap_months": "months",
    "liability_cap_amount": "money",
    "liability_cap_exceptions": "list",
    "confidentiality_years": "years",
    "trademark_licence": "text",
    "data_protection": "text",
    "termination_notice_days": "days",
    "termination_conditions": "text",
    "cure_period_days": "days",
    "survival": "text",
    "assignment": "text",
    "non_solicit_months": "months",
    "non_circumvention": "bool",
    "audit_rights": "text",
    "audit_notice_days": "days",
    "escalation": "text",
    "co_marketing_budget": "money",
    "sales_cycle_days": "days",
    # integration agreements
    "scope": "text",
    "technical_ours": "text",
    "technical_theirs": "text",
    "listing_requirements": "text",
    "co_marketing": "text",
    "first_line_support": "text",
    "support_escalation": "text",
    "revenue_share": "percent",
    "revenue_share_model": "text",
    # referral terms (integration agreements)
    "referral_fee": "percent",
    "referral_fee_terms": "text",
    "referral_definition": "text",
    "pipeline_lookback_days": "days",
    "attribution_window_days": "days",
    "commission_base": "text",
    "referral_tail_months": "months",
    # reseller agreements
    "territory": "text",
    "exclusivity": "exclusivity",
    "list_price": "text",
    "list_price_per_seat": "money",
    "partner_discount": "percent",
    "end_user_pricing": "end_user_pricing",
    "deal_registration": "bool",
    "registration_process": "text",
    "protection_period_days": "days",
    "conflict_resolution": "text",
    "registered_deal_extra_discount": "percent",
    "training_initial": "text",
    "training_ongoing": "text",
    "quota": "text",
    "quota_minimum_annual": "money",
    "reporting_frequency": "text",
    "reporting_metrics": "text",
    # program-level terms a draft shows but a partner cannot change
    "margin_band_min": "percent",
    "margin_band_max": "percent",
}

FIXED_TERMS = frozenset({"margin_band_min", "margin_band_max"})
"""Terms set by the program for everyone; an override of them is refused."""

OVERRIDABLE_TERMS = frozenset(TERM_KINDS) - FIXED_TERMS
"""The keys a partner's ``overrides:`` may use."""

REQUIRED_TERMS = frozenset(
    {"term_months", "renewal_months"}
    | {key for key, kind in TERM_KINDS.items() if kind in ("bool", "list", "exclusivity", "end_user_pricing")}
)
"""Terms every agreement must have a value for: an override cannot empty them."""

_BOUNDS = {"days": (0, 3650), "months": (0, 600), "years": (0, 100)}
MAX_TERM_TEXT = 4000  # as any free text of the plan (values.Text)


def _validated(adapter: TypeAdapter[Any], value: Any, **context: Any) -> Any:
    """``value`` through a value type's validators; a ValueError in partnerkit's words when it fails."""
    try:
        return adapter.validate_python(value, context=context or None)
    except ValidationError as exc:
        raise ValueError(_reason(exc)) from None


def _reason(exc: ValidationError) -> str:
    """The sentence of a value type's own error (its ``ValueError``), without pydantic's frame."""
    first = exc.errors(include_url=False)[0]
    return str(first["msg"]).removeprefix("Value error, ")


def _term_text(value: str) -> str:
    text = value.strip()
    if len(text) > MAX_TERM_TEXT:
        raise ValueError(
            f"is {len(text):,} characters long; a term's text is at most {MAX_TERM_TEXT:,} "
            "(a clause or two, not a pasted document)"
        )
    return text


def parse_term_value(kind: str, value: Any, currency: str = "USD") -> Any:
    """Turn an override's plain value into the term's value of ``kind``; ValueError when it does not fit.

    ``None`` means "no such term" (e.g. no notice period); terms in REQUIRED_TERMS refuse it.
    """
    if value is None:
        if kind in ("bool", "list", "exclusivity", "end_user_pricing"):
            raise ValueError("needs a value")
        return None
    if kind == "percent":
        return _validated(TypeAdapter(Percent), value)
    if kind == "money":
        try:
            return Money.model_validate(value, context={"currency": currency})
        except ValidationError as exc:
            raise ValueError(_reason(exc)) from None
    if kind in _BOUNDS:
        low, high = _BOUNDS[kind]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number of {kind}, got {value!r}")
        if not low <= value <= high:
            raise ValueError(f"{value} {kind} is outside {low}-{high}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if kind == "exclusivity":
        return _validated(TypeAdapter(choice(Exclusivity, "exclusivity")), value)
    if kind == "end_user_pricing":
        return _validated(TypeAdapter(choice(EndUserPricing, "end-user pricing")), value)
    if kind == "list":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"expected a list of texts, got {value!r}")
        return [_term_text(i) for i in items]
    if kind == "text":
        if not isinstance(value, str):
            raise ValueError(f"expected text, got {value!r}")
        return _term_text(value)
    raise ValueError(f"unknown kind of term {kind!r}")  # pragma: no cover - TERM_KINDS is closed


def plain_term_value(kind: str, value: Any) -> Any:
    """The plain form of a term value as a plan file writes it (``"32%"``, ``"5000 USD"``)."""
    if value is None:
        return None
    if kind == "percent":
        return format_percent(value)
    if isinstance(value, Money):
        return value.model_dump()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value
