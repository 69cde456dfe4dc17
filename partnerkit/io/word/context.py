"""The template context of an agreement draft: the partner's deal terms as display text, rows and flags.

The base is ``DealTerms.context()`` (documented in docs/terms.md); this module adds what a Word draft
needs on top: the draft's reference and date, the cover-page rows of every contractual term (each
value once, so every number in the draft has exactly one home), and the definitions. docs/word.md
lists every variable.

Three rules a legal reviewer asked for live here:

* one date format throughout (the plan's ``documents.date_format``, the long form by default);
* a term the agreement needs but the plan leaves empty (no governing law, no notice address) prints
  as the blank ``[●]``, which the templates highlight; a term whose absence means "none" (no referral
  fee, no co-marketing budget) prints ``None``;
* a Key Terms row that belongs to a clause the draft leaves out (the referral terms when the program
  pays no referral fee, the registration terms without deal registration) is left out with it, so
  every defined term the draft shows is used by a clause.
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date
from typing import Any

from partnerkit.deals import DealTerms
from partnerkit.deals.terms import NOT_SPECIFIED
from partnerkit.io.word.text import BLANK
from partnerkit.model.documents import DateFormat

NONE = "None"

# Definitions every draft carries; the Key Terms' labels are defined terms too. Templates made
# before the clauses were written out in the template itself listed these with a loop.
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
# Terms whose empty value means "there is none" (no referral fee, no fixed cap): they print "None".
# Every other empty term is a blank to fill before signature.
OPTIONAL_TERMS = frozenset(
    {
        "revenue_share",
        "referral_fee",
        "pipeline_lookback_days",
        "attribution_window_days",
        "referral_tail_months",
        "co_marketing_budget",
        "non_solicit_months",
        "non_renewal_notice_days",
        "liability_cap_months",
        "liability_cap_amount",
        "list_price_per_seat",
        "registered_deal_extra_discount",
        "quota",
        "quota_minimum_annual",
        "sales_cycle_days",
    }
)
# A Key Terms row appears only with the clause that uses it: the flag each row depends on.
ROW_FLAGS = {
    "revenue_share": "revenue_share",
    "revenue_share_model": "revenue_share",
    "referral_fee": "referral",
    "referral_fee_terms": "referral",
    "referral_definition": "referral",
    "pipeline_lookback_days": "referral",
    "attribution_window_days": "referral",
    "commission_base": "referral",
    "referral_tail_months": "referral",
    "deal_registration": "deal_registration",
    "registration_process": "deal_registration",
    "protection_period_days": "deal_registration",
    "conflict_resolution": "deal_registration",
    "registered_deal_extra_discount": "deal_registration",
    "quota": "quota",
    "quota_minimum_annual": "quota",
    "non_solicit_months": "non_solicit",
    "non_circumvention": "non_circumvention",
    "co_marketing_budget": "co_marketing_budget",
    "list_price_per_seat": "list_price_per_seat",
    "liability_cap_exceptions": "liability_cap_exceptions",
}


def draft_reference(terms: DealTerms, when: date) -> str:
    """A reference legal can quote: kind, draft date and the partner, e.g. ``RES-20260105-KEYSTONE-IT``."""
    slug = re.sub(r"[^A-Z0-9]+", "-", terms.partner_name.upper()).strip("-")[:24].strip("-") or "PARTNER"
    prefix = "INT" if terms.kind.value == "integration" else "RES"
    return f"{prefix}-{when:%Y%m%d}-{slug}"


def shown_value(key: str, display: str) -> str:
    """A term's display text as a draft prints it: an empty term is ``None`` or the blank ``[●]``."""
    if display != NOT_SPECIFIED:
        return display
    return NONE if key in OPTIONAL_TERMS else BLANK


def hidden_terms(flags: dict[str, bool]) -> set[str]:
    """The terms whose Key Terms row a draft leaves out, because the clause using them is left out."""
    return {key for key, flag in ROW_FLAGS.items() if flag in flags and not flags[flag]}


def draft_flags(terms: DealTerms) -> dict[str, bool]:
    """The yes/no facts that decide a draft's clauses: the terms' flags, and a few the layout needs."""
    flags = terms.flags()
    if terms.kind.value == "reseller":
        flags["list_price_per_seat"] = terms.term("list_price_per_seat").value is not None
    return flags


def cover_terms(
    terms: DealTerms, *, date_format: DateFormat = DateFormat.LONG, flags: dict[str, bool] | None = None
) -> list[dict[str, str]]:
    """Every contractual term of the agreement as a cover-page row: key, label, value, origin."""
    hidden = hidden_terms(flags if flags is not None else draft_flags(terms))
    rows = [
        {
            "key": "effective_date",
            "label": "Effective date",
            "value": effective_date_text(terms, date_format),
            "origin": "",
        }
    ]
    combined_done: set[str] = set()
    # The deal first (scope, pricing, registration...), then the legal terms every agreement shares.
    shared = {f.name for f in fields(DealTerms)}
    ordered = sorted(terms.terms(), key=lambda t: t.key in shared)
    for term in ordered:
        if term.key in INTERNAL_TERMS or term.key in hidden:
            continue
        combined = COMBINED_TERMS.get(term.key)
        if combined is None:
            rows.append(
                {
                    "key": term.key,
                    "label": term.label,
                    "value": shown_value(term.key, term.display),
                    "origin": term.origin.label,
                }
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
                        "value": shown_value("liability_cap", terms.liability_cap_text),
                        "origin": terms.liability_cap_months.origin.label,
                    }
                )
    return rows


def effective_date_text(terms: DealTerms, date_format: DateFormat = DateFormat.LONG) -> str:
    """The effective date in the draft's date format, or when it is not fixed, the last signature."""
    if terms.effective_date is None:
        return terms.effective_date_text
    return date_format.write(terms.effective_date)


def _party(party: dict[str, Any]) -> dict[str, Any]:
    return {k: BLANK if v == NOT_SPECIFIED else v for k, v in party.items()}


def build_context(
    terms: DealTerms, *, as_of: date, date_format: DateFormat = DateFormat.LONG
) -> dict[str, Any]:
    """The whole context of a draft of ``terms``, dated ``as_of``, its dates written as ``date_format``."""
    context = terms.context()
    flags = draft_flags(terms)
    effective = effective_date_text(terms, date_format)
    context["effective_date"] = effective
    context["flags"] = flags
    context["terms"] = {key: shown_value(key, value) for key, value in context["terms"].items()}
    context["company"] = _party(context["company"])
    context["partner"] = _party(context["partner"])
    context["liability_cap"] = shown_value("liability_cap", context["liability_cap"])
    for row in context["key_terms"]:
        row["value"] = effective if row["key"] == "effective_date" else shown_value(row["key"], row["value"])
    for change in context["deviations"]:
        change["value"] = shown_value(change["key"], change["value"])
        change["standard"] = shown_value(change["key"], change["standard"])
    context["agreement"] = {
        "title": terms.title,
        "kind": terms.kind.value,
        "reference": draft_reference(terms, as_of),
        "date": date_format.write(as_of),
    }
    context["cover_terms"] = cover_terms(terms, date_format=date_format, flags=flags)
    context["definitions"] = [{"term": t, "meaning": m} for t, m in DEFINITIONS]
    context["blank"] = BLANK
    return context


def _term_keys(cls: type[DealTerms]) -> list[str]:
    from partnerkit.deals import ReferralTerms

    keys: list[str] = []
    for spec in fields(cls):
        kind = str(spec.type)
        if kind.startswith("Term["):
            keys.append(spec.name)
        elif kind == "ReferralTerms":
            keys += [inner.name for inner in fields(ReferralTerms)]
    return keys


def agreement_terms(kind: str) -> list[str]:
    """The keys of every term of an agreement of ``kind`` ("integration" or "reseller"), in order."""
    from partnerkit.deals import IntegrationTerms, ResellerTerms

    return _term_keys(IntegrationTerms if kind == "integration" else ResellerTerms)


def key_term_labels(kind: str) -> list[tuple[str, str | None]]:
    """Every label the Key Terms of an agreement of ``kind`` can show, with the flag its row depends on."""
    from partnerkit.deals.terms import TERM_LABELS

    rows: list[tuple[str, str | None]] = [("Effective date", None)]
    for key in agreement_terms(kind):
        if key in INTERNAL_TERMS:
            continue
        combined = COMBINED_TERMS.get(key)
        if combined == "renewal":
            rows.append(("Renewal", None))
        elif combined == "liability_cap":
            rows.append(("Liability cap", None))
        else:
            rows.append((TERM_LABELS[key], ROW_FLAGS.get(key)))
    return list(dict.fromkeys(rows))
