"""Deal terms as data: every key term of a partner's agreement, with its value and where it came from."""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum, StrEnum
from functools import cached_property
from typing import Any, ClassVar, Generic, TypeVar

from partnerkit.errors import PartnerkitError
from partnerkit.model.deals import EndUserPricing, Exclusivity, plain_term_value
from partnerkit.model.partners import CategoryKind
from partnerkit.model.values import Money, format_money, format_percent

T = TypeVar("T")


class _FieldTable:
    """The fields of a terms dataclass by name, under the name pydantic models use (``model_fields``).

    The term models were pydantic models at first; code written against them (the Word context)
    reads ``DealTerms.model_fields`` and ``Deviation.model_fields``, so the table stays.
    """

    def __get__(self, obj: object, owner: type) -> dict[str, Any]:
        # While @dataclass builds the class it looks this attribute up too: nothing to list yet.
        if not is_dataclass(owner):
            return {}
        return {spec.name: spec for spec in fields(owner)}


class NoAgreementError(PartnerkitError):
    """The partner has no partnership agreement (ecosystem memberships are joined, not signed)."""


class UnknownPartnerError(PartnerkitError):
    """No partner of the plan has the name asked for."""


class AgreementKind(StrEnum):
    """Which of the program's standard agreements a partner signs."""

    INTEGRATION = "integration"
    RESELLER = "reseller"


AGREEMENT_TITLES = {
    AgreementKind.INTEGRATION: "Integration Partnership Agreement",
    AgreementKind.RESELLER: "Reseller Partnership Agreement",
}

# Integration partners sign the Integration agreement, distribution partners the Reseller
# agreement; ecosystem organisations are joined by membership and have no agreement.
AGREEMENT_FOR_CATEGORY: dict[CategoryKind, AgreementKind | None] = {
    CategoryKind.INTEGRATION: AgreementKind.INTEGRATION,
    CategoryKind.DISTRIBUTION: AgreementKind.RESELLER,
    CategoryKind.ECOSYSTEM: None,
}


def agreement_kind(category: CategoryKind) -> AgreementKind | None:
    """The agreement a partner of ``category`` signs, or None for ecosystem partners."""
    return AGREEMENT_FOR_CATEGORY[category]


class Origin(StrEnum):
    """Where a term's value came from."""

    TIER = "tier"
    PARTNER = "partner"
    FRAMEWORK = "framework"
    OVERRIDE = "override"

    @property
    def label(self) -> str:
        """The origin in the partner manager's words."""
        return ORIGIN_LABELS[self]


ORIGIN_LABELS = {
    Origin.TIER: "tier benefit",
    Origin.PARTNER: "partner's row in the strategy",
    Origin.FRAMEWORK: "framework default",
    Origin.OVERRIDE: "per-partner override",
}

NOT_SPECIFIED = "Not specified"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _origin_of(parts: list[Term[Any]]) -> str:
    """The origin label of a row made of several terms: an override if any part is one."""
    overridden = [p for p in parts if p.origin is Origin.OVERRIDE]
    return (overridden[0] if overridden else parts[0]).origin.label


def format_term_value(kind: str, value: Any) -> str:
    """A term value as a draft prints it: ``"30%"``, ``"90 days"``, ``"$15,000"``, ``"Yes"``."""
    if value is None:
        return NOT_SPECIFIED
    if kind == "percent":
        return format_percent(value)
    if kind == "money":
        return format_money(value)
    if kind in ("days", "months", "years"):
        return _plural(value, kind[:-1])
    if kind == "bool":
        return "Yes" if value else "No"
    if kind == "list":
        return "; ".join(value) if value else "None"
    if isinstance(value, Enum):
        text = str(value.value)
        return text[:1].upper() + text[1:]
    return str(value)


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made creating
# a Term about three times slower (2.4 µs against 0.7 µs here), and a partner has ~45 of them.
# Terms are read-only by convention; change one with dataclasses.replace.
@dataclass(slots=True, kw_only=True)
class Term(Generic[T]):
    """One key term: its value, the program's standard value for this partner, and their origins.

    ``standard`` is what the partner would get without an override (its tier benefit, else the
    framework default); ``value`` differs from it only when ``origin`` is an override.
    """

    model_fields: ClassVar[_FieldTable] = _FieldTable()

    key: str
    label: str
    kind: str
    value: T
    origin: Origin
    standard: T
    standard_origin: Origin
    reason: str | None = None
    sources: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        """The value as the draft prints it."""
        return format_term_value(self.kind, self.value)

    @property
    def standard_display(self) -> str:
        """The standard value as the draft prints it."""
        return format_term_value(self.kind, self.standard)

    @property
    def deviates(self) -> bool:
        """True when an override changed this term from the program's standard."""
        return self.origin is Origin.OVERRIDE and self.value != self.standard

    @property
    def plain(self) -> Any:
        """The value in the plan's plain form (``"30%"``, ``90``, ``"5000 USD"``), ready for JSON."""
        return plain_term_value(self.kind, self.value)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the term."""
        return {
            "key": self.key,
            "label": self.label,
            "value": self.plain,
            "display": self.display,
            "origin": self.origin.value,
            "standard": plain_term_value(self.kind, self.standard),
            "standard_origin": self.standard_origin.value,
            "deviates": self.deviates,
            "reason": self.reason,
            "sources": list(self.sources),
        }


@dataclass(frozen=True, kw_only=True)
class Deviation:
    """One change to the program's standard terms, for the draft's "changes to standard terms" list."""

    model_fields: ClassVar[_FieldTable] = _FieldTable()

    key: str
    label: str
    standard: str
    value: str
    standard_origin: Origin
    reason: str | None = None
    sources: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON- and template-ready view."""
        return {
            "key": self.key,
            "label": self.label,
            "standard": self.standard,
            "value": self.value,
            "standard_origin": self.standard_origin.label,
            "reason": self.reason or "",
            "sources": ", ".join(self.sources),
        }


@dataclass(frozen=True, kw_only=True)
class KeyTermRow:
    """A row of the draft's cover-page key-terms table."""

    model_fields: ClassVar[_FieldTable] = _FieldTable()

    key: str
    label: str
    value: str
    origin: str

    def to_dict(self) -> dict[str, str]:
        """A template-ready view."""
        return {"key": self.key, "label": self.label, "value": self.value, "origin": self.origin}


@dataclass(frozen=True, kw_only=True)
class PartyTerms:
    """One side of the agreement: legal name, notice address and contact, as the plan gives them."""

    model_fields: ClassVar[_FieldTable] = _FieldTable()

    legal_name: str
    notice_address: str | None = None
    contact: str | None = None
    legal_name_given: bool = True

    def to_dict(self) -> dict[str, Any]:
        """A template-ready view (missing values read "Not specified")."""
        return {
            "legal_name": self.legal_name,
            "notice_address": self.notice_address or NOT_SPECIFIED,
            "contact": self.contact or NOT_SPECIFIED,
            "legal_name_given": self.legal_name_given,
        }


@dataclass(frozen=True, kw_only=True)
class ReferralTerms:
    """Referral terms: what counts as a referral, how it is attributed, and how long it pays."""

    model_fields: ClassVar[_FieldTable] = _FieldTable()

    referral_fee: Term[Decimal | None]
    referral_fee_terms: Term[str]
    referral_definition: Term[str]
    pipeline_lookback_days: Term[int | None]
    attribution_window_days: Term[int | None]
    commission_base: Term[str]
    referral_tail_months: Term[int | None]


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    """A terms class's field names in order, listed once per class (``fields`` builds them on every call)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(spec.name for spec in fields(cls))
    return names


@dataclass(frozen=True, kw_only=True)
class DealTerms:
    """The cover-page terms every agreement of the program carries, with the parties and dates."""

    model_fields: ClassVar[_FieldTable] = _FieldTable()

    kind: AgreementKind
    partner_name: str
    category: CategoryKind
    tier: str | None
    tier_known: bool
    program: str
    currency: str
    company: PartyTerms
    partner: PartyTerms
    effective_date: date | None
    unused_overrides: tuple[str, ...] = ()

    term_months: Term[int]
    auto_renew: Term[bool]
    renewal_months: Term[int]
    non_renewal_notice_days: Term[int | None]
    governing_law: Term[str | None]
    courts: Term[str | None]
    liability_cap_months: Term[int | None]
    liability_cap_amount: Term[Money | None]
    liability_cap_exceptions: Term[list[str]]
    confidentiality_years: Term[int | None]
    trademark_licence: Term[str | None]
    data_protection: Term[str | None]
    termination_notice_days: Term[int | None]
    termination_conditions: Term[str | None]
    cure_period_days: Term[int | None]
    survival: Term[str | None]
    assignment: Term[str | None]
    non_solicit_months: Term[int | None]
    non_circumvention: Term[bool]
    audit_rights: Term[str | None]
    audit_notice_days: Term[int | None]
    escalation: Term[str | None]
    co_marketing_budget: Term[Money | None]
    sales_cycle_days: Term[int | None]

    @property
    def title(self) -> str:
        """The agreement's title."""
        return AGREEMENT_TITLES[self.kind]

    def terms(self) -> list[Term[Any]]:
        """Every key term, in the order of the model (referral terms included)."""
        return list(self._by_key.values())

    def term(self, key: str) -> Term[Any]:
        """The term called ``key``; KeyError when this agreement has no such term."""
        return self._by_key[key]

    @cached_property
    def _by_key(self) -> dict[str, Term[Any]]:
        found: dict[str, Term[Any]] = {}
        for name in _field_names(type(self)):
            value = getattr(self, name)
            if isinstance(value, Term):
                found[value.key] = value
            elif isinstance(value, ReferralTerms):
                for inner in fields(value):
                    item = getattr(value, inner.name)
                    found[item.key] = item
        return found

    def deviations(self) -> list[Deviation]:
        """Every change to the program's standard terms: field, standard value, this deal's value, why."""
        return [
            Deviation(
                key=t.key,
                label=t.label,
                standard=t.standard_display,
                value=t.display,
                standard_origin=t.standard_origin,
                reason=t.reason,
                sources=t.sources,
            )
            for t in self.terms()
            if t.deviates
        ]

    def _share_index(self, index: dict[str, Term[Any]]) -> None:
        """Take ``index`` (another partner's ``_by_key`` of the very same Term objects) as this one's."""
        self.__dict__["_by_key"] = index  # where cached_property keeps it

    # --- display helpers ------------------------------------------------------------------------

    @property
    def effective_date_text(self) -> str:
        """The effective date as a draft prints it."""
        if self.effective_date is None:
            return "The date of the last signature"
        return f"{self.effective_date.day} {self.effective_date:%B %Y}"

    @property
    def renewal_text(self) -> str:
        """Renewal and non-renewal notice in one sentence."""
        if not self.auto_renew.value:
            return "Does not renew automatically"
        notice = self.non_renewal_notice_days.value
        text = f"Renews automatically for successive {self.renewal_months.value}-month periods"
        if notice:
            days = "1 day's" if notice == 1 else f"{notice} days'"
            text += f" unless either party gives {days} notice of non-renewal"
        return text

    @property
    def liability_cap_text(self) -> str:
        """The liability cap in one phrase."""
        months = self.liability_cap_months.value
        amount = self.liability_cap_amount.value
        by_fees = f"fees paid or payable in the {_plural(months, 'month')} before the claim" if months else ""
        if months and amount is not None:
            return f"The greater of {format_money(amount)} and the {by_fees}"
        if months:
            return f"The {by_fees}"
        if amount is not None:
            return format_money(amount)
        return NOT_SPECIFIED

    def key_term_keys(self) -> list[str]:
        """The terms the cover page's key-terms table shows, in order."""
        return [
            "term_months",
            "auto_renew",
            "co_marketing_budget",
            "termination_notice_days",
            "cure_period_days",
            "governing_law",
            "courts",
        ]

    def key_terms(self) -> list[KeyTermRow]:
        """The rows of the cover page's key-terms table.

        Renewal (``renewal``) and the liability cap (``liability_cap``) are one row each, made of
        several terms; such a row's origin is an override when any of its terms is overridden.
        """
        rows = [
            KeyTermRow(
                key="effective_date", label="Effective date", value=self.effective_date_text, origin=""
            )
        ]
        for key in self.key_term_keys():
            if key == "auto_renew":
                parts: list[Term[Any]] = [self.auto_renew, self.renewal_months, self.non_renewal_notice_days]
                rows.append(
                    KeyTermRow(
                        key="renewal", label="Renewal", value=self.renewal_text, origin=_origin_of(parts)
                    )
                )
                continue
            item = self.term(key)
            rows.append(KeyTermRow(key=key, label=item.label, value=item.display, origin=item.origin.label))
        cap: list[Term[Any]] = [self.liability_cap_months, self.liability_cap_amount]
        rows.append(
            KeyTermRow(
                key="liability_cap",
                label="Liability cap",
                value=self.liability_cap_text,
                origin=_origin_of(cap),
            )
        )
        return rows

    def flags(self) -> dict[str, bool]:
        """Yes/no facts that decide which clauses a draft contains."""
        return {
            "auto_renew": bool(self.auto_renew.value),
            "non_circumvention": bool(self.non_circumvention.value),
            "non_solicit": bool(self.non_solicit_months.value),
            "co_marketing_budget": self.co_marketing_budget.value is not None,
            "liability_cap_exceptions": bool(self.liability_cap_exceptions.value),
            "deviations": any(t.deviates for t in self.terms()),
            "effective_date": self.effective_date is not None,
        }

    def context(self) -> dict[str, Any]:
        """A flat, template-ready view: display strings, raw values, parties, rows and deviations.

        The shape is the contract with the Word templates; docs/terms.md documents every key.
        """
        items = self.terms()
        return {
            "kind": self.kind.value,
            "title": self.title,
            "program": self.program,
            "partner_name": self.partner_name,
            "category": self.category.value,
            "tier": self.tier or "",
            "currency": self.currency,
            "company": self.company.to_dict(),
            "partner": self.partner.to_dict(),
            "effective_date": self.effective_date_text,
            "effective_date_iso": self.effective_date.isoformat() if self.effective_date else "",
            "renewal": self.renewal_text,
            "liability_cap": self.liability_cap_text,
            "liability_cap_exceptions": list(self.liability_cap_exceptions.value),
            "terms": {t.key: t.display for t in items},
            "raw": {t.key: t.plain for t in items},
            "origins": {t.key: t.origin.label for t in items},
            "flags": self.flags(),
            "key_terms": [row.to_dict() for row in self.key_terms()],
            "deviations": [d.to_dict() for d in self.deviations()],
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: the agreement, the parties and every term with its origin."""
        return {
            "partner": self.partner_name,
            "agreement": self.kind.value,
            "title": self.title,
            "category": self.category.value,
            "tier": self.tier,
            "program": self.program,
            "currency": self.currency,
            "parties": {"company": self.company.to_dict(), "partner": self.partner.to_dict()},
            "effective_date": self.effective_date.isoformat() if self.effective_date else None,
            "terms": {t.key: t.to_dict() for t in self.terms()},
            "deviations": [d.to_dict() for d in self.deviations()],
            "unused_overrides": list(self.unused_overrides),
        }


@dataclass(frozen=True, kw_only=True)
class IntegrationTerms(DealTerms):
    """The Integration Partnership Agreement: scope, obligations of each side, revenue share, referrals."""

    scope: Term[str]
    technical_ours: Term[str]
    technical_theirs: Term[str]
    listing_requirements: Term[str]
    co_marketing: Term[str]
    first_line_support: Term[str]
    support_escalation: Term[str]
    revenue_share: Term[Decimal | None]
    revenue_share_model: Term[str]
    referral: ReferralTerms

    def key_term_keys(self) -> list[str]:
        """The integration cover page: scope and money first, then the legal terms."""
        return [
            "scope",
            "revenue_share",
            "revenue_share_model",
            "referral_fee",
            "referral_tail_months",
            *super().key_term_keys(),
        ]

    def flags(self) -> dict[str, bool]:
        """Adds whether the agreement pays referral fees and a revenue share."""
        return {
            **super().flags(),
            "referral": self.referral.referral_fee.value is not None,
            "revenue_share": self.revenue_share.value is not None,
        }


@dataclass(frozen=True, kw_only=True)
class ResellerTerms(DealTerms):
    """The Reseller Partnership Agreement: territory, exclusivity, pricing, deal registration, quotas."""

    strategy_margin: Decimal | None = None

    territory: Term[str | None]
    exclusivity: Term[Exclusivity]
    list_price: Term[str]
    list_price_per_seat: Term[Money | None]
    partner_discount: Term[Decimal | None]
    margin_band_min: Term[Decimal | None]
    margin_band_max: Term[Decimal | None]
    end_user_pricing: Term[EndUserPricing]
    deal_registration: Term[bool]
    registration_process: Term[str]
    protection_period_days: Term[int | None]
    conflict_resolution: Term[str]
    registered_deal_extra_discount: Term[Decimal | None]
    training_initial: Term[str]
    training_ongoing: Term[str]
    quota: Term[str | None]
    quota_minimum_annual: Term[Money | None]
    reporting_frequency: Term[str | None]
    reporting_metrics: Term[str | None]

    @property
    def exclusive(self) -> bool:
        """True for an exclusive territory."""
        return self.exclusivity.value is Exclusivity.EXCLUSIVE

    def key_term_keys(self) -> list[str]:
        """The reseller cover page: territory and pricing first, then the legal terms."""
        return [
            "territory",
            "exclusivity",
            "partner_discount",
            "end_user_pricing",
            "deal_registration",
            "protection_period_days",
            "quota",
            "reporting_frequency",
            *super().key_term_keys(),
        ]

    def flags(self) -> dict[str, bool]:
        """Adds exclusivity, deal registration, quotas and a controlled end-user price."""
        return {
            **super().flags(),
            "exclusive": self.exclusive,
            "deal_registration": bool(self.deal_registration.value),
            "quota": bool(self.quota.value) or self.quota_minimum_annual.value is not None,
            "controlled_pricing": self.end_user_pricing.value is EndUserPricing.CONTROLLED,
            "registered_deal_extra_discount": self.registered_deal_extra_discount.value is not None,
        }

    def context(self) -> dict[str, Any]:
        """The shared context plus the margin band in one phrase."""
        base = super().context()
        low, high = self.margin_band_min.value, self.margin_band_max.value
        base["margin_band"] = (
            f"{format_percent(low)}-{format_percent(high)}" if low is not None and high is not None else ""
        )
        return base


AnyTerms = IntegrationTerms | ResellerTerms

# The label of every term, as the draft's key-terms table and the "changes to standard terms"
# schedule print it. The keys are those of partnerkit.model.deals.TERM_KINDS.
TERM_LABELS: dict[str, str] = {
    "term_months": "Initial term",
    "auto_renew": "Automatic renewal",
    "renewal_months": "Renewal period",
    "non_renewal_notice_days": "Non-renewal notice",
    "governing_law": "Governing law",
    "courts": "Courts",
    "liability_cap_months": "Liability cap (months of fees)",
    "liability_cap_amount": "Liability cap (amount)",
    "liability_cap_exceptions": "Claims outside the liability cap",
    "confidentiality_years": "Confidentiality after termination",
    "trademark_licence": "Trademark licence",
    "data_protection": "Data protection",
    "termination_notice_days": "Termination notice",
    "termination_conditions": "Termination",
    "cure_period_days": "Cure period for breach",
    "survival": "Survival",
    "assignment": "Assignment",
    "non_solicit_months": "Non-solicitation of staff",
    "non_circumvention": "Non-circumvention",
    "audit_rights": "Audit and reporting rights",
    "audit_notice_days": "Audit notice",
    "escalation": "Escalation before litigation",
    "co_marketing_budget": "Co-marketing budget per quarter",
    "sales_cycle_days": "Sales cycle",
    "scope": "Scope",
    "technical_ours": "Vendor's technical obligations",
    "technical_theirs": "Partner's technical obligations",
    "listing_requirements": "Listing requirements",
    "co_marketing": "Co-marketing",
    "first_line_support": "First-line support",
    "support_escalation": "Support escalation",
    "revenue_share": "Revenue share",
    "revenue_share_model": "Revenue share model",
    "referral_fee": "Referral fee",
    "referral_fee_terms": "Referral fee terms",
    "referral_definition": "Referral definition",
    "pipeline_lookback_days": "Pipeline lookback",
    "attribution_window_days": "Attribution window",
    "commission_base": "Commission base",
    "referral_tail_months": "Commission tail cap",
    "territory": "Territory",
    "exclusivity": "Exclusivity",
    "list_price": "List price",
    "list_price_per_seat": "List price per seat per year",
    "partner_discount": "Partner discount",
    "margin_band_min": "Margin band minimum",
    "margin_band_max": "Margin band maximum",
    "end_user_pricing": "End-user pricing",
    "deal_registration": "Deal registration",
    "registration_process": "Registration process",
    "protection_period_days": "Protection period",
    "conflict_resolution": "Conflict resolution",
    "registered_deal_extra_discount": "Extra discount on registered deals",
    "training_initial": "Initial training",
    "training_ongoing": "Ongoing training",
    "quota": "Quotas",
    "quota_minimum_annual": "Minimum annual commitment",
    "reporting_frequency": "Reporting frequency",
    "reporting_metrics": "Reporting metrics",
}
