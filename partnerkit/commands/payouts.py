"""``partnerkit payouts``: what each partner is owed for a period, as statements in Word and CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from partnerkit.commands._common import (
    ProgressBar,
    json_option,
    plan_argument,
    print_json,
    print_problems,
    report_text,
)
from partnerkit.commands.deals import deals_option, load_deals_or_exit, money

if TYPE_CHECKING:
    from partnerkit.payouts.statements import PayoutRun
    from partnerkit.pipeline.periods import Period


def _period(ctx: click.Context, param: click.Parameter, value: str) -> Period:
    from partnerkit.pipeline.periods import parse_period

    try:
        return parse_period(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@plan_argument
@deals_option
@click.option(
    "--period",
    required=True,
    callback=_period,
    metavar="PERIOD",
    help="The period paid: 2026-Q3, 2026-07 or 2026.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write summary.csv, and a Word statement and a CSV per partner, into DIR.",
)
@click.option(
    "--carried-in",
    "carried_in",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="SUMMARY",
    help="The previous run's summary.csv: each partner's balance brought forward.",
)
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Your own statement template (.docx), rendered in a sandbox.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes to write the statements with (default: every core for a large run).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace files in DIR that were edited or not written by partnerkit (a rerun replaces its own).",
)
@json_option
def payouts(
    plan: Path,
    deals_path: Path,
    period: Period,
    output: Path | None,
    carried_in: Path | None,
    template: Path | None,
    workers: int | None,
    force: bool,
    as_json: bool,
) -> None:
    """What each partner is owed for PERIOD under its agreement: margins, revenue share, referral fees,
    accelerators, clawbacks and the minimum payout carried over (docs/payouts.md).

    Exits 0 when the run can be paid, 1 when the deals or the run have errors (nothing is written),
    2 when a file cannot be read or DIR holds a file of the run that someone edited (--force
    replaces it; a rerun replaces the files partnerkit wrote).

    \b
    Example:
      partnerkit payouts plan.yaml --deals crm-deals.csv --period 2026-Q3 -o payouts/2026-Q3
      partnerkit payouts plan.yaml --deals crm-deals.csv --period 2026-Q4 --carried-in payouts/2026-Q3/summary.csv
    """
    from partnerkit.errors import ProblemsFound
    from partnerkit.services import run_payouts

    if output is not None and output.exists() and not output.is_dir():
        raise click.UsageError(f"-o {output} is a file; give a folder")
    loaded, table = load_deals_or_exit(plan, deals_path)
    bar = ProgressBar("statements", None, shown=not as_json and output is not None)
    try:
        result = run_payouts(
            loaded,
            table,
            period,
            output,
            carried_in=carried_in,
            template=template,
            force=force,
            workers=workers,
            progress=bar.advance,
        )
    finally:
        bar.close()
    if as_json:
        print_json(result.to_dict())
    else:
        print_problems(result.problems)
        click.echo(run_text(result.run), nl=False)
        if result.written:
            click.echo(f"wrote {len(result.written)} files to {output}", err=True)
    if not result.ok:
        raise ProblemsFound(f"the {period.label} payout run has errors; nothing was written.")


MAX_STATEMENTS_SHOWN = 200
"""Partners the text report lists; the totals count every one."""


def run_text(run: PayoutRun) -> str:
    """The run as ``partnerkit payouts`` prints it: a row per statement, then the totals."""
    return report_text(lambda console: _draw_run(console, run))


def _draw_run(console: Any, run: PayoutRun) -> None:
    from rich.table import Table

    c = run.currency
    table = Table(
        title=f"Payouts {run.period.label} ({run.period.start.isoformat()} to {run.period.end.isoformat()}), {c}",
        title_justify="left",
    )
    for head in (
        "Partner",
        "Tier",
        "Earned",
        "Clawed back",
        "Accelerator",
        "Brought forward",
        "Payable",
        "Carried over",
        "Status",
    ):
        table.add_column(
            head, overflow="fold", justify="left" if head in ("Partner", "Tier", "Status") else "right"
        )
    # A program of 10,000 partners would be a table that takes longer to lay out than the run (rich
    # needs about a millisecond a row) and is read in summary.csv anyway: the first rows are shown.
    for s in run.statements[:MAX_STATEMENTS_SHOWN]:
        table.add_row(
            s.partner,
            s.tier or "-",
            money(s.earned, c),
            money(s.clawed_back, c),
            money(s.accelerator, c),
            money(s.carried_in, c),
            money(s.payable, c),
            money(s.carried_out, c),
            s.status,
        )
    console.print(table)
    if len(run.statements) > MAX_STATEMENTS_SHOWN:
        console.print(
            f"... and {len(run.statements) - MAX_STATEMENTS_SHOWN:,} more partners: -o DIR writes every "
            "partner's line to summary.csv; --json lists them all"
        )
    paid = sum(1 for s in run.statements if s.payable > 0)
    console.print(
        f"Total payable {money(run.total_payable, c)} to {paid} of {len(run.statements)} partners; "
        f"carried over {money(run.total_carried_out, c)}"
    )
