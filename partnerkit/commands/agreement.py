"""``partnerkit agreement``: one partner's draft agreement as a Word document."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from partnerkit.commands._common import (
    json_option,
    load_or_exit,
    output_file_option,
    output_path,
    plan_argument,
    print_json,
    print_problems,
)


@click.command()
@plan_argument
@click.option("--partner", "partner_name", required=True, metavar="NAME", help="The partner to draft for.")
@output_file_option("The .docx to write.")
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your own .docx template (see 'partnerkit templates export'); rendered with time and memory limits.",
)
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="The draft's date (default: the plan's date)."
)
@json_option
def agreement(
    plan: Path,
    partner_name: str,
    output: Path,
    template: Path | None,
    as_of: datetime | None,
    as_json: bool,
) -> None:
    """Write the draft agreement of one partner of PLAN as a Word document.

    Integration partners get the Integration Partnership Agreement, distribution partners the
    Reseller Partnership Agreement, from the default templates or from --template. A partner whose
    terms have lint errors ('partnerkit terms PLAN --partner NAME') gets no draft: exit 1.

    \b
    Examples:
      partnerkit agreement plan.yaml --partner "Northwind ERP" -o northwind.docx
      partnerkit agreement plan.yaml --partner "Brightline Advisory" -o draft.docx --template ours.docx
    """
    from partnerkit.errors import ProblemsFound
    from partnerkit.services import draft_agreement

    if output.suffix.lower() != ".docx":
        raise click.UsageError(f"-o {output}: write a .docx file")
    output_path(output, plan=plan)
    loaded = load_or_exit(plan, quiet_warnings=True)
    result = draft_agreement(
        loaded, partner_name, output, template=template, as_of=as_of.date() if as_of else None
    )
    terms = result.terms
    if result.draft is None:
        for finding in result.findings:
            click.echo(str(finding), err=True)
        raise ProblemsFound(
            f"no draft written: {len(result.errors)} error(s) in {terms.partner_name}'s terms"
        )
    draft = result.draft
    if as_json:
        print_json(
            {
                "path": str(draft.path),
                "partner": draft.partner,
                "agreement": draft.kind,
                "changes": [d.to_dict() for d in terms.deviations()],
                "warnings": [p.to_dict() for p in result.problems],
            }
        )
        return
    print_problems(result.problems)
    click.echo(f"wrote {draft.path} ({terms.title} for {draft.partner})")
