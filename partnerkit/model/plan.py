"""The whole partnership plan: every section of the Partnership Strategy template."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from partnerkit.model.deals import DealFrameworks
from partnerkit.model.documents import DocumentSettings
from partnerkit.model.metrics import Assumption, Metric, Source
from partnerkit.model.partners import AnyPartner, Categories, CategoryKind
from partnerkit.model.product import Philosophy, Product
from partnerkit.model.roadmap import Roadmap
from partnerkit.model.rules import TierProgram
from partnerkit.model.tiers import Tier
from partnerkit.model.values import PlanModel, Text, fold_name


class Plan(PlanModel):
    """A partnership plan, validated: what the strategy says, in data."""

    product: Product
    executive_summary: Text
    philosophy: Philosophy
    categories: Categories
    tiers: list[Tier] = Field(default_factory=list)
    tier_program: TierProgram = Field(default_factory=TierProgram)
    deal_frameworks: DealFrameworks
    roadmap: Roadmap = Field(default_factory=Roadmap)
    metrics: list[Metric] = Field(default_factory=list)
    assumptions: list[Assumption] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    documents: DocumentSettings = Field(
        default_factory=DocumentSettings, description="legal's Word templates and the drafts' date format"
    )

    def partners(self) -> Iterator[tuple[CategoryKind, AnyPartner]]:
        """Every partner of every category, with its category."""
        for kind, _, partner in self.categories.all_partners():
            yield kind, partner

    def partner(self, name: str) -> AnyPartner:
        """The partner called ``name`` (exact, then as ``fold_name`` compares); KeyError when there is none."""
        # One walk, stopping at the partner: no index of every partner built for one look-up.
        for _, partner in self.partners():
            if partner.name == name:
                return partner
        folded = fold_name(name)
        for _, partner in self.partners():
            if fold_name(partner.name) == folded:
                return partner
        raise KeyError(name)

    def tiers_by_level(self) -> list[Tier]:
        """Tiers from the top (level 1) down, whatever their order in the file."""
        return sorted(self.tiers, key=lambda t: (t.level, t.name))

    def tier(self, name: str) -> Tier:
        """The tier called ``name``; KeyError when there is none."""
        for tier in self.tiers:
            if tier.name == name:
                return tier
        raise KeyError(name)
