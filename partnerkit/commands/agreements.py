"""``partnerkit agreements``: every partner's draft agreement, in one folder, on every core."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from partnerkit.commands._common import err_console, json_option, load_or_exit, plan_argument, print_json


@click.command()
@plan_argument
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The folder to write the drafts into (created if needed).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes to render with (default: every core for large batches).",
)
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="The drafts' date (default: the plan's date)."
)
@json_option
def agreements(plan: Path, outdir: Path, workers: int | None, as_of: datetime | None, as_json: bool) -> None:
    """Write a draft agreement for every integration and distribution partner of PLAN into a folder.

    Partners whose terms have lint errors are skipped and listed with the reasons (exit 1); the others
    are written. Each file is complete or absent: it is written under a temporary name, then renamed.

    \b
    Example:
      partnerkit agreements plan.yaml -o drafts/
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from partnerkit.errors import ProblemsFound
    from partnerkit.services import draft_agreements
    from partnerkit.services.agreements import agreement_count

    loaded = load_or_exit(plan, quiet_warnings=True)
    total = agreement_count(loaded)
    with Progress(
        TextColumn("drafting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=err_console(),
        transient=True,
        disable=as_json,
    ) as bar:
        task = bar.add_task("", total=total)
        result = draft_agreements(
            loaded,
            outdir,
            as_of=as_of.date() if as_of else None,
            workers=workers,
            progress=lambda name: bar.update(task, advance=1, description=name),
        )
    if as_json:
        print_json(
            {
                "written": [
                    {"partner": d.partner, "agreement": d.kind, "path": str(d.path)} for d in result.written
                ],
                "skipped": [{"partner": s.partner, "reasons": s.reasons} for s in result.skipped],
                "warnings": [p.to_dict() for p in result.problems],
            }
        )
    else:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        click.echo(f"wrote {len(result.written)} draft(s) to {outdir}")
        if result.skipped:
            click.echo(f"skipped {len(result.skipped)} partner(s) whose terms have errors:")
            for skipped in result.skipped:
                click.echo(f"  {skipped.partner}:")
                for reason in skipped.reasons:
                    click.echo(f"    - {reason}")
    if result.skipped:
        raise ProblemsFound()
