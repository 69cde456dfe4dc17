"""The ``partnerkit`` command: a click group whose commands load only when they run."""

from __future__ import annotations

import importlib

import click

from partnerkit import __version__

# Each command lives in its own module and is imported only when it is called, so that
# `partnerkit --help` stays instant (no pydantic, docx, matplotlib or calamine at start-up).
# Adding a command is adding a line here.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("partnerkit.commands.demo:demo", "Write everything partnerkit makes from the example plan."),
    "init": ("partnerkit.commands.init:init", "Write a starter plan, or the example plan, to edit."),
    "validate": ("partnerkit.commands.validate:validate", "Check a plan and print every problem."),
    "report": ("partnerkit.commands.report:report", "Write the Partnership Strategy (Markdown or Word)."),
    "terms": (
        "partnerkit.commands.terms:terms",
        "Show each partner's deal terms and what to fix before drafting.",
    ),
    "agreement": ("partnerkit.commands.agreement:agreement", "Write one partner's draft agreement (Word)."),
    "agreements": (
        "partnerkit.commands.agreements:agreements",
        "Write every partner's draft agreement (Word).",
    ),
    "templates": (
        "partnerkit.commands.templates:templates",
        "Export the Word templates, or check an edited one.",
    ),
    "tiers": (
        "partnerkit.commands.tiers:tiers",
        "Each partner's tier, why, the gap to the next; tier reviews.",
    ),
    "deals": (
        "partnerkit.commands.deals:deals",
        "Check deal registrations: conflicts, expiries, who may register.",
    ),
    "payouts": (
        "partnerkit.commands.payouts:payouts",
        "What each partner is owed for a period: statements in Word and CSV.",
    ),
    "roadmap": (
        "partnerkit.commands.roadmap:roadmap",
        "Schedule the roadmap: quarter tables, critical path, Gantt.",
    ),
    "workbook": (
        "partnerkit.commands.workbook:workbook",
        "Build, export, import and sync the planning workbook.",
    ),
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            target, _ = COMMANDS[cmd_name]
            module_name, attr = target.split(":")
            command = getattr(importlib.import_module(module_name), attr)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        # The one place where partnerkit's own errors become exit codes: a command (or a service
        # it calls) raises, the user reads one sentence, never a traceback.
        from partnerkit.errors import PartnerkitError

        try:
            return super().invoke(ctx)
        except PartnerkitError as exc:
            message = str(exc)
            if message:
                # Problems found were printed already: their closing line needs no "Error:".
                click.echo(message if exc.exit_code == 1 else f"Error: {message}", err=True)
            ctx.exit(exc.exit_code)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help comes from the table above, so listing commands imports none of them.
        rows = [(name, COMMANDS[name][1]) for name in sorted(COMMANDS)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="partnerkit")
def cli() -> None:
    """Plan and run a software company's partner program.

    \b
    Start here:
      partnerkit demo out/              everything, from the built-in example plan
      partnerkit init plan.yaml --example
      partnerkit validate plan.yaml

    PLAN is a .yaml/.yml/.json plan file (or an .xlsx/.xlsm planning workbook).
    Exit codes: 0 done, 1 problems in the input (all printed), 2 usage error or unreadable input.
    """


def main() -> None:
    """Entry point of the console script."""
    try:
        cli(prog_name="partnerkit")
    except OSError as exc:
        # A folder that cannot be made or a file that cannot be written: one sentence, exit 2.
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"Error: {where}cannot be written or read ({exc.strerror or exc})", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":  # pragma: no cover
    main()
