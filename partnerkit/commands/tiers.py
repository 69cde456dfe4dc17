"""``partnerkit tiers``: each partner's tier with reasons and gaps, and ``partnerkit tiers review``."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from partnerkit.commands._common import (
    InputError,
    load_plan_or_exit,
    output_file_option,
    output_path,
    plan_argument,
    print_problems,
)

if TYPE_CHECKING:
    from partnerkit.model import Plan
    from partnerkit.tiers.evaluate import Evaluation


class TiersGroup(click.Group):
    """``tiers PLAN`` runs the default ``show`` command; ``tiers review PLAN`` the review."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()  # the door reads the clock; the core never does
    from partnerkit.model.values import parse_date

    try:
        day: date = parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return day


facts_option = click.option(
    "--facts",
    "facts_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A facts table (.csv or .xlsx) that refreshes the plan's partner facts.",
)
as_of_option = click.option(
    "--as-of", callback=_as_of, metavar="DATE", help="The review date, YYYY-MM-DD (default: today)."
)
output_option = output_file_option("Write to FILE instead.", required=False)


@click.group(cls=TiersGroup, invoke_without_command=False, no_args_is_help=True)
def tiers() -> None:
    """Which tier each partner earns, why, and what it would take to move up.

    \b
    partnerkit tiers PLAN [--facts FILE] [--as-of DATE] [--partner NAME] [--json|--csv] [-o FILE]
    partnerkit tiers review PLAN [--facts FILE] [--as-of DATE] [--json] [-o FILE]

    \b
    Examples:
      partnerkit tiers plan.yaml --as-of 2026-10-01
      partnerkit tiers plan.yaml --facts crm-export.xlsx --partner "Bluefin Banking"
      partnerkit tiers review plan.yaml --facts crm-export.csv --json

    Run 'partnerkit tiers show --help' for every option. Rules and the JSON schema: docs/tiers.md.
    """


def _evaluate(plan_path: Path, facts_path: Path | None, as_of: date) -> tuple[Plan, Evaluation]:
    from partnerkit.errors import PartnerkitError
    from partnerkit.io.facts import load_facts
    from partnerkit.tiers.evaluate import evaluate_tiers

    plan = load_plan_or_exit(plan_path)
    table = None
    if facts_path is not None:
        try:
            table, problems = load_facts(facts_path, plan)
        except PartnerkitError as exc:
            raise InputError(str(exc)) from None
        if problems:
            print_problems(problems)
        if any(p.is_error for p in problems):
            count = sum(1 for p in problems if p.is_error)
            click.echo(f"{facts_path}: {count} problem(s) in the facts table; nothing evaluated.", err=True)
            sys.exit(1)
        _warn_strangers(plan, table.partners)
    return plan, evaluate_tiers(plan, as_of, table)


def _warn_strangers(plan: Plan, names: list[str]) -> None:
    """A facts row whose name is close to a plan partner's is probably a typo: say so."""
    from partnerkit.model.values import did_you_mean

    known = [p.name for _, p in plan.partners()]
    known_set = {name.casefold() for name in known}
    strangers = [name for name in names if name.casefold() not in known_set]
    # A CRM export of thousands of partners outside the plan is normal, not a list of typos.
    if not known or len(strangers) > 200:
        return
    for name in strangers:
        guess = did_you_mean(name, known)
        if guess:
            click.echo(
                f"warning: facts for {name!r} match no partner of the plan; did you mean {guess!r}?",
                err=True,
            )


def _check_output(output: Path | None, plan: Path, facts_path: Path | None) -> None:
    """Refuse -o paths that would overwrite the plan or the facts table, or cannot be written."""
    if output is None:
        return
    output_path(output, plan=plan)
    if facts_path is not None and output.resolve() == facts_path.resolve():
        raise click.UsageError(f"-o {output} is the facts table itself; choose another file name")


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        from partnerkit.io.files import write_text_atomic

        write_text_atomic(output, text)
        click.echo(f"wrote {output}", err=True)


@tiers.command("show")
@plan_argument
@facts_option
@as_of_option
@click.option("--partner", help="Show one partner's full criterion table.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema in docs/tiers.md).")
@click.option(
    "--csv", "as_csv", is_flag=True, help="Print CSV, one row per partner (per criterion with --partner)."
)
@output_option
def show(
    plan: Path,
    facts_path: Path | None,
    as_of: date,
    partner: str | None,
    as_json: bool,
    as_csv: bool,
    output: Path | None,
) -> None:
    """Each partner's tier, change and top gaps on the review date (the default of 'partnerkit tiers').

    \b
    Example:
      partnerkit tiers plan.yaml --as-of 2026-10-01
      partnerkit tiers plan.yaml --facts facts.xlsx --partner "Orbit CRM" --json
    """
    from partnerkit.tiers.explain import explain

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    _check_output(output, plan, facts_path)
    _, ev = _evaluate(plan, facts_path, as_of)
    if partner is not None:
        try:
            rows = [ev.row(partner)]
        except KeyError:
            from partnerkit.model.values import did_you_mean

            guess = did_you_mean(partner, ev.facts.partners)
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise click.BadParameter(f"no partner {partner!r}{hint}", param_hint="--partner") from None
    else:
        rows = list(range(len(ev)))
    # the table and the CSV of all partners need no criterion rows: skip wording them
    full = as_json or partner is not None
    verdicts = [explain(ev, i, criteria=full) for i in rows]
    if as_json:
        text = _json({"as_of": as_of.isoformat(), "partners": [v.to_dict() for v in verdicts]})
    elif as_csv:
        text = _csv_partner(verdicts[0]) if partner is not None else _csv_all(verdicts)
    elif partner is not None:
        text = _render(lambda c: _partner_text(c, verdicts[0], as_of))
    else:
        text = _render(lambda c: _table_text(c, verdicts, as_of))
    _emit(text, output)


@tiers.command("review")
@plan_argument
@facts_option
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema in docs/tiers.md).")
@output_option
def review(plan: Path, facts_path: Path | None, as_of: date, as_json: bool, output: Path | None) -> None:
    """The tier review: proposed changes to approve, expiring certifications, unknowns, benefit cost.

    Nothing is changed: upgrades and downgrades are proposals; a downgrade waits the plan's grace
    period (tier_program.downgrade_grace_days).

    \b
    Example:
      partnerkit tiers review plan.yaml --facts crm-export.xlsx --as-of 2026-10-01
    """
    from partnerkit.tiers.review import review_evaluation

    _check_output(output, plan, facts_path)
    loaded, ev = _evaluate(plan, facts_path, as_of)
    budget = loaded.tier_program.benefits_budget_per_quarter
    result = review_evaluation(ev, float(budget.amount) if budget else None)
    if as_json:
        _emit(_json(result.to_dict()), output)
    else:
        _emit(_render(lambda c: _review_text(c, result)), output)


# --- the demo -----------------------------------------------------------------------------------

EXAMPLE_REVIEW_DATE = date(2026, 10, 1)
"""The review date the demo uses, so the example's dated facts give the same answer on any day."""


def write_tier_reports(plan: Plan, outdir: Path, as_of: date) -> list[Path]:
    """Every partner's verdict (tiers.json, tiers.txt) and the tier review (tier-review.txt) in ``outdir``."""
    from partnerkit.io.files import write_text_atomic
    from partnerkit.tiers.evaluate import evaluate_tiers
    from partnerkit.tiers.explain import verdicts
    from partnerkit.tiers.review import review_evaluation

    ev = evaluate_tiers(plan, as_of)
    found = verdicts(ev)
    budget = plan.tier_program.benefits_budget_per_quarter
    review = review_evaluation(ev, float(budget.amount) if budget else None)
    data = {"as_of": as_of.isoformat(), "partners": [v.to_dict() for v in found]}
    return [
        write_text_atomic(outdir / "tiers.json", _json(data)),
        write_text_atomic(outdir / "tiers.txt", _render(lambda c: _table_text(c, found, as_of))),
        write_text_atomic(outdir / "tier-review.txt", _render(lambda c: _review_text(c, review))),
    ]


# --- presentation --------------------------------------------------------------------------------


def _json(data: Any) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _render(draw: Any) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, highlight=False, width=160, color_system=None, soft_wrap=False)
    draw(console)
    # rich pads titles to the full width; trailing spaces only make diffs noisy
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


_MET = {True: "yes", False: "no", None: "unknown"}


def _table_text(console: Any, verdicts: list[Any], as_of: date) -> None:
    from rich.table import Table

    table = Table(title=f"Tiers on {as_of.isoformat()}", title_justify="left")
    for head in ("Partner", "Current", "Tier", "Change", "Next tier", "Top gaps"):
        table.add_column(head, overflow="fold")
    for v in verdicts:
        if v.gaps:
            top = "; ".join(g.text for g in v.gaps[:2]) + (
                f" (+{len(v.gaps) - 2} more)" if len(v.gaps) > 2 else ""
            )
        elif v.unknown:
            top = "depends on unknown facts: " + ", ".join(v.unknown)
        else:
            top = "top tier" if v.next_tier is None else ""
        table.add_row(
            v.partner, v.current_tier or "-", v.tier or "-", v.change.value, v.next_tier or "-", top
        )
    console.print(table)


def _partner_text(console: Any, v: Any, as_of: date) -> None:
    from rich.table import Table

    console.print(f"{v.partner} on {as_of.isoformat()}")
    console.print(
        f"  tier: {v.tier or 'none'} (current: {v.current_tier or 'none'}; change: {v.change.value})"
    )
    table = Table()
    for head in ("Tier", "Criterion", "Required", "Actual", "Met", "Points"):
        table.add_column(head, overflow="fold")
    for c in v.criteria:
        points = "" if c.points is None else f"{c.points:.4g} of {c.max_points:g}"
        table.add_row(c.tier, "  " * c.depth + c.criterion, c.required, c.actual, _MET[c.met], points)
    console.print(table)
    if v.next_tier:
        console.print(f"To reach {v.next_tier}:")
        for g in v.gaps:
            console.print(f"  - {g.text}")
        if not v.gaps:
            console.print("  - nothing known to be missing")
    if v.unknown:
        console.print("Depends on unknown facts: " + ", ".join(v.unknown))
    for w in v.warnings:
        console.print(f"warning: {w}")


def _review_text(console: Any, r: Any) -> None:
    from rich.table import Table

    from partnerkit.tiers.explain import money

    console.print(f"Tier review on {r.as_of.isoformat()}: {len(r.proposals)} proposal(s), {r.holds} hold(s)")
    if r.proposals:
        table = Table(title="Proposals (each needs a person's approval)", title_justify="left")
        for head in ("Partner", "Current", "Proposed", "Change", "Effective", "Reason"):
            table.add_column(head, overflow="fold")
        for p in r.proposals:
            table.add_row(
                p.partner,
                p.current_tier or "-",
                p.proposed_tier or "-",
                p.change.value,
                p.effective.isoformat(),
                p.reason,
            )
        console.print(table)
    if r.expiring:
        console.print("Expiring or expired:")
        for partner, warning in r.expiring:
            console.print(f"  - {partner}: {warning}")
    if r.unknown:
        console.print("Verdicts that depend on unknown facts:")
        for partner, facts in r.unknown:
            console.print(f"  - {partner}: {', '.join(facts)}")
    table = Table(title="Benefits per quarter (if every proposal is approved)", title_justify="left")
    for head in ("Tier", "Partners", "Co-marketing each", "Co-marketing total", "Dedicated managers"):
        table.add_column(head)
    for c in r.costs:
        table.add_row(
            c.tier,
            str(c.partners),
            money(c.co_marketing_per_partner, r.currency),
            money(c.co_marketing_total, r.currency),
            str(c.dedicated_managers),
        )
    console.print(table)
    line = f"Total {money(r.total_cost, r.currency)} a quarter"
    if r.budget_per_quarter is not None:
        line += f" against a budget of {money(r.budget_per_quarter, r.currency)}"
    console.print(line)
    for note in r.notes:
        console.print(f"warning: {note}")


def _csv_all(verdicts: list[Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["partner", "current_tier", "tier", "change", "next_tier", "gaps", "unknown", "warnings"])
    for v in verdicts:
        writer.writerow(
            _safe(
                [
                    v.partner,
                    v.current_tier or "",
                    v.tier or "",
                    v.change.value,
                    v.next_tier or "",
                    "; ".join(g.text for g in v.gaps),
                    "; ".join(v.unknown),
                    "; ".join(v.warnings),
                ]
            )
        )
    return buffer.getvalue()


def _csv_partner(v: Any) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["partner", "tier", "criterion", "required", "actual", "met", "points", "max_points"])
    for c in v.criteria:
        writer.writerow(
            _safe(
                [
                    v.partner,
                    c.tier,
                    c.criterion,
                    c.required,
                    c.actual,
                    _MET[c.met],
                    "" if c.points is None else round(c.points, 2),
                    "" if c.max_points is None else c.max_points,
                ]
            )
        )
    return buffer.getvalue()


def _safe(row: list[Any]) -> list[Any]:
    # A cell a spreadsheet would run as a formula gets a leading quote: partner names are untrusted.
    return [f"'{c}" if isinstance(c, str) and c[:1] in ("=", "+", "-", "@", "\t", "\r") else c for c in row]
