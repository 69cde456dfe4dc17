"""``partnerkit tiers``: each partner's tier with reasons and gaps, and ``partnerkit tiers review``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from partnerkit.commands._common import (
    DefaultGroup,
    load_or_exit,
    output_file_option,
    output_path,
    plan_argument,
    print_problems,
    report_text,
)

if TYPE_CHECKING:
    from partnerkit.loaded import LoadedPlan
    from partnerkit.services import LoadedFacts, TierReviewResult, TierVerdicts
    from partnerkit.tiers.review import TierReview


class TiersGroup(DefaultGroup):
    """``tiers PLAN`` runs the default ``show`` command; ``tiers review PLAN`` the review."""

    default_command = "show"


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
replace_option = click.option(
    "--replace",
    is_flag=True,
    help="Let each dated series in the facts table replace the plan's whole series "
    "(default: the table updates the dates it covers and keeps older ones).",
)
output_option = output_file_option("Write to FILE instead.", required=False)


@click.group(cls=TiersGroup, invoke_without_command=False, no_args_is_help=True)
def tiers() -> None:
    """Which tier each partner earns, why, and what it would take to move up.

    \b
    partnerkit tiers PLAN [--facts FILE] [--as-of DATE] [--partner NAME] [--json|--csv] [-o FILE]
    partnerkit tiers review PLAN [--facts FILE] [--as-of DATE] [--json] [-o FILE]
    partnerkit tiers review PLAN --approve NAME [--approve NAME ...] -o NEW-PLAN.yaml

    PLAN is a whole plan or a tier program file (partnerkit init program.yaml --program).

    \b
    Examples:
      partnerkit tiers plan.yaml --as-of 2026-10-01
      partnerkit tiers plan.yaml --facts crm-export.xlsx --partner "Bluefin Banking"
      partnerkit tiers review plan.yaml --facts crm-export.csv --json
      partnerkit tiers review plan.yaml --approve "Orbit CRM" -o plan-approved.yaml

    Run 'partnerkit tiers show --help' for every option. Rules and the JSON schema: docs/tiers.md.
    """


def _load(plan_path: Path, facts_path: Path | None) -> tuple[LoadedPlan, LoadedFacts | None]:
    """The plan, and the facts table when given, with their problems printed; exit 1 on errors."""
    from partnerkit.errors import ProblemsFound
    from partnerkit.services import read_facts

    loaded = load_or_exit(plan_path)
    if facts_path is None:
        return loaded, None
    facts = read_facts(facts_path, loaded)
    print_problems(facts.problems)
    if not facts.ok:
        count = sum(1 for p in facts.problems if p.is_error)
        raise ProblemsFound(f"{facts_path}: {count} problem(s) in the facts table; nothing evaluated.")
    return loaded, facts


def _check_output(output: Path | None, plan: Path, facts_path: Path | None) -> None:
    """Refuse -o paths that would overwrite the plan or the facts table, or cannot be written."""
    if output is None:
        return
    output_path(output, plan=plan)
    if facts_path is not None and output.resolve() == facts_path.resolve():
        raise click.UsageError(f"-o {output} is the facts table itself; choose another file name")


MAX_MERGE_LINES = 20


def _print_merged(facts: LoadedFacts | None, merged: list[Any] | None) -> None:
    """What the facts table changed, partner by partner (the first few), on stderr."""
    if facts is None or merged is None:
        return
    name = Path(facts.source).name
    changed = [m for m in merged if m.text().split(": ", 1)[1] != "no change"]
    click.echo(f"{name}: merged facts of {len(merged)} partner(s)", err=True)
    for entry in changed[:MAX_MERGE_LINES]:
        click.echo(f"  {entry.text()}", err=True)
    if len(changed) > MAX_MERGE_LINES:
        click.echo(f"  ... and {len(changed) - MAX_MERGE_LINES} more (--json lists them all)", err=True)


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
@replace_option
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
    replace: bool,
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
    from partnerkit.services import tier_verdicts

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    _check_output(output, plan, facts_path)
    loaded, facts = _load(plan, facts_path)
    # the table and the CSV of all partners need no criterion rows: skip wording them
    result = tier_verdicts(
        loaded, as_of, facts=facts, partner=partner, criteria=as_json or partner is not None, replace=replace
    )
    _stop_unless_evaluated(result)
    _print_merged(facts, result.merged)
    verdicts = result.verdicts
    if as_json:
        text = _json(result.to_dict())
    elif as_csv:
        text = _csv_partner(verdicts[0]) if partner is not None else _csv_all(verdicts)
    elif partner is not None:
        text = report_text(lambda c: _partner_text(c, verdicts[0], as_of))
    else:
        text = tier_table_text(verdicts, as_of)
    _emit(text, output)


@tiers.command("review")
@plan_argument
@facts_option
@as_of_option
@replace_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema in docs/tiers.md).")
@click.option(
    "--approve",
    "approve",
    multiple=True,
    metavar="NAME",
    help="Approve this partner's proposal (repeat for more); writes the plan with it to -o FILE.",
)
@click.option("--approve-all", is_flag=True, help="Approve every proposal; writes the plan to -o FILE.")
@output_option
def review(
    plan: Path,
    facts_path: Path | None,
    as_of: date,
    replace: bool,
    as_json: bool,
    approve: tuple[str, ...],
    approve_all: bool,
    output: Path | None,
) -> None:
    """The tier review: proposed changes to approve, expiring certifications, unknowns, benefit cost.

    Nothing is changed unless you approve: upgrades and downgrades are proposals; a downgrade
    waits the plan's grace period (tier_program.downgrade_grace_days). With --approve NAME (or
    --approve-all) the approved changes are written into each partner's tier history in a new
    plan file, -o FILE; the review is printed as usual.

    \b
    Example:
      partnerkit tiers review plan.yaml --facts crm-export.xlsx --as-of 2026-10-01
      partnerkit tiers review plan.yaml --as-of 2026-10-01 --approve "Orbit CRM" -o plan-approved.yaml
    """
    from partnerkit.services import tier_review

    approving = bool(approve) or approve_all
    if approving and output is None:
        raise click.UsageError("--approve writes the plan with the approved changes: add -o NEW-PLAN.yaml")
    if approving and output is not None and output.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise click.UsageError(f"-o {output}: the approved plan is a .yaml or .json file")
    _check_output(output, plan, facts_path)
    loaded, facts = _load(plan, facts_path)
    result = tier_review(
        loaded, as_of, facts=facts, replace=replace, approve=list(approve), approve_all=approve_all
    )
    _stop_unless_evaluated(result)
    _print_merged(facts, result.merged)
    assert result.review is not None
    text = _json(result.to_dict()) if as_json else review_text(result.review)
    if result.changes is None:
        _emit(text, output)
        return
    from partnerkit.io.files import write_text_atomic
    from partnerkit.io.planfile import dump_plan

    assert output is not None
    click.echo(text, nl=False)
    changes = result.changes
    write_text_atomic(output, dump_plan(changes.plan, "json" if output.suffix.lower() == ".json" else "yaml"))
    for name, why in changes.skipped:
        click.echo(f"not approved: {name}: {why}", err=True)
    approved = ", ".join(p.partner for p in changes.applied) or "nothing"
    click.echo(f"approved {approved}; wrote the plan with the tier history to {output}", err=True)


def _stop_unless_evaluated(result: TierVerdicts | TierReviewResult) -> None:
    """Nothing was evaluated (the plan's dated facts are wrong): show why and exit 1."""
    from partnerkit.errors import ProblemsFound

    if not result.evaluated:
        print_problems(result.problems)
        raise ProblemsFound("nothing evaluated: fix the facts above and run again.")


# --- presentation --------------------------------------------------------------------------------


def _json(data: Any) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_MET = {True: "yes", False: "no", None: "unknown"}


def tier_table_text(verdicts: list[Any], as_of: date) -> str:
    """The tier table as ``partnerkit tiers`` prints it."""
    return report_text(lambda c: _table_text(c, verdicts, as_of))


def review_text(review: TierReview) -> str:
    """The tier review as ``partnerkit tiers review`` prints it."""
    return report_text(lambda c: _review_text(c, review))


def _table_text(console: Any, verdicts: list[Any], as_of: date) -> None:
    from rich.table import Table

    table = Table(title=f"Tiers on {as_of.isoformat()}", title_justify="left")
    for head in ("Partner", "Current", "Tier", "Change", "Next tier", "Top gaps"):
        table.add_column(head, overflow="fold")
    from partnerkit.services.tiers import top_gaps

    for v in verdicts:
        top = top_gaps(v)
        table.add_row(
            v.partner, v.current_tier or "-", v.tier or "-", v.change.value, v.next_tier or "-", top
        )
    console.print(table)


def _partner_text(console: Any, v: Any, as_of: date) -> None:
    from rich.table import Table

    from partnerkit.tiers.explain import number, points_shown

    console.print(f"{v.partner} on {as_of.isoformat()}")
    console.print(
        f"  tier: {v.tier or 'none'} (current: {v.current_tier or 'none'}; change: {v.change.value})"
    )
    if v.track is not None:
        console.print(f"  via the {v.track.track} track: {v.track.score}")
    if v.undecided:
        console.print(f"  undecided: {' or '.join(v.undecided)} still possible")
    table = Table()
    for head in ("Tier", "Criterion", "Required", "Actual", "Met", "Points"):
        table.add_column(head, overflow="fold")
    for c in v.criteria:
        points = "" if c.points is None else f"{number(points_shown(c.points))} of {number(c.max_points)}"
        met = "partial" if c.status == "partial" else _MET[c.met]
        table.add_row(c.tier, "  " * c.depth + c.criterion, c.required, c.actual, met, points)
    console.print(table)
    if v.next_tier:
        console.print(f"To reach {v.next_tier}:")
        for g in v.gaps:
            console.print(f"  - {g.text}")
        if not v.gaps:
            console.print("  - nothing known to be missing")
    if v.unknown:
        console.print("Depends on unknown facts (record them to decide): " + ", ".join(v.unknown))
    for w in v.warnings:
        console.print(f"warning: {w}")


def _review_text(console: Any, r: Any) -> None:
    from rich.table import Table

    from partnerkit.tiers.explain import money

    console.print(
        f"Tier review on {r.as_of.isoformat()}: {len(r.proposals)} proposal(s), {r.holds} hold(s), "
        f"{len(r.unknown)} undecided"
    )
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
        console.print("Undecided, nothing proposed (record these facts to decide):")
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
    from partnerkit.io.csvtext import csv_text

    header = ["partner", "current_tier", "tier", "change", "next_tier", "gaps", "unknown", "warnings"]
    return csv_text(
        header,
        (
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
            for v in verdicts
        ),
    )


def _csv_partner(v: Any) -> str:
    from partnerkit.io.csvtext import csv_text

    header = ["partner", "tier", "criterion", "required", "actual", "met", "points", "max_points"]
    return csv_text(
        header,
        (
            [
                v.partner,
                c.tier,
                c.criterion,
                c.required,
                c.actual,
                _MET[c.met],
                "" if c.points is None else _points_cell(c.points),
                "" if c.max_points is None else c.max_points,
            ]
            for c in v.criteria
        ),
    )


def _points_cell(points: Any) -> str:
    from partnerkit.tiers.explain import number, points_shown

    return number(points_shown(points))
