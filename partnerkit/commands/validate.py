"""``partnerkit validate``: check a plan and print every problem with its place."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from partnerkit.commands._common import InputError, json_option, plan_argument, print_json, print_problems


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
    from partnerkit.claims import grounding
    from partnerkit.errors import PartnerkitError
    from partnerkit.io.planfile import load_plan_with_problems

    try:
        loaded, problems = load_plan_with_problems(plan)
    except PartnerkitError as exc:
        raise InputError(str(exc)) from None
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    ground = grounding(loaded) if loaded is not None else None
    below = ground is not None and min_grounding is not None and ground.ratio < min_grounding

    if as_json:
        print_json(
            {
                "plan": str(plan),
                "valid": not errors and not below,
                "errors": len(errors),
                "warnings": len(warnings),
                "problems": [p.to_dict() for p in problems],
                "grounding": None
                if ground is None
                else {
                    "ratio": round(ground.ratio, 4),
                    "cited": ground.cited,
                    "claims": len(ground.claims),
                    "min": min_grounding,
                    "uncited": [{"field": c.field, "claim": c.text} for c in ground.uncited],
                },
            }
        )
    else:
        print_problems(problems)
        if ground is not None:
            click.echo(
                f"grounding ratio {ground.ratio:.2f} ({ground.cited} of {len(ground.claims)} claims cite a source)"
            )
            if below:
                click.echo(
                    f"grounding {ground.ratio:.2f} is below the required {min_grounding:.2f}; uncited claims:",
                    err=True,
                )
                for claim in ground.uncited:
                    click.echo(f"  {claim.field}: {claim.text}", err=True)
        if errors or warnings:
            click.echo(f"{plan}: {len(errors)} error(s), {len(warnings)} warning(s)")
        elif not below:
            click.echo(f"{plan}: the plan is valid")
    sys.exit(1 if errors or below else 0)
