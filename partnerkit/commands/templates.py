"""``partnerkit templates``: copy the agreement templates out for legal, and check an edited one."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from partnerkit.commands._common import InputError, json_option, load_plan_or_exit, print_json


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
    from partnerkit.io.word.agreement import TEMPLATE_FILES, template_path

    directory.mkdir(parents=True, exist_ok=True)
    for kind, name in TEMPLATE_FILES.items():
        target = directory / name
        if target.exists() and not force:
            click.echo(f"kept {target} (it exists; use --force to replace it)", err=True)
            continue
        shutil.copyfile(template_path(kind), target)
        click.echo(f"wrote {target}")


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
    from partnerkit.errors import TemplateError
    from partnerkit.io.planfile import load_example_plan
    from partnerkit.io.word.variables import check_template_file

    plan = load_plan_or_exit(plan_file, quiet_warnings=True) if plan_file else load_example_plan()
    try:
        report = check_template_file(template, plan, kind=kind)
    except TemplateError as exc:
        raise InputError(str(exc)) from None
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
    sys.exit(0 if report.ok else 1)
