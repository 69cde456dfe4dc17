"""The template context of an agreement draft: the partner's key terms as display text, rows and flags."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from partnerkit.model import DistributionPartner, IntegrationPartner, Plan, format_money, format_percent

# Definitions every draft carries; the key terms are defined terms too (the cover page defines them).
DEFINITIONS = [
    ("Agreement", "these Key Terms, the clauses and the Schedules, as amended in writing"),
    ("Confidential Information", "information one party discloses to the other that is marked "
     "confidential or that a reasonable person would treat as confidential"),
    ("Effective Date", "the date stated in the Key Terms, or if none, the date of the last signature"),
    ("Product", "the software products and services of Vendor that the Agreement covers"),
    ("Program Guide", "Vendor's partner program guide as published to partners from time to time"),
]


def _reference(kind: str, partner: str, when: date) -> str:
    slug = re.sub(r"[^A-Z0-9]+", "-", partner.upper()).strip("-")[:24] or "PARTNER"
    prefix = "INT" if kind == "integration" else "RES"
    return f"{prefix}-{when:%Y%m%d}-{slug}"


def _row(rows: list[dict[str, str]], key: str, label: str, value: Any) -> None:
    rows.append({"key": key, "label": label, "value": "Not applicable" if value in (None, "") else str(value)})


def build_context(plan: Plan, partner: str, *, as_of: date | None = None) -> dict[str, Any]:
    """The context of ``partner``'s draft; ``as_of`` is the draft date (the plan's date by default)."""
    from partnerkit.io.word.agreement import KINDS, agreement_kind

    name, kind = agreement_kind(plan, partner)
    found = plan.partner(name)
    when = as_of or plan.product.date
    tier = plan.tier(found.tier) if found.tier and found.tier in {t.name for t in plan.tiers} else None
    rows: list[dict[str, str]] = []
    changes: list[dict[str, str]] = []
    flags = {
        "revenue_share": False,
        "referral": False,
        "exclusive": False,
        "controlled_price": False,
        "quota": False,
        "non_solicit": True,
    }
    _row(rows, "vendor", "Vendor", plan.product.name)
    _row(rows, "partner", "Partner", name)
    _row(rows, "effective_date", "Effective Date", "The date of the last signature")
    if kind == "integration" and isinstance(found, IntegrationPartner):
        f = plan.deal_frameworks.integration
        share = f.commercial_terms.revenue_share
        if tier is not None and tier.benefits.revenue_share is not None:
            share = tier.benefits.revenue_share
        flags["revenue_share"] = share is not None
        flags["referral"] = f.commercial_terms.referral_fee is not None
        _row(rows, "scope", "Scope", f.scope)
        _row(rows, "technical_ours", "Vendor Technical Obligations", f.technical_obligations.ours)
        _row(rows, "technical_theirs", "Partner Technical Obligations", f.technical_obligations.theirs)
        _row(rows, "listing_requirements", "Listing Requirements", f.marketing_obligations.listing_requirements)
        _row(rows, "co_marketing", "Co-Marketing", f.marketing_obligations.co_marketing)
        _row(rows, "first_line_support", "First-Line Support", f.support_obligations.first_line)
        _row(rows, "support_escalation", "Escalation", f.support_obligations.escalation)
        _row(rows, "revenue_share", "Revenue Share", format_percent(share) if share is not None else None)
        _row(rows, "revenue_share_model", "Revenue Share Model", f.commercial_terms.revenue_share_model)
        fee = f.commercial_terms.referral_fee
        _row(rows, "referral_fee", "Referral Fee", format_percent(fee) if fee is not None else None)
        _row(rows, "referral_fee_terms", "Referral Fee Terms", f.commercial_terms.referral_fee_terms)
        _row(rows, "term_months", "Term", f"{f.term_months} months")
        notice = f.termination.notice_days
        _row(rows, "termination_notice_days", "Termination Notice", f"{notice} days" if notice is not None else None)
        _row(rows, "termination_conditions", "Termination", f.termination.conditions)
    elif isinstance(found, DistributionPartner):
        r = plan.deal_frameworks.reseller
        flags["exclusive"] = r.exclusivity.value == "exclusive"
        flags["controlled_price"] = r.pricing.end_user_pricing.value == "controlled"
        flags["quota"] = r.quotas.minimum_annual is not None
        _row(rows, "territory", "Territory", r.territory)
        _row(rows, "exclusivity", "Exclusivity", r.exclusivity.value.capitalize())
        price = r.pricing.list_price
        if r.pricing.list_price_per_seat is not None:
            price += f" ({format_money(r.pricing.list_price_per_seat)} per seat per year)"
        _row(rows, "list_price", "List Price", price)
        _row(rows, "partner_discount", "Partner Discount", format_percent(found.margin))
        if found.margin != r.pricing.partner_discount:
            changes.append(
                {
                    "term": "Partner Discount",
                    "standard": format_percent(r.pricing.partner_discount),
                    "agreed": format_percent(found.margin),
                    "reason": "Margin agreed with the partner in the plan",
                }
            )
        _row(rows, "end_user_pricing", "End-User Pricing", r.pricing.end_user_pricing.value.capitalize())
        extra = r.deal_registration.registered_deal_extra_discount
        _row(rows, "registration_process", "Deal Registration Process", r.deal_registration.process)
        _row(rows, "protection_period_days", "Protection Period", f"{r.deal_registration.protection_period_days} days")
        _row(rows, "conflict_resolution", "Conflict Resolution", r.deal_registration.conflict_resolution)
        _row(rows, "registered_deal_extra_discount", "Registered-Deal Discount",
             format_percent(extra) if extra is not None else None)
        _row(rows, "training_initial", "Initial Training", r.training.initial)
        _row(rows, "training_ongoing", "Ongoing Training", r.training.ongoing)
        quota = r.quotas.description
        if r.quotas.minimum_annual is not None:
            quota += f" (at least {format_money(r.quotas.minimum_annual)} a year)"
        _row(rows, "quota", "Minimum Commitment", quota)
        _row(rows, "reporting_frequency", "Reporting Frequency", r.reporting.frequency)
        _row(rows, "reporting_metrics", "Reporting Metrics", r.reporting.metrics)
    return {
        "agreement": {
            "title": KINDS[kind],
            "kind": kind,
            "reference": _reference(kind, name, when),
            "date": when.isoformat(),
        },
        "vendor": {"name": plan.product.name},
        "partner": {"name": name, "type": found.type.value, "tier": found.tier or "None"},
        "key_terms": rows,
        "definitions": [{"term": t, "meaning": m} for t, m in DEFINITIONS],
        "terms": flags,
        "changes": changes,
    }
