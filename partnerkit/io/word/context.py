"""The template context of an agreement draft: the partner's deal terms as display text, rows and flags.

The base is ``DealTerms.context()`` (documented in docs/terms.md); this module adds what a Word draft
needs on top: the draft's reference and date, the cover-page rows of every contractual term (each
value once, so every number in the draft has exactly one home), and the definitions. docs/word.md
lists every variable.
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date
from typing import Any

from partnerkit.deals import DealTerms

# Definitions every draft carries; the Key Terms' labels are defined terms too.
DEFINITIONS = [
    ("Agreement", "the Key Terms, the clauses and the Schedules, as amended in writing by both parties"),
    (
        "Confidential Information",
        "information one party discloses to the other that is marked confidential or that a reasonable "
        "person would treat as confidential",
    ),
    ("Key Terms", "the table of key terms on the cover page of this Agreement"),
    ("Product", "the software products and services of Vendor that this Agreement covers"),
    ("Program Guide", "Vendor's partner program guide as published to partners from time to time"),
]

# Terms that plan the program rather than bind the parties: a draft does not print them.
INTERNAL_TERMS = frozenset({"sales_cycle_days", "margin_band_min", "margin_band_max"})
# Terms printed inside one combined row (renewal, liability cap) instead of a row of their own.
COMBINED_TERMS = {
    "auto_renew": "renewal",
    "renewal_months": "renewal",
    "non_renewal_notice_days": "renewal",
    "liability_cap_months": "liability_cap",
    "liability_cap_amount": "liability_cap",
}


def draft_reference(terms: DealTerms, when: date) -> str:
    """A reference legal can quote: kind, draft date and the partner, e.g. ``RES-20260105-KEYSTONE-IT``."""
    slug = re.sub(r"[^A-Z0-9]+", "-", terms.partner_name.upper()).strip("-")[:24].strip("-") or "PARTNER"
    prefix = "INT" if terms.kind.value == "integration" else "RES"
    return f"{prefix}-{when:%Y%m%d}-{slug}"


def cover_terms(terms: DealTerms) -> list[dict[str, str]]:
    """Every contractual term of the agreement as a cover-page row: key, label, value, origin."""
    rows = [
        {"key": "effective_date", "label": "Effective date", "value": terms.effective_date_text, "origin": ""}
    ]
    combined_done: set[str] = set()
    # The deal first (scope, pricing, registration...), then the legal terms every agreement shares.
    shared = {f.name for f in fields(DealTerms)}
    ordered = sorted(terms.terms(), key=lambda t: t.key in shared)
    for term in ordered:
        if term.key in INTERNAL_TERMS:
            continue
        combined = COMBINED_TERMS.get(term.key)
        if combined is None:
            rows.append(
                {"key": term.key, "label": term.label, "value": term.display, "origin": term.origin.label}
            )
        elif combined not in combined_done:
            combined_done.add(combined)
            if combined == "renewal":
                rows.append(
                    {
                        "key": "renewal",
                        "label": "Renewal",
                        "value": terms.renewal_text,
                        "origin": terms.auto_renew.origin.label,
                    }
                )
            else:
                rows.append(
                    {
                        "key": "liability_cap",
                        "label": "Liability cap",
                        "value": terms.liability_cap_text,
                        "origin": terms.liability_cap_months.origin.label,
                    }
                )
    return rows


def build_context(terms: DealTerms, *, as_of: date) -> dict[str, Any]:
    """The whole context of a draft of ``terms``, dated ``as_of``."""
    context = terms.context()
    context["agreement"] = {
        "title": terms.title,
        "kind": terms.kind.value,
        "reference": draft_reference(terms, as_of),
        "date": as_of.isoformat(),
    }
    context["cover_terms"] = cover_terms(terms)
    context["definitions"] = [{"term": t, "meaning": m} for t, m in DEFINITIONS]
    return context
