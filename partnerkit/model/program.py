"""A tier program on its own: tiers, rules, benefits, budget and fact specs, without the strategy.

A RevOps analyst who only wants verdicts writes this instead of a whole plan; partners come from a
facts table (or a short ``partners`` list). A file is a tier program when it says ``kind:
tier-program``, or when it has ``tiers``/``tier_program`` and none of the strategy's sections (see
``is_program_data`` and docs/tiers.md, "A program file is enough").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from partnerkit.model.metrics import Source
from partnerkit.model.partners import TierSpell, _fact_dates, settle_tier_history
from partnerkit.model.rules import CategoryName, FactName, FactValue, TierProgram
from partnerkit.model.tiers import Tier
from partnerkit.model.values import IsoDate, Name, PlanModel, Text

if TYPE_CHECKING:
    from partnerkit.model.plan import Plan
    from partnerkit.problems import FieldPath

PROGRAM_KIND = "tier-program"

# The sections only a whole strategy has; a file with none of them and with tiers is a program.
STRATEGY_SECTIONS = ("product", "executive_summary", "philosophy", "categories", "deal_frameworks")


class ProgramPartner(PlanModel):
    """A partner of a tier program: a name, its tier (or tier history) and its facts; nothing else needed."""

    name: Name
    category: CategoryName | None = Field(None, description="Integration, Distribution or Ecosystem")
    tier: Name | None = Field(None, description="the partner's current tier, by name")
    tier_since: IsoDate | None = Field(None, description="when the partner entered its current tier")
    # Empty defaults are valid as they stand (see PartnerBase).
    tier_history: list[TierSpell] = Field(
        default_factory=list, validate_default=False, description="the tiers held, oldest first"
    )
    facts: Annotated[dict[FactName, FactValue], BeforeValidator(_fact_dates)] = Field(
        default_factory=dict, validate_default=False
    )

    @model_validator(mode="after")
    def _history_agrees(self) -> ProgramPartner:
        settle_tier_history(self)
        return self


class TierProgramFile(PlanModel):
    """A tier program file: what ``partnerkit tiers`` needs and nothing of the strategy."""

    kind: Literal["tier-program"] = Field("tier-program", description="marks the file as a tier program")
    name: Text | None = Field(None, description="the program's name, for the reader")
    currency: str = Field("USD", description="ISO code of every money amount (thresholds, budget)")
    tiers: list[Tier] = Field(default_factory=list)
    tier_program: TierProgram = Field(default_factory=TierProgram)
    partners: list[ProgramPartner] = Field(
        default_factory=list, description="optional; partners usually come from the facts table"
    )
    sources: list[Source] = Field(default_factory=list)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise ValueError(f"{value!r} is not an ISO currency code such as 'USD' or 'EUR'")
        return value

    def tiers_by_level(self) -> list[Tier]:
        """Tiers from the top (level 1) down, whatever their order in the file."""
        return sorted(self.tiers, key=lambda t: (t.level, t.name))


def is_program_data(data: Any) -> bool:
    """True when plan data is a tier program: ``kind: tier-program``, or tiers without strategy sections."""
    if not isinstance(data, dict):
        return False
    if data.get("kind") == PROGRAM_KIND:
        return True
    if "kind" in data:
        return False
    has_tiers = "tiers" in data or "tier_program" in data
    return has_tiers and not any(section in data for section in STRATEGY_SECTIONS)


def currency_of(source: Plan | TierProgramFile) -> str:
    """The currency money amounts are in."""
    if isinstance(source, TierProgramFile):
        return source.currency
    return source.product.currency


def tier_partners(
    source: Plan | TierProgramFile, *, applied_only: bool = True, holding: str | None = None
) -> Iterator[tuple[FieldPath, Any]]:
    """The partners the tier rules apply to, each with the field path of its entry.

    A plan's partners are those of the categories ``tier_program.applies_to`` names (all of them
    with ``applied_only=False``); a program's partners all count, unless their category is left out.
    With ``holding`` (``"facts"``), only the partners whose field of that name is not empty.
    """
    applies = set(source.tier_program.applies_to)
    if isinstance(source, TierProgramFile):
        for index, member in enumerate(source.partners):
            if holding is not None and not getattr(member, holding):
                continue
            if not applied_only or member.category is None or member.category in applies:
                yield ("partners", index), member
        return
    for kind, partners in source.categories.partner_lists():
        if applied_only and kind.value not in applies:
            continue
        key = kind.value.lower()
        for index, partner in enumerate(partners):
            # Most partners of a large plan have no facts or history: passed over without a path.
            if holding is not None and not getattr(partner, holding):
                continue
            yield ("categories", key, "partners", index), partner  # partner_path, without a call per partner


def spells(partner: Any) -> tuple[tuple[date, str | None], ...] | None:
    """A partner's tier history as (first day, tier) pairs, or None when it has none."""
    history = getattr(partner, "tier_history", None)
    if not history:
        return None
    return tuple((spell.from_, spell.tier) for spell in history)


__all__ = [
    "PROGRAM_KIND",
    "ProgramPartner",
    "TierProgramFile",
    "currency_of",
    "is_program_data",
    "spells",
    "tier_partners",
]
