"""The worked examples and the period tables of docs/tiers.md evaluate to what the document says."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from partnerkit.model.rules import TierProgram, Window
from partnerkit.model.tiers import Tier
from partnerkit.tiers.evaluate import evaluate_facts
from partnerkit.tiers.explain import explain
from partnerkit.tiers.facts import facts_from_records

DOC = Path(__file__).resolve().parents[2] / "docs" / "tiers.md"


def examples() -> dict[str, dict[str, Any]]:
    """Every ```yaml block of the document that starts with '# example: NAME'."""
    found = {}
    for block in re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S):
        first = block.splitlines()[0]
        if first.startswith("# example:"):
            found[first.removeprefix("# example:").strip()] = yaml.safe_load(block)
    return found


def test_the_document_has_an_example_of_each_kind() -> None:
    assert set(examples()) == {
        "threshold program",
        "revenue tiers on two measures that must both hold",
        "exact money",
        "calendar and fiscal periods",
        "points program with two tracks and a six-month qualification window",
        "time at a tier and a deal in each completed quarter",
        "the cheapest route to missing points",
    }


@pytest.mark.parametrize("name", sorted(examples()))
def test_worked_example(name: str) -> None:
    data = examples()[name]
    program = TierProgram.model_validate(data["tier_program"])
    tiers = [Tier.model_validate(t) for t in data["tiers"]]
    table, problems = facts_from_records(data["partners"], program.facts)
    assert problems == []
    ev = evaluate_facts(
        tiers, table, data["review_date"], dict(program.facts), fiscal_year_starts=program.fiscal_year_starts
    )
    for partner, expected in data["expect"].items():
        verdict = explain(ev, ev.row(partner))
        assert verdict.tier == expected["tier"], (partner, verdict.gaps, verdict.criteria)
        if "change" in expected:
            assert verdict.change.value == expected["change"], partner
        if "gaps" in expected:
            assert [g.text for g in verdict.gaps] == expected["gaps"], partner
        if "unknown" in expected:
            assert verdict.unknown == expected["unknown"], partner
        if "undecided" in expected:
            assert verdict.undecided == expected["undecided"], partner
        if "track" in expected:
            assert verdict.track is not None, partner
            assert f"{verdict.track.track}, {verdict.track.score}" == expected["track"], partner


def table_rows(heading: str, first_column: str) -> list[list[str]]:
    """The rows of the first Markdown table after ``heading`` whose first header is ``first_column``."""
    text = DOC.read_text(encoding="utf-8")
    part = text[text.index(heading) :]
    lines = part[part.index(f"| {first_column} |") :].splitlines()
    rows = []
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip().strip("`") for cell in line.strip("|").split("|")])
    return rows


def test_the_day_arithmetic_table() -> None:
    rows = table_rows("**Day arithmetic.**", "review date")
    assert len(rows) >= 12
    for review, window, first, last in rows:
        span = Window.model_validate(window).span(date.fromisoformat(review))
        assert (span[0].isoformat(), span[1].isoformat()) == (first, last), (review, window)


def test_the_periods_table() -> None:
    rows = table_rows("## Periods", "written")
    checked = 0
    for written, _, example in rows:
        match = re.match(r"(\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)", example)
        if not match:
            continue
        window = Window.model_validate(written)
        fiscal = 2 if window.fiscal else 1
        first, last = window.span(date(2026, 10, 15), fiscal)
        assert (first.isoformat(), last.isoformat()) == match.groups(), written
        checked += 1
    assert checked == 6


def test_the_documented_rule_snippets_parse() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("| rule | example |") : text.index("Comparisons:")]
    snippets = re.findall(r"`(\{.*?\})`", table)
    assert len(snippets) >= 12
    for snippet in snippets:
        data = yaml.safe_load(
            snippet.replace("rule, rule, rule", "").replace("rule, rule", "").replace("...", "")
        )
        assert isinstance(data, dict)
