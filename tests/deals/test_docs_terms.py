"""docs/terms.md stays true: it lists every term, every lint code and every context key."""

from __future__ import annotations

import re
from pathlib import Path

from partnerkit.deals import build_terms, lint
from partnerkit.model import Plan
from partnerkit.model.deals import TERM_KINDS

DOC = (Path(__file__).resolve().parent.parent.parent / "docs" / "terms.md").read_text(encoding="utf-8")


def test_every_term_key_is_documented_with_its_label(ledgerly: Plan) -> None:
    for terms in (build_terms(ledgerly, "Northwind ERP"), build_terms(ledgerly, "Keystone IT Partners")):
        for term in terms.terms():
            assert re.search(rf"\| `{term.key}` \|[^\n]*\| {re.escape(term.label)} \|", DOC), term.key
    assert set(re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| (?:both|integration|reseller) \|", DOC, re.M)) == set(
        TERM_KINDS
    )


def test_every_lint_code_is_documented() -> None:
    source = Path(lint.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'out\.add\(\s*"([a-z_]+)"', source))
    assert len(codes) >= 15
    for code in codes:
        assert f"| `{code}` |" in DOC, code


def test_every_context_key_is_documented(ledgerly: Plan) -> None:
    for name in ("Northwind ERP", "Keystone IT Partners"):
        terms = build_terms(ledgerly, name)
        for key in terms.context():
            assert f"`{key}`" in DOC, key
        for flag in terms.context()["flags"]:
            assert f"`{flag}`" in DOC, flag
