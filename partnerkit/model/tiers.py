"""Partner tiers: what a partner must show (criteria), what it gets (benefits) and what it owes."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from partnerkit.model.rules import Rule
from partnerkit.model.values import Money, Name, Percent, PlanModel, SourceRefs, Text, choice


class PortalAccess(StrEnum):
    """How much of the partner portal a tier opens."""

    NONE = "None"
    BASIC = "Basic"
    FULL = "Full"


class Training(StrEnum):
    """How a tier's partners are trained."""

    SELF_SERVICE = "Self-service"
    INCLUDED = "Included"
    DEDICATED = "Dedicated"


class RevenuePotential(PlanModel):
    """The yearly revenue a partner must be expected to bring: at least ``min``, below ``max`` if set."""

    min: Money | None = None
    max: Money | None = None
    sources: SourceRefs = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> RevenuePotential:
        if self.min is not None and self.max is not None and self.max.amount <= self.min.amount:
            raise ValueError(f"max ({self.max}) must be above min ({self.min})")
        return self


class TierCriterion(PlanModel):
    """One criterion a partner must meet to reach a tier, as the strategy states it."""

    name: Name
    requirement: Text = Field("Required", description="the requirement as the strategy prints it")
    sources: SourceRefs = Field(default_factory=list)


class TierBenefits(PlanModel):
    """What a partner in the tier gets."""

    revenue_share: Percent | None = None
    partner_discount: Percent | None = Field(None, description="discount off list price for resellers")
    co_marketing_budget: Money | None = Field(None, description="per quarter")
    joint_roadmap_input: bool = False
    dedicated_partner_manager: bool = False
    early_access: bool = False
    portal_access: choice(PortalAccess, "portal access level") = PortalAccess.NONE  # type: ignore[valid-type]
    deal_registration: bool = False
    training: choice(Training, "training level") | None = None  # type: ignore[valid-type]
    payout_accelerator: Percent | None = Field(
        None, description="extra share of a quarter's commissions, e.g. '10%' pays 110% (docs/payouts.md)"
    )
    accelerator_threshold: Money | None = Field(
        None, description="the accelerator applies once the quarter's partner-sourced revenue reaches this"
    )
    sources: SourceRefs = Field(default_factory=list, description="sources of the numbers above")


class TierRequirements(PlanModel):
    """What a partner in the tier must keep doing."""

    certified_resources: int | None = Field(None, ge=0, le=10_000)
    joint_business_plan: bool = False
    quarterly_reviews: bool = False
    annual_review: bool = False
    annual_recertification: bool = False


class Tier(PlanModel):
    """A partner tier. Level 1 is the top; the order of tiers in the file does not matter."""

    name: Name
    level: int = Field(ge=1, le=20, description="1 is the top tier")
    revenue_potential: RevenuePotential | None = None
    criteria: list[TierCriterion] = Field(default_factory=list)
    rules: list[Rule] = Field(
        default_factory=list, description="what a partner must meet, in the rule language (docs/tiers.md)"
    )
    benefits: TierBenefits = Field(default_factory=TierBenefits)
    requirements: TierRequirements = Field(default_factory=TierRequirements)
