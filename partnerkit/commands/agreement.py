"""``partnerkit agreement``: one partner's draft agreement as a Word document."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from partnerkit.commands._common import (
    InputError,
    json_option,
    load_plan_or_exit,
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
    from partnerkit.deals import NoAgreementError, UnknownPartnerError, build_terms
    from partnerkit.deals.lint import lint_terms
    from partnerkit.errors import TemplateError
    from partnerkit.io.word.agreement import render_terms

    if output.suffix.lower() != ".docx":
        raise click.UsageError(f"-o {output}: write a .docx file")
    output_path(output, plan=plan)
    loaded = load_plan_or_exit(plan, quiet_warnings=True)
    try:
        terms = build_terms(loaded, partner_name)
    except (UnknownPartnerError, NoAgreementError) as exc:
        raise click.BadParameter(str(exc), param_hint="--partner") from None
    findings = lint_terms(terms)
    errors = [f for f in findings if f.is_error]
    if errors:
        for finding in findings:
            click.echo(str(finding), err=True)
        click.echo(f"no draft written: {len(errors)} error(s) in {terms.partner_name}'s terms", err=True)
        sys.exit(1)
    try:
        draft = render_terms(
            terms, output, as_of=as_of.date() if as_of else loaded.product.date, template=template
        )
    except TemplateError as exc:
        raise InputError(str(exc)) from None
    warnings = [*(f.to_problem() for f in findings), *draft.problems]
    if as_json:
        print_json(
            {
                "path": str(draft.path),
                "partner": draft.partner,
                "agreement": draft.kind,
                "changes": [d.to_dict() for d in terms.deviations()],
                "warnings": [p.to_dict() for p in warnings],
            }
        )
        return
    print_problems(warnings)
    click.echo(f"wrote {draft.path} ({terms.title} for {draft.partner})")
