"""``partnerkit agreement``: one partner's draft agreement as a Word document, and ``agreement compare``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from partnerkit.commands._common import (
    DefaultGroup,
    console,
    force_option,
    json_option,
    load_or_exit,
    output_file_option,
    output_path,
    pdf_option,
    plan_argument,
    print_json,
    print_problems,
)

if TYPE_CHECKING:
    from partnerkit.deals.compare import Comparison

template_option = click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Legal's .docx template (overrides the plan's documents.templates); rendered with time and memory limits.",
)
as_of_option = click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="The draft's date (default: the plan's date)."
)
partner_option = click.option("--partner", "partner_name", required=True, metavar="NAME", help="The partner.")


class AgreementGroup(DefaultGroup):
    """``agreement PLAN --partner NAME -o FILE`` drafts; ``agreement compare ...`` compares a returned draft."""

    default_command = "draft"


@click.group(cls=AgreementGroup, no_args_is_help=True)
def agreement() -> None:
    """One partner's draft agreement, and a draft that came back from the partner compared with it.

    \b
    partnerkit agreement PLAN --partner NAME -o FILE.docx [--template FILE] [--force] [--pdf]
    partnerkit agreement compare PLAN --partner NAME RETURNED.docx [--json] [-o REDLINE.docx]

    \b
    Examples:
      partnerkit agreement plan.yaml --partner "Northwind ERP" -o northwind.docx
      partnerkit agreement compare plan.yaml --partner "Northwind ERP" returned.docx -o redline.docx

    Run 'partnerkit agreement draft --help' or 'partnerkit agreement compare --help' for every option.
    """


@agreement.command("draft")
@plan_argument
@partner_option
@output_file_option("The .docx to write.")
@template_option
@as_of_option
@force_option
@pdf_option
@json_option
def draft(
    plan: Path,
    partner_name: str,
    output: Path,
    template: Path | None,
    as_of: datetime | None,
    force: bool,
    pdf: bool,
    as_json: bool,
) -> None:
    """Write the draft agreement of one partner of PLAN as a Word document.

    Integration partners get the Integration Partnership Agreement, distribution partners the
    Reseller Partnership Agreement, from legal's template when the plan names one
    (documents.templates) or --template gives one, else from the shipped template. A partner whose
    terms have lint errors ('partnerkit terms PLAN --partner NAME') gets no draft: exit 1. An
    existing file is never replaced without --force.

    \b
    Examples:
      partnerkit agreement plan.yaml --partner "Northwind ERP" -o northwind.docx
      partnerkit agreement plan.yaml --partner "Brightline Advisory" -o draft.docx --template ours.docx --pdf
    """
    from partnerkit.errors import ProblemsFound
    from partnerkit.services.agreements import draft_agreement

    if output.suffix.lower() != ".docx":
        raise click.UsageError(f"-o {output}: write a .docx file")
    output_path(output, plan=plan)
    loaded = load_or_exit(plan, quiet_warnings=True)
    result = draft_agreement(
        loaded,
        partner_name,
        output,
        template=template,
        as_of=as_of.date() if as_of else None,
        force=force,
        pdf=pdf,
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
                "pdf": str(draft.pdf) if draft.pdf else None,
                "partner": draft.partner,
                "agreement": draft.kind,
                "template": result.template,
                "changes": [d.to_dict() for d in terms.deviations()],
                "warnings": [p.to_dict() for p in result.problems],
            }
        )
        return
    print_problems(result.problems)
    click.echo(f"wrote {draft.path} ({terms.title} for {draft.partner}, from {result.template})")
    if draft.pdf:
        click.echo(f"wrote {draft.pdf}")


@agreement.command("compare")
@plan_argument
@partner_option
@click.argument("returned", type=click.Path(dir_okay=False, path_type=Path), metavar="RETURNED.docx")
@output_file_option("Write a redline: the standard draft with the changes tracked.", required=False)
@template_option
@as_of_option
@force_option
@json_option
def compare(
    plan: Path,
    partner_name: str,
    returned: Path,
    output: Path | None,
    template: Path | None,
    as_of: datetime | None,
    force: bool,
    as_json: bool,
) -> None:
    """Compare RETURNED.docx, a draft the partner sent back, with the standard draft for that partner.

    Lists every key term changed (old and new value), every clause added, removed or reworded, and
    the changes that break the program's policy (the same checks as 'partnerkit terms'). Exit 1 when
    a change breaks policy, 0 otherwise. -o writes a redline .docx whose tracked changes Word and
    LibreOffice show.

    \b
    Example:
      partnerkit agreement compare plan.yaml --partner "Brightline Advisory" returned.docx -o redline.docx
    """
    from partnerkit.errors import ProblemsFound
    from partnerkit.services.agreements import compare_agreement

    if output is not None:
        if output.suffix.lower() != ".docx":
            raise click.UsageError(f"-o {output}: write the redline as a .docx file")
        output_path(output, plan=plan)
        if output.resolve() == returned.resolve():
            raise click.UsageError(f"-o {output} is the returned draft itself; choose another file name")
    from partnerkit.commands.agreements import skip_final_collection

    skip_final_collection()
    loaded = load_or_exit(plan, quiet_warnings=True)
    result = compare_agreement(
        loaded,
        partner_name,
        returned,
        output,
        template=template,
        as_of=as_of.date() if as_of else None,
        force=force,
    )
    comparison = result.comparison
    if as_json:
        data = comparison.to_dict()
        data.update(returned=str(returned), template=result.template, redline=result.redline)
        print_json(data)
    else:
        _print_comparison(comparison, returned, result.template)
        if result.redline is not None:
            click.echo(f"wrote {result.redline} (the standard draft with the changes tracked)")
    if comparison.breaks_policy:
        raise ProblemsFound(f"{returned}: the changes break the program's policy; see above")


def _short(text: str | None, width: int = 90) -> str:
    if text is None:
        return "-"
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_comparison(comparison: Comparison, returned: Path, template: str) -> None:
    from rich.table import Table

    out = console(markup=False)  # the returned draft's text is the partner's: "[b]" prints as typed
    click.echo(f"{returned} against the standard draft for {comparison.partner} ({template})")
    if comparison.identical:
        click.echo("no changes: the returned draft says what the standard draft says")
        return
    if comparison.terms:
        table = Table(title=f"Key terms changed ({len(comparison.terms)})", title_justify="left")
        for column in ("Term", "Standard", "Returned"):
            table.add_column(column, overflow="fold")
        for change in comparison.terms:
            table.add_row(change.label, change.old or "(no row)", change.new or "(removed)")
        out.print(table)
    if comparison.clauses:
        table = Table(title=f"Clauses changed ({len(comparison.clauses)})", title_justify="left")
        for column in ("Change", "Clause", "Standard", "Returned"):
            table.add_column(column, overflow="fold")
        for clause in comparison.clauses:
            what = clause.change if not clause.renamed_from else f"renamed from {clause.renamed_from}"
            first = True
            for paragraph in clause.paragraphs or ():
                table.add_row(
                    what if first else "",
                    clause.title if first else "",
                    _short(paragraph.old),
                    _short(paragraph.new),
                )
                first = False
            if first:
                table.add_row(what, clause.title, "", "")
        out.print(table)
    for line in comparison.unread:
        click.echo(f"note: {line}")
    if comparison.policy:
        click.echo(f"policy ({len(comparison.policy)}):")
        for finding in comparison.policy:
            click.echo(f"  {finding}")
    else:
        click.echo("policy: no change breaks the program's policy")
