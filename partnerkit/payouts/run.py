"""A payout run: what each partner is owed for a period under its agreement, exact to the cent.

For every deal won in the period and credited to a partner as sourced (``partnerkit.pipeline``):

* a distribution partner (Reseller agreement) earns its partner discount as a margin on the deal
  amount, plus the extra discount on registered deals when the deal closed inside its protection.
  partnerkit models resale on the agency model: we bill the customer and pay the partner its margin;
* an integration partner earns its revenue share on a deal it sourced and its referral fee on a
  referral (a referral that closed after its attribution window earns none), on the deal amount,
  the first-year contract value. Later deals on the same account earn only inside the commission
  tail cap: before ``referral_tail_months`` have passed since the partner's first deal on the
  account closed (a renewal on the anniversary of a 12-month tail earns nothing);
* ecosystem partners and influencing partners earn nothing.

A deal refunded or churned in the period within ``clawback_days`` of its close (the last day
included) takes back what it earned; later refunds take nothing back. A tier's payout accelerator
adds its share of the period's net commissions once the partner's sourced revenue in the period
reaches the tier's threshold. The carried-in balance is added; a balance below the minimum payout,
or negative, is carried over to the next run and nothing is paid, so a payout is never negative.

One currency per run: the plan's. A deal closed or refunded in the period in another currency
refuses the run with a problem on its row. Rerunning a period with the same inputs gives the same
statements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from partnerkit.model import Plan
from partnerkit.model.partners import CategoryKind
from partnerkit.payouts.statements import (
    ZERO,
    LineKind,
    PayoutRun,
    Statement,
    StatementLine,
    cents,
)
from partnerkit.pipeline.attribution import Attribution, DealCredit, attribute
from partnerkit.pipeline.deals import Deal, Touch
from partnerkit.pipeline.periods import Period, add_months
from partnerkit.pipeline.registrations import RegistrationCheck, check_registrations
from partnerkit.pipeline.rules import PartnerRules, partner_rules
from partnerkit.problems import Problem, Severity


def _commission(
    credit: DealCredit, r: PartnerRules, first_close: Mapping[tuple[str, int | None], date]
) -> list[StatementLine]:
    """The lines one sourced deal earns its partner (amounts zero where a rule says nothing is due)."""
    amount = credit.amount
    d_id, account, day = credit.deal_id, credit.account_name, credit.close_date

    def line(kind: LineKind, rate: Decimal | None, note: str = "", due: bool = True) -> StatementLine:
        value = cents(amount * rate) if due and rate is not None else ZERO
        return StatementLine(kind, d_id, account, day, amount, rate or ZERO, value, note)

    if r.category is CategoryKind.DISTRIBUTION:
        if credit.sourced_touch is Touch.REFERRAL:
            return [line(LineKind.REFERRAL_FEE, None, "reseller agreements pay no referral fee", False)]
        lines = [
            line(LineKind.MARGIN, r.partner_discount)
            if r.partner_discount is not None
            else line(LineKind.MARGIN, None, "the agreement sets no partner discount", False)
        ]
        if r.registered_discount is not None:
            if credit.protected:
                lines.append(
                    line(LineKind.REGISTERED_DISCOUNT, r.registered_discount, "closed inside protection")
                )
            elif credit.lapsed:
                lines.append(
                    line(
                        LineKind.REGISTERED_DISCOUNT,
                        r.registered_discount,
                        "closed after protection ended",
                        False,
                    )
                )
        return lines
    if r.category is CategoryKind.INTEGRATION:
        referral = credit.sourced_touch is Touch.REFERRAL
        kind = LineKind.REFERRAL_FEE if referral else LineKind.REVENUE_SHARE
        rate = r.referral_fee if referral else r.revenue_share
        if rate is None:
            return [line(kind, None, f"the agreement sets no {kind.value}", False)]
        first = first_close.get((r.partner, credit.account), day)
        if r.tail_months is not None and day != first and day >= add_months(first, r.tail_months):
            ended = add_months(first, r.tail_months).isoformat()
            note = f"after the commission tail cap ({r.tail_months} months from {first.isoformat()}, ended {ended})"
            return [line(kind, rate, note, False)]
        if referral and credit.lapsed:
            return [line(kind, rate, "closed after the attribution window ended", False)]
        return [line(kind, rate, "within the commission tail cap" if day != first else "")]
    return [line(LineKind.REVENUE_SHARE, None, "ecosystem partners sign no agreement: nothing is due", False)]


def _first_closes(
    attribution: Attribution, rules: Mapping[str, PartnerRules]
) -> dict[tuple[str, int | None], date]:
    first: dict[tuple[str, int | None], date] = {}
    for credit in attribution.deals:
        name = credit.sourced_by
        if name is None or rules[name].category is not CategoryKind.INTEGRATION:
            continue
        key = (name, credit.account)
        known = first.get(key)
        if known is None or credit.close_date < known:
            first[key] = credit.close_date
    return first


def compute_payouts(
    plan: Plan,
    deals: Sequence[Deal],
    period: Period,
    *,
    carried_in: Mapping[str, Decimal] | None = None,
    rules: dict[str, PartnerRules] | None = None,
    check: RegistrationCheck | None = None,
    attribution: Attribution | None = None,
) -> PayoutRun:
    """The payout run of ``period``: a statement per partner with lines or a carried-in balance.

    ``carried_in`` holds each partner's balance from the previous run (its ``carried_out``; negative
    when a clawback left the partner owing). The registrations are read as of the period's last day.
    An ``attribution`` passed in must cover the period's deals (``attribute`` with or without
    ``period``).
    """
    from partnerkit.collector import no_gc

    rules = partner_rules(plan) if rules is None else rules
    if check is None:
        check = check_registrations(plan, deals, period.end, rules=rules)
    if attribution is None:
        attribution = attribute(plan, deals, check, rules=rules, period=period)
    with no_gc():
        return _run(plan, deals, period, carried_in, rules, attribution)


def _run(
    plan: Plan,
    deals: Sequence[Deal],
    period: Period,
    carried_in: Mapping[str, Decimal] | None,
    rules: dict[str, PartnerRules],
    attribution: Attribution,
) -> PayoutRun:
    policy = plan.deal_frameworks.payouts
    currency = plan.product.currency
    minimum = policy.minimum_payout.amount if policy.minimum_payout is not None else None
    window = timedelta(days=policy.clawback_days)
    problems = _run_problems(deals, attribution, period)
    if policy.minimum_payout is not None and policy.minimum_payout.currency != currency:
        problems.append(
            Problem(
                f"the minimum payout is in {policy.minimum_payout.currency}, not the plan's currency {currency}",
                ("deal_frameworks", "payouts", "minimum_payout"),
                code="payouts.currency",
            )
        )
    carried = dict(carried_in or {})
    for unknown in sorted(carried):
        if unknown not in rules:
            problems.append(
                Problem(
                    f"a balance of {carried[unknown]} is carried in for {unknown!r}, who is not a partner of the plan",
                    ("carried_in", unknown),
                    code="payouts.unknown-partner",
                )
            )
    if any(p.is_error for p in problems):
        return PayoutRun(period, currency, (), minimum, policy.clawback_days, problems)
    first_close = _first_closes(attribution, rules)
    lines: dict[str, list[StatementLine]] = {}
    sourced: dict[str, Decimal] = {}
    start, end = period.start, period.end
    for credit in attribution.deals:
        if credit.sourced_by is None:
            continue
        name = credit.sourced_by
        r = rules[name]
        if start <= credit.close_date <= end:
            lines.setdefault(name, []).extend(_commission(credit, r, first_close))
            sourced[name] = sourced.get(name, ZERO) + credit.amount
        refunded = credit.refunded_on
        if refunded is not None and start <= refunded <= end:
            lines.setdefault(name, []).extend(_clawback(credit, r, first_close, refunded, window))
    statements = []
    for name in sorted(set(lines) | {n for n in carried if n in rules}):
        r = rules[name]
        statements.append(
            _statement(
                r, period, currency, lines.get(name, []), sourced.get(name, ZERO), carried.get(name), minimum
            )
        )
    return PayoutRun(period, currency, tuple(statements), minimum, policy.clawback_days, problems)


def _clawback(
    credit: DealCredit,
    r: PartnerRules,
    first_close: Mapping[tuple[str, int | None], date],
    refunded: date,
    window: timedelta,
) -> list[StatementLine]:
    days = (refunded - credit.close_date).days
    if refunded > credit.close_date + window:
        note = (
            f"refunded or churned {days} days after close, beyond the {window.days}-day clawback window: "
            "nothing is taken back"
        )
        return [
            StatementLine(
                LineKind.CLAWBACK,
                credit.deal_id,
                credit.account_name,
                refunded,
                credit.amount,
                ZERO,
                ZERO,
                note,
            )
        ]
    out = []
    for earned in _commission(credit, r, first_close):
        if earned.amount == 0:
            continue
        note = f"{earned.kind.value} of {credit.close_date.isoformat()} taken back: refunded or churned {days} days after close"
        out.append(
            StatementLine(
                LineKind.CLAWBACK,
                credit.deal_id,
                credit.account_name,
                refunded,
                earned.base,
                earned.rate,
                -earned.amount,
                note,
                earned.kind,
            )
        )
    return out


def _statement(
    r: PartnerRules,
    period: Period,
    currency: str,
    lines: list[StatementLine],
    sourced: Decimal,
    carried_in: Decimal | None,
    minimum: Decimal | None,
) -> Statement:
    lines.sort(key=lambda x: (x.day or period.start, x.deal_id, x.kind.value, x.amount))
    earned = sum((x.amount for x in lines if x.kind is not LineKind.CLAWBACK), ZERO)
    clawed = sum((x.amount for x in lines if x.kind is LineKind.CLAWBACK), ZERO)
    accelerator = ZERO
    net = earned + clawed
    if r.accelerator is not None and r.accelerator > 0 and net > 0:
        reached = r.accelerator_threshold is None or sourced >= r.accelerator_threshold
        if reached:
            accelerator = cents(net * r.accelerator)
            note = f"{r.tier} tier accelerator on the period's net commissions"
        else:
            note = (
                f"{r.tier} tier accelerator needs {_shown(r.accelerator_threshold, currency)} of sourced revenue "
                f"in the period; {_shown(sourced, currency)} was sourced"
            )
        lines.append(StatementLine(LineKind.ACCELERATOR, "", "", None, net, r.accelerator, accelerator, note))
    carried = cents(carried_in) if carried_in is not None else ZERO
    balance = carried + net + accelerator
    if balance <= 0 or (minimum is not None and balance < minimum):
        payable, carried_out = ZERO, balance
    else:
        payable, carried_out = balance, ZERO
    return Statement(
        r.partner,
        r.category,
        r.tier,
        period,
        currency,
        tuple(lines),
        earned,
        clawed,
        accelerator,
        carried,
        minimum,
        payable,
        carried_out,
        sourced,
    )


def _shown(amount: Decimal | None, currency: str) -> str:
    from partnerkit.model.values import Money, format_money

    return format_money(Money(amount=amount or ZERO, currency=currency))


def _run_problems(deals: Sequence[Deal], attribution: Attribution, period: Period) -> list[Problem]:
    """The attribution's problems that touch this period; a wrong currency outside it only informs."""
    out = []
    for p in attribution.problems:
        row = p.path[1] if len(p.path) > 1 and isinstance(p.path[1], int) else None
        if row is None:
            out.append(p)
            continue
        rows = p.extra.get("rows", [row])
        assert isinstance(rows, list)
        in_period = any(
            (d.close_date is not None and d.close_date in period)
            or (d.refunded_on is not None and d.refunded_on in period)
            for d in (deals[i] for i in rows)
        )
        out.append(p if in_period else _as_warning(p))
    return out


def _as_warning(problem: Problem) -> Problem:
    from dataclasses import replace

    return replace(problem, severity=Severity.WARNING)
