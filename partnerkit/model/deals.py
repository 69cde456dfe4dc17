"""The deal framework templates: the standard terms of integration and reseller agreements."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from partnerkit.model.values import Money, Percent, PlanModel, SourceRefs, Text, choice


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


class DealFrameworks(PlanModel):
    """Both standard agreements of the program."""

    integration: IntegrationFramework
    reseller: ResellerFramework
