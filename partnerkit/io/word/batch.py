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
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from partnerkit.io.files import Overwrite, digest, kept_reason, read_manifest, record
from partnerkit.io.word.agreement import (
    TEMPLATE_FILES,
    AgreementDraft,
    agreement_context,
    load_template,
    shipped_name,
    user_template,
)
from partnerkit.model import Plan
from partnerkit.problems import Problem

# Below this many drafts, starting worker processes costs more than it saves.
PARALLEL_FROM = 48


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
    stem = re.sub(r"[^\w]+", "-", partner).strip("-")[:80] or "partner"
    return f"{stem}.docx"


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
    from partnerkit.deals import agreement_kind, build_all_terms
    from partnerkit.deals.lint import lint_terms
    from partnerkit.io.files import sync_folder
    from partnerkit.io.word.engine import WordTemplate
    from partnerkit.io.word.workers import Job, TemplateSpec, run_jobs, save_compiled

    chosen = {kind: Path(path) for kind, path in (templates or {}).items()}
    for kind, path in chosen.items():
        user_template(kind, path)  # the wrong agreement, or broken references: refused before any work
    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    when = as_of or plan.product.date
    result = BatchResult(
        templates={k: str(chosen[k]) if k in chosen else shipped_name(k) for k in TEMPLATE_FILES}
    )
    manifest = read_manifest(folder) if overwrite is Overwrite.UNEDITED else {}
    partners: dict[str, tuple[str, str]] = {}  # job path -> (partner, kind), in the plan's order

    def jobs() -> Iterator[Job]:
        """Each partner's job, made when a worker is ready for it (so workers start while this runs)."""
        used_names: set[str] = set()
        for _, partner, terms in build_all_terms(plan):
            if terms is None:
                continue
            errors = [f for f in lint_terms(terms) if f.is_error]
            if errors:
                result.skipped.append(
                    SkippedPartner(partner.name, [f"{', '.join(f.fields)}: {f.message}" for f in errors])
                )
                if progress:
                    progress(partner.name)
                continue
            name = draft_filename(partner.name)
            while name.casefold() in used_names:  # two partners whose names fold to the same file
                name = f"{Path(name).stem}-{len(used_names)}.docx"
            used_names.add(name.casefold())
            target = folder / name
            outputs = [target, target.with_suffix(".pdf")] if pdf else [target]
            kept = [reason for path in outputs if (reason := kept_reason(path, overwrite, manifest))]
            if kept:
                result.skipped.append(SkippedPartner(partner.name, kept, kept=True))
                if progress:
                    progress(partner.name)
                continue
            context = agreement_context(terms, as_of=when, date_format=plan.documents.date_format)
            kind = terms.kind.value
            partners[str(target)] = (partner.name, kind)
            yield Job(kind, context, str(target), subject=partner.name, durable=False)

    limited = bool(chosen)  # legal's templates render with a time and memory limit
    large = sum(1 for category, _ in plan.partners() if agreement_kind(category) is not None) >= PARALLEL_FROM
    count = workers if workers is not None else (os.cpu_count() or 1) if large else 1
    if count <= 1 and not limited:
        for kind in TEMPLATE_FILES:
            load_template(kind).check_for(kind)
        for job in jobs():
            partner_name, kind = partners[job.path]
            rendered = load_template(kind).write(job.path, job.context, subject=partner_name, durable=False)
            result.written.append(
                AgreementDraft(Path(job.path), partner_name, kind, rendered.problems, sha256=rendered.sha256)
            )
            if progress:
                progress(partner_name)
    else:
        import tempfile

        # Compiled here once (legal's were, to be checked); the workers load them, ready to render.
        compiled: dict[str, WordTemplate] = {
            kind: load_template(kind, chosen.get(kind)) for kind in TEMPLATE_FILES
        }
        with tempfile.TemporaryDirectory(prefix="partnerkit-") as work:
            specs: dict[str, TemplateSpec] = dict(save_compiled(compiled, Path(work)))
            here = None if limited else compiled  # the shipped templates: this process renders too
            for done in run_jobs(jobs(), specs, workers=max(count, 1), limited=limited, here=here):
                partner_name, kind = partners[done.path]
                if done.error:
                    result.skipped.append(SkippedPartner(partner_name, [done.error]))
                else:
                    result.written.append(
                        AgreementDraft(Path(done.path), partner_name, kind, done.problems, sha256=done.sha256)
                    )
                if progress:
                    progress(partner_name)
        order = {path: i for i, path in enumerate(partners)}
        result.written.sort(key=lambda d: order[str(d.path)])
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
