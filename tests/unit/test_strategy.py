"""The strategy built once as plain data: no Markdown in its text, and each renderer's part comes from it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from partnerkit.model import Plan
from partnerkit.report.document import Bullets, LabelledLine, Link, ListItem, Table
from partnerkit.report.markdown import render_markdown, roadmap_lines
from partnerkit.report.strategy import build_strategy, roadmap_schedule


def strings(value: object) -> Iterator[str]:
    """Every string held anywhere in a document's dataclasses and tuples."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from strings(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from strings(item)


def test_the_document_holds_plain_text_only(example_plan: Plan) -> None:
    held = list(strings(build_strategy(example_plan)))
    assert len(held) > 500
    for text in held:
        assert "**" not in text and "\\|" not in text and "](" not in text, text
        assert not text.startswith(("- ", "# ", "#", "|", "*")), text


def test_labels_and_links_are_structure(example_plan: Plan) -> None:
    document = build_strategy(example_plan)
    assert document.details[0] == LabelledLine("Product", "Ledgerly")
    philosophy = document.section("Partnership Philosophy")
    goals = philosophy.blocks[1]
    assert isinstance(goals, Bullets) and goals.numbered and goals.label == "Strategic Goals"
    reseller = document.section("Deal Framework Templates").section("Reseller Partnership Agreement")
    terms = reseller.blocks[0]
    assert isinstance(terms, Bullets) and terms.label == "Key Terms"
    registration = next(i for i in terms.items if i.line == LabelledLine("Deal Registration"))
    assert isinstance(registration, ListItem)
    assert LabelledLine(
        "Protection period", "90 days; registered deals earn 10% extra discount", strong=False
    ) in (registration.items)
    table = document.section("Sources").blocks[0]
    assert isinstance(table, Table)
    urls = [row[3] for row in table.rows]
    assert Link("https://www.getmonetizely.com/", "https://www.getmonetizely.com/") in urls
    assert "-" in urls  # an internal source without an address


def test_a_statement_criterion_is_one_line_in_both(example_plan: Plan) -> None:
    tier = build_strategy(example_plan).section("Partnership Tiers").section("Tier 3: Registered Partners")
    criteria = tier.blocks[0]
    assert isinstance(criteria, Bullets) and criteria.label == "Criteria"
    assert criteria.items[0].line == "Signed partner agreement"


def test_roadmap_lines_are_the_roadmap_section_of_the_strategy(example_plan: Plan) -> None:
    section = "\n".join(roadmap_lines(example_plan))
    assert section.startswith("## Prioritized Roadmap\n")
    assert f"\n{section}\n\n---\n\n## Success Metrics\n" in render_markdown(example_plan)


def test_the_roadmap_falls_back_to_the_planned_weeks_in_one_place(example_plan: Plan) -> None:
    plan = example_plan.model_copy(deep=True)
    plan.roadmap.phases[0].activities[0].depends_on = ["portal"]  # portal depends on it: a cycle
    assert roadmap_schedule(plan) is None
    section = build_strategy(plan, roadmap_chart="roadmap.png").section("Prioritized Roadmap")
    assert section.blocks == ()  # neither the schedule's summary nor a chart of a schedule that is not
    assert [s.title for s in section.sections] == ["Q1: Foundation", "Q2: Expansion", "Q3-Q4: Scale"]
    assert roadmap_schedule(example_plan) is not None
