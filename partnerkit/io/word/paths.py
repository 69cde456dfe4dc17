"""The variables a template reads and a context provides, as paths: ``company.legal_name``, ``cover_terms[].label``.

Paths are written the way a template writes them, with ``[]`` for a field of each row a ``{% for %}``
loop visits. The engine uses them to name a misspelt variable and its nearest real one; the
``templates check`` report compares them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from jinja2 import nodes

# Loop helpers and the one global a template gets: never missing.
BUILTINS = frozenset({"loop", "range", "true", "false", "none", "True", "False", "None"})


def _path(expr: nodes.Node, scope: Mapping[str, str | None]) -> str | None:
    if isinstance(expr, nodes.Name):
        if expr.name in scope:
            return scope[expr.name]
        return None if expr.name in BUILTINS else expr.name
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


def _visit(node: nodes.Node, scope: dict[str, str | None], used: dict[str, int]) -> None:
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
            used.setdefault(found, node.lineno)
            return
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
        # `row.label.upper()`: the method is not a field; the object it is called on is.
        _visit(node.node.node, scope, used)
        for child in [*node.args, *node.kwargs]:
            _visit(child, scope, used)
        return
    for child in node.iter_child_nodes():
        _visit(child, scope, used)


def paths_read(trees: Iterable[nodes.Template]) -> dict[str, int]:
    """Every context path the trees read, with the source line where each is first read."""
    used: dict[str, int] = {}
    for tree in trees:
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


def nearest(path: str, known: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The known path closest to a misspelt ``path``, or None when nothing is close."""
    choices = sorted(known)
    found = difflib.get_close_matches(path, choices, n=1, cutoff=cutoff)
    if found:
        return found[0]
    # `flags.exclusivty`: compare the last part among the paths under the same parent.
    parent, _, leaf = path.rpartition(".")
    siblings = {c.rpartition(".")[2]: c for c in choices if c.rpartition(".")[0] == parent}
    leaf_match = difflib.get_close_matches(leaf, sorted(siblings), n=1, cutoff=cutoff)
    return siblings[leaf_match[0]] if leaf_match else None
