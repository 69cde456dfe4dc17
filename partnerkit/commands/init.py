"""``partnerkit init``: write a commented starter plan, the built-in example, or a starter tier program."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--example", is_flag=True, help="Write the built-in example plan (Ledgerly) instead of the starter."
)
@click.option(
    "--program",
    is_flag=True,
    help="Write a starter tier program (tiers, rules, benefits, facts; partners from a facts table).",
)
@click.option("--force", is_flag=True, help="Replace PATH if it already exists (a backup PATH.bak is kept).")
def init(path: Path, example: bool, program: bool, force: bool) -> None:
    """Write a new plan file at PATH.

    The starter plan has every section of the Partnership Strategy template with comments that say
    what to write; the example is a complete plan for a fictional company; --program writes a tier
    program alone, all 'partnerkit tiers' needs. An existing file is never overwritten unless
    --force is given, and then it is kept as PATH.bak.

    \b
    Example:
      partnerkit init plan.yaml --example
      partnerkit init program.yaml --program
      partnerkit validate plan.yaml
    """
    from partnerkit.io.files import write_bytes_atomic
    from partnerkit.io.planfile import example_plan_path, starter_plan_path, starter_program_path

    if example and program:
        raise click.UsageError("choose one of --example and --program")
    if path.suffix.lower() not in {".yaml", ".yml"}:
        raise click.UsageError(f"{path}: a new plan is a YAML file; name it something like plan.yaml")
    if path.exists():
        if not force:
            raise click.UsageError(
                f"{path} already exists; choose another name or add --force (keeps {path.name}.bak)"
            )
        write_bytes_atomic(path.with_name(path.name + ".bak"), path.read_bytes())
    source = example_plan_path() if example else starter_program_path() if program else starter_plan_path()
    write_bytes_atomic(path, source.read_bytes())
    what = (
        "the example plan (Ledgerly)"
        if example
        else "a starter tier program"
        if program
        else "a starter plan"
    )
    click.echo(f"wrote {what} to {path}; next: partnerkit validate {path}")
