"""Reasoning about a template's ``{%p if %}`` conditions: does one set of conditions always bring another?

A reference from a paragraph to a clause resolves in every draft when, whatever the partner's flags,
the clause is there whenever the paragraph is. Each condition is a Jinja expression; its parts that
are not ``and``, ``or`` or ``not`` (``flags.exclusive``, ``agreement.kind == 'reseller'``) are taken as
independent yes/no facts, and every combination of them is tried (templates have a handful).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import TemplateError as JinjaTemplateError

# Beyond this many independent facts the check gives up and trusts the template (2**12 combinations).
_MAX_FACTS = 12


class Conditions:
    """Parses condition expressions once and answers implication questions about them."""

    def __init__(self, env: Any) -> None:
        self.env = env
        self._parsed: dict[str, nodes.Node | None] = {}
        self._compiled: dict[str, Any] = {}

    def parse(self, expression: str) -> nodes.Node | None:
        """The expression's tree, or None when it does not parse (then it is treated as always true)."""
        if expression not in self._parsed:
            try:
                tree = self.env.parse("{% if " + expression + " %}{% endif %}")
                test: nodes.Node | None = tree.body[0].test
            except (JinjaTemplateError, IndexError, AttributeError):
                test = None
            self._parsed[expression] = test
        return self._parsed[expression]

    def _facts(self, node: nodes.Node | None, out: dict[str, None]) -> None:
        if node is None:
            return
        if isinstance(node, nodes.And | nodes.Or):
            self._facts(node.left, out)
            self._facts(node.right, out)
        elif isinstance(node, nodes.Not):
            self._facts(node.node, out)
        else:
            out[repr(node)] = None

    def _value(self, node: nodes.Node | None, facts: dict[str, bool]) -> bool:
        if node is None:
            return True
        if isinstance(node, nodes.And):
            return self._value(node.left, facts) and self._value(node.right, facts)
        if isinstance(node, nodes.Or):
            return self._value(node.left, facts) or self._value(node.right, facts)
        if isinstance(node, nodes.Not):
            return not self._value(node.node, facts)
        return facts[repr(node)]

    def covers(self, premises: Sequence[str], alternatives: Sequence[Sequence[str]]) -> bool:
        """True when, whenever every premise holds, every condition of at least one alternative holds."""
        if any(not alternative for alternative in alternatives):
            return True
        trees = [self.parse(p) for p in premises]
        options = [[self.parse(c) for c in alternative] for alternative in alternatives]
        facts: dict[str, None] = {}
        for tree in trees:
            self._facts(tree, facts)
        for option in options:
            for tree in option:
                self._facts(tree, facts)
        names = list(facts)
        if len(names) > _MAX_FACTS:
            return True
        for values in itertools.product((False, True), repeat=len(names)):
            assignment = dict(zip(names, values, strict=True))
            if not all(self._value(t, assignment) for t in trees):
                continue
            if not any(all(self._value(t, assignment) for t in option) for option in options):
                return False
        return True

    def implies(self, premises: Sequence[str], conclusions: Sequence[str]) -> bool:
        """True when every conclusion holds whenever every premise does."""
        return self.covers(premises, [conclusions])

    def holds(self, expression: str, context: dict[str, Any]) -> bool | None:
        """Whether the expression is true for a draft's context; None when it cannot be evaluated there."""
        if expression not in self._compiled:
            try:
                self._compiled[expression] = self.env.compile_expression(expression)
            except JinjaTemplateError:
                self._compiled[expression] = None
        compiled = self._compiled[expression]
        if compiled is None:
            return None
        try:
            return bool(compiled(**context))
        except (JinjaTemplateError, TypeError, ValueError, LookupError, AttributeError, ArithmeticError):
            return None
