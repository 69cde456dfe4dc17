"""``partnerkit workbook``: build the planning workbook, export and import plans, sync results without Excel."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from partnerkit.commands._common import (
    fail_on_errors,
    json_option,
    load_or_exit,
    output_file_option,
    output_path,
    plan_argument,
    print_json,
    print_problems,
    read_early,
)

force_option = click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
deals_option = click.option(
    "--deals",
    "deals_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="FILE",
    help="A CRM deals export (.csv or .xlsx) to paste into the Deals sheet (the example plan gets its own).",
)
survey_option = click.option(
    "--survey",
    "survey_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="FILE",
    help="Partner survey responses (.csv or .xlsx) to paste into the Survey sheet.",
)


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise click.UsageError(f"-o {path} exists; choose another name or pass --force to replace it")


@click.group()
def workbook() -> None:
    """The planning workbook: build it, export and import plans, sync results without Excel.

    \b
    Examples:
      partnerkit workbook new -o planner.xlsm --plan plan.yaml
      partnerkit workbook export plan.yaml -o plan.xlsx
      partnerkit workbook import planner.xlsm -o plan.yaml
      partnerkit workbook sync planner.xlsm
    """


@workbook.command("new")
@output_file_option("The .xlsm to write.")
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Fill the workbook from this plan (default: the starter plan).",
)
@click.option(
    "--interpreter",
    metavar="PATH",
    default=None,
    help="The Python the buttons run (default: this one); written to the xlwings.conf sheet.",
)
@deals_option
@survey_option
@force_option
def new(
    output: Path,
    plan_path: Path | None,
    interpreter: str | None,
    deals_path: Path | None,
    survey_path: Path | None,
    force: bool,
) -> None:
    """Build the macro-enabled planning workbook, and its companion module beside it.

    The workbook carries the VBA code of the installed xlwings (pip install "partnerkit[excel]"),
    so build it on the machine where Excel will run it. planner.xlsm gets planner.py beside it.
    --interpreter names the Python (with partnerkit installed) that Excel starts, as Windows or
    macOS sees it, e.g. C:\\Users\\me\\venv\\Scripts\\python.exe or /Users/me/venv/bin/python.

    \b
    Example:
      partnerkit workbook new -o planner.xlsm --plan plan.yaml
    """
    from partnerkit.io.workbook.layout import is_identifier_stem
    from partnerkit.services import new_workbook

    if output.suffix.lower() != ".xlsm":
        raise click.UsageError(f"-o {output}: the planning workbook is a macro workbook; name it .xlsm")
    if not is_identifier_stem(output.stem):
        raise click.UsageError(
            f"-o {output}: Excel imports the Python module named like the workbook, so the name must be "
            "a Python name (letters, digits, underscores), e.g. planner.xlsm"
        )
    _refuse_overwrite(output, force)
    result = new_workbook(
        load_or_exit(plan_path) if plan_path else None,
        output,
        interpreter=interpreter,
        deals=deals_path,
        survey=survey_path,
    )
    click.echo(f"wrote {result.path}")
    click.echo(
        f"{'kept' if result.companion_kept else 'wrote'} {result.companion} (the workbook's Python module)"
    )
    click.echo("buttons: " + ", ".join(result.buttons))


@workbook.command("export")
@plan_argument
@output_file_option("The .xlsx to write.")
@deals_option
@survey_option
@force_option
def export(plan: Path, output: Path, deals_path: Path | None, survey_path: Path | None, force: bool) -> None:
    """Write PLAN as a planning workbook without macros (.xlsx) that 'workbook import' reads back.

    \b
    Example:
      partnerkit workbook export plan.yaml -o plan.xlsx
    """
    from partnerkit.services import export_workbook

    if output.suffix.lower() != ".xlsx":
        raise click.UsageError(
            f"-o {output}: export writes an .xlsx; for the workbook with buttons use 'workbook new --plan'"
        )
    output_path(output, plan=plan)
    _refuse_overwrite(output, force)
    export_workbook(load_or_exit(plan), output, deals=deals_path, survey=survey_path)
    click.echo(f"wrote {output}")


@workbook.command("import")
@click.argument(
    "file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE", callback=read_early()
)
@output_file_option("The plan file to write (.yaml, .yml or .json).")
@force_option
def import_(file: Path, output: Path, force: bool) -> None:
    """Read a planning workbook (.xlsx/.xlsm) and write its plan as YAML or JSON.

    Every problem is printed with its cell (Partners!D17), header, value and rule; nothing is
    written while the workbook has errors.

    \b
    Example:
      partnerkit workbook import planner.xlsm -o plan.yaml
    """
    from partnerkit.services import import_workbook

    suffix = output.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise click.UsageError(f"-o {output}: write a .yaml, .yml or .json plan")
    if file.suffix.lower() not in (".xlsx", ".xlsm"):
        raise click.UsageError(f"{file}: import reads an .xlsx or .xlsm planning workbook")
    output_path(output, plan=file)
    _refuse_overwrite(output, force)
    import_workbook(load_or_exit(file), output)
    click.echo(f"wrote {output}")


@workbook.command("sync")
@click.argument(
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    callback=read_early(also_program=True),
)
@json_option
@click.option("--no-backup", is_flag=True, help="Do not keep FILE.bak.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="DATE",
    help="The tier review date, YYYY-MM-DD (default: the workbook's Review date setting, else today).",
)
def sync(file: Path, as_json: bool, no_backup: bool, as_of: datetime | None) -> None:
    """Compute what the workbook's buttons compute and write the results into FILE, without Excel.

    Only partnerkit's own parts change (the Problems, Review and Terms sheets, the result columns,
    the status and the Gantt picture); every other part of the file is copied byte for byte. The old
    file is kept as FILE.bak. Refuses while the workbook is open in Excel or LibreOffice.

    \b
    Example:
      partnerkit workbook sync planner.xlsm
      partnerkit workbook sync planner.xlsm --as-of 2026-10-01 --json
    """
    from partnerkit.services import sync_workbook

    # The door reads the clock; the services are given the date.
    outcome = sync_workbook(
        file,
        as_of=as_of.date() if as_of is not None else None,
        today=date.today(),
        now=datetime.now(),
        backup=not no_backup,
    )
    if as_json:
        print_json(outcome.to_dict())
    else:
        print_problems(outcome.problems)
        click.echo(f"synced {file}: {outcome.summary()}")
        for warning in outcome.warnings:
            click.echo(f"warning: {warning}", err=True)
    fail_on_errors(outcome.problems)
