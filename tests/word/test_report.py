"""The strategy in Word: every section of the template as a real heading, real tables, links, TOC, footer."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnerkit.claims import grounding
from partnerkit.cli import cli
from partnerkit.deals import build_terms
from partnerkit.io.planfile import example_plan_path
from partnerkit.io.word.outline import outline
from partnerkit.io.word.report import write_strategy_docx
from partnerkit.model import Plan, format_percent

TEMPLATE = (Path(__file__).parent.parent / "fixtures" / "partnership-strategy-template.md").read_text(
    encoding="utf-8"
)
HEADING_STYLE = {"#": "Title", "##": "Heading 1", "###": "Heading 2"}


@pytest.fixture(scope="module")
def strategy_docx(example_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_strategy_docx(example_plan, tmp_path_factory.mktemp("strategy") / "strategy.docx")


@pytest.fixture(scope="module")
def strategy_outline(strategy_docx: Path) -> list[str]:
    return outline(strategy_docx)


@pytest.fixture(scope="module")
def bold_texts(strategy_docx: Path) -> set[str]:
    from docx import Document

    document = Document(str(strategy_docx))
    return {
        run.text.strip()
        for paragraph in document.paragraphs
        for run in paragraph.runs
        if run.bold and run.text.strip()
    }


@pytest.mark.parametrize(
    "marks, heading", re.findall(r"^(#{1,3}) (.+)$", TEMPLATE, re.M), ids=lambda v: v.strip("#") or None
)
def test_every_heading_of_the_template_with_its_level(
    strategy_outline: list[str], marks: str, heading: str
) -> None:
    assert f"[{HEADING_STYLE[marks]}] {heading}" in strategy_outline


@pytest.mark.parametrize(
    "header", [h.strip() for h in re.findall(r"^\| [A-Z].*$", TEMPLATE, re.M) if "{{" not in h]
)
def test_every_table_of_the_template_with_its_columns(strategy_outline: list[str], header: str) -> None:
    lines = strategy_outline
    assert header in [lines[i + 1] for i, line in enumerate(lines) if line == "<table>"]


@pytest.mark.parametrize("label", sorted(set(re.findall(r"\*\*([^*{]+)\*\*:", TEMPLATE))))
def test_every_label_of_the_template_in_bold(bold_texts: set[str], label: str) -> None:
    assert f"{label}:" in bold_texts


def test_report_outline_matches_golden(
    example_plan: Plan, tmp_path: Path, check_golden: Callable[..., None]
) -> None:
    path = write_strategy_docx(example_plan, tmp_path / "strategy.docx")
    check_golden("strategy-report", outline(path), path)


def test_every_section_of_the_template_is_a_real_heading(example_plan: Plan, tmp_path: Path) -> None:
    lines = outline(write_strategy_docx(example_plan, tmp_path / "s.docx"))
    level1 = [line.removeprefix("[Heading 1] ") for line in lines if line.startswith("[Heading 1] ")]
    assert level1 == [
        "Executive Summary",
        "Partnership Philosophy",
        "Partnership Categories",
        "Partnership Tiers",
        "Deal Framework Templates",
        "Prioritized Roadmap",
        "Success Metrics",
        "Assumptions Log",
        "Sources",
    ]
    level2 = {line.removeprefix("[Heading 2] ") for line in lines if line.startswith("[Heading 2] ")}
    assert {
        "Integration Partners",
        "Distribution Partners",
        "Ecosystem Partners",
        "Tier 1: Strategic Partners",
        "Integration Partnership Agreement",
        "Reseller Partnership Agreement",
        "Q1: Foundation",
        "Q2: Expansion",
        "Q3-Q4: Scale",
    } <= level2


def test_every_table_of_the_template_is_a_real_table(example_plan: Plan, tmp_path: Path) -> None:
    lines = outline(write_strategy_docx(example_plan, tmp_path / "s.docx"))
    headers = [lines[i + 1] for i, line in enumerate(lines) if line == "<table>"]
    for header in [
        "| Partner | Type | Their Value | Our Value | Priority | Status | Rationale |",
        "| Partner | Type | Customer Base | Margin | Priority | Status | Rationale |",
        "| Organization | Type | Benefit | Cost | Priority | Status |",
        "| Week | Activity | Partner Type | Goal |",
        "| Metric | Q1 Target | Q2 Target | Year 1 Target |",
        "| Assumption | Confidence | Validation Method |",
        "| Source | Type | Date | URL |",
    ]:
        assert header in headers, header
    top = example_plan.tiers_by_level()[0]
    assert top.benefits.revenue_share is not None and top.benefits.partner_discount is not None
    share, discount = (
        format_percent(top.benefits.revenue_share),
        format_percent(top.benefits.partner_discount),
    )
    assert any(line.startswith(f"| {top.name} | ") and f"| {share} | {discount} |" in line for line in lines)
    brightline = build_terms(example_plan, "Brightline Advisory")
    row = [
        line for line in lines if line.startswith("| Brightline Advisory | Reseller Partnership Agreement |")
    ]
    assert len(row) == 1
    assert f"Discount {brightline.term('partner_discount').display}" in row[0]
    assert row[0].endswith(" | Protection period |")  # its one change to the standard terms


def test_toc_links_and_grounding_footer(example_plan: Plan, tmp_path: Path) -> None:
    path = write_strategy_docx(example_plan, tmp_path / "s.docx")
    lines = outline(path)
    assert "[Normal] {TOC}" in lines
    ratio = grounding(example_plan).ratio
    assert (
        f"footer: [Footer] Partnership Strategy: Ledgerly. Grounding ratio: {ratio:.2f}. Page {{PAGE}}"
        in lines
    )
    with zipfile.ZipFile(path) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
        body = archive.read("word/document.xml").decode()
    linked = sorted(re.findall(r'Target="(https?://[^"]+)" TargetMode="External"', rels))
    assert linked == sorted(s.url for s in example_plan.sources if s.url)
    assert body.count("<w:hyperlink ") == len(linked)


def test_scheduled_roadmap_and_chart(example_plan: Plan, tmp_path: Path) -> None:
    from partnerkit.io.charts import render_gantt
    from partnerkit.roadmap import schedule_roadmap

    schedule = schedule_roadmap(example_plan)
    chart = render_gantt(schedule, "png")
    lines = outline(write_strategy_docx(example_plan, tmp_path / "s.docx", schedule=schedule, chart=chart))
    roadmap = lines[lines.index("[Heading 1] Prioritized Roadmap") :]
    assert roadmap[1].startswith(f"[Normal] Scheduled over {schedule.makespan_weeks} weeks")
    assert "[Caption] Roadmap: activities by week, critical path highlighted" in roadmap
    first = schedule.activities[0]
    assert any(line.startswith("| 1-2 | ") and first.name in line for line in roadmap)
    with zipfile.ZipFile(tmp_path / "s.docx") as archive:
        assert any(name.startswith("word/media/") for name in archive.namelist())
    plain = outline(write_strategy_docx(example_plan, tmp_path / "plain.docx"))
    assert "[Caption] Roadmap: activities by week, critical path highlighted" not in plain
    assert roadmap[1] in plain  # scheduled by default, without the chart


def test_a_roadmap_that_cannot_be_scheduled_falls_back_to_planned_weeks(
    example_plan: Plan, tmp_path: Path
) -> None:
    import pytest

    from partnerkit.errors import PlanError
    from partnerkit.roadmap import schedule_roadmap

    phase = example_plan.roadmap.phases[0]
    first = phase.activities[0].model_copy(update={"depends_on": [phase.activities[-1].id]})  # a cycle
    phases = [
        phase.model_copy(update={"activities": [first, *phase.activities[1:]]}),
        *example_plan.roadmap.phases[1:],
    ]
    plan = example_plan.model_copy(
        update={"roadmap": example_plan.roadmap.model_copy(update={"phases": phases})}
    )
    with pytest.raises(PlanError):
        schedule_roadmap(plan)
    lines = outline(write_strategy_docx(plan, tmp_path / "s.docx", chart=b"not drawn"))
    roadmap = lines[lines.index("[Heading 1] Prioritized Roadmap") :]
    assert roadmap[1] == "[Heading 2] Q1: Foundation"  # no "Scheduled over" line, no chart
    assert "| 1-2 | Partner program structure | All | Finalize tiers and terms |" in roadmap


def test_report_command_writes_word(tmp_path: Path) -> None:
    out = tmp_path / "strategy.docx"
    result = CliRunner().invoke(cli, ["report", str(example_plan_path()), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert outline(out)[2] == "[Title] Partnership Strategy"


def test_actuals_outline_matches_golden(tmp_path: Path, check_golden: Callable[..., None]) -> None:
    """The Word strategy's Actuals section, from its heading to the next one of its level, held as an outline."""
    from datetime import date

    from partnerkit.io.pipeline.examples import example_deals_path, example_survey_path
    from partnerkit.io.planfile import load
    from partnerkit.services import program_actuals, read_deals, read_survey, write_strategy

    loaded = load(example_plan_path())
    deals, survey = read_deals(example_deals_path(), loaded), read_survey(example_survey_path(), loaded)
    actuals = program_actuals(loaded, deals, survey, date(2026, 9, 30))
    path = write_strategy(loaded, tmp_path / "strategy.docx", actuals=actuals).document
    lines = outline(path)
    start = lines.index("[Heading 1] Actuals")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("[Heading 1] "))
    assert lines[end] == "[Heading 1] Assumptions Log"
    check_golden("strategy-actuals", lines[start:end], path)
