"""``partnerkit report``: write the Partnership Strategy as Markdown or Word."""

from __future__ import annotations

from pathlib import Path

import click

from partnerkit.commands._common import (
    force_option,
    load_or_exit,
    output_file_option,
    output_path,
    plan_argument,
    print_problems,
)

FORMATS = (".md", ".docx")


@click.command()
@plan_argument
@output_file_option("The file to write: strategy.md (Markdown) or strategy.docx (Word).")
@force_option
def report(plan: Path, output: Path, force: bool) -> None:
    """Write the whole Partnership Strategy of PLAN to a Markdown or Word file.

    Every section, heading and table of the template, filled from the plan, with the grounding ratio
    in the footer. A Markdown strategy gets its roadmap chart beside it (strategy-roadmap.png). An
    existing strategy is never replaced without --force (the chart is always redrawn).

    \b
    Example:
      partnerkit report plan.yaml -o strategy.md
      partnerkit report plan.yaml -o strategy.docx
    """
    from partnerkit.services import write_strategy

    output_path(output, plan=plan)
    if output.suffix.lower() not in FORMATS:
        raise click.UsageError(f"-o {output}: write a .md or .docx file")
    result = write_strategy(load_or_exit(plan), output, force=force)
    print_problems(result.problems)  # warnings: text left out of the document, at its field
    for path in reversed(result.paths):
        click.echo(f"wrote {path}")
