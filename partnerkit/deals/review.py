"""The terms review of a plan: every partner's terms with their lint findings, or why there is no agreement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from partnerkit.deals.build import TermsBuilder, build_terms, find_partner, no_agreement_reason, terms_group
from partnerkit.deals.lint import GroupLint, TermFinding, lint_terms
from partnerkit.deals.terms import DealTerms, agreement_kind
from partnerkit.model import Plan
from partnerkit.model.partners import AnyPartner, CategoryKind


@dataclass(frozen=True)
class TermsReview:
    """One partner's terms and findings; ``terms`` is None (with a ``note``) when it has no agreement."""

    partner: AnyPartner
    category: CategoryKind
    terms: DealTerms | None
    findings: list[TermFinding] = field(default_factory=list)
    note: str | None = None

    @property
    def errors(self) -> list[TermFinding]:
        """The findings that should stop a draft."""
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[TermFinding]:
        """The findings to look at."""
        return [f for f in self.findings if not f.is_error]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: the terms, the deviations and the findings."""
        return {
            "partner": self.partner.name,
            "category": self.category.value,
            "agreement": self.terms.kind.value if self.terms else None,
            "note": self.note,
            "terms": self.terms.to_dict() if self.terms else None,
            "findings": [f.to_dict() for f in self.findings],
        }


def review_partner(plan: Plan, category: CategoryKind, partner: AnyPartner) -> TermsReview:
    """Build and lint one partner's terms."""
    if agreement_kind(category) is None:
        return TermsReview(partner, category, None, [], no_agreement_reason(partner))
    terms = build_terms(plan, partner)
    return TermsReview(partner, category, terms, lint_terms(terms))


class TermsReviewer:
    """Reviews many partners of one plan: what partners of one ``terms_group`` share is built and
    linted once (``TermsBuilder``, ``GroupLint``); each review equals ``review_partner``'s."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.builder = TermsBuilder(plan)
        self.linter = GroupLint()

    def review(self, category: CategoryKind, partner: AnyPartner) -> TermsReview:
        """Build and lint one partner's terms."""
        if agreement_kind(category) is None:
            return TermsReview(partner, category, None, [], no_agreement_reason(partner))
        group = terms_group(self.plan, category, partner)
        terms = self.builder.grouped(category, partner, group)
        findings = self.linter.lint(terms, group)
        return TermsReview(partner, category, terms, findings)


def review_terms(plan: Plan, partner: str | None = None) -> list[TermsReview]:
    """The terms review of every partner of ``plan``, or of the one called ``partner``.

    Raises UnknownPartnerError when no partner has that name.
    """
    if partner is not None:
        category, found = find_partner(plan, partner)
        return [review_partner(plan, category, found)]
    reviewer = TermsReviewer(plan)
    return [reviewer.review(category, found) for category, found in plan.partners()]
