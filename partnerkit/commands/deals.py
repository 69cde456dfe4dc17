"""``partnerkit deals check``: registrations against the partners' terms, conflicts with their reasons."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from partnerkit.commands._common import (
    force_option,
    json_option,
    load_or_exit,
    plan_argument,
    print_json,
    print_problems,
    report_text,
)

if TYPE_CHECKING:
    from partnerkit.loaded import LoadedPlan
    from partnerkit.services import DealCheck, LoadedDeals


def as_of_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date:
    """The ``--as-of`` option: an ISO date, today when absent (the door reads the clock, the core never)."""
    if value is None:
        return date.today()
    from partnerkit.model.values import parse_date

    try:
        day: date = parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return day


deals_option = click.option(
    "--deals",
    "deals_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The deals table exported from the CRM (.csv or .xlsx; columns in docs/deals.md).",
)


def load_deals_or_exit(plan: Path, deals_path: Path) -> tuple[LoadedPlan, LoadedDeals]:
    """The plan and the deals table, their problems printed; exit 1 when either has errors."""
    from partnerkit.errors import ProblemsFound
    from partnerkit.services import read_deals

    loaded = load_or_exit(plan)
    deals = read_deals(deals_path, loaded)
    if not deals.ok:
        print_problems(deals.problems)
        count = sum(1 for p in deals.problems if p.is_error)
        raise ProblemsFound(f"{deals_path}: {count} problem(s) in the deals table; nothing checked.")
    return loaded, deals


@click.group()
def deals() -> None:
    """Deals from the CRM: registrations, protection and conflicts (docs/deals.md).

    \b
    partnerkit deals check PLAN --deals FILE [--as-of DATE] [--findings FILE.csv] [--json]

    \b
    Example:
      partnerkit deals check plan.yaml --deals crm-deals.csv --as-of 2026-09-30
    """


@deals.command("check")
@plan_argument
@deals_option
@click.option(
    "--as-of", callback=as_of_date, metavar="DATE", help="Check as of this date, YYYY-MM-DD (default: today)."
)
@click.option(
    "--findings",
    "findings_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.csv",
    help="Also write every finding, one row each, as a CSV table to open in a spreadsheet.",
)
@force_option
@json_option
def check(
    plan: Path, deals_path: Path, as_of: date, findings_path: Path | None, force: bool, as_json: bool
) -> None:
    """Check every registration of the deals table against the partners' terms on the as-of date.

    Conflicts inside a protection period are resolved by the rule (the first approved registration
    wins) and printed with the reason and the end of the protection; expired protections, deals won
    after protection ended, registrations after close and registrations by partners who may not
    register are flagged too. Exits 0 when the table reads cleanly (findings are warnings), 1 when
    it has errors, 2 when it cannot be read.

    \b
    A large export has findings by the hundred thousand: the text lists the first of each kind,
    ``--findings FILE.csv`` writes every one as a table (an existing file is kept unless --force).

    \b
    Example:
      partnerkit deals check plan.yaml --deals crm-deals.csv --as-of 2026-09-30
      partnerkit deals check plan.yaml --deals crm-deals.csv --findings findings.csv
    """
    from partnerkit.errors import ProblemsFound
    from partnerkit.services import check_deals

    if findings_path is not None:
        _check_findings_path(findings_path, (plan, deals_path), force)  # before the work, not after it
    loaded, table = load_deals_or_exit(plan, deals_path)
    result = check_deals(loaded, table, as_of)
    if findings_path is not None:
        from partnerkit.io.pipeline.findings import write_findings_csv

        try:
            write_findings_csv(findings_path, result.check.ordered_findings(), result.location)
        except OSError as exc:
            raise click.ClickException(
                f"{findings_path}: cannot be written ({exc.strerror or exc})"
            ) from None
    if as_json:
        print_json(result.to_dict())
    else:
        print_problems([p for p in result.problems if not p.code.startswith("deals.")])
        click.echo(check_text(result, deals_path.name, findings_path), nl=False)
    if findings_path is not None:
        count = len(result.check.findings)
        click.echo(f"wrote {count:,} finding{'' if count == 1 else 's'} to {findings_path}", err=True)
    if not result.ok:
        raise ProblemsFound("the deals table names partners the plan does not have; fix them and run again.")


MAX_FINDINGS_SHOWN = 25
"""Findings of one kind the text report lists; the others are counted (--json lists every one)."""


def _check_findings_path(path: Path, inputs: tuple[Path, ...], force: bool) -> None:
    """Refuse a ``--findings`` file that is not a new .csv: one of the inputs, or a file that exists."""
    from partnerkit.io.files import policy, refuse_existing

    if path.suffix.lower() != ".csv":
        raise click.UsageError(f"--findings {path}: the findings are written as CSV; name the file .csv")
    for given in inputs:
        if path.exists() and given.exists() and path.samefile(given):
            raise click.UsageError(f"--findings {path} is an input of the check; choose another name")
    refuse_existing([path], policy(force))


def check_text(result: DealCheck, source: str, findings_file: Path | None = None) -> str:
    """The check as ``partnerkit deals check`` prints it: counts, revenue, then a table of findings."""
    return report_text(lambda console: _draw_check(console, result, source, findings_file))


def _draw_check(console: Any, result: DealCheck, source: str, findings_file: Path | None) -> None:
    from rich.table import Table

    from partnerkit.pipeline.registrations import RegistrationStatus

    check = result.check
    tally = {s: check.count(s) for s in RegistrationStatus}
    counts = [f"{n} {s.value}" for s, n in tally.items() if n]
    console.print(
        f"Registrations on {result.as_of.isoformat()} ({source}, {len(check.deals)} rows): {', '.join(counts)}"
    )
    revenue = result.revenue()
    console.print(
        f"Won by then: partner-sourced {money(revenue.sourced, revenue.currency)} ({_deals(revenue.sourced_deals)}), "
        f"partner-influenced {money(revenue.influenced, revenue.currency)} ({_deals(revenue.influenced_deals)})"
    )
    if not check.findings:
        console.print("No conflicts or other findings.")
    else:
        # A large export has findings by the hundred thousand, more than anyone reads in a terminal
        # (and a table of them takes minutes to lay out): the first of each kind are shown, the rest
        # counted, and --json lists them all.
        table = Table(title=f"Findings ({len(check.findings):,})", title_justify="left")
        for head in ("Kind", "Deal", "Partner", "Where", "Why"):
            table.add_column(head, overflow="fold")
        unshown: dict[str, int] = {}
        for kind, first, total in check.first_findings(MAX_FINDINGS_SHOWN):
            for finding in first:
                table.add_row(
                    kind.value,
                    finding.deal.deal_id,
                    finding.deal.partner,
                    result.location(finding),
                    finding.reason,
                )
            if total > len(first):
                unshown[kind.value] = total - len(first)
        console.print(table)
        if unshown:
            left = ", ".join(f"{n:,} {kind}" for kind, n in unshown.items())
            where = (
                f"every one is in {findings_file}"
                if findings_file is not None
                else "--findings FILE.csv writes them all as a table, --json lists them all"
            )
            console.print(
                f"... and {sum(unshown.values()):,} more ({left}): the first {MAX_FINDINGS_SHOWN} of each "
                f"kind are shown; {where}"
            )


def money(amount: Any, currency: str) -> str:
    """An exact amount as people read it, signed: ``$230,200.15``, ``-$5,600``, ``1,200 CHF``."""
    from partnerkit.model.values import Money, format_money

    shown = format_money(Money(amount=abs(amount), currency=currency))
    return f"-{shown}" if amount < 0 else shown


def _deals(count: int) -> str:
    return "1 deal" if count == 1 else f"{count} deals"
