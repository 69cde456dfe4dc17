"""The head of the strategy: product, executive summary and partnership philosophy."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from partnerkit.model.values import IsoDate, Name, PlanModel, Text, choice


class Product(PlanModel):
    """The product the partner program serves, and the plan's version and date."""

    name: Name
    version: str = Field("1.0", max_length=40)
    date: IsoDate
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$", description="ISO code of the plan's money")
    agent: str = Field("building-partnerships", max_length=100, description="who drafted the strategy")


class CorePrinciple(StrEnum):
    """What the partner program optimises for."""

    VALUE_DRIVEN = "value-driven"
    ECOSYSTEM_BUILDING = "ecosystem-building"
    DISTRIBUTION_FOCUSED = "distribution-focused"


class Philosophy(PlanModel):
    """The core principle and the strategic goals every partnership should serve."""

    core_principle: choice(CorePrinciple, "core principle")  # type: ignore[valid-type]
    strategic_goals: list[Text] = Field(min_length=1, max_length=10)
