"""Claims and grounding: how many of the plan's claims cite a source. Ratio = cited claims / all claims.

A claim is a statement the plan asks a reader to believe rather than a decision it makes:

* the rationale of each integration and distribution partner;
* each assumption in the assumptions log;
* each tier's revenue-potential threshold and the numbers of its benefits (revenue share, discount,
  co-marketing budget);
* the numeric defaults of each deal framework (revenue share, referral fee, partner discount,
  protection period, quotas) and the reseller margin band;
* each success metric that has a target, and the Q3-Q4 scale targets.

A claim is cited when its ``sources`` list names at least one source id. A plan with no claims has a
ratio of 1.0 (nothing is unsupported).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from partnerkit.model import Plan
from partnerkit.problems import FieldPath, format_path


class Claim(NamedTuple):
    """One claim of the plan: where it is, what it says, and which sources it cites."""

    # A tuple rather than a frozen dataclass: a plan of 100,000 partners makes 100,000 claims,
    # and a tuple is made several times faster.
    path: FieldPath
    text: str
    sources: tuple[str, ...]

    @property
    def cited(self) -> bool:
        """True when the claim cites at least one source."""
        return bool(self.sources)

    @property
    def field(self) -> str:
        """The claim's field path as text."""
        return format_path(self.path)


@dataclass(frozen=True)
class Grounding:
    """The plan's claims and the share of them that cite a source."""

    claims: tuple[Claim, ...]

    @cached_property
    def cited(self) -> int:
        """How many claims cite a source (counted once: a large plan has a claim per partner)."""
        return sum(1 for c in self.claims if c.sources)

    @property
    def ratio(self) -> float:
        """Cited claims over all claims, 1.0 when there are none."""
        return self.cited / len(self.claims) if self.claims else 1.0

    @property
    def uncited(self) -> list[Claim]:
        """The claims that cite nothing."""
        return [c for c in self.claims if not c.cited]


def claims(plan: Plan) -> list[Claim]:
    """Every claim of the plan, in the order of the strategy document."""
    found: list[Claim] = []

    def add(path: FieldPath, text: str, sources: list[str]) -> None:
        found.append(Claim(path, text, tuple(sources)))

    for kind in ("integration", "distribution"):
        partners = getattr(plan.categories, kind).partners
        found.extend(
            Claim(
                ("categories", kind, "partners", i, "rationale"), f"{p.name}: {p.rationale}", tuple(p.sources)
            )
            for i, p in enumerate(partners)
        )
    for i, tier in enumerate(plan.tiers):
        rp = tier.revenue_potential
        if rp is not None and (rp.min is not None or rp.max is not None):
            add(("tiers", i, "revenue_potential"), f"{tier.name} revenue potential", rp.sources)
        b = tier.benefits
        if any(v is not None for v in (b.revenue_share, b.partner_discount, b.co_marketing_budget)):
            add(("tiers", i, "benefits"), f"{tier.name} benefits", b.sources)
    integration = plan.deal_frameworks.integration
    add(("deal_frameworks", "integration"), "Integration agreement commercial terms", integration.sources)
    reseller = plan.deal_frameworks.reseller
    add(("deal_frameworks", "reseller"), "Reseller agreement pricing and deal registration", reseller.sources)
    if reseller.pricing.margin_band is not None:
        add(
            ("deal_frameworks", "reseller", "pricing", "margin_band"),
            "Reseller margin band",
            reseller.pricing.margin_band.sources,
        )
    for i, metric in enumerate(plan.metrics):
        if any(v is not None for v in (metric.q1, metric.q2, metric.year1)):
            add(("metrics", i), f"{metric.name} targets", metric.sources)
    scale = plan.roadmap.scale
    if scale is not None and (scale.tier_targets or scale.partner_revenue_share):
        add(("roadmap", "scale"), "Q3-Q4 targets", scale.sources)
    for i, a in enumerate(plan.assumptions):
        add(("assumptions", i), a.assumption, a.sources)
    return found


def grounding(plan: Plan) -> Grounding:
    """The plan's grounding: its claims and the ratio of cited ones."""
    return Grounding(tuple(claims(plan)))
