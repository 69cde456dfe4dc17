"""Agreement drafts in Word: the template context of a partner's terms, and rendering it to a .docx."""

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
from partnerkit.io.word.engine import WordTemplate
from partnerkit.model import Plan
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


def template_path(kind: str) -> Path:
    """The default template of an agreement ``kind`` ("integration" or "reseller"), as shipped."""
    if kind not in TEMPLATE_FILES:
        raise TemplateError(f"no agreement template of kind {kind!r} (one of {', '.join(TEMPLATE_FILES)})")
    found = resources.files("partnerkit.templates").joinpath(TEMPLATE_FILES[kind])
    return Path(os.fspath(found))  # type: ignore[call-overload]


@lru_cache(maxsize=8)
def _default_template(kind: str) -> WordTemplate:
    return WordTemplate.load(template_path(kind))


def load_template(kind: str, path: str | os.PathLike[str] | None = None) -> WordTemplate:
    """The compiled template: the default of ``kind`` (compiled once per process), or the file at ``path``."""
    if path is None:
        return _default_template(kind)
    return WordTemplate.load(path)


def agreement_context(terms: DealTerms, *, as_of: date) -> dict[str, Any]:
    """Everything an agreement template can use, as plain strings, lists and dicts (see docs/word.md)."""
    from partnerkit.io.word.context import build_context

    return build_context(terms, as_of=as_of)


def render_terms(
    terms: DealTerms,
    path: str | os.PathLike[str],
    *,
    as_of: date,
    template: str | os.PathLike[str] | None = None,
) -> AgreementDraft:
    """Write the draft of ``terms`` to ``path`` from the default template of its kind, or ``template``.

    A template given by path is the user's: it renders in a child process with a time and memory
    limit, and its output XML is checked.
    """
    context = agreement_context(terms, as_of=as_of)
    kind = terms.kind.value
    if template is not None:
        from partnerkit.io.word.workers import render_limited

        problems = render_limited(Path(template), context, Path(path))
        return AgreementDraft(Path(path), terms.partner_name, kind, problems)
    rendered = load_template(kind).write(path, context)
    return AgreementDraft(Path(path), terms.partner_name, kind, rendered.problems)


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
    date defaults to the plan's date so the same plan gives the same document.
    """
    from partnerkit.deals import build_terms

    terms = build_terms(plan, partner)
    return render_terms(terms, path, as_of=as_of or plan.product.date, template=template)
