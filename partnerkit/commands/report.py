"""``partnerkit report``: write the Partnership Strategy as Markdown or Word."""

from __future__ import annotations

from pathlib import Path

import click

from partnerkit.commands._common import load_plan_or_exit, output_path, plan_argument

FORMATS = (".md", ".docx")


@click.command()
@plan_argument
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write: strategy.md (Markdown) or strategy.docx (Word).",
)
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

        write_text_atomic(output, render_markdown(loaded))
    else:
        from partnerkit.io.word.report import write_strategy_docx

        write_strategy_docx(loaded, output)
    click.echo(f"wrote {output}")
