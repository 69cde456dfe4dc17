"""The Markdown and the Word strategy say the same things, section by section, modulo formatting.

Each output is read back the way a reader meets it (the Markdown parsed by markdown-it-py, the .docx
read by python-docx) and reduced to one list per section of paragraphs, list entries (with their
depth) and table rows; the two lists must be equal.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from partnerkit.io.word.report import write_strategy_docx
from partnerkit.model import Plan
from partnerkit.report.markdown import render_markdown

Item = tuple[object, ...]
Sections = list[tuple[tuple[str, ...], list[Item]]]


def _norm(text: str) -> str:
    return " ".join(text.split())


class _Reduced:
    """Sections as (heading path, items), filled in reading order."""

    def __init__(self) -> None:
        self.sections: Sections = []
        self.path: tuple[str, ...] = ()

    def heading(self, level: int, title: str) -> None:
        self.path = (*self.path[: level - 1], _norm(title))
        self.sections.append((self.path, []))

    def add(self, *item: object) -> None:
        assert self.sections, f"{item} comes before the title"
        self.sections[-1][1].append(item)


def markdown_sections(text: str) -> Sections:
    """The Markdown strategy read back: headings by level (# is the title), paragraphs by line."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    out = _Reduced()
    depth = 0
    row: list[str] | None = None
    for number, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "heading_open":
            # The heading as shown (its text), not as written (escapes included).
            shown = "".join(c.content for c in tokens[number + 1].children or [] if c.type == "text")
            out.heading(int(token.tag[1]), shown)
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            assert row is not None
            out.add("row", *row)
            row = None
        elif token.type == "inline" and tokens[number - 1].type != "heading_open":
            lines = [""]
            for child in token.children or []:
                if child.type in ("softbreak", "hardbreak"):
                    lines.append("")
                elif child.type == "image":
                    lines[-1] += child.content  # the alt text, which is the figure's caption
                elif child.type in ("text", "code_inline"):
                    lines[-1] += child.content
            if row is not None:
                row.append(_norm("".join(lines)))
            elif depth:
                out.add("entry", depth, _norm(" ".join(lines)))
            else:
                for line in lines:
                    out.add("paragraph", _norm(line))
    return out.sections


LIST_DEPTH = {"List Bullet": 1, "List Number": 1, "List Bullet 2": 2, "List Number 2": 2}


def word_sections(source: Path) -> Sections:
    """The Word strategy read back: Title and Heading N paragraphs as headings, the contents skipped."""
    from docx import Document
    from docx.table import Table

    document = Document(BytesIO(source.read_bytes()))
    out = _Reduced()
    in_contents = False
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for table_row in block.rows:
                out.add("row", *[_norm(cell.text) for cell in table_row.cells])
            continue
        style = block.style.name if block.style is not None else "Normal"
        text = _norm(block.text)
        if style == "Title":
            out.heading(1, text)
        elif style.startswith("Heading "):
            in_contents = False
            out.heading(int(style.removeprefix("Heading ")) + 1, text)
        elif style == "TOC Heading":
            in_contents = True  # the table of contents lists the headings again; Markdown has none
        elif in_contents or not text:
            continue
        elif style in LIST_DEPTH:
            out.add("entry", LIST_DEPTH[style], text)
        else:
            out.add("paragraph", text)
    return out.sections


def _variants(plan: Plan) -> Iterator[tuple[str, Plan]]:
    yield "example", plan
    edited = plan.model_copy(deep=True)
    edited.metrics[0].actual_q1 = Decimal(4)
    edited.metrics[2].actual_year1 = Decimal(1_250_000)
    edited.roadmap.phases[0].activities[0].depends_on = ["portal"]  # portal depends on it: a cycle
    top = edited.tiers_by_level()[-1]
    top.criteria = []
    assert edited.roadmap.scale is not None
    edited.roadmap.scale.tier_targets = {}
    edited.roadmap.scale.partner_revenue_share = None
    yield "actuals, planned weeks, empty lists", edited


@pytest.fixture(scope="module", params=["example", "actuals, planned weeks, empty lists"])
def both(
    request: pytest.FixtureRequest, example_plan: Plan, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Sections, Sections]:
    plan = dict(_variants(example_plan))[request.param]
    docx = write_strategy_docx(plan, tmp_path_factory.mktemp("agree") / "strategy.docx")
    return markdown_sections(render_markdown(plan)), word_sections(docx)


def test_the_same_sections_in_the_same_order(both: tuple[Sections, Sections]) -> None:
    markdown, word = both
    assert [path for path, _ in markdown] == [path for path, _ in word]
    assert len(markdown) >= 20


def test_every_section_says_the_same_things(both: tuple[Sections, Sections]) -> None:
    markdown, word = both
    pairs = list(zip(markdown, word, strict=True))
    differing = [(path, md, wd) for (path, md), (_, wd) in pairs if md != wd]
    if differing:
        _, md, wd = differing[0]
        names = "; ".join(" > ".join(p) for p, _, _ in differing)
        assert md == wd, f"Markdown and Word differ in {len(differing)} sections: {names}"


def test_the_reduction_sees_what_the_documents_say(both: tuple[Sections, Sections]) -> None:
    """Guards the test above: labels, nested entries, table rows and the closing lines are all read."""
    markdown, _ = both
    found = dict(markdown)
    title = found[("Partnership Strategy",)]
    assert ("paragraph", "Product: Ledgerly") in title
    integration = found[
        ("Partnership Strategy", "Deal Framework Templates", "Integration Partnership Agreement")
    ]
    assert ("paragraph", "Key Terms:") in integration
    assert any(item[:2] == ("entry", 2) and str(item[2]).startswith("Our side: ") for item in integration)
    sources = found[("Partnership Strategy", "Sources")]
    assert sources[0] == ("row", "Source", "Type", "Date", "URL")
    assert str(sources[-1][1]).startswith("Grounding ratio: ")  # the closing lines come last


def test_the_chart_has_the_same_caption_in_both(example_plan: Plan, tmp_path: Path) -> None:
    from partnerkit.io.charts import render_gantt
    from partnerkit.roadmap import schedule_roadmap

    png = render_gantt(schedule_roadmap(example_plan), "png")
    docx = write_strategy_docx(example_plan, tmp_path / "s.docx", chart=png)
    roadmap = ("Partnership Strategy", "Prioritized Roadmap")
    markdown = dict(markdown_sections(render_markdown(example_plan, roadmap_chart="roadmap.png")))[roadmap]
    word = dict(word_sections(docx))[roadmap]
    assert markdown == word
    assert ("paragraph", "Roadmap: activities by week, critical path highlighted") in markdown
