"""Every partner's draft agreement in one run: lint first, skip what has errors or would overwrite, render the rest.

Nothing edited is overwritten. A draft whose file exists is skipped (and listed with the reason)
unless the caller says otherwise: ``Overwrite.ALWAYS`` (``--force``) replaces it, and
``Overwrite.UNEDITED`` (the Excel button, the demo) replaces only drafts partnerkit wrote itself
and nobody changed since (``partnerkit.io.files``).

Durability: each draft is written under a temporary name and renamed, so a file in the folder is
never half written; the folder is flushed to disk once at the end (one ``fsync`` of the folder
instead of one per file).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from partnerkit.deals import DealTerms
from partnerkit.errors import TemplateError
from partnerkit.io.files import (
    DistinctNames,
    Overwrite,
    digest,
    kept_reason,
    partner_file_stem,
    read_manifest,
    record,
)
from partnerkit.io.word.agreement import (
    TEMPLATE_FILES,
    AgreementDraft,
    agreement_context,
    load_template,
    shipped_name,
    user_template,
)
from partnerkit.io.word.drafting import AgreementTemplate
from partnerkit.model import AnyPartner, Plan
from partnerkit.model.partners import CategoryKind
from partnerkit.problems import Problem


@dataclass(frozen=True)
class SkippedPartner:
    """A partner whose draft was not written, and why (lint errors, a file kept, a rendering error)."""

    partner: str
    reasons: list[str]
    kept: bool = False  # skipped only because a file of its name exists

    @property
    def has_errors(self) -> bool:
        """True when the partner was skipped for errors in its terms or its template, not for a kept file."""
        return not self.kept


@dataclass
class BatchResult:
    """What a batch wrote and what it skipped, and which template each agreement used."""

    written: list[AgreementDraft] = field(default_factory=list)
    skipped: list[SkippedPartner] = field(default_factory=list)
    templates: dict[str, str] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        """Every warning raised while rendering (control characters removed, ...)."""
        return [p for draft in self.written for p in draft.problems]


def draft_filename(partner: str) -> str:
    """A portable file name for a partner's draft: ``Ledger & Lane CPAs`` -> ``Ledger-Lane-CPAs.docx``."""
    return f"{partner_file_stem(partner)}.docx"


def render_all_agreements(
    plan: Plan,
    outdir: str | os.PathLike[str],
    *,
    as_of: date | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    templates: Mapping[str, str | os.PathLike[str]] | None = None,
    overwrite: Overwrite = Overwrite.NEVER,
    pdf: bool = False,
) -> BatchResult:
    """Write one draft per partner with an agreement into ``outdir``; skip partners whose terms have errors.

    ``templates`` gives legal's template for an agreement kind ("reseller": path); the others use the
    shipped template. A template of the wrong agreement, or whose references do not resolve, stops
    the batch before anything is written (TemplateError). An existing draft is kept unless
    ``overwrite`` allows replacing it. A large batch renders on every core (``workers`` processes; 1
    renders in this process). ``pdf`` also writes each draft as PDF through LibreOffice, in one call.
    ``progress`` is called with each partner's name as its draft is finished or skipped.
    """
    from partnerkit.deals import agreement_kind
    from partnerkit.io.files import sync_folder
    from partnerkit.io.word.workers import PARALLEL_FROM, can_fork, run_shares

    chosen = {kind: Path(path) for kind, path in (templates or {}).items()}
    for kind, path in chosen.items():
        user_template(kind, path)  # the wrong agreement, or broken references: refused before any work
    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    result = BatchResult(
        templates={k: str(chosen[k]) if k in chosen else shipped_name(k) for k in TEMPLATE_FILES}
    )
    drafting = _Drafting(
        plan,
        as_of or plan.product.date,
        folder,
        overwrite,
        read_manifest(folder) if overwrite is Overwrite.UNEDITED else {},
        pdf,
    )
    outcomes: list[_Outcome] = []

    def settle(outcome: _Outcome) -> None:
        outcomes.append(outcome)
        if progress:
            progress(outcome.partner)

    signing = [(c, partner) for c, partner in plan.partners() if agreement_kind(c) is not None]
    entries = _entries(drafting, signing, settle)
    limited = bool(chosen)  # legal's templates render with a time and memory limit
    large = len(signing) >= PARALLEL_FROM
    count = workers if workers is not None else (os.cpu_count() or 1) if large else 1
    if not limited and (count <= 1 or can_fork()):
        for kind in TEMPLATE_FILES:
            template = load_template(kind)
            template.check_for(kind)
            drafting.templates[kind] = template
        if count <= 1:
            drafting.catch = False  # in this process, a template that fails stops the batch
            for entry in entries:
                settle(drafting(entry))
        else:
            # Each worker is forked with the plan and the compiled templates; it and this process take
            # the next partner until none is left, and build its terms and context, render and write.
            for outcome in run_shares(drafting, entries, count):
                settle(outcome)
    else:
        _render_spawned(drafting, entries, chosen, count, limited, settle)
    outcomes.sort(key=lambda outcome: outcome.index)
    for outcome in outcomes:
        if outcome.reasons is not None:
            result.skipped.append(SkippedPartner(outcome.partner, outcome.reasons, kept=outcome.kept))
        else:
            result.written.append(
                AgreementDraft(
                    drafting.folder / outcome.name,
                    outcome.partner,
                    outcome.kind,
                    outcome.problems,
                    sha256=outcome.sha256,
                )
            )
    sync_folder(folder)
    if pdf and result.written:
        from partnerkit.io.word.pdf import convert_to_pdf

        pdfs = convert_to_pdf([d.path for d in result.written], folder)
        for draft in result.written:
            draft.pdf = pdfs.get(draft.path)
    if overwrite is Overwrite.UNEDITED:
        written = {d.path.name: d.sha256 for d in result.written}
        written.update({d.pdf.name: digest(d.pdf) for d in result.written if d.pdf is not None})
        record(folder, written)
    return result


@dataclass(frozen=True)
class _Entry:
    """One partner's draft to make: its place in the plan, its file name, and its terms if built already."""

    index: int
    partner: AnyPartner
    name: str
    terms: DealTerms | None = None  # built (and found free of errors) where the file names needed it


@dataclass(frozen=True)
class _Outcome:
    """What became of one entry: written (with its warnings and SHA-256), or skipped with the reasons."""

    index: int
    partner: str
    name: str = ""
    kind: str = ""
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""
    reasons: list[str] | None = None
    kept: bool = False


@dataclass
class _Drafting:
    """Everything a draft needs besides its partner; called on an entry, it makes that partner's draft.

    A forked worker inherits it whole (plan, templates, manifest), so nothing is sent to the workers.
    """

    plan: Plan
    when: date
    folder: Path
    overwrite: Overwrite
    manifest: dict[str, str]
    pdf: bool
    templates: dict[str, AgreementTemplate] = field(default_factory=dict)
    catch: bool = True  # a rendering error skips the partner (False: it is raised)

    def prepare(self, entry: _Entry) -> _Outcome | tuple[DealTerms, dict[str, Any]]:
        """The entry's terms and context, or why it is skipped (errors in its terms, a file kept)."""
        from partnerkit.deals import build_terms
        from partnerkit.deals.lint import lint_terms

        terms = entry.terms
        if terms is None:
            terms = build_terms(self.plan, entry.partner)
            errors = [f for f in lint_terms(terms) if f.is_error]
            if errors:
                reasons = [f"{', '.join(f.fields)}: {f.message}" for f in errors]
                return _Outcome(entry.index, entry.partner.name, reasons=reasons)
        target = self.folder / entry.name
        outputs = [target, target.with_suffix(".pdf")] if self.pdf else [target]
        kept = [reason for path in outputs if (reason := kept_reason(path, self.overwrite, self.manifest))]
        if kept:
            return _Outcome(entry.index, entry.partner.name, reasons=kept, kept=True)
        context = agreement_context(terms, as_of=self.when, date_format=self.plan.documents.date_format)
        return terms, context

    def __call__(self, entry: _Entry) -> _Outcome:
        prepared = self.prepare(entry)
        if isinstance(prepared, _Outcome):
            return prepared
        terms, context = prepared
        kind, partner = terms.kind.value, entry.partner.name
        try:
            rendered = self.templates[kind].write(
                self.folder / entry.name, context, subject=partner, durable=False
            )
        except TemplateError as exc:
            if not self.catch:
                raise
            return _Outcome(entry.index, partner, reasons=[str(exc)])
        return _Outcome(entry.index, partner, entry.name, kind, rendered.problems, rendered.sha256)


def _entries(
    drafting: _Drafting,
    signing: list[tuple[CategoryKind, AnyPartner]],
    settle: Callable[[_Outcome], None],
) -> list[_Entry]:
    """Each partner's entry, with its file name: the name of its draft, told apart from the others'.

    Where no two partners' names give the same file, each file is named after its partner alone, and
    the terms are left to the workers. Otherwise the later of two such drafts gets a number, counted
    over the drafts written, so the terms of every partner are built and checked here first, before
    any worker starts (partners alike share one build and lint: ``TermsReviewer``); those with
    errors are settled at once: they get no file.
    """
    names = [draft_filename(partner.name) for _, partner in signing]
    if len({name.casefold() for name in names}) == len(names):
        return [
            _Entry(i, partner, name)
            for i, ((_, partner), name) in enumerate(zip(signing, names, strict=True))
        ]
    from partnerkit.deals.review import TermsReviewer

    reviewer = TermsReviewer(drafting.plan)
    entries: list[_Entry] = []
    distinct = DistinctNames()
    for index, ((category, partner), name) in enumerate(zip(signing, names, strict=True)):
        review = reviewer.review(category, partner)
        if review.errors:
            reasons = [f"{', '.join(f.fields)}: {f.message}" for f in review.errors]
            settle(_Outcome(index, partner.name, reasons=reasons))
            continue
        name = distinct.take(Path(name).stem) + ".docx"
        entries.append(_Entry(index, partner, name, review.terms))
    return entries


def _render_spawned(
    drafting: _Drafting,
    entries: list[_Entry],
    chosen: dict[str, Path],
    count: int,
    limited: bool,
    settle: Callable[[_Outcome], None],
) -> None:
    """Render in spawned workers (legal's templates, under limits; or where workers cannot be forked).

    This process builds each context and sends it to a worker; the workers load the templates it
    compiled once.
    """
    import tempfile

    from partnerkit.io.word.engine import WordTemplate
    from partnerkit.io.word.workers import Job, TemplateSpec, run_jobs, save_compiled

    waiting: dict[str, tuple[_Entry, str]] = {}  # job path -> its entry and agreement kind

    def jobs() -> Iterator[Job]:
        """Each partner's job, made when a worker is ready for it (so workers start while this runs)."""
        for entry in entries:
            prepared = drafting.prepare(entry)
            if isinstance(prepared, _Outcome):
                settle(prepared)
                continue
            terms, context = prepared
            path = str(drafting.folder / entry.name)
            waiting[path] = (entry, terms.kind.value)
            yield Job(terms.kind.value, context, path, subject=entry.partner.name, durable=False)

    # Compiled here once (legal's were, to be checked); the workers load them, ready to render.
    compiled: dict[str, WordTemplate] = {
        kind: load_template(kind, chosen.get(kind)) for kind in TEMPLATE_FILES
    }
    with tempfile.TemporaryDirectory(prefix="partnerkit-") as work:
        specs: dict[str, TemplateSpec] = dict(save_compiled(compiled, Path(work)))
        here = None if limited else compiled  # the shipped templates: this process renders too
        for done in run_jobs(jobs(), specs, workers=max(count, 1), limited=limited, here=here):
            entry, kind = waiting.pop(done.path)
            name = entry.partner.name
            if done.error:
                settle(_Outcome(entry.index, name, reasons=[done.error]))
            else:
                settle(_Outcome(entry.index, name, entry.name, kind, done.problems, done.sha256))
