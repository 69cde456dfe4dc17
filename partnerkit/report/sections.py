"""What the strategy says about each partner category, as plain data both document renderers share."""

from __future__ import annotations

from dataclasses import dataclass

from partnerkit.model import Plan, format_percent


@dataclass(frozen=True)
class CategorySection:
    """One partner category of the template: goal, value exchange, criteria, the targets table, requirements."""

    title: str
    goal: str
    we_offer: str
    we_get: str
    criteria: list[tuple[str, str]]
    columns: list[str]
    rows: list[list[object]]
    requirements: list[tuple[str, str]]

    @property
    def requirements_label(self) -> str:
        """The template's label of the requirements list, e.g. 'Integration Requirements'."""
        return f"{self.title.split()[0]} Requirements"


def category_sections(plan: Plan) -> list[CategorySection]:
    """The three category sections in the template's order, with its labels and table columns."""
    cats = plan.categories
    integration, distribution, ecosystem = cats.integration, cats.distribution, cats.ecosystem
    return [
        CategorySection(
            title="Integration Partners",
            goal=integration.goal,
            we_offer=integration.value_exchange.we_offer,
            we_get=integration.value_exchange.we_get,
            criteria=[
                ("User overlap with our ICPs", integration.target_criteria.user_overlap),
                ("Technical compatibility", integration.target_criteria.technical_compatibility),
                ("Market position", integration.target_criteria.market_position),
            ],
            columns=["Partner", "Type", "Their Value", "Our Value", "Priority", "Status", "Rationale"],
            rows=[
                [
                    p.name,
                    p.type.value,
                    p.their_value,
                    p.our_value,
                    p.priority.value,
                    p.status.value,
                    p.rationale,
                ]
                for p in integration.partners
            ],
            requirements=[
                ("Technical", integration.requirements.technical),
                ("Documentation", integration.requirements.documentation),
                ("Support", integration.requirements.support),
            ],
        ),
        CategorySection(
            title="Distribution Partners",
            goal=distribution.goal,
            we_offer=distribution.value_exchange.we_offer,
            we_get=distribution.value_exchange.we_get,
            criteria=[
                ("Customer base alignment", distribution.target_criteria.customer_base_alignment),
                ("Sales capability", distribution.target_criteria.sales_capability),
                ("Geographic coverage", distribution.target_criteria.geographic_coverage),
            ],
            columns=["Partner", "Type", "Customer Base", "Margin", "Priority", "Status", "Rationale"],
            rows=[
                [
                    p.name,
                    p.type.value,
                    p.customer_base,
                    format_percent(p.margin),
                    p.priority.value,
                    p.status.value,
                    p.rationale,
                ]
                for p in distribution.partners
            ],
            requirements=[
                ("Training", distribution.requirements.training),
                ("Deal registration", distribution.requirements.deal_registration),
                ("Support model", distribution.requirements.support_model),
            ],
        ),
        CategorySection(
            title="Ecosystem Partners",
            goal=ecosystem.goal,
            we_offer=ecosystem.value_exchange.we_offer,
            we_get=ecosystem.value_exchange.we_get,
            criteria=[
                ("Industry relevance", ecosystem.target_criteria.industry_relevance),
                ("Membership requirements", ecosystem.target_criteria.membership_requirements),
                ("Strategic alignment", ecosystem.target_criteria.strategic_alignment),
            ],
            columns=["Organization", "Type", "Benefit", "Cost", "Priority", "Status"],
            rows=[
                [p.name, p.type.value, p.benefit, p.cost, p.priority.value, p.status.value]
                for p in ecosystem.partners
            ],
            requirements=[],
        ),
    ]
