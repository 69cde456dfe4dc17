"""Term lint: what a legal reviewer or the partner manager should look at before a draft goes out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from partnerkit.deals.terms import DealTerms, IntegrationTerms, Origin, ResellerTerms, Term, agreement_kind
from partnerkit.model import Plan
from partnerkit.model.deals import EndUserPricing
from partnerkit.model.partners import partner_path
from partnerkit.model.values import format_percent
from partnerkit.problems import FieldPath, Problem, Severity

PROTECTION_MIN_DAYS = 30
PROTECTION_MAX_DAYS = 365
REFERRAL_TAIL_MAX_MONTHS = 24

ERROR = Severity.ERROR
WARNING = Severity.WARNING


@dataclass(frozen=True)
class TermFinding:
    """One thing to fix or look at in a partner's terms: why, how bad, and the terms involved."""

    code: str
    severity: Severity
    message: str
    fields: tuple[str, ...]
    partner: str
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        """True when the draft should not go out as it is."""
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        head = "" if self.is_error else "warning: "
        tail = f" ({self.hint})" if self.hint else ""
        return f"{self.partner}: {', '.join(self.fields)}: {head}{self.message}{tail}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "partner": self.partner,
            "code": self.code,
            "severity": self.severity.value,
            "fields": list(self.fields),
            "message": self.message,
            "hint": self.hint,
        }

    def to_problem(self, path: FieldPath = (), *, severity: Severity | None = None) -> Problem:
        """The finding as a plan Problem at ``path`` (optionally with another severity)."""
        return Problem(
            f"{self.partner}: {self.message}",
            path,
            severity=severity or self.severity,
            hint=self.hint,
            code=self.code,
            extra={"fields": self.fields, "partner": self.partner},
        )


def _blank(value: Any) -> bool:
    # "None" and "n/a" typed into a text term mean the same as leaving it out.
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().casefold() in {"", "none", "n/a", "na", "-", "not applicable"}
    return False


class _Findings:
    def __init__(self, terms: DealTerms) -> None:
        self.terms = terms
        self.found: list[TermFinding] = []

    def add(self, code: str, severity: Severity, message: str, *fields: str, hint: str | None = None) -> None:
        self.found.append(TermFinding(code, severity, message, fields, self.terms.partner_name, hint))


def _where(term: Term[Any]) -> str:
    if term.origin is Origin.OVERRIDE:
        return "this partner's override"
    return term.origin.label


def check_governing_law(terms: DealTerms, out: _Findings) -> None:
    """No governing law (or no courts) named."""
    if _blank(terms.governing_law.value):
        out.add(
            "no_governing_law",
            ERROR,
            "no governing law: the agreement does not say which law applies",
            "governing_law",
            hint="set deal_frameworks.legal.governing_law in the plan",
        )
    if _blank(terms.courts.value):
        out.add(
            "no_courts",
            WARNING,
            "no courts named for disputes",
            "courts",
            hint="set deal_frameworks.legal.courts in the plan",
        )


def check_termination_notice(terms: DealTerms, out: _Findings) -> None:
    """Termination without a notice period; breach without a cure period."""
    if not terms.termination_notice_days.value:
        out.add(
            "termination_without_notice",
            ERROR,
            f"termination has no notice period ({_where(terms.termination_notice_days)}): "
            "either side could end the partnership overnight",
            "termination_notice_days",
            hint="give a notice period in days, e.g. 60 or 90",
        )
    if terms.cure_period_days.value is None:
        out.add(
            "no_cure_period",
            WARNING,
            "termination for breach has no cure period",
            "cure_period_days",
            hint="30 days is common",
        )


def check_tier(terms: DealTerms, out: _Findings) -> None:
    """A tier the plan does not define."""
    if not terms.tier_known:
        out.add(
            "unknown_tier",
            ERROR,
            f"tier {terms.tier!r} is not a tier of the plan, so no tier benefits apply",
            "tier",
        )


def check_tier_benefits(terms: DealTerms, out: _Findings) -> None:
    """A revenue share or discount that differs from the partner's tier benefit in the strategy."""
    keys = ["revenue_share"] if isinstance(terms, IntegrationTerms) else ["partner_discount"]
    for key in keys:
        term = terms.term(key)
        if term.standard_origin is Origin.TIER and term.value != term.standard:
            shown = term.display
            message = (
                f"{term.label.lower()} {shown} differs from the {terms.tier} tier benefit "
                f"{term.standard_display} in the strategy"
            )
            if term.reason:
                out.add("differs_from_tier", WARNING, f"{message} (reason given: {term.reason})", key)
            else:
                out.add(
                    "differs_from_tier",
                    ERROR,
                    message,
                    key,
                    hint=f"give the override a reason, or use the tier's {term.standard_display}",
                )


def check_unused_overrides(terms: DealTerms, out: _Findings) -> None:
    """Overrides of terms this kind of agreement does not have."""
    for key in terms.unused_overrides:
        out.add(
            "override_not_applicable",
            WARNING,
            f"the override of {key!r} has no effect: the {terms.title} has no such term",
            key,
        )


def check_parties(terms: DealTerms, out: _Findings) -> None:
    """Parties without a legal name or a notice address."""
    if not terms.company.legal_name_given or terms.company.notice_address is None:
        out.add(
            "company_details_missing",
            WARNING,
            "our legal name or notice address is missing",
            "company",
            hint="set deal_frameworks.legal.company in the plan",
        )
    missing = [
        what
        for what, absent in (
            ("legal name", not terms.partner.legal_name_given),
            ("notice address", terms.partner.notice_address is None),
        )
        if absent
    ]
    if missing:
        out.add(
            "partner_details_missing",
            WARNING,
            f"the partner's {' and '.join(missing)} {'are' if len(missing) > 1 else 'is'} missing",
            *(("legal_name",) if "legal name" in missing else ()),
            *(("notice_address",) if "notice address" in missing else ()),
            hint="add legal_name and notice_address to the partner in the plan",
        )


def check_referral_tail(terms: DealTerms, out: _Findings) -> None:
    """A referral commission tail longer than 24 months."""
    if not isinstance(terms, IntegrationTerms):
        return
    tail = terms.referral.referral_tail_months.value
    if tail is not None and tail > REFERRAL_TAIL_MAX_MONTHS:
        out.add(
            "referral_tail_too_long",
            WARNING,
            f"the referral commission runs for {tail} months, beyond the usual cap of 12-24 months",
            "referral_tail_months",
            hint="cap the tail at 24 months or less",
        )


def check_margin_band(terms: DealTerms, out: _Findings) -> None:
    """A discount outside the program's margin band."""
    if not isinstance(terms, ResellerTerms):
        return
    discount = terms.partner_discount.value
    low, high = terms.margin_band_min.value, terms.margin_band_max.value
    if discount is None or low is None or high is None:
        return
    band = f"{format_percent(low)}-{format_percent(high)}"
    if not low <= discount <= high:
        out.add(
            "discount_outside_band",
            ERROR,
            f"partner discount {format_percent(discount)} ({_where(terms.partner_discount)}) is outside "
            f"the program's margin band {band}",
            "partner_discount",
            "margin_band_min",
            "margin_band_max",
            hint=f"choose a discount within {band}",
        )
    extra = terms.registered_deal_extra_discount.value
    if low <= discount <= high and extra is not None and discount + extra > high:
        out.add(
            "registered_discount_above_band",
            WARNING,
            f"a registered deal gets {format_percent(discount + extra)} "
            f"({format_percent(discount)} + {format_percent(extra)}), above the margin band {band}",
            "partner_discount",
            "registered_deal_extra_discount",
            "margin_band_max",
        )


def check_strategy_margin(terms: DealTerms, out: _Findings) -> None:
    """A discount other than the margin the strategy's partner table gives the partner."""
    if not isinstance(terms, ResellerTerms):
        return
    discount = terms.partner_discount.value
    if discount is None or terms.margin_band_min.value is None or terms.margin_band_max.value is None:
        return  # as check_margin_band: without a discount and a band there is nothing to compare
    margin = terms.strategy_margin
    if margin is not None and margin != discount:
        out.add(
            "margin_differs_from_strategy",
            WARNING,
            f"the strategy's partner table gives a margin of {format_percent(margin)}, "
            f"the terms a discount of {format_percent(discount)}",
            "partner_discount",
            "strategy_margin",
            hint="make the partner's margin in the strategy match its tier discount",
        )


def check_protection_period(terms: DealTerms, out: _Findings) -> None:
    """A protection period outside 30-365 days, or shorter than the sales cycle."""
    if not isinstance(terms, ResellerTerms) or not terms.deal_registration.value:
        return
    days = terms.protection_period_days.value
    if days is None or not PROTECTION_MIN_DAYS <= days <= PROTECTION_MAX_DAYS:
        shown = "no protection period" if days is None else f"a protection period of {days} days"
        out.add(
            "protection_out_of_range",
            ERROR,
            f"registered deals have {shown}; it should be {PROTECTION_MIN_DAYS}-{PROTECTION_MAX_DAYS} days",
            "protection_period_days",
            hint="90 days is common; 90-180 in SaaS",
        )
        return
    cycle = terms.sales_cycle_days.value
    if cycle is not None and days < cycle:
        out.add(
            "protection_shorter_than_cycle",
            WARNING,
            f"the protection period of {days} days is shorter than the {cycle}-day sales cycle: "
            "registered deals lose protection before they close",
            "protection_period_days",
            "sales_cycle_days",
            hint=f"protect registered deals for at least {cycle} days",
        )


def check_exclusivity(terms: DealTerms, out: _Findings) -> None:
    """Exclusivity without a territory and a quota."""
    if not isinstance(terms, ResellerTerms) or not terms.exclusive:
        return
    missing = []
    if _blank(terms.territory.value):
        missing.append("territory")
    if _blank(terms.quota.value) and terms.quota_minimum_annual.value is None:
        missing.append("quota")
    if missing:
        out.add(
            "exclusivity_without_limits",
            ERROR,
            f"exclusivity without a {' and a '.join(missing)}: the partner could hold the market "
            "without having to sell",
            "exclusivity",
            *(["territory"] if "territory" in missing else []),
            *(["quota", "quota_minimum_annual"] if "quota" in missing else []),
            hint="name the territory and set a minimum commitment, or make it non-exclusive",
        )


def check_quota_reporting(terms: DealTerms, out: _Findings) -> None:
    """Quotas without a reporting cadence."""
    if not isinstance(terms, ResellerTerms):
        return
    has_quota = not _blank(terms.quota.value) or terms.quota_minimum_annual.value is not None
    if has_quota and _blank(terms.reporting_frequency.value):
        out.add(
            "quota_without_reporting",
            ERROR,
            "quotas without a reporting cadence: nobody can tell whether they are met",
            "quota",
            "reporting_frequency",
            hint="report monthly or quarterly",
        )


def check_end_user_price(terms: DealTerms, out: _Findings) -> None:
    """A controlled end-user price: resale price maintenance."""
    if isinstance(terms, ResellerTerms) and terms.end_user_pricing.value is EndUserPricing.CONTROLLED:
        out.add(
            "resale_price_maintenance",
            ERROR,
            "the end-user price is controlled by us: fixing a reseller's resale price is resale price "
            "maintenance, unlawful in the EU and risky under US antitrust law",
            "end_user_pricing",
            hint="let the reseller set its price (flexible), or publish a recommended price only",
        )


TermCheck = Callable[[DealTerms, _Findings], None]

TERM_CHECKS: list[TermCheck] = [
    check_tier,
    check_margin_band,
    check_strategy_margin,
    check_tier_benefits,
    check_protection_period,
    check_exclusivity,
    check_referral_tail,
    check_termination_notice,
    check_governing_law,
    check_quota_reporting,
    check_end_user_price,
    check_unused_overrides,
    check_parties,
]
"""Every term check; adding a rule is writing a function and appending it here."""


PARTNER_CHECKS: frozenset[TermCheck] = frozenset({check_strategy_margin, check_parties})
"""The checks that read a partner's own details (``deals.build._own_fields``: its party details, its
strategy margin); every other check reads only what partners of one ``terms_group`` share."""


def lint_terms(terms: DealTerms) -> list[TermFinding]:
    """Every finding on one partner's terms, errors first."""
    out = _Findings(terms)
    for check in TERM_CHECKS:
        check(terms, out)
    return _errors_first(out.found)


def _errors_first(found: list[TermFinding]) -> list[TermFinding]:
    return sorted(found, key=lambda f: (not f.is_error,))


class GroupLint:
    """Lints the terms of many partners: the checks of what a ``terms_group`` shares run once per group.

    ``lint(terms, group)`` equals ``lint_terms(terms)`` for terms built for a partner of ``group``
    (None: a partner with terms of its own, linted in full).
    """

    def __init__(self) -> None:
        # per group, in TERM_CHECKS order: a partner check to run, or the findings of a shared one
        self._steps: dict[tuple[Any, ...], list[TermCheck | list[TermFinding]]] = {}

    def lint(self, terms: DealTerms, group: tuple[Any, ...] | None) -> list[TermFinding]:
        """Every finding on one partner's terms, errors first."""
        if group is None:
            return lint_terms(terms)
        steps = self._steps.get(group)
        if steps is None:
            steps = self._steps[group] = []
            for check in TERM_CHECKS:
                if check in PARTNER_CHECKS:
                    steps.append(check)
                else:
                    shared = _Findings(terms)
                    check(terms, shared)
                    steps.append(shared.found)
        out = _Findings(terms)
        name = terms.partner_name
        for step in steps:
            if isinstance(step, list):  # the group's findings, worded alike but for the partner's name
                out.found += [
                    TermFinding(f.code, f.severity, f.message, f.fields, name, f.hint) for f in step
                ]
            else:
                step(terms, out)
        return _errors_first(out.found)


def has_errors(findings: Iterable[TermFinding]) -> bool:
    """True when any finding is an error (the draft should not go out)."""
    return any(f.is_error for f in findings)


# Where a framework-level term lives in the plan, so a finding on it points at one place.
_FRAMEWORK_PATHS: dict[str, FieldPath] = {
    "governing_law": ("deal_frameworks", "legal", "governing_law"),
    "courts": ("deal_frameworks", "legal", "courts"),
    "cure_period_days": ("deal_frameworks", "legal", "cure_period_days"),
    "sales_cycle_days": ("deal_frameworks", "legal", "sales_cycle_days"),
    "referral_tail_months": ("deal_frameworks", "legal", "referral", "tail_months"),
    "company": ("deal_frameworks", "legal", "company"),
    "partner_discount": ("deal_frameworks", "reseller", "pricing", "partner_discount"),
    "end_user_pricing": ("deal_frameworks", "reseller", "pricing", "end_user_pricing"),
    "exclusivity": ("deal_frameworks", "reseller", "exclusivity"),
    "territory": ("deal_frameworks", "reseller", "territory"),
    "quota": ("deal_frameworks", "reseller", "quotas"),
    "reporting_frequency": ("deal_frameworks", "reseller", "reporting", "frequency"),
    "protection_period_days": ("deal_frameworks", "reseller", "deal_registration", "protection_period_days"),
    "registered_deal_extra_discount": (
        "deal_frameworks",
        "reseller",
        "deal_registration",
        "registered_deal_extra_discount",
    ),
}

# Findings the plan's own checks report already, or that concern one partner's paperwork
# rather than the plan; `partnerkit terms` shows them.
_NOT_IN_VALIDATE = {
    "unknown_tier",
    "partner_details_missing",
    "margin_differs_from_strategy",
    "registered_discount_above_band",
}


def check_deal_terms(plan: Plan) -> list[Problem]:
    """Term lint over every partner, as warnings: overrides at the partner, standard terms once."""
    from partnerkit.deals.build import build_terms

    found: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    groups: set[tuple[Any, str | None]] = set()
    for category, index, partner in plan.categories.all_partners():
        if agreement_kind(category) is None:
            if partner.overrides:
                found.append(
                    Problem(
                        f"{partner.name} is an ecosystem partner and signs no agreement, so its overrides "
                        "change nothing",
                        (*partner_path(category.value, index), "overrides"),
                        severity=Severity.WARNING,
                        code="override_not_applicable",
                    )
                )
            continue
        # Without overrides, what this check reports depends only on the agreement and the tier:
        # one partner of each (category, tier) stands for the rest, so validate stays fast with
        # tens of thousands of partners.
        if not partner.overrides:
            group = (category, partner.tier)  # the enum itself: its .value is a slow property
            if group in groups:
                continue
            groups.add(group)
        terms = build_terms(plan, partner)
        for finding in lint_terms(terms):
            if finding.code in _NOT_IN_VALIDATE:
                continue
            overridden = [k for k in finding.fields if k in partner.overrides]
            if overridden:
                path = (*partner_path(category.value, index), "overrides", overridden[0])
                found.append(finding.to_problem(path, severity=Severity.WARNING))
                continue
            # A tier benefit, or a partner's margin, outside the band is reported by the plan's
            # own checks (check_margins_in_band).
            if any(_origin(terms, k) in (Origin.TIER, Origin.PARTNER) for k in finding.fields):
                continue
            key = finding.fields[0] if finding.fields else ""
            path = _FRAMEWORK_PATHS.get(key, ("deal_frameworks",))
            if key == "termination_notice_days":
                path = (
                    ("deal_frameworks", "integration", "termination", "notice_days")
                    if isinstance(terms, IntegrationTerms)
                    else ("deal_frameworks", "legal", "termination_notice_days")
                )
            if (finding.code, str(path)) in seen:
                continue
            seen.add((finding.code, str(path)))
            found.append(
                Problem(
                    f"{terms.title}: {finding.message}",
                    path,
                    severity=Severity.WARNING,
                    hint=finding.hint,
                    code=finding.code,
                )
            )
    return found


def _origin(terms: DealTerms, key: str) -> Origin | None:
    try:
        return terms.term(key).origin
    except KeyError:
        return None
