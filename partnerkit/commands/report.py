"""``partnerkit report``: write the Partnership Strategy as Markdown or Word."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from partnerkit.commands._common import load_plan_or_exit, output_file_option, output_path, plan_argument

if TYPE_CHECKING:
    from partnerkit.model import Plan

FORMATS = (".md", ".docx")


def write_chart_beside(plan: Plan, output: Path) -> Path | None:
    """Draw the roadmap's Gantt chart next to a Markdown report (``strategy-roadmap.png``), if it has activities."""
    if not plan.roadmap.activities():
        return None
    from partnerkit.io.charts import write_gantt
    from partnerkit.roadmap import schedule_roadmap
    from partnerkit.roadmap.tables import quarter_names

    chart = output.with_name(f"{output.stem}-roadmap.png")
    return write_gantt(schedule_roadmap(plan), chart, quarter_names=quarter_names(plan.roadmap))


@click.command()
@plan_argument
@output_file_option("The file to write: strategy.md (Markdown) or strategy.docx (Word).")
def report(plan: Path, output: Path) -> None:
    """Write the whole Partnership Strategy of PLAN to a Markdown or Word file.

    Every section, heading and table of the template, filled from the plan, with the grounding ratio
    in the footer.

    \b
    Example:
      partnerkit report plan.yaml -o strategy.md
      partnerkit report plan.yaml -o strategy.docx
    """
    output_path(output, plan=plan)
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise click.UsageError(f"-o {output}: write a .md or .docx file")
    loaded = load_plan_or_exit(plan)
    if suffix == ".md":
        from partnerkit.io.files import write_text_atomic
        from partnerkit.report.markdown import render_markdown

        chart = write_chart_beside(loaded, output)
        write_text_atomic(output, render_markdown(loaded, roadmap_chart=chart.name if chart else None))
        if chart:
            click.echo(f"wrote {chart}")
    else:
        from partnerkit.errors import PlanError
        from partnerkit.io.charts import render_gantt
        from partnerkit.io.word.report import write_strategy_docx
        from partnerkit.roadmap import schedule_roadmap
        from partnerkit.roadmap.tables import quarter_names

        try:
            schedule = schedule_roadmap(loaded)
        except PlanError:
            schedule = None  # the report shows the planned weeks instead
        image = None
        if schedule is not None and schedule.activities:
            image = render_gantt(schedule, "png", quarter_names=quarter_names(loaded.roadmap))
        write_strategy_docx(loaded, output, schedule=schedule, chart=image)
    click.echo(f"wrote {output}")
