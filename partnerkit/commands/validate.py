"""``partnerkit validate``: check a plan and print every problem with its place."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from partnerkit.commands._common import (
    json_option,
    load_for_command,
    plan_argument,
    print_json,
    print_problems,
)

if TYPE_CHECKING:
    from partnerkit.services import PlanCheck


@click.command()
@plan_argument
@json_option
@click.option(
    "--min-grounding",
    type=click.FloatRange(0, 1),
    default=None,
    metavar="RATIO",
    help="Fail when fewer than this share of claims cite a source (e.g. 0.8); lists the uncited claims.",
)
def validate(plan: Path, as_json: bool, min_grounding: float | None) -> None:
    """Check PLAN and print every problem as FILE:LINE:COL: field: message.

    Exits 0 when the plan is clean (warnings allowed), 1 when it has errors (or its grounding is
    below --min-grounding), 2 when the file cannot be read.

    \b
    Example:
      partnerkit validate plan.yaml
      partnerkit validate plan.yaml --min-grounding 0.8 --json
    """
    from partnerkit.errors import ProblemsFound
    from partnerkit.services import check_plan

    result = check_plan(load_for_command(plan), min_grounding=min_grounding)
    if as_json:
        print_json(result.to_dict())
    else:
        _print(plan, result)
    if not result.valid:
        raise ProblemsFound()


def _print(plan: Path, result: PlanCheck) -> None:
    print_problems(result.problems)
    ground = result.grounding
    if ground is not None:
        click.echo(
            f"grounding ratio {ground.ratio:.2f} ({ground.cited} of {len(ground.claims)} claims cite a source)"
        )
        if result.below_grounding:
            click.echo(
                f"grounding {ground.ratio:.2f} is below the required {result.min_grounding:.2f}; uncited claims:",
                err=True,
            )
            for claim in ground.uncited:
                click.echo(f"  {claim.field}: {claim.text}", err=True)
    if result.problems:
        click.echo(f"{plan}: {len(result.errors)} error(s), {len(result.warnings)} warning(s)")
    elif not result.below_grounding:
        what = "tier program" if result.program else "plan"
        click.echo(f"{plan}: the {what} is valid")
