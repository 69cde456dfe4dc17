"""Every partner's draft agreement in one run: lint first, skip what has errors, render the rest."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from partnerkit.io.word.agreement import (
    TEMPLATE_FILES,
    AgreementDraft,
    agreement_context,
    load_template,
    template_path,
)
from partnerkit.model import Plan
from partnerkit.problems import Problem

# Below this many drafts, starting worker processes costs more than it saves.
PARALLEL_FROM = 48


@dataclass(frozen=True)
class SkippedPartner:
    """A partner whose draft was not written, and why (its terms' lint errors, or a rendering error)."""

    partner: str
    reasons: list[str]


@dataclass
class BatchResult:
    """What a batch wrote and what it skipped."""

    written: list[AgreementDraft] = field(default_factory=list)
    skipped: list[SkippedPartner] = field(default_factory=list)

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
) -> BatchResult:
    """Write one draft per partner with an agreement into ``outdir``; skip partners whose terms have errors.

    Each file is written to a temporary name and renamed, so a file in ``outdir`` is always complete.
    A large batch renders on every core (``workers`` processes; 1 renders in this process).
    ``progress`` is called with each partner's name as its draft is finished or skipped.
    """
    from partnerkit.deals import build_all_terms
    from partnerkit.deals.lint import lint_terms
    from partnerkit.io.word.workers import Job, run_jobs

    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    when = as_of or plan.product.date
    result = BatchResult()
    jobs: list[tuple[Job, str, str]] = []
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
        context = agreement_context(terms, as_of=when)
        jobs.append((Job(terms.kind.value, context, str(folder / name)), partner.name, terms.kind.value))

    count = workers if workers is not None else (os.cpu_count() or 1) if len(jobs) >= PARALLEL_FROM else 1
    if count <= 1:
        for job, partner_name, kind in jobs:
            rendered = load_template(kind).write(job.path, job.context)
            result.written.append(AgreementDraft(Path(job.path), partner_name, kind, rendered.problems))
            if progress:
                progress(partner_name)
        return result

    by_path = {job.path: (partner_name, kind) for job, partner_name, kind in jobs}
    templates = {kind: (template_path(kind).read_bytes(), TEMPLATE_FILES[kind]) for kind in TEMPLATE_FILES}
    for done in run_jobs((job for job, _, _ in jobs), templates, workers=count):
        partner_name, kind = by_path[done.path]
        if done.error:
            result.skipped.append(SkippedPartner(partner_name, [done.error]))
        else:
            result.written.append(AgreementDraft(Path(done.path), partner_name, kind, done.problems))
        if progress:
            progress(partner_name)
    order = {job.path: i for i, (job, _, _) in enumerate(jobs)}
    result.written.sort(key=lambda d: order[str(d.path)])
    return result
