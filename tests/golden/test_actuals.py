"""The strategy's Actuals section: a golden copy of its Markdown, the same figures in Word, and its chart."""

from __future__ import annotations

import difflib
import os
import zipfile
from datetime import date
from pathlib import Path

import pytest

from partnerkit.io.charts import render_actuals
from partnerkit.io.pipeline.examples import example_deals_path, example_survey_path
from partnerkit.io.planfile import example_plan_path, load
from partnerkit.io.word.report import write_strategy_docx
from partnerkit.loaded import LoadedPlan
from partnerkit.report.markdown import render, section_lines
from partnerkit.report.strategy import ACTUALS, actuals_section, build_strategy
from partnerkit.services import ActualsResult, program_actuals, read_deals, read_survey, write_strategy
from tests.golden.test_markdown_and_word_agree import markdown_sections, word_sections

HERE = Path(__file__).parent
GOLDEN = HERE / "strategy-actuals.md"
REGENERATE = os.environ.get("PARTNERKIT_REGENERATE_GOLDEN") == "1"
AS_OF = date(2026, 9, 30)


@pytest.fixture(scope="module")
def loaded() -> LoadedPlan:
    return load(example_plan_path())


@pytest.fixture(scope="module")
def actuals(loaded: LoadedPlan) -> ActualsResult:
    deals = read_deals(example_deals_path(), loaded)
    survey = read_survey(example_survey_path(), loaded)
    result = program_actuals(loaded, deals, survey, AS_OF)
    assert result.ok and result.problems == []
    return result


def test_golden_actuals_section(loaded: LoadedPlan, actuals: ActualsResult) -> None:
    """The example's Actuals section as Markdown, held line for line (docs/deals.md checks it by hand)."""
    assert loaded.plan is not None
    shown = (
        "\n".join(section_lines(actuals_section(loaded.plan, actuals, chart="strategy-actuals.png"))) + "\n"
    )
    if REGENERATE or not GOLDEN.exists():
        GOLDEN.write_text(shown, encoding="utf-8")
        if not REGENERATE:
            pytest.fail(f"wrote a new golden file {GOLDEN}; review it and commit it")
    expected = GOLDEN.read_text(encoding="utf-8")
    if shown != expected:
        produced = HERE / "strategy-actuals.produced.md"
        produced.write_text(shown, encoding="utf-8")
        diff = "".join(
            difflib.unified_diff(expected.splitlines(True), shown.splitlines(True), "golden", "produced")
        )
        pytest.fail(f"the Actuals section differs from the golden copy (kept {produced}):\n{diff[:4000]}")


def test_the_section_follows_the_success_metrics_only_with_actuals(
    loaded: LoadedPlan, actuals: ActualsResult
) -> None:
    assert loaded.plan is not None
    plain = [s.title for s in build_strategy(loaded.plan).sections]
    measured = [s.title for s in build_strategy(loaded.plan, actuals=actuals).sections]
    assert ACTUALS not in plain
    at = plain.index("Success Metrics") + 1
    assert measured == [*plain[:at], ACTUALS, *plain[at:]]
    actuals_part = build_strategy(loaded.plan, actuals=actuals).section(ACTUALS)
    assert [s.title for s in actuals_part.sections] == [
        "Metrics against Targets",
        "Partner NPS",
        "Program Economics by Tier",
    ]


def test_markdown_and_word_carry_the_same_figures(
    loaded: LoadedPlan, actuals: ActualsResult, tmp_path: Path
) -> None:
    """Both documents read back section by section say the same things, the Actuals section included."""
    assert loaded.plan is not None
    chart = render_actuals(actuals.metrics)
    assert chart is not None
    markdown = markdown_sections(render(build_strategy(loaded.plan, actuals=actuals, actuals_chart="a.png")))
    docx = write_strategy_docx(loaded.plan, tmp_path / "s.docx", actuals=actuals, actuals_chart=chart)
    word = word_sections(docx)
    assert markdown == word
    found = {path[1:]: items for path, items in markdown if path[1:2] == (ACTUALS,)}
    metrics = found[(ACTUALS, "Metrics against Targets")]
    assert (
        "row",
        "Partner-sourced revenue",
        "Year 1",
        "$1,500,000",
        "$230,200.15",
        "15.35%",
        "-$1,269,799.85",
        "to date",
    ) in metrics
    assert ("paragraph", "Actuals: target against actual, by metric and period") in metrics  # the caption
    nps = found[(ACTUALS, "Partner NPS")]
    assert ("row", "Year 1", "20.0", "5", "2", "3", "10") in nps
    economics = found[(ACTUALS, "Program Economics by Tier")]
    rows = {item[1]: item[2:] for item in economics if item[0] == "row"}
    for tier in actuals.economics_rows():
        assert rows[tier["tier"]][0] == str(tier["partners"])
    assert rows["Premier"][-1] == "$5,783.58" and rows["Strategic"][-1] == "$25,000"


def test_every_figure_of_the_actuals_lands_in_the_section(loaded: LoadedPlan, actuals: ActualsResult) -> None:
    """Each metric row's target, actual, attainment and variance, as program_actuals gives them."""
    assert loaded.plan is not None
    section = actuals_section(loaded.plan, actuals).section("Metrics against Targets")
    [table] = [b for b in section.blocks if hasattr(b, "rows")]
    shown = {(row[0], row[1]): row for row in table.rows}  # type: ignore[attr-defined]
    for row in actuals.metric_rows():
        cells = shown[(row["metric"], row["period"])]
        assert cells[4] == (row["attainment"] or "-")
        assert cells[6] == row["status"]
        if row["unit"] in ("count", "nps") and row["actual"] is not None:
            assert cells[3] == row["actual"]


def test_the_chart_is_beside_the_markdown_and_inside_the_word_document(
    loaded: LoadedPlan, actuals: ActualsResult, tmp_path: Path
) -> None:
    md = write_strategy(loaded, tmp_path / "strategy.md", actuals=actuals)
    chart = tmp_path / "strategy-actuals.png"
    assert md.paths == [tmp_path / "strategy.md", tmp_path / "strategy-roadmap.png", chart]
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert "![Actuals: target against actual, by metric and period](strategy-actuals.png)" in (
        tmp_path / "strategy.md"
    ).read_text(encoding="utf-8")
    word = write_strategy(loaded, tmp_path / "strategy.docx", actuals=actuals)
    with zipfile.ZipFile(word.document) as package:
        images = [n for n in package.namelist() if n.startswith("word/media/")]
    assert len(images) == 2  # the Gantt chart and the actuals chart
    plain = write_strategy(loaded, tmp_path / "plain.md")
    assert "## Actuals" not in plain.document.read_text(encoding="utf-8")
    assert not (tmp_path / "plain-actuals.png").exists()


def test_no_chart_without_an_actual(loaded: LoadedPlan, tmp_path: Path) -> None:
    empty = program_actuals(loaded, [], [], date(2025, 12, 31))  # before the program's first quarter
    assert {row.status for row in empty.metrics} == {"not started", "no actual"}
    assert render_actuals(empty.metrics) is None
    result = write_strategy(loaded, tmp_path / "strategy.md", actuals=empty)
    text = result.document.read_text(encoding="utf-8")
    assert "## Actuals" in text and "strategy-actuals.png" not in text
    assert not (tmp_path / "strategy-actuals.png").exists()
