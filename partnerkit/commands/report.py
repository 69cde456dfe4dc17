"""``partnerkit report``: write the Partnership Strategy as Markdown or Word, with its actuals when given."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from partnerkit.commands._common import (
    force_option,
    load_or_exit,
    output_file_option,
    output_path,
    plan_argument,
    print_problems,
)

if TYPE_CHECKING:
    from partnerkit.loaded import LoadedPlan
    from partnerkit.services import ActualsResult, LoadedDeals

FORMATS = (".md", ".docx")


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    from partnerkit.commands.deals import as_of_date

    return as_of_date(ctx, param, value)


@click.command()
@plan_argument
@output_file_option("The file to write: strategy.md (Markdown) or strategy.docx (Word).")
@force_option
@click.option(
    "--deals",
    "deals_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The CRM's deals table (.csv or .xlsx): adds the Actuals section (docs/deals.md).",
)
@click.option(
    "--survey",
    "survey_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Partner survey responses (.csv or .xlsx), for partner NPS in the Actuals section.",
)
@click.option(
    "--as-of",
    callback=_as_of,
    metavar="DATE",
    help="Measure the actuals on this date, YYYY-MM-DD (default: today).",
)
def report(
    plan: Path,
    output: Path,
    force: bool,
    deals_path: Path | None,
    survey_path: Path | None,
    as_of: date | None,
) -> None:
    """Write the whole Partnership Strategy of PLAN to a Markdown or Word file.

    Every section, heading and table of the template, filled from the plan, with the grounding ratio
    in the footer. A Markdown strategy gets its roadmap chart beside it (strategy-roadmap.png). An
    existing strategy is never replaced without --force (the charts are always redrawn).

    With --deals the strategy gains an Actuals section: the metrics measured from the deals (and the
    survey's partner NPS) against the plan's targets, the program economics by tier of the as-of
    date's quarter, and a chart of target against actual (strategy-actuals.png beside a Markdown
    strategy). Problems in the deals or survey table are printed with their cells and nothing is
    written (exit 1).

    \b
    Example:
      partnerkit report plan.yaml -o strategy.md
      partnerkit report plan.yaml -o strategy.docx --deals crm-deals.csv --survey survey.csv --as-of 2026-09-30
    """
    from partnerkit.services import write_strategy

    output_path(output, plan=plan)
    if output.suffix.lower() not in FORMATS:
        raise click.UsageError(f"-o {output}: write a .md or .docx file")
    if deals_path is None and (survey_path is not None or as_of is not None):
        raise click.UsageError("--survey and --as-of measure the actuals: give the deals table with --deals")
    if deals_path is None:
        loaded, actuals = load_or_exit(plan), None
    else:
        from partnerkit.commands.deals import load_deals_or_exit

        loaded, deals = load_deals_or_exit(plan, deals_path)
        actuals = actuals_or_exit(loaded, deals, survey_path, as_of or date.today())
    result = write_strategy(loaded, output, force=force, actuals=actuals)
    print_problems(result.problems)  # warnings: text left out of the document, at its field
    for path in reversed(result.paths):
        click.echo(f"wrote {path}")


def actuals_or_exit(
    loaded: LoadedPlan, deals: LoadedDeals, survey_path: Path | None, as_of: date
) -> ActualsResult:
    """The program's actuals on ``as_of``, their warnings printed; exit 1 when the survey or they have errors."""
    from partnerkit.errors import ProblemsFound
    from partnerkit.services import program_actuals, read_survey

    responses = None
    if survey_path is not None:
        responses = read_survey(survey_path, loaded)
        if not responses.ok:
            print_problems(responses.problems)
            count = sum(1 for p in responses.problems if p.is_error)
            raise ProblemsFound(
                f"{survey_path}: {count} problem(s) in the survey responses; nothing written."
            )
    actuals = program_actuals(loaded, deals, responses or (), as_of)
    print_problems(actuals.problems)
    if not actuals.ok:
        raise ProblemsFound("the deals cannot be measured (problems above); nothing written.")
    return actuals
