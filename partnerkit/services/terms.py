"""Terms and their lint: every partner's deal terms, where each value came from, and what to fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from partnerkit.model.partners import partner_path
from partnerkit.services.plan import require_plan

if TYPE_CHECKING:
    from partnerkit.deals.review import TermsReview
    from partnerkit.loaded import LoadedPlan
    from partnerkit.problems import Problem


@dataclass(frozen=True)
class TermsResult:
    """The terms review of a plan (or of one partner), and its findings as placed problems."""

    reviews: list[TermsReview]
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """How many findings should stop a draft."""
        return sum(len(r.errors) for r in self.reviews)

    @property
    def warnings(self) -> int:
        """How many findings are worth a look."""
        return sum(len(r.warnings) for r in self.reviews)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``partnerkit terms --json`` prints (docs/terms.md)."""
        return {
            "partners": [r.to_dict() for r in self.reviews if r.terms is not None],
            "no_agreement": [
                {"partner": r.partner.name, "reason": r.note} for r in self.reviews if r.terms is None
            ],
            "errors": self.errors,
            "warnings": self.warnings,
        }


def term_review(loaded: LoadedPlan, partner: str | None = None) -> TermsResult:
    """Build and lint the terms of every partner (or of ``partner``: UnknownPartnerError when none is).

    Each finding is also a problem placed on the partner's row, or on the override it concerns,
    so the Problems sheet and the terminal point at the line to change.
    """
    from partnerkit.deals.build import find_partner
    from partnerkit.deals.review import TermsReviewer

    plan = require_plan(loaded)
    wanted = find_partner(plan, partner)[1] if partner is not None else None
    reviewer = TermsReviewer(plan)
    reviews: list[TermsReview] = []
    problems: list[Problem] = []
    for category, index, found in plan.categories.all_partners():
        if wanted is not None and found is not wanted:
            continue
        review = reviewer.review(category, found)
        reviews.append(review)
        row = partner_path(category.value, index)
        for finding in review.findings:
            overridden = [k for k in finding.fields if k in found.overrides]
            path = (*row, "overrides", overridden[0]) if overridden else row
            problems.append(finding.to_problem(path))
    return TermsResult(reviews, loaded.place(problems))
