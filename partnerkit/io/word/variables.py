"""What a template uses and what the terms provide: the ``partnerkit templates check`` report.

Paths are written the way a template writes them: ``company.legal_name``, ``terms.territory``, and
``cover_terms[].label`` for a field of each row a ``{% for %}`` loop visits.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from jinja2 import nodes

from partnerkit.io.word.engine import WordTemplate
from partnerkit.model import Plan

# Loop helpers and the one global a template gets: never missing.
_BUILTINS = frozenset({"loop", "range", "true", "false", "none", "True", "False", "None"})
# Context fields whose absence from a template is worth telling legal about.
_PARTY_FIELDS = ("legal_name", "notice_address", "contact")


def _path(expr: nodes.Node, scope: Mapping[str, str | None]) -> str | None:
    if isinstance(expr, nodes.Name):
        if expr.name in scope:
            return scope[expr.name]
        return None if expr.name in _BUILTINS else expr.name
    if isinstance(expr, nodes.Getattr):
        base = _path(expr.node, scope)
        return f"{base}.{expr.attr}" if base else None
    if isinstance(expr, nodes.Getitem):
        base = _path(expr.node, scope)
        if not base:
            return None
        if isinstance(expr.arg, nodes.Const) and isinstance(expr.arg.value, str):
            return f"{base}.{expr.arg.value}"
        return f"{base}[]"
    return None


def _visit(node: nodes.Node, scope: dict[str, str | None], used: set[str]) -> None:
    if isinstance(node, nodes.For):
        _visit(node.iter, scope, used)
        inner = dict(scope)
        items = _path(node.iter, scope)
        targets = node.target.items if isinstance(node.target, nodes.Tuple) else [node.target]
        for target in targets:
            if isinstance(target, nodes.Name):
                inner[target.name] = f"{items}[]" if items else None
        for child in [*node.body, *node.else_]:
            _visit(child, inner, used)
        if node.test is not None:
            _visit(node.test, inner, used)
        return
    if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
        _visit(node.node, scope, used)
        scope[node.target.name] = _path(node.node, scope)
        return
    if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
        found = _path(node, scope)
        if found:
            used.add(found)
            return
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
        # `row.label.upper()`: the method is not a field; the object it is called on is.
        _visit(node.node.node, scope, used)
        for child in [*node.args, *node.kwargs]:
            _visit(child, scope, used)
        return
    for child in node.iter_child_nodes():
        _visit(child, scope, used)


def used_paths(template: WordTemplate) -> set[str]:
    """Every context path the template reads, across the body, headers, footers and properties."""
    used: set[str] = set()
    for tree in template.trees.values():
        _visit(tree, {}, used)
    return used


def provided_paths(context: Any, prefix: str = "") -> set[str]:
    """Every path a context provides, inner nodes included (``company`` and ``company.legal_name``)."""
    found: set[str] = set()
    if isinstance(context, Mapping):
        for key, value in context.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            found.add(path)
            found |= provided_paths(value, path)
    elif isinstance(context, list | tuple):
        path = f"{prefix}[]"
        found.add(path)
        for item in context:
            found |= provided_paths(item, path)
    return found


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

    @property
    def ok(self) -> bool:
        """True when every variable the template uses is provided (unused terms are only a warning)."""
        return not self.missing

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "template": self.template,
            "kind": self.kind,
            "missing": [{"variable": m, "hint": self.hints.get(m)} for m in self.missing],
            "unused": self.unused,
        }


def _shown_terms(context: Mapping[str, Any], used: set[str]) -> set[str]:
    shown = set()
    for key in context.get("terms", {}):
        if _covered(f"terms.{key}", used) or _covered(f"raw.{key}", used):
            shown.add(key)
    for rows in ("cover_terms", "key_terms"):
        if _covered(f"{rows}[].value", used):
            shown |= {row["key"] for row in context.get(rows, [])}
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
    """Compare what ``template`` uses with what ``context`` (a draft's context of ``kind``) provides."""
    from partnerkit.deals import Deviation
    from partnerkit.io.word.context import INTERNAL_TERMS

    used = used_paths(template)
    provided = provided_paths(context)
    # A draft without changes has an empty list; its rows still have these fields.
    provided |= {"deviations[]", *(f"deviations[].{f.name}" for f in fields(Deviation))}
    report = TemplateReport(template.name, kind)
    for path in sorted(used):
        if path not in provided:
            report.missing.append(path)
            guess = difflib.get_close_matches(path, sorted(provided), n=1, cutoff=0.75)
            if guess:
                report.hints[path] = f"did you mean {guess[0]}?"
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

    template = WordTemplate.load(path)
    source = plan
    contexts: dict[str, dict[str, Any]] = {}
    for _, _, terms in build_all_terms(source):
        if terms is not None and terms.kind.value not in contexts:
            contexts[terms.kind.value] = build_context(terms, as_of=source.product.date)
    kinds = [kind] if kind else sorted(contexts)
    reports = [check_template(template, contexts[k], k) for k in kinds if k in contexts]
    if not reports:
        raise TemplateError(
            f"the plan has no partner with a {kind} agreement to check {template.name} against"
        )
    return min(reports, key=lambda r: (len(r.missing), len(r.unused)))
