"""Agreement drafts in Word: the template context of a partner's terms, the template to use, and rendering."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from partnerkit.deals import DealTerms
from partnerkit.errors import TemplateError
from partnerkit.io.word.drafting import AgreementTemplate
from partnerkit.model import Plan
from partnerkit.model.documents import DateFormat
from partnerkit.problems import Problem

TEMPLATE_FILES: dict[str, str] = {
    "integration": "integration-agreement.docx",
    "reseller": "reseller-agreement.docx",
}


@dataclass
class AgreementDraft:
    """A written draft: where it is, which partner and kind, and the warnings rendering raised."""

    path: Path
    partner: str
    kind: str
    problems: list[Problem] = field(default_factory=list)
    pdf: Path | None = None
    sha256: str = ""


def template_path(kind: str) -> Path:
    """The default template of an agreement ``kind`` ("integration" or "reseller"), as shipped."""
    if kind not in TEMPLATE_FILES:
        raise TemplateError(f"no agreement template of kind {kind!r} (one of {', '.join(TEMPLATE_FILES)})")
    found = resources.files("partnerkit.templates").joinpath(TEMPLATE_FILES[kind])
    return Path(os.fspath(found))  # type: ignore[call-overload]


def shipped_name(kind: str) -> str:
    """How messages name a shipped template: ``the shipped reseller-agreement.docx``."""
    return f"the shipped {TEMPLATE_FILES[kind]}"


@lru_cache(maxsize=8)
def _default_template(kind: str) -> AgreementTemplate:
    template = AgreementTemplate.load(template_path(kind), name=shipped_name(kind))
    assert isinstance(template, AgreementTemplate)
    return template


def load_template(kind: str, path: str | os.PathLike[str] | None = None) -> AgreementTemplate:
    """The compiled template: the default of ``kind`` (compiled once per process), or the file at ``path``."""
    if path is None:
        return _default_template(kind)
    template = AgreementTemplate.load(path, name=str(path))  # messages name it as the user wrote it
    assert isinstance(template, AgreementTemplate)
    return template


def user_template(kind: str, path: str | os.PathLike[str], partner: str | None = None) -> AgreementTemplate:
    """Legal's template at ``path``, compiled (nothing rendered yet) and checked for agreement ``kind``.

    Raises TemplateError, in one sentence, for a template of the other agreement or one whose
    references do not resolve.
    """
    template = load_template(kind, path)
    template.check_for(kind, partner)
    return template


def choose_templates(
    plan: Plan,
    folder: Path | None,
    *,
    template: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    kinds: tuple[str, ...] = tuple(TEMPLATE_FILES),
) -> dict[str, Path]:
    """Legal's template for each agreement that has one; the shipped template serves the rest.

    In order: ``template`` (one file, for every kind asked for), a file named like the shipped one in
    ``template_dir`` (``reseller-agreement.docx``), the plan's ``documents.templates`` (relative to
    the plan's ``folder``).
    """
    chosen: dict[str, Path] = {}
    settings = plan.documents.templates
    for kind in kinds:
        if template is not None:
            chosen[kind] = Path(template)
            continue
        if template_dir is not None:
            candidate = Path(template_dir) / TEMPLATE_FILES[kind]
            if candidate.exists():
                chosen[kind] = candidate
                continue
        given = settings.for_kind(kind)
        if given is not None:
            path = Path(given)
            if not path.is_absolute() and folder is not None:
                path = folder / path
            if not path.exists():
                raise TemplateError(
                    f"the plan's documents.templates.{kind} names {given}, which does not exist"
                    + (f" (looked in {folder})" if folder is not None else "")
                )
            chosen[kind] = path
    if template_dir is not None and not any(
        (Path(template_dir) / TEMPLATE_FILES[kind]).exists() for kind in TEMPLATE_FILES
    ):
        names = " or ".join(TEMPLATE_FILES.values())
        raise TemplateError(f"--template-dir {template_dir} holds no {names}")
    return chosen


def agreement_context(
    terms: DealTerms, *, as_of: date, date_format: DateFormat = DateFormat.LONG
) -> dict[str, Any]:
    """Everything an agreement template can use, as plain strings, lists and dicts (see docs/word.md)."""
    from partnerkit.io.word.context import build_context

    return build_context(terms, as_of=as_of, date_format=date_format)


def render_terms(
    terms: DealTerms,
    path: str | os.PathLike[str],
    *,
    as_of: date,
    template: str | os.PathLike[str] | None = None,
    date_format: DateFormat = DateFormat.LONG,
) -> AgreementDraft:
    """Write the draft of ``terms`` to ``path`` from the default template of its kind, or ``template``.

    A template given by path is the user's: it is checked here, then renders in a child process with a
    time and memory limit, and its output XML is checked.
    """
    context = agreement_context(terms, as_of=as_of, date_format=date_format)
    kind = terms.kind.value
    partner = terms.partner_name
    if template is not None:
        from partnerkit.io.word.workers import render_limited

        user_template(kind, template, partner)
        problems, digest = render_limited(Path(template), context, Path(path), subject=partner)
        return AgreementDraft(Path(path), partner, kind, problems, sha256=digest)
    chosen = load_template(kind)
    chosen.check_for(kind, partner)
    rendered = chosen.write(path, context, subject=partner)
    return AgreementDraft(Path(path), partner, kind, rendered.problems, sha256=rendered.sha256)


def render_agreement(
    plan: Plan,
    partner: str,
    path: str | os.PathLike[str],
    *,
    template: str | os.PathLike[str] | None = None,
    as_of: date | None = None,
) -> AgreementDraft:
    """Write the draft agreement of ``partner`` (by name) to ``path`` (.docx); ``as_of`` dates the draft.

    The terms come from ``build_terms`` (tier benefits, the program's frameworks, overrides); the draft
    date defaults to the plan's date so the same plan gives the same document. ``template`` is legal's
    template; without it, the plan's ``documents.templates`` applies (relative to the working folder
    here; the services resolve it against the plan file's folder), else the shipped template.
    """
    from partnerkit.deals import build_terms

    terms = build_terms(plan, partner)
    if template is None:
        template = choose_templates(plan, None, kinds=(terms.kind.value,)).get(terms.kind.value)
    return render_terms(
        terms,
        path,
        as_of=as_of or plan.product.date,
        template=template,
        date_format=plan.documents.date_format,
    )
