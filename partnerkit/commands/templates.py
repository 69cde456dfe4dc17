"""``partnerkit templates``: copy the agreement templates out for legal, and check an edited one."""

from __future__ import annotations

from pathlib import Path

import click

from partnerkit.commands._common import json_option, load_or_exit, print_json


@click.group()
def templates() -> None:
    """Export the Word agreement templates for editing, and check an edited template.

    \b
    Examples:
      partnerkit templates export legal/
      partnerkit templates check legal/reseller-agreement.docx
    """


@templates.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite templates already in DIRECTORY.")
def export(directory: Path, force: bool) -> None:
    """Copy the default agreement templates into DIRECTORY, to edit in Word.

    Existing files are kept unless --force: an edited template is never overwritten by accident.

    \b
    Example:
      partnerkit templates export legal/
    """
    from partnerkit.services import export_templates

    result = export_templates(directory, force=force)
    for kept in result.kept:
        click.echo(f"kept {kept} (it exists; use --force to replace it)", err=True)
    for written in result.written:
        click.echo(f"wrote {written}")


@templates.command()
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--kind", type=click.Choice(["integration", "reseller"]), help="The agreement the template is for."
)
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Check against this plan's terms (default: the example plan).",
)
@json_option
def check(template: Path, kind: str | None, plan_file: Path | None, as_json: bool) -> None:
    """Check TEMPLATE: its variables, its references, its layout, and the agreement it is for.

    Lists the variables it uses that the terms do not provide, every clause, schedule or defined-term
    reference that does not resolve, a template of the other agreement, and (as warnings) terms it
    never shows, defined terms no clause uses and layout a lawyer would object to. Exits 1 when a
    draft from it would fail or refer to something it does not contain, 0 otherwise.

    \b
    Example:
      partnerkit templates check legal/reseller-agreement.docx
    """
    from partnerkit.errors import ProblemsFound
    from partnerkit.services import check_template

    loaded = load_or_exit(plan_file, quiet_warnings=True) if plan_file else None
    report = check_template(template, loaded, kind=kind)
    if as_json:
        print_json(report.to_dict())
    else:
        click.echo(f"{template}: {report.kind} agreement template")
        if report.missing:
            click.echo(f"variables the terms do not provide ({len(report.missing)}):")
            for name in report.missing:
                hint = report.hints.get(name)
                click.echo(f"  {name}" + (f"  ({hint})" if hint else ""))
        if report.errors:
            click.echo(f"references and structure to fix ({len(report.errors)}):")
            for message in report.errors:
                click.echo(f"  {message}")
        if report.unused:
            click.echo(f"warning: terms the template never shows ({len(report.unused)}):")
            for name in report.unused:
                click.echo(f"  {name}")
        if report.warnings:
            click.echo(f"warning: worth a look ({len(report.warnings)}):")
            for message in report.warnings:
                click.echo(f"  {message}")
        if report.clean:
            click.echo(
                "ok: every variable is provided, every term is shown, and every reference and defined "
                "term resolves"
            )
    if not report.ok:
        raise ProblemsFound()
