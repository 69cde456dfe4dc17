"""Draft agreements in Word: one partner's draft, a batch for every partner, and a returned draft compared.

Legal's templates come from the plan's ``documents.templates`` (paths relative to the plan file's
folder) unless the caller names a template (``template``, ``template_dir``). Nothing is overwritten
without ``force``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from partnerkit.services.plan import require_plan

if TYPE_CHECKING:
    from partnerkit.deals import DealTerms
    from partnerkit.deals.compare import Comparison
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
    template: str = ""

    @property
    def errors(self) -> list[TermFinding]:
        """The lint errors that stopped the draft."""
        return [f for f in self.findings if f.is_error]


def _template_for(
    loaded: LoadedPlan, kind: str, template: str | Path | None, template_dir: str | Path | None = None
) -> Path | None:
    from partnerkit.io.word.agreement import choose_templates

    plan = require_plan(loaded)
    chosen = choose_templates(
        plan, loaded.folder, template=template, template_dir=template_dir, kinds=(kind,)
    )
    return chosen.get(kind)


def draft_agreement(
    loaded: LoadedPlan,
    partner: str,
    output: str | Path,
    *,
    template: str | Path | None = None,
    as_of: date | None = None,
    force: bool = False,
    pdf: bool = False,
) -> AgreementResult:
    """Write ``partner``'s draft agreement to ``output`` (.docx), and beside it a PDF when ``pdf``.

    The template is ``template``, else the plan's ``documents.templates`` entry for the partner's
    agreement, else the shipped one. An existing output is refused (OutputExistsError) unless
    ``force``. Lint errors in the partner's terms stop the draft (nothing is written). Raises
    UnknownPartnerError or NoAgreementError for a name that has no agreement, TemplateError for a
    template that cannot be used (the wrong agreement, a reference that does not resolve, an unknown
    variable). ``as_of`` dates the draft (default: the plan's date).
    """
    from partnerkit.deals import build_terms
    from partnerkit.deals.lint import lint_terms
    from partnerkit.io.files import policy, refuse_existing
    from partnerkit.io.word.agreement import render_terms, shipped_name

    plan = require_plan(loaded)
    terms = build_terms(plan, partner)
    output = Path(output)
    refuse_existing([output, output.with_suffix(".pdf")] if pdf else [output], policy(force))
    findings = lint_terms(terms)
    if any(f.is_error for f in findings):
        return AgreementResult(terms, None, findings, [f.to_problem() for f in findings])
    chosen = _template_for(loaded, terms.kind.value, template)
    draft = render_terms(
        terms,
        output,
        as_of=as_of or plan.product.date,
        template=chosen,
        date_format=plan.documents.date_format,
    )
    if pdf:
        from partnerkit.io.word.pdf import convert_to_pdf

        draft.pdf = convert_to_pdf([output], output.parent).get(output)
    used = str(chosen) if chosen is not None else shipped_name(terms.kind.value)
    problems = [*(f.to_problem() for f in findings), *draft.problems]
    return AgreementResult(terms, draft, findings, problems, used)


def draft_agreements(
    loaded: LoadedPlan,
    folder: str | Path,
    *,
    as_of: date | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    template_dir: str | Path | None = None,
    force: bool = False,
    replace_unedited: bool = False,
    pdf: bool = False,
) -> BatchResult:
    """Write a draft for every integration and distribution partner into ``folder``; skip those with errors.

    Templates: a file named like the shipped one in ``template_dir``, else the plan's
    ``documents.templates``, else the shipped ones. A draft whose file exists is kept and listed as
    skipped, unless ``force`` (replace it) or ``replace_unedited`` (replace it only when partnerkit
    wrote it and nobody changed it since). Each file is complete or absent (written under a temporary
    name, then renamed); a large batch renders on every core; ``pdf`` adds a PDF of each draft (one
    LibreOffice run). ``progress`` hears each partner's name as its draft is done or skipped.
    """
    from partnerkit.io.files import policy
    from partnerkit.io.word.agreement import choose_templates
    from partnerkit.io.word.batch import render_all_agreements

    plan = require_plan(loaded)
    templates = choose_templates(plan, loaded.folder, template_dir=template_dir)
    overwrite = policy(force, replace_unedited)
    return render_all_agreements(
        plan,
        folder,
        as_of=as_of,
        workers=workers,
        progress=progress,
        templates=templates,
        overwrite=overwrite,
        pdf=pdf,
    )


def agreement_count(loaded: LoadedPlan) -> int:
    """How many partners sign an agreement (the length of a batch)."""
    return sum(1 for kind, _ in require_plan(loaded).partners() if kind.value != "Ecosystem")


@dataclass(frozen=True)
class ComparisonResult:
    """A returned draft compared with the standard draft: the comparison, and the redline if written."""

    comparison: Comparison
    terms: DealTerms
    redline: Path | None = None
    template: str = ""


def compare_agreement(
    loaded: LoadedPlan,
    partner: str,
    returned_path: str | Path,
    redline: str | Path | None = None,
    *,
    template: str | Path | None = None,
    as_of: date | None = None,
    force: bool = False,
) -> ComparisonResult:
    """Compare the agreement ``partner`` sent back (a .docx) with the standard draft for that partner.

    The standard draft is rendered as ``draft_agreement`` would (same template, same date) but not
    written. Reports every Key Terms row changed, every clause added, removed or reworded, and the
    lint findings the changes cause. With ``redline``, writes the standard draft with the returned
    draft's changes as tracked changes (refused if the file exists, unless ``force``).
    """
    import tempfile

    from partnerkit.deals import build_terms
    from partnerkit.deals.compare import compare_agreements
    from partnerkit.io.files import policy, refuse_existing
    from partnerkit.io.word.agreement import agreement_context, load_template, render_terms, shipped_name
    from partnerkit.io.word.compare import read_agreement

    plan = require_plan(loaded)
    terms = build_terms(plan, partner)
    returned_path = Path(returned_path)
    if redline is not None:
        refuse_existing([Path(redline)], policy(force))
    chosen = _template_for(loaded, terms.kind.value, template)
    when = as_of or plan.product.date
    if chosen is None:  # the shipped template, trusted: rendered here, in memory
        shipped = load_template(terms.kind.value)
        shipped.check_for(terms.kind.value, terms.partner_name)
        context = agreement_context(terms, as_of=when, date_format=plan.documents.date_format)
        standard_bytes = shipped.render(context, subject=terms.partner_name).data
    else:  # legal's template renders in a worker with limits, into a file
        with tempfile.TemporaryDirectory(prefix="partnerkit-compare-") as work:
            standard_path = Path(work) / "standard.docx"
            render_terms(
                terms, standard_path, as_of=when, template=chosen, date_format=plan.documents.date_format
            )
            standard_bytes = standard_path.read_bytes()
    standard = read_agreement(standard_bytes, name="the standard draft")
    headings = [s.heading for s in standard.sections if s.heading]
    returned = read_agreement(returned_path, headings=headings)
    comparison = compare_agreements(standard, returned, terms)
    written = None
    if redline is not None:
        from partnerkit.io.files import write_bytes_atomic
        from partnerkit.io.word.redline import redline as make_redline

        data = make_redline(standard_bytes, returned_path.read_bytes(), author=terms.partner_name)
        written = write_bytes_atomic(Path(redline), data)
    used = str(chosen) if chosen is not None else shipped_name(terms.kind.value)
    return ComparisonResult(comparison, terms, written, used)
