"""The three partner categories of the strategy and the partners in each, with the template's columns."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from partnerkit.model.deals import (
    FIXED_TERMS,
    OVERRIDABLE_TERMS,
    REQUIRED_TERMS,
    TERM_KINDS,
    parse_term_value,
    plain_term_value,
)
from partnerkit.model.rules import FactName, FactValue
from partnerkit.model.values import (
    IsoDate,
    Money,
    Name,
    Percent,
    PlanModel,
    PriorityField,
    SourceRefs,
    StatusField,
    Text,
    choice,
    did_you_mean,
)
from partnerkit.problems import FieldPath

TERM_OVERRIDES = "term_overrides"
"""The error type of a partner's overrides that fail: its context lists each term with its sentence."""


class CategoryKind(StrEnum):
    """The partner categories of the template."""

    INTEGRATION = "Integration"
    DISTRIBUTION = "Distribution"
    ECOSYSTEM = "Ecosystem"


def partner_path(kind: str, index: int) -> FieldPath:
    """The field path of a partner row: ``categories.<kind>.partners[<index>]`` (``kind`` as in ``CategoryKind``)."""
    return ("categories", str(kind).lower(), "partners", index)


class IntegrationType(StrEnum):
    """How a product integrates with ours."""

    API = "API"
    PLUGIN = "Plugin"
    NATIVE = "Native"


class DistributionType(StrEnum):
    """How a partner sells our product."""

    RESELLER = "Reseller"
    VAR = "VAR"
    MSP = "MSP"


class OrganizationType(StrEnum):
    """What kind of organisation an ecosystem partner is."""

    STANDARDS_BODY = "Standards body"
    ASSOCIATION = "Association"
    ALLIANCE = "Alliance"


class ValueExchange(PlanModel):
    """What we offer partners of a category and what we get from them."""

    we_offer: Text
    we_get: Text


class TermOverride(PlanModel):
    """A partner's change to one standard term: the new value, why, and the sources behind it.

    In a plan file ``protection_period_days: 120`` is short for ``{value: 120}``.
    """

    value: Any = Field(description="a plain value, in the form the term takes: '25%', 90, true, text")
    reason: Text | None = Field(None, description="why this partner differs; printed in the draft")
    sources: SourceRefs = Field(default_factory=list, description="sources behind the new value")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict) and "value" in data:
            return data
        return {"value": data}


def _fact_dates(value: Any) -> Any:
    # A dated fact written back to a file becomes the text "2026-10-20"; read it as the date it was,
    # so that a plan survives a round trip through YAML or JSON unchanged.
    if isinstance(value, dict):
        return {k: _iso_date_or_value(v) for k, v in value.items()}
    return value


def _iso_date_or_value(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


class TierSpell(PlanModel):
    """One entry of a partner's tier history: the tier it held from a date on (none: left the tiers)."""

    tier: Name | None = Field(description="the tier held from this date, or null for no tier")
    from_: IsoDate = Field(alias="from", description="the first day at that tier")

    model_config = PlanModel.model_config | {"serialize_by_alias": True}


def settle_tier_history(partner: Any) -> None:
    """Set a partner's ``tier`` and ``tier_since`` from its tier history, as ``check_tier_history`` finds them."""
    if partner.tier_history:
        fields = partner.model_fields_set
        partner.tier, partner.tier_since = check_tier_history(
            partner.tier_history,
            partner.tier,
            partner.tier_since,
            tier_set="tier" in fields,
            since_set="tier_since" in fields,
        )


def check_tier_history(
    history: list[TierSpell], tier: str | None, since: date | None, *, tier_set: bool, since_set: bool
) -> tuple[str | None, date | None]:
    """The current tier and its start date a history implies; ValueError when the history is out of
    order or disagrees with ``tier``/``tier_since`` written beside it."""
    for before, after in itertools.pairwise(history):
        if after.from_ <= before.from_:
            raise ValueError(
                f"tier_history must be in date order, oldest first: {after.from_.isoformat()} is "
                f"listed after {before.from_.isoformat()}"
            )
    last = history[-1]
    start = last.from_
    for spell in reversed(history[:-1]):  # an unchanged tier written twice keeps its first date
        if spell.tier != last.tier:
            break
        start = spell.from_
    implied_since = start if last.tier is not None else None
    if tier_set and tier != last.tier:
        raise ValueError(
            f"tier {tier!r} is not the last entry of tier_history ({last.tier!r} from {last.from_.isoformat()}); "
            "drop 'tier' (the history says it) or add the change to the history"
        )
    if since_set and since is not None and since != implied_since:
        raise ValueError(
            f"tier_since {since.isoformat()} is not when tier_history says the current tier began "
            f"({implied_since.isoformat() if implied_since else 'no tier'}); drop 'tier_since'"
        )
    return last.tier, implied_since


class PartnerBase(PlanModel):
    """Columns every partner row shares."""

    name: Name
    priority: PriorityField
    status: StatusField
    tier: Name | None = Field(None, description="the partner's current tier, by name")
    tier_since: IsoDate | None = Field(None, description="when the partner entered its current tier")
    # Empty defaults are valid as they stand: not validating them spares a plan of 100,000
    # partners a few hundred thousand calls of the validators below.
    tier_history: list[TierSpell] = Field(
        default_factory=list,
        validate_default=False,
        description="the tiers held, oldest first ({tier, from}); its last entry is the current tier",
    )
    facts: Annotated[dict[FactName, FactValue], BeforeValidator(_fact_dates)] = Field(
        default_factory=dict,
        validate_default=False,
        description="what the tier rules read; a facts table can refresh them",
    )
    sources: SourceRefs = Field(default_factory=list, validate_default=False)
    legal_name: Name | None = Field(None, description="the partner's legal entity, for agreements")
    notice_address: Text | None = Field(None, description="where legal notices to the partner go")
    contact: Text | None = Field(None, description="who receives notices, e.g. 'Jane Roe, COO, jane@...'")
    effective_date: IsoDate | None = Field(None, description="when the agreement takes effect")
    overrides: dict[str, TermOverride] = Field(
        default_factory=dict,
        validate_default=False,
        description="this partner's changes to the program's standard terms",
    )

    @model_validator(mode="after")
    def _history_agrees(self) -> PartnerBase:
        settle_tier_history(self)
        return self

    @field_validator("overrides")
    @classmethod
    def _known_terms(cls, overrides: dict[str, TermOverride]) -> dict[str, TermOverride]:
        # Every term is checked, and each failure is placed at its own term: the errors travel in
        # one TERM_OVERRIDES error that validation.problems_from_validation spreads out again.
        wrong: list[tuple[str, str, bool]] = []  # (term, sentence at the term, about the key itself)
        for key, override in overrides.items():
            if key in FIXED_TERMS:
                wrong.append(
                    (key, f"{key!r} is set by the program for every partner and cannot be overridden", True)
                )
                continue
            if key not in OVERRIDABLE_TERMS:
                guess = did_you_mean(key, OVERRIDABLE_TERMS)
                hint = f"; did you mean {guess!r}?" if guess else " (see docs/terms.md for the list)"
                wrong.append((key, f"unknown term {key!r}{hint}", True))
                continue
            if override.value is None and key in REQUIRED_TERMS:
                wrong.append((key, "every agreement needs a value for this term", False))
                continue
            try:
                parsed = parse_term_value(TERM_KINDS[key], override.value)
            except ValueError as exc:
                wrong.append((key, str(exc), False))
                continue
            # Keep the plan's plain form so that dumping and loading the plan gives it back; money
            # keeps what was written, so the plan's currency applies when the terms are built.
            if TERM_KINDS[key] != "money" or not isinstance(override.value, int | str):
                override.value = plain_term_value(TERM_KINDS[key], parsed)
        if wrong:
            raise PydanticCustomError(
                TERM_OVERRIDES,
                "; ".join(f"{key}: {sentence}" for key, sentence, _ in wrong),
                {"terms": wrong},
            )
        return overrides


class IntegrationPartner(PartnerBase):
    """A product we integrate with: API, plugin or native integration."""

    type: choice(IntegrationType, "integration type")  # type: ignore[valid-type]
    their_value: Text
    our_value: Text
    rationale: Text


class DistributionPartner(PartnerBase):
    """A reseller, VAR or MSP that sells our product to its customers."""

    type: choice(DistributionType, "distribution type")  # type: ignore[valid-type]
    customer_base: Text
    margin: Percent
    rationale: Text


class EcosystemPartner(PartnerBase):
    """A standards body, association or alliance we take part in."""

    type: choice(OrganizationType, "organization type")  # type: ignore[valid-type]
    benefit: Text
    cost: Text
    annual_cost: Money | None = Field(None, description="the money part of the cost, when there is one")


class IntegrationCriteria(PlanModel):
    """What makes a good integration partner."""

    user_overlap: Text
    technical_compatibility: Text
    market_position: Text


class IntegrationRequirements(PlanModel):
    """What an integration needs from both sides."""

    technical: Text
    documentation: Text
    support: Text


class DistributionCriteria(PlanModel):
    """What makes a good distribution partner."""

    customer_base_alignment: Text
    sales_capability: Text
    geographic_coverage: Text


class DistributionRequirements(PlanModel):
    """What a distribution partner must do."""

    training: Text
    deal_registration: Text
    support_model: Text


class EcosystemCriteria(PlanModel):
    """What makes an ecosystem organisation worth joining."""

    industry_relevance: Text
    membership_requirements: Text
    strategic_alignment: Text


class IntegrationCategory(PlanModel):
    """Integration partners: goal, value exchange, criteria, requirements and targets."""

    goal: Text
    value_exchange: ValueExchange
    target_criteria: IntegrationCriteria
    requirements: IntegrationRequirements
    partners: list[IntegrationPartner] = Field(default_factory=list)


class DistributionCategory(PlanModel):
    """Distribution partners: goal, value exchange, criteria, requirements and targets."""

    goal: Text
    value_exchange: ValueExchange
    target_criteria: DistributionCriteria
    requirements: DistributionRequirements
    partners: list[DistributionPartner] = Field(default_factory=list)


class EcosystemCategory(PlanModel):
    """Ecosystem organisations: goal, value exchange, criteria and targets."""

    goal: Text
    value_exchange: ValueExchange
    target_criteria: EcosystemCriteria
    partners: list[EcosystemPartner] = Field(default_factory=list)


AnyPartner = IntegrationPartner | DistributionPartner | EcosystemPartner


class Categories(PlanModel):
    """The three partner categories of the template."""

    integration: IntegrationCategory
    distribution: DistributionCategory
    ecosystem: EcosystemCategory

    def all_partners(self) -> Iterator[tuple[CategoryKind, int, AnyPartner]]:
        """Every partner with its category and its index in that category's list."""
        for kind, partners in self.partner_lists():
            for i, partner in enumerate(partners):
                yield kind, i, partner

    def partner_lists(self) -> tuple[tuple[CategoryKind, list[Any]], ...]:
        """Each category's list of partners, for a check that loops over 100,000 partners itself
        (a generator's step per partner is a third of such a check)."""
        return (
            (CategoryKind.INTEGRATION, self.integration.partners),
            (CategoryKind.DISTRIBUTION, self.distribution.partners),
            (CategoryKind.ECOSYSTEM, self.ecosystem.partners),
        )
