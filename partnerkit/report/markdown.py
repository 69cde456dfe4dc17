"""The Partnership Strategy in Markdown: the template's sections, headings and columns, filled from the plan."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from partnerkit.claims import grounding
from partnerkit.model import (
    Metric,
    MetricUnit,
    Money,
    Plan,
    Tier,
    format_money,
    format_percent,
)
from partnerkit.model.roadmap import Target
from partnerkit.model.tiers import TierBenefits
from partnerkit.report.sections import category_sections

if TYPE_CHECKING:
    from partnerkit.roadmap.schedule import Schedule

SEPARATOR = "---"


def cell(value: object) -> str:
    """Text safe for a Markdown table cell: pipes escaped, line breaks folded, empty shown as '-'."""
    if value is None:
        return "-"
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|") or "-"


def inline(value: object) -> str:
    """Text safe on one Markdown line."""
    return " ".join(str(value).split())


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A Markdown table in the template's style."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("-" * (len(h) + 2) for h in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def yes_no(flag: bool) -> str:
    """The template's Yes / No."""
    return "Yes" if flag else "No"


def _money_k(money: Money) -> str:
    return format_money(money, compact=True)


def revenue_line(tier: Tier) -> str | None:
    """The tier's revenue-potential criterion as the template words it, or None when it has none."""
    rp = tier.revenue_potential
    if rp is None or (rp.min is None and rp.max is None):
        return None
    if rp.min is not None and rp.max is not None:
        return f"- Revenue potential: {_money_k(rp.min)}-{_money_k(rp.max)}/year"
    if rp.min is not None:
        return f"- Revenue potential: >{_money_k(rp.min)}/year"
    assert rp.max is not None
    return f"- Revenue potential: <{_money_k(rp.max)}/year"


def benefit_lines(b: TierBenefits) -> list[str]:
    """A tier's benefits as the template's bullet lines."""
    lines = []
    if b.revenue_share is not None:
        lines.append(f"- Revenue share: {format_percent(b.revenue_share)}")
    if b.partner_discount is not None:
        lines.append(f"- Partner discount: {format_percent(b.partner_discount)}")
    if b.co_marketing_budget is not None:
        lines.append(f"- Co-marketing budget: {format_money(b.co_marketing_budget)}/quarter")
    if b.joint_roadmap_input:
        lines.append("- Joint roadmap input: Yes")
    if b.dedicated_partner_manager:
        lines.append("- Dedicated partner manager: Yes")
    if b.early_access:
        lines.append("- Early access program: Yes")
    if b.portal_access.value != "None":
        lines.append(f"- Partner portal access: {b.portal_access.value}")
    if b.deal_registration:
        lines.append("- Deal registration: Available")
    if b.training is not None:
        lines.append(f"- Training: {b.training.value}")
    return lines or ["- None"]


def requirement_lines(tier: Tier) -> list[str]:
    """A tier's requirements as the template's bullet lines."""
    r = tier.requirements
    lines = []
    if r.certified_resources is not None:
        lines.append(f"- Certified resources: {r.certified_resources}")
    if r.joint_business_plan:
        lines.append("- Joint business plan: Required")
    if r.quarterly_reviews:
        lines.append("- Quarterly reviews: Required")
    if r.annual_review:
        lines.append("- Annual review: Required")
    if r.annual_recertification:
        lines.append("- Annual re-certification: Required")
    return lines or ["- None"]


def _tier_section(number: int, tier: Tier) -> list[str]:
    out = [f"### Tier {number}: {inline(tier.name)} Partners", "", "**Criteria**:"]
    revenue = revenue_line(tier)
    if revenue:
        out.append(revenue)
    for criterion in tier.criteria:
        if (
            criterion.requirement
            and criterion.requirement != "Required"
            and criterion.requirement != criterion.name
        ):
            out.append(f"- {inline(criterion.name)}: {inline(criterion.requirement)}")
        elif criterion.requirement == "Required" and _is_statement(criterion.name):
            out.append(f"- {inline(criterion.name)}")
        else:
            out.append(f"- {inline(criterion.name)}: {inline(criterion.requirement)}")
    out += [
        "",
        "**Benefits**:",
        *benefit_lines(tier.benefits),
        "",
        "**Requirements**:",
        *requirement_lines(tier),
    ]
    return out


def _is_statement(name: str) -> bool:
    # "Signed partner agreement" reads as a whole criterion; "Executive sponsorship" wants ": Required".
    first = name.split()[0].lower() if name.split() else ""
    return first.endswith("ed") or first in {"has", "holds", "signed"}


def target_value(value: bool | int | str) -> str:
    """A quarter target's value as the template prints it."""
    if isinstance(value, bool):
        return yes_no(value)
    return inline(value)


def _targets(label: str, targets: Sequence[Target]) -> list[str]:
    if not targets:
        return []
    return ["", f"**{label}**:", *[f"- {inline(t.label)}: {target_value(t.value)}" for t in targets]]


def metric_value(metric: Metric, value: Decimal | None, currency: str) -> str:
    """A metric's value in its unit: $75,000, 10%, 45, or '-' when not set."""
    if value is None:
        return "-"
    if metric.unit is MetricUnit.MONEY:
        return format_money(Money(amount=value, currency=currency))
    if metric.unit is MetricUnit.PERCENT:
        return format_percent(value)
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def render_markdown(plan: Plan, *, roadmap_chart: str | None = None) -> str:
    """The whole Partnership Strategy as Markdown, in the template's order, with the grounding footer.

    ``roadmap_chart`` is the path of a Gantt image to show in the roadmap section (e.g. roadmap.png).
    """
    product = plan.product
    out: list[str] = [
        "# Partnership Strategy",
        "",
        f"**Product**: {inline(product.name)}",
        f"**Version**: {inline(product.version)}",
        f"**Date**: {product.date.isoformat()}",
        f"**Agent**: {inline(product.agent)}",
        "",
        SEPARATOR,
        "",
        "## Executive Summary",
        "",
        inline(plan.executive_summary),
        "",
        SEPARATOR,
        "",
        "## Partnership Philosophy",
        "",
        f"**Core Principle**: {plan.philosophy.core_principle.value}",
        "",
        "**Strategic Goals**:",
        *[f"{i}. {inline(goal)}" for i, goal in enumerate(plan.philosophy.strategic_goals, start=1)],
        "",
        SEPARATOR,
        "",
        "## Partnership Categories",
        "",
        *category_lines(plan),
        "## Partnership Tiers",
    ]
    for number, tier in enumerate(plan.tiers_by_level(), start=1):
        out += ["", *_tier_section(number, tier), "", SEPARATOR]
    out += [
        "",
        *deal_framework_lines(plan),
        "",
        SEPARATOR,
        "",
        *roadmap_lines(plan, chart=roadmap_chart),
        "",
        SEPARATOR,
        "",
    ]
    out += metrics_lines(plan)
    out += ["", SEPARATOR, "", "## Assumptions Log", ""]
    out += table(
        ["Assumption", "Confidence", "Validation Method"],
        [[a.assumption, a.confidence.value, a.validation_method] for a in plan.assumptions],
    )
    out += ["", SEPARATOR, "", "## Sources", ""]
    out += table(
        ["Source", "Type", "Date", "URL"],
        [
            [f"{s.id}: {s.title}", s.type.value, s.date.isoformat() if s.date else None, s.url]
            for s in plan.sources
        ],
    )
    ratio = grounding(plan).ratio
    out += [
        "",
        SEPARATOR,
        "",
        f"*Generated by {inline(product.agent)} skill with partnerkit*",
        f"*Grounding ratio: {ratio:.2f}*",
        "",
    ]
    return "\n".join(out)


def category_lines(plan: Plan) -> list[str]:
    """The three partner categories: goal, value exchange, criteria, targets table and requirements."""
    out: list[str] = []
    for section in category_sections(plan):
        out += [
            f"### {section.title}",
            "",
            f"**Goal**: {inline(section.goal)}",
            "",
            "**Value Exchange**:",
            f"- **What we offer**: {inline(section.we_offer)}",
            f"- **What we get**: {inline(section.we_get)}",
            "",
            "**Target Criteria**:",
            *[f"- {label}: {inline(text)}" for label, text in section.criteria],
            "",
            "**Priority Targets**:",
            "",
            *table(section.columns, section.rows),
            "",
        ]
        if section.requirements:
            out += [
                f"**{section.requirements_label}**:",
                *[f"- {label}: {inline(text)}" for label, text in section.requirements],
                "",
            ]
        out += [SEPARATOR, ""]
    return out


def deal_framework_lines(plan: Plan) -> list[str]:
    """The two deal framework templates with every key term."""
    i = plan.deal_frameworks.integration
    r = plan.deal_frameworks.reseller
    c = i.commercial_terms
    share = (
        f"{format_percent(c.revenue_share)} {inline(c.revenue_share_model)}"
        if c.revenue_share is not None
        else inline(c.revenue_share_model)
    )
    referral = (
        f"{format_percent(c.referral_fee)} {inline(c.referral_fee_terms)}"
        if c.referral_fee is not None
        else inline(c.referral_fee_terms)
    )
    notice = f"{i.termination.notice_days} days' notice; " if i.termination.notice_days is not None else ""
    pricing = r.pricing
    list_price = inline(pricing.list_price)
    if pricing.list_price_per_seat is not None:
        list_price += f" ({format_money(pricing.list_price_per_seat)} per seat per year)"
    discount = format_percent(pricing.partner_discount)
    if pricing.margin_band is not None:
        discount += f" (program band {format_percent(pricing.margin_band.min)}-{format_percent(pricing.margin_band.max)})"
    protection = f"{r.deal_registration.protection_period_days} days"
    if r.deal_registration.registered_deal_extra_discount is not None:
        protection += f"; registered deals earn {format_percent(r.deal_registration.registered_deal_extra_discount)} extra discount"
    quotas = inline(r.quotas.description)
    if r.quotas.minimum_annual is not None:
        quotas += f" (minimum {format_money(r.quotas.minimum_annual)} a year)"
    return [
        "## Deal Framework Templates",
        "",
        "### Integration Partnership Agreement",
        "",
        "**Key Terms**:",
        f"1. **Scope**: {inline(i.scope)}",
        "2. **Technical Obligations**:",
        f"   - Our side: {inline(i.technical_obligations.ours)}",
        f"   - Their side: {inline(i.technical_obligations.theirs)}",
        "3. **Marketing Obligations**:",
        f"   - Listing requirements: {inline(i.marketing_obligations.listing_requirements)}",
        f"   - Co-marketing: {inline(i.marketing_obligations.co_marketing)}",
        "4. **Support Obligations**:",
        f"   - First-line support: {inline(i.support_obligations.first_line)}",
        f"   - Escalation: {inline(i.support_obligations.escalation)}",
        "5. **Commercial Terms**:",
        f"   - Revenue share: {share}",
        f"   - Referral fees: {referral}",
        f"6. **Term**: {i.term_months} months",
        f"7. **Termination**: {notice}{inline(i.termination.conditions)}",
        "",
        SEPARATOR,
        "",
        "### Reseller Partnership Agreement",
        "",
        "**Key Terms**:",
        f"1. **Territory**: {inline(r.territory)}",
        f"2. **Exclusivity**: {r.exclusivity.value}",
        "3. **Pricing**:",
        f"   - List price: {list_price}",
        f"   - Partner discount: {discount}",
        f"   - End-user pricing: {r.pricing.end_user_pricing.value}",
        "4. **Deal Registration**:",
        f"   - Process: {inline(r.deal_registration.process)}",
        f"   - Protection period: {protection}",
        f"   - Conflict resolution: {inline(r.deal_registration.conflict_resolution)}",
        "5. **Training Requirements**:",
        f"   - Initial: {inline(r.training.initial)}",
        f"   - Ongoing: {inline(r.training.ongoing)}",
        f"6. **Quotas**: {quotas}",
        f"7. **Reporting**: {inline(r.reporting.frequency)}; {inline(r.reporting.metrics)}",
    ]


def roadmap_lines(plan: Plan, schedule: Schedule | None = None, *, chart: str | None = None) -> list[str]:
    """The prioritized roadmap as scheduled: a table and targets per quarter, then the Q3-Q4 focus.

    Week ranges come from the scheduler (dependencies and the team's capacity respected); a roadmap
    that cannot be scheduled falls back to the planned weeks. ``chart`` is an image to show first.
    """
    from partnerkit.errors import PlanError
    from partnerkit.roadmap import schedule_roadmap
    from partnerkit.roadmap.tables import planned_sections, roadmap_sections

    if schedule is None:
        try:
            schedule = schedule_roadmap(plan)
        except PlanError:
            schedule = None
    out = ["## Prioritized Roadmap"]
    if schedule is not None and schedule.activities:
        end = f", ending {schedule.end_date.isoformat()}" if schedule.end_date else ""
        path = f"; critical path: {' → '.join(schedule.critical_path)}" if schedule.critical_path else ""
        out += ["", f"*Scheduled over {schedule.makespan_weeks} weeks{end}{path}.*"]
    if chart and schedule is not None:
        out += ["", f"![Roadmap: activities by week, critical path highlighted]({chart})"]
    sections = (
        roadmap_sections(plan.roadmap, schedule) if schedule is not None else planned_sections(plan.roadmap)
    )
    for section in sections:
        rows = [[r.weeks, r.activity, r.partner_type, r.goal] for r in section.rows]
        out += ["", f"### {inline(section.label)}: {inline(section.name)}", ""]
        if section.kind == "scale":
            out += _scale_lines(plan, rows)
        else:
            out += table(["Week", "Activity", "Partner Type", "Goal"], rows)
            out += _targets(f"{section.label} Targets", section.targets)
        out += ["", SEPARATOR]
    if out[-1] == SEPARATOR:
        out.pop()
        if out and out[-1] == "":
            out.pop()
    return out


def _scale_lines(plan: Plan, rows: Sequence[Sequence[object]]) -> list[str]:
    scale = plan.roadmap.scale
    assert scale is not None
    out = [f"**Focus**: {inline(scale.focus)}", ""]
    if rows:
        out += [*table(["Week", "Activity", "Partner Type", "Goal"], rows), ""]
    out.append("**Targets**:")
    levels = {t.name: t.level for t in plan.tiers}
    for name, count in sorted(scale.tier_targets.items(), key=lambda kv: (levels.get(kv[0], 99), kv[0])):
        out.append(f"- {inline(name)} partners: {count}")
    if scale.partner_revenue_share:
        out.append(f"- Partner revenue: {inline(scale.partner_revenue_share)} of total")
    return out


def metrics_lines(plan: Plan) -> list[str]:
    """Success metrics with their targets, and actuals where the plan has them."""
    currency = plan.product.currency
    out = ["## Success Metrics", ""]
    out += table(
        ["Metric", "Q1 Target", "Q2 Target", "Year 1 Target"],
        [
            [
                m.name,
                metric_value(m, m.q1, currency),
                metric_value(m, m.q2, currency),
                metric_value(m, m.year1, currency),
            ]
            for m in plan.metrics
        ],
    )
    with_actuals = [
        m for m in plan.metrics if any(v is not None for v in (m.actual_q1, m.actual_q2, m.actual_year1))
    ]
    if with_actuals:
        out += ["", "**Actuals**:", ""]
        out += table(
            ["Metric", "Q1 Actual", "Q2 Actual", "Year 1 Actual"],
            [
                [
                    m.name,
                    metric_value(m, m.actual_q1, currency),
                    metric_value(m, m.actual_q2, currency),
                    metric_value(m, m.actual_year1, currency),
                ]
                for m in with_actuals
            ],
        )
    return out
