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
    """Check TEMPLATE: variables it uses that the terms do not provide, and terms it never shows.

    Exits 1 when the template uses a variable the terms lack (rendering it would fail), 0 otherwise;
    terms the template never shows are listed as warnings.

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
        if report.unused:
            click.echo(f"warning: terms the template never shows ({len(report.unused)}):")
            for name in report.unused:
                click.echo(f"  {name}")
        if report.ok and not report.unused:
            click.echo("ok: every variable is provided and every term is shown")
    if not report.ok:
        raise ProblemsFound()
