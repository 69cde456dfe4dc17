"""``partnerkit terms``: each partner's deal terms, where every value came from, and what to fix."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from partnerkit.commands._common import console, json_option, load_or_exit, plan_argument, print_json

if TYPE_CHECKING:
    from rich.console import Console

    from partnerkit.deals.lint import TermFinding
    from partnerkit.deals.review import TermsReview


@click.command()
@plan_argument
@click.option("--partner", "partner_name", metavar="NAME", help="Show only this partner's terms, in full.")
@json_option
def terms(plan: Path, partner_name: str | None, as_json: bool) -> None:
    """Show the deal terms of every partner of PLAN and the findings of the term lint.

    Without --partner: one line per partner, then every finding. With --partner: that partner's
    full terms, the origin of each value (tier benefit, framework default, per-partner override),
    its changes to the standard terms, and its findings.

    Exits 0 when no terms have errors (warnings allowed), 1 when some do (or the plan has errors),
    2 when the plan cannot be read or no partner has that name.

    \b
    Examples:
      partnerkit terms plan.yaml
      partnerkit terms plan.yaml --partner "Northwind ERP"
      partnerkit terms plan.yaml --json
    """
    from partnerkit.errors import ProblemsFound
    from partnerkit.services import term_review

    result = term_review(load_or_exit(plan, quiet_warnings=True), partner_name)
    if as_json:
        print_json(result.to_dict())
    elif partner_name is not None:
        _print_partner(console(), result.reviews[0])
    else:
        _print_summary(console(), result.reviews)
    if result.errors:
        raise ProblemsFound()


def _print_findings(out: Console, findings: list[TermFinding], *, with_partner: bool) -> None:
    from rich.markup import escape

    for f in findings:
        style, word = ("bold red", "error") if f.is_error else ("yellow", "warning")
        who = f"{escape(f.partner)}: " if with_partner else ""
        fields = escape(", ".join(f.fields))
        hint = f" [dim]({escape(f.hint)})[/dim]" if f.hint else ""
        out.print(f"[{style}]{word}[/{style}] {who}{fields}: {escape(f.message)}{hint}")


def _print_summary(out: Console, reviews: list[TermsReview]) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Deal terms", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Partner", min_width=16)
    table.add_column("Agreement", min_width=11)
    for column in ("Tier", "Share / discount", "Changes", "Errors", "Warnings"):
        table.add_column(column)
    for r in reviews:
        if r.terms is None:
            continue
        t = r.terms
        money = t.term("revenue_share" if t.kind.value == "integration" else "partner_discount")
        table.add_row(
            escape(r.partner.name),
            t.title.replace(" Partnership Agreement", ""),
            escape(t.tier or "-"),
            f"{money.display} ({money.origin.value})",
            str(len(t.deviations())),
            f"[bold red]{len(r.errors)}[/bold red]" if r.errors else "0",
            str(len(r.warnings)),
        )
    out.print(table)
    findings = [f for r in reviews for f in r.findings]
    if findings:
        out.print()
        _print_findings(out, findings, with_partner=True)
    none = [r for r in reviews if r.terms is None]
    if none:
        names = ", ".join(escape(r.partner.name) for r in none)
        out.print()
        out.print(f"No agreement (ecosystem partners are joined, not signed): {names}")
    errors = sum(len(r.errors) for r in reviews)
    warnings = sum(len(r.warnings) for r in reviews)
    out.print()
    out.print(
        f"{errors} error(s), {warnings} warning(s) in the terms of {len(reviews) - len(none)} partner(s)"
    )


def _print_partner(out: Console, review: TermsReview) -> None:
    from rich.markup import escape
    from rich.table import Table

    if review.terms is None:
        out.print(escape(review.note or ""))
        return
    t = review.terms
    tier = f", {escape(t.tier)} tier" if t.tier else ", no tier"
    out.print(f"[bold]{escape(t.title)}[/bold]: {escape(t.partner_name)}{tier}")
    parties = Table(title="Parties", title_justify="left", show_header=True)
    for column in ("", "Legal name", "Notice address", "Contact"):
        parties.add_column(column)
    for label, party in (("Us", t.company), ("Partner", t.partner)):
        shown = party.to_dict()
        parties.add_row(
            label, escape(shown["legal_name"]), escape(shown["notice_address"]), escape(shown["contact"])
        )
    out.print(parties)
    out.print(f"Effective date: {escape(t.effective_date_text)}")
    from partnerkit.deals import DealTerms

    # The agreement's own terms (scope, pricing, registration...) first, then the legal terms
    # every agreement shares.
    shared = set(DealTerms.model_fields)
    items = t.terms()
    for title, part in (
        ("Deal terms", [i for i in items if i.key not in shared]),
        ("Legal terms", [i for i in items if i.key in shared]),
    ):
        table = Table(title=title, title_justify="left")
        table.add_column("Term")
        table.add_column("Value")
        table.add_column("Origin", no_wrap=True)
        for item in part:
            value = escape(item.display)
            if item.deviates:
                value += f" [dim](standard: {escape(item.standard_display)})[/dim]"
            origin = item.origin.label
            table.add_row(item.label, value, f"[cyan]{origin}[/cyan]" if item.deviates else origin)
        out.print(table)
    deviations = t.deviations()
    if deviations:
        changes = Table(title="Changes to standard terms", title_justify="left")
        for column in ("Term", "Standard", "This deal", "Reason"):
            changes.add_column(column)
        for d in deviations:
            changes.add_row(d.label, escape(d.standard), escape(d.value), escape(d.reason or "-"))
        out.print(changes)
    else:
        out.print("No changes to the standard terms.")
    if review.findings:
        _print_findings(out, review.findings, with_partner=False)
    else:
        out.print("No findings.")
