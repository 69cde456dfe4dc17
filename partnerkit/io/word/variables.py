"""What a template uses and what the terms provide: the ``partnerkit templates check`` report.

Paths are written the way a template writes them: ``company.legal_name``, ``terms.territory``, and
``cover_terms[].label`` for a field of each row a ``{% for %}`` loop visits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from partnerkit.io.word.drafting import CLAUSE_NUMBERS, AgreementTemplate
from partnerkit.io.word.engine import WordTemplate
from partnerkit.io.word.paths import nearest, paths_read, provided_paths
from partnerkit.model import Plan

# Context fields whose absence from a template is worth telling legal about.
_PARTY_FIELDS = ("legal_name", "notice_address", "contact")


def used_paths(template: WordTemplate) -> set[str]:
    """Every context path the template reads, across the body, headers, footers and properties."""
    return {p for p in paths_read(template.trees.values()) if not p.startswith(CLAUSE_NUMBERS)}


def _covered(path: str, used: Iterable[str]) -> bool:
    return any(path == u or path.startswith(f"{u}.") or path.startswith(f"{u}[") for u in used)


@dataclass
class TemplateReport:
    """What ``templates check`` found: variables the terms lack, and terms the template never shows."""

    template: str
    kind: str
    missing: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the template can draft: every variable provided, every reference resolved.

        Unused terms and the warnings (a defined term no clause uses, ...) do not stop a draft.
        """
        return not self.missing and not self.errors

    @property
    def clean(self) -> bool:
        """True when nothing at all is to be looked at."""
        return self.ok and not self.unused and not self.warnings

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "template": self.template,
            "kind": self.kind,
            "ok": self.ok,
            "missing": [{"variable": m, "hint": self.hints.get(m)} for m in self.missing],
            "unused": self.unused,
            "errors": self.errors,
            "warnings": self.warnings,
        }


def _shown_terms(context: Mapping[str, Any], used: set[str]) -> set[str]:
    from partnerkit.io.word.context import hidden_terms

    shown = set()
    for key in context.get("terms", {}):
        if _covered(f"terms.{key}", used) or _covered(f"raw.{key}", used):
            shown.add(key)
    for rows in ("cover_terms", "key_terms"):
        if _covered(f"{rows}[].value", used):
            shown |= {row["key"] for row in context.get(rows, [])}
            if rows == "cover_terms":
                # A row left out with its clause is shown whenever it applies.
                shown |= hidden_terms(context.get("flags", {}))
            # Combined rows print several terms at once.
            if any(row["key"] == "renewal" for row in context.get(rows, [])):
                shown |= {"auto_renew", "renewal_months", "non_renewal_notice_days"}
            if any(row["key"] == "liability_cap" for row in context.get(rows, [])):
                shown |= {"liability_cap_months", "liability_cap_amount"}
    if _covered("renewal", used):
        shown |= {"auto_renew", "renewal_months", "non_renewal_notice_days"}
    if _covered("liability_cap", used):
        shown |= {"liability_cap_months", "liability_cap_amount"}
    if _covered("liability_cap_exceptions", used):
        shown.add("liability_cap_exceptions")
    return shown


def check_template(template: WordTemplate, context: Mapping[str, Any], kind: str) -> TemplateReport:
    """Compare what ``template`` uses with what ``context`` (a draft's context of ``kind``) provides.

    For an agreement template, also run the reference check (clauses, schedules, defined terms) and
    the layout checks, and refuse a template of the other agreement.
    """
    from partnerkit.deals import Deviation
    from partnerkit.io.word.context import INTERNAL_TERMS

    if isinstance(template, AgreementTemplate):
        wrong = template.framework_problem(kind)
        if wrong:
            return TemplateReport(template.name, kind, errors=[wrong])
    used = used_paths(template)
    provided = provided_paths(context)
    # A draft without changes has an empty list; its rows still have these fields.
    provided |= {"deviations[]", *(f"deviations[].{f.name}" for f in fields(Deviation))}
    report = TemplateReport(template.name, kind)
    for path in sorted(used):
        if path not in provided:
            report.missing.append(path)
            guess = nearest(path, provided)
            if guess:
                report.hints[path] = f"did you mean {guess}?"
    if isinstance(template, AgreementTemplate):
        for finding in template.findings(kind, context):
            (report.errors if finding.is_error else report.warnings).append(finding.message)
    shown = _shown_terms(context, used)
    for key in context.get("terms", {}):
        if key not in shown and key not in INTERNAL_TERMS:
            report.unused.append(f"terms.{key}")
    for party in ("company", "partner"):
        for name in _PARTY_FIELDS:
            if not _covered(f"{party}.{name}", used):
                report.unused.append(f"{party}.{name}")
    for name in ("effective_date", "deviations"):
        if name not in shown and not _covered(name, used):
            report.unused.append(name)
    return report


def check_template_file(path: Any, plan: Plan, *, kind: str | None = None) -> TemplateReport:
    """Check the template at ``path`` against a draft's context of ``kind`` (guessed when not given).

    The context is that of the first partner of the kind in ``plan``.
    """
    from partnerkit.deals import build_all_terms
    from partnerkit.errors import TemplateError
    from partnerkit.io.word.context import build_context

    template = AgreementTemplate.load(path, name=str(path))
    source = plan
    contexts: dict[str, dict[str, Any]] = {}
    for _, _, terms in build_all_terms(source):
        if terms is not None and terms.kind.value not in contexts:
            contexts[terms.kind.value] = build_context(
                terms, as_of=source.product.date, date_format=source.documents.date_format
            )
    assert isinstance(template, AgreementTemplate)
    kinds = [kind] if kind else [template.framework] if template.framework else sorted(contexts)
    reports = [check_template(template, contexts[k], k) for k in kinds if k in contexts]
    if not reports:
        raise TemplateError(
            f"the plan has no partner with a {kind} agreement to check {template.name} against"
        )
    return min(reports, key=lambda r: (len(r.errors), len(r.missing), len(r.unused)))
