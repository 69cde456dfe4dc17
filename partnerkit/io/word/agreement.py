"""Agreement drafts in Word: the template context of a partner's terms, and rendering it to a .docx."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from partnerkit.errors import PartnerkitError, TemplateError
from partnerkit.io.word.engine import WordTemplate
from partnerkit.model import CategoryKind, Plan
from partnerkit.problems import Problem

KINDS: dict[str, str] = {
    "integration": "Integration Partnership Agreement",
    "reseller": "Reseller Partnership Agreement",
}
TEMPLATE_FILES: dict[str, str] = {
    "integration": "integration-agreement.docx",
    "reseller": "reseller-agreement.docx",
}
_KIND_OF_CATEGORY = {CategoryKind.INTEGRATION: "integration", CategoryKind.DISTRIBUTION: "reseller"}


class NoAgreementError(PartnerkitError):
    """A partner with no agreement framework (ecosystem memberships are not drafted)."""

    exit_code = 1


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


def agreement_kind(plan: Plan, partner: str) -> tuple[str, str]:
    """The partner's exact name and the kind of agreement its category takes."""
    for category, candidate in plan.partners():
        if candidate.name == partner or candidate.name.casefold() == partner.casefold():
            kind = _KIND_OF_CATEGORY.get(category)
            if kind is None:
                raise NoAgreementError(
                    f"{candidate.name} is an {category.value.lower()} partner: partnerkit drafts integration "
                    "and reseller agreements only"
                )
            return candidate.name, kind
    known = ", ".join(p.name for _, p in plan.partners())
    raise NoAgreementError(f"no partner called {partner!r} in the plan (partners: {known})")


def agreement_context(plan: Plan, partner: str, *, as_of: date | None = None) -> dict[str, Any]:
    """Everything an agreement template can use, as plain strings, lists and dicts (see docs/word.md)."""
    from partnerkit.io.word.context import build_context

    return build_context(plan, partner, as_of=as_of)


def render_agreement(
    plan: Plan,
    partner: str,
    path: str | os.PathLike[str],
    *,
    template: str | os.PathLike[str] | None = None,
    as_of: date | None = None,
) -> AgreementDraft:
    """Write the draft agreement of ``partner`` to ``path`` (.docx), from the default or given template.

    A template given by path is the user's: it renders in a child process with a time and memory
    limit, and its output XML is checked.
    """
    name, kind = agreement_kind(plan, partner)
    context = agreement_context(plan, name, as_of=as_of)
    if template is not None:
        from partnerkit.io.word.limits import render_limited

        data, problems = render_limited(Path(template), context)
        from partnerkit.io.files import write_bytes_atomic

        write_bytes_atomic(Path(path), data)
        return AgreementDraft(Path(path), name, kind, problems)
    rendered = load_template(kind).write(path, context)
    return AgreementDraft(Path(path), name, kind, rendered.problems)
