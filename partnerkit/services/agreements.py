"""Draft agreements in Word: one partner's draft, or a batch for every partner with an agreement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from partnerkit.services.plan import require_plan

if TYPE_CHECKING:
    from partnerkit.deals import DealTerms
    from partnerkit.deals.lint import TermFinding
    from partnerkit.io.word.agreement import AgreementDraft
    from partnerkit.io.word.batch import BatchResult
    from partnerkit.loaded import LoadedPlan
    from partnerkit.problems import Problem


@dataclass(frozen=True)
class AgreementResult:
    """One partner's draft (None when its terms have errors), its terms, and the findings and warnings."""

    terms: DealTerms
    draft: AgreementDraft | None
    findings: list[TermFinding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[TermFinding]:
        """The lint errors that stopped the draft."""
        return [f for f in self.findings if f.is_error]


def draft_agreement(
    loaded: LoadedPlan,
    partner: str,
    output: str | Path,
    *,
    template: str | Path | None = None,
    as_of: date | None = None,
) -> AgreementResult:
    """Write ``partner``'s draft agreement to ``output`` (.docx), from the shipped template or ``template``.

    Lint errors in the partner's terms stop the draft (nothing is written). Raises
    UnknownPartnerError or NoAgreementError for a name that has no agreement, TemplateError for a
    template that cannot be rendered. ``as_of`` dates the draft (default: the plan's date).
    """
    from partnerkit.deals import build_terms
    from partnerkit.deals.lint import lint_terms
    from partnerkit.io.word.agreement import render_terms

    plan = require_plan(loaded)
    terms = build_terms(plan, partner)
    findings = lint_terms(terms)
    if any(f.is_error for f in findings):
        return AgreementResult(terms, None, findings, [f.to_problem() for f in findings])
    draft = render_terms(terms, output, as_of=as_of or plan.product.date, template=template)
    return AgreementResult(terms, draft, findings, [*(f.to_problem() for f in findings), *draft.problems])


def draft_agreements(
    loaded: LoadedPlan,
    folder: str | Path,
    *,
    as_of: date | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> BatchResult:
    """Write a draft for every integration and distribution partner into ``folder``; skip those with errors.

    Each file is complete or absent (written under a temporary name, then renamed); a large batch
    renders on every core. ``progress`` hears each partner's name as its draft is done or skipped.
    """
    from partnerkit.io.word.batch import render_all_agreements

    plan = require_plan(loaded)
    return render_all_agreements(plan, folder, as_of=as_of, workers=workers, progress=progress)


def agreement_count(loaded: LoadedPlan) -> int:
    """How many partners sign an agreement (the length of a batch)."""
    return sum(1 for kind, _ in require_plan(loaded).partners() if kind.value != "Ecosystem")
