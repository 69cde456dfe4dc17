"""The strategy in Markdown: the template's every heading, table and label, and a golden copy for the example."""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

from partnerkit.model import Plan
from partnerkit.report.markdown import cell, render_markdown

HERE = Path(__file__).parent
TEMPLATE = (HERE.parent / "fixtures" / "partnership-strategy-template.md").read_text(encoding="utf-8")
GOLDEN = HERE / "strategy.md"
REGENERATE = os.environ.get("PARTNERKIT_REGENERATE_GOLDEN") == "1"


def template_lines(pattern: str) -> list[str]:
    return [line.strip() for line in TEMPLATE.splitlines() if re.match(pattern, line.strip())]


@pytest.fixture(scope="module")
def strategy(example_plan: Plan) -> str:
    return render_markdown(example_plan)


@pytest.mark.parametrize("heading", template_lines(r"^#{1,3} "))
def test_every_heading_of_the_template(strategy: str, heading: str) -> None:
    assert heading in strategy.splitlines()


@pytest.mark.parametrize("header", [h for h in template_lines(r"^\| [A-Z]") if "{{" not in h])
def test_every_table_of_the_template_with_its_columns(strategy: str, header: str) -> None:
    assert header in strategy.splitlines()


@pytest.mark.parametrize("label", sorted(set(re.findall(r"\*\*[^*{]+\*\*:?", TEMPLATE))))
def test_every_label_of_the_template(strategy: str, label: str) -> None:
    assert label in strategy


def test_sections_come_in_the_template_order(strategy: str) -> None:
    headings = template_lines(r"^#{1,2} ")
    positions = [strategy.index(h + "\n") for h in headings]
    assert positions == sorted(positions)


def test_no_placeholder_left_and_grounding_footer(strategy: str) -> None:
    assert "{{" not in strategy and "}}" not in strategy
    assert re.search(r"^\*Grounding ratio: \d\.\d\d\*$", strategy, re.M)


def test_table_cells_are_escaped() -> None:
    assert cell("a | b\nc") == "a \\| b c"
    assert cell(None) == "-"


def test_golden(strategy: str) -> None:
    """The example plan's strategy, held line for line; regenerate on purpose with PARTNERKIT_REGENERATE_GOLDEN=1."""
    if REGENERATE or not GOLDEN.exists():
        GOLDEN.write_text(strategy, encoding="utf-8")
        if not REGENERATE:
            pytest.fail(f"wrote a new golden file {GOLDEN}; review it and commit it")
    expected = GOLDEN.read_text(encoding="utf-8")
    if strategy != expected:
        produced = HERE / "strategy.produced.md"
        produced.write_text(strategy, encoding="utf-8")
        diff = "".join(
            difflib.unified_diff(expected.splitlines(True), strategy.splitlines(True), "golden", "produced")
        )
        pytest.fail(f"strategy.md differs from the golden copy (kept {produced}):\n{diff[:4000]}")
