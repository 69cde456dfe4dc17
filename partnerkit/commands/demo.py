"""``partnerkit demo``: everything partnerkit makes, from the built-in example plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from partnerkit.model import Plan

# Each step writes some files into the output folder and returns their paths. A capability adds
# its output to the demo by adding a step here.
Step = Callable[[Plan, Path], list[Path]]


def write_plan(plan: Plan, outdir: Path) -> list[Path]:
    """The example plan itself, as an editable YAML file."""
    from partnerkit.io.files import write_bytes_atomic
    from partnerkit.io.planfile import example_plan_path

    target = outdir / "plan.yaml"
    source = example_plan_path().read_bytes()
    if target.exists() and target.read_bytes() != source:
        # The user may have edited the demo plan: keep their edits, never overwrite them.
        click.echo(
            f"kept {target} (it differs from the example; delete it to get the example back)", err=True
        )
        return []
    write_bytes_atomic(target, source)
    return [target]


def write_roadmap_chart(plan: Plan, outdir: Path) -> list[Path]:
    """The scheduled roadmap as a Gantt chart."""
    from partnerkit.io.charts import write_gantt
    from partnerkit.roadmap import schedule_roadmap
    from partnerkit.roadmap.tables import quarter_names

    schedule = schedule_roadmap(plan)
    return [write_gantt(schedule, outdir / "roadmap.png", quarter_names=quarter_names(plan.roadmap))]


def write_strategy_markdown(plan: Plan, outdir: Path) -> list[Path]:
    """The strategy in Markdown (showing the roadmap chart when the demo drew it)."""
    from partnerkit.io.files import write_text_atomic
    from partnerkit.report.markdown import render_markdown

    chart = "roadmap.png" if (outdir / "roadmap.png").exists() else None
    return [write_text_atomic(outdir / "strategy.md", render_markdown(plan, roadmap_chart=chart))]


def write_strategy_word(plan: Plan, outdir: Path) -> list[Path]:
    """The strategy in Word (with the roadmap chart when the demo drew it)."""
    from partnerkit.io.word.report import write_strategy_docx

    chart = outdir / "roadmap.png"
    return [write_strategy_docx(plan, outdir / "strategy.docx", chart=chart if chart.exists() else None)]


def write_agreement_drafts(plan: Plan, outdir: Path) -> list[Path]:
    """A draft agreement in Word for every integration and distribution partner."""
    from partnerkit.io.word.batch import render_all_agreements

    result = render_all_agreements(plan, outdir / "agreements")
    for skipped in result.skipped:
        click.echo(f"no draft for {skipped.partner}: {'; '.join(skipped.reasons)}", err=True)
    return [draft.path for draft in result.written]


def write_tier_reports(plan: Plan, outdir: Path) -> list[Path]:
    """Each partner's tier with reasons and gaps, and the tier review, on the example's review date."""
    from partnerkit.commands.tiers import EXAMPLE_REVIEW_DATE, write_tier_reports

    return write_tier_reports(plan, outdir, EXAMPLE_REVIEW_DATE)


def write_terms_json(plan: Plan, outdir: Path) -> list[Path]:
    """Every partner's deal terms, their origins and lint findings, as `partnerkit terms --json` prints them."""
    import json

    from partnerkit.deals.review import review_terms
    from partnerkit.io.files import write_text_atomic

    data = {"partners": [r.to_dict() for r in review_terms(plan)]}
    return [write_text_atomic(outdir / "terms.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")]


def write_workbook(plan: Plan, outdir: Path) -> list[Path]:
    """The planning workbook with its buttons and companion module (an .xlsx without xlwings)."""
    from partnerkit.errors import WorkbookError
    from partnerkit.io.workbook.build import build_workbook
    from partnerkit.io.workbook.companion import write_companion

    target = outdir / "planner.xlsm"
    if target.exists():
        # The user may have worked in the demo workbook: never overwrite it.
        click.echo(f"kept {target} (delete it to get a fresh one)", err=True)
        return []
    try:
        build_workbook(plan, target)
    except WorkbookError as exc:
        click.echo(f"no planner.xlsm: {exc}; wrote plan.xlsx without buttons instead", err=True)
        return [build_workbook(plan, outdir / "plan.xlsx", macros=False)]
    companion, _ = write_companion(target)
    return [target, companion]


STEPS: list[tuple[str, Step]] = [
    ("example plan", write_plan),
    ("roadmap Gantt chart", write_roadmap_chart),
    ("strategy (Markdown)", write_strategy_markdown),
    ("strategy (Word)", write_strategy_word),
    ("agreement draft (Word)", write_agreement_drafts),
    ("tiers and tier review", write_tier_reports),
    ("deal terms (JSON)", write_terms_json),
    ("planning workbook", write_workbook),
]


@click.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def demo(outdir: Path) -> None:
    """Write everything partnerkit produces from the built-in example plan into OUTDIR.

    \b
    Example:
      partnerkit demo out/
    """
    from partnerkit.io.planfile import load_example_plan

    outdir.mkdir(parents=True, exist_ok=True)
    plan = load_example_plan()
    written: list[tuple[str, Path]] = []
    for label, step in STEPS:
        written += [(label, path) for path in step(plan, outdir)]
    click.echo(
        f"partnerkit demo: {len(written)} file(s) from the example plan ({plan.product.name}) in {outdir}"
    )
    for label, path in written:
        click.echo(f"  {path}  ({label})")
