"""Attribution: which partner sourced each won deal and which influenced it, and the revenue of each.

The primary-credit rule (docs/deals.md), for the rows of one won deal (one deal id):

1. A row whose ``credit`` is overridden decides for itself: ``sourced`` gives that partner the sourced
   credit, ``influenced`` influence credit, ``none`` no credit; every override carries its reason.
2. Otherwise the sourced credit goes to the partner whose sourced or referral registration is
   protected (approved, not lost to another partner, by a partner who may register). A sourced
   registration beats an influence touch.
3. If several rows qualify, the first approved wins (then the earlier registration, then the partner
   name); two overrides to ``sourced`` on one deal are a problem, and the same order decides.
4. Every other partner on the deal is credited as influencing it, including a partner whose
   sourced claim has no protected registration.

A deal is credited to at most one partner as sourced. Program totals count each deal once:
partner-sourced revenue is the revenue of deals with a sourcing partner, partner-influenced revenue
that of deals with influencing partners and none sourcing. Revenue is the won amount, in the plan's
currency; deals in another currency are left out with a problem (one currency per program).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import compress, count, repeat
from operator import attrgetter, is_
from typing import Any

from partnerkit.model import Plan
from partnerkit.model.partners import CategoryKind
from partnerkit.pipeline.deals import CreditOverride, Deal, Stage, Touch
from partnerkit.pipeline.periods import Period
from partnerkit.pipeline.registrations import RegistrationCheck, RegistrationStatus
from partnerkit.pipeline.rules import PartnerRules, partner_rules
from partnerkit.problems import Problem, Severity

_FAR = date.max


@dataclass(slots=True)
class DealCredit:
    """One won deal: its money, who sourced it (at most one partner), who influenced it, and why."""

    deal_id: str
    rows: tuple[int, ...]
    account: int | None
    account_name: str
    amount: Decimal
    currency: str
    close_date: date
    refunded_on: date | None
    sourced_by: str | None
    sourced_row: int
    sourced_touch: Touch | None
    influenced_by: tuple[str, ...]
    override: str | None
    source_approved: date | None
    protected: bool
    lapsed: bool

    @property
    def reason(self) -> str:
        """Why the sourced credit went where it did, in words."""
        if self.override is not None:
            return f"override: {self.override}"
        if self.sourced_by is not None and self.source_approved is not None:
            return f"protected registration approved {self.source_approved.isoformat()}"
        return "no protected registration: influence only"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "deal_id": self.deal_id,
            "account": self.account_name,
            "amount": str(self.amount),
            "currency": self.currency,
            "close_date": self.close_date.isoformat(),
            "sourced_by": self.sourced_by,
            "influenced_by": list(self.influenced_by),
            "reason": self.reason,
        }


@dataclass
class PartnerRevenue:
    """One partner's credited revenue and deal counts."""

    partner: str
    category: CategoryKind | None
    sourced: Decimal = Decimal(0)
    influenced: Decimal = Decimal(0)
    sourced_deals: int = 0
    influenced_deals: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "partner": self.partner,
            "category": self.category.value if self.category else None,
            "sourced": str(self.sourced),
            "influenced": str(self.influenced),
            "sourced_deals": self.sourced_deals,
            "influenced_deals": self.influenced_deals,
        }


@dataclass
class Revenue:
    """Partner-sourced and partner-influenced revenue of a period: per partner, per category, in total."""

    period: Period | None
    currency: str
    by_partner: dict[str, PartnerRevenue] = field(default_factory=dict)
    by_category: dict[CategoryKind, PartnerRevenue] = field(default_factory=dict)
    sourced: Decimal = Decimal(0)
    influenced: Decimal = Decimal(0)
    sourced_deals: int = 0
    influenced_deals: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "period": self.period.label if self.period else None,
            "currency": self.currency,
            "sourced": str(self.sourced),
            "influenced": str(self.influenced),
            "sourced_deals": self.sourced_deals,
            "influenced_deals": self.influenced_deals,
            "categories": {k.value: v.to_dict() for k, v in sorted(self.by_category.items())},
            "partners": [self.by_partner[k].to_dict() for k in sorted(self.by_partner)],
        }


@dataclass
class Attribution:
    """The credit of every won deal on the as-of date, and the problems met (mixed rows, currencies)."""

    as_of: date
    currency: str
    deals: list[DealCredit]
    categories: dict[str, CategoryKind]
    problems: list[Problem] = field(default_factory=list)

    def sourced_by(self, deal_id: str) -> str | None:
        """The partner credited with sourcing ``deal_id`` (None: no partner, or no such won deal)."""
        for credit in self.deals:
            if credit.deal_id == deal_id:
                return credit.sourced_by
        return None

    def revenue(self, period: Period | None = None) -> Revenue:
        """The credited revenue of the deals closed in ``period`` (every won deal when None)."""
        out = Revenue(period, self.currency)
        partners = out.by_partner
        categories = out.by_category
        cats = self.categories

        def of(name: str) -> PartnerRevenue:
            found = partners.get(name)
            if found is None:
                found = partners[name] = PartnerRevenue(name, cats.get(name))
            return found

        def of_category(kind: CategoryKind) -> PartnerRevenue:
            found = categories.get(kind)
            if found is None:
                found = categories[kind] = PartnerRevenue(kind.value, kind)
            return found

        for credit in self.deals:
            if period is not None and not period.start <= credit.close_date <= period.end:
                continue
            amount = credit.amount
            seen: set[CategoryKind] = set()
            if credit.sourced_by is not None:
                out.sourced += amount
                out.sourced_deals += 1
                row = of(credit.sourced_by)
                row.sourced += amount
                row.sourced_deals += 1
                kind = cats.get(credit.sourced_by)
                if kind is not None:
                    seen.add(kind)
                    cat = of_category(kind)
                    cat.sourced += amount
                    cat.sourced_deals += 1
            elif credit.influenced_by:
                out.influenced += amount
                out.influenced_deals += 1
            for name in credit.influenced_by:
                row = of(name)
                row.influenced += amount
                row.influenced_deals += 1
                kind = cats.get(name)
                if kind is not None and kind not in seen:
                    seen.add(kind)
                    cat = of_category(kind)
                    cat.influenced += amount
                    cat.influenced_deals += 1
        return out


def _won_rows(
    deals: Sequence[Deal], as_of: date, period: Period | None, accounts: list[int | None]
) -> dict[str, list[int]]:
    """The rows of each deal won by ``as_of``, by deal id; with a period, only those a payout run needs:
    deals closed or refunded in the period, and the earlier won deals on their accounts."""
    # The won rows are picked in C (attrgetter, is_, compress): only they reach Python code, once.
    won = compress(count(), map(is_, map(attrgetter("stage"), deals), repeat(Stage.WON)))
    rows: list[int] = []
    keep = rows.append
    if period is None:
        for i in won:
            close = deals[i].close_date
            if close is not None and close <= as_of:
                keep(i)
    else:
        start, end = period.start, period.end
        inside: list[int] = []
        for i in won:
            d = deals[i]
            close = d.close_date
            if close is not None and close <= as_of:
                keep(i)
                if start <= close <= end or (
                    (refund := d.refunded_on) is not None and start <= refund <= end
                ):
                    inside.append(i)
        touched = set(map(accounts.__getitem__, inside))
        touched.discard(None)
        # the won rows on the touched accounts, picked in C; a row of the period without an account
        # has no earlier deals to bring along, and joins on its own
        picked = list(compress(rows, map(touched.__contains__, map(accounts.__getitem__, rows))))
        alone = [i for i in inside if accounts[i] is None]
        rows = sorted({*picked, *alone}) if alone else picked
    groups: dict[str, list[int]] = {}
    for i in rows:
        deal_id = deals[i].deal_id
        found = groups.get(deal_id)
        if found is None:
            groups[deal_id] = [i]
        else:
            found.append(i)
    return groups


_SAME = ("account_name", "account_domain", "amount", "currency", "close_date", "refunded_on")


def _disagreement(deals: Sequence[Deal], rows: list[int]) -> Problem | None:
    first = deals[rows[0]]
    for i in rows[1:]:
        other = deals[i]
        for name in _SAME:
            a, b = getattr(first, name), getattr(other, name)
            if a != b:
                # order the two values so the message does not depend on the order of the rows
                low, high = sorted((str(a), str(b)))
                return Problem(
                    f"deal {first.deal_id}: its rows disagree on {name} ({low} and {high}); "
                    "the deal is left out of attribution and payouts until they agree",
                    ("deals", max(rows), name),
                    code="deals.rows-disagree",
                    extra={"rows": sorted(rows)},
                )
    return None


def _first(deals: Sequence[Deal], rows: list[int]) -> int:
    return min(
        rows,
        key=lambda i: (
            deals[i].approved_on or _FAR,
            deals[i].registered_on or _FAR,
            deals[i].partner,
            deals[i].touch.value,
        ),
    )


def attribute(
    plan: Plan,
    deals: Sequence[Deal],
    check: RegistrationCheck,
    *,
    rules: dict[str, PartnerRules] | None = None,
    period: Period | None = None,
) -> Attribution:
    """Credit every deal won by ``check.as_of`` by the primary-credit rule (module docstring).

    With ``period``, only what a payout run of that period needs is credited: the deals closed or
    refunded in it, and the earlier won deals on the same accounts (for the commission tail cap).
    """
    from partnerkit.collector import no_gc

    with no_gc():
        return _attribute(plan, deals, check, partner_rules(plan) if rules is None else rules, period)


def _attribute(
    plan: Plan,
    deals: Sequence[Deal],
    check: RegistrationCheck,
    rules: dict[str, PartnerRules],
    period: Period | None,
) -> Attribution:
    by_name = check.names_for(deals, rules)
    currency = plan.product.currency
    categories = {r.partner: r.category for r in rules.values()}
    status = check.status
    until = check.protected_until
    accounts = check.accounts
    problems: list[Problem] = []
    credits: list[DealCredit] = []
    protected = RegistrationStatus.PROTECTED
    registering = (Touch.SOURCED, Touch.REFERRAL)
    sourced_override, no_credit = CreditOverride.SOURCED, CreditOverride.NONE
    wrong_currency: list[int] = []
    add = credits.append
    for deal_id, rows in _won_rows(deals, check.as_of, period, accounts).items():
        if len(rows) == 1:  # the common case: one partner on the deal
            i = rows[0]
            d = deals[i]
            r = by_name.get(d.partner)
            if r is None:
                continue
            if d.currency != currency:
                wrong_currency.append(i)
                continue
            credit = d.credit
            if credit is sourced_override or (
                credit is None and status[i] is protected and d.touch in registering
            ):
                source = i
                influenced: tuple[str, ...] = ()
            else:
                source = -1
                influenced = () if credit is no_credit else (r.partner,)
            override = d.credit_reason if credit is sourced_override else None
            close = d.close_date
            assert close is not None
            end = until[i] if source >= 0 and status[i] is protected else None
            add(
                DealCredit(
                    deal_id,
                    (i,),
                    accounts[i],
                    d.account_name,
                    d.amount,
                    d.currency,
                    close,
                    d.refunded_on,
                    r.partner if source >= 0 else None,
                    source,
                    d.touch if source >= 0 else None,
                    influenced,
                    override,
                    d.approved_on if source >= 0 else None,
                    end is not None and close <= end,
                    end is not None and close > end,
                )
            )
            continue
        found = _credit_rows(deals, deal_id, rows, by_name, status, until, accounts, currency, problems)
        if found is None:
            continue
        if isinstance(found, int):
            wrong_currency.append(found)
        else:
            add(found)
    problems += _currency_problems(deals, wrong_currency, currency)
    return Attribution(check.as_of, currency, credits, categories, problems)


def _credit_rows(
    deals: Sequence[Deal],
    deal_id: str,
    rows: list[int],
    by_name: dict[str, PartnerRules],
    status: list[RegistrationStatus],
    until: list[date | None],
    accounts: list[int | None],
    currency: str,
    problems: list[Problem],
) -> DealCredit | int | None:
    """The credit of a deal with several rows (None when left out; a row number for a wrong currency)."""
    rows = [i for i in rows if deals[i].partner in by_name]
    if not rows:
        return None
    if len(rows) > 1:
        bad = _disagreement(deals, rows)
        if bad is not None:
            problems.append(bad)
            return None
    first = deals[rows[0]]
    if first.currency != currency:
        return rows[0]
    overridden = [i for i in rows if deals[i].credit is CreditOverride.SOURCED]
    override = None
    if overridden:
        if len({by_name[deals[i].partner].partner for i in overridden}) > 1:
            problems.append(
                Problem(
                    f"deal {deal_id}: more than one row overrides the credit to 'sourced'; "
                    "the first approved of them is credited",
                    ("deals", max(overridden), "credit"),
                    severity=Severity.WARNING,
                    code="deals.two-sourced-overrides",
                )
            )
        source = _first(deals, overridden)
        override = deals[source].credit_reason
    else:
        protected = RegistrationStatus.PROTECTED
        registering = (Touch.SOURCED, Touch.REFERRAL)
        candidates = [
            i
            for i in rows
            if deals[i].credit is None and status[i] is protected and deals[i].touch in registering
        ]
        source = (_first(deals, candidates) if len(candidates) > 1 else candidates[0]) if candidates else -1
    sourced_by = by_name[deals[source].partner].partner if source >= 0 else None
    influenced = sorted(
        {by_name[deals[i].partner].partner for i in rows if deals[i].credit is not CreditOverride.NONE}
        - {sourced_by}
    )
    close = first.close_date
    assert close is not None
    end = until[source] if source >= 0 and status[source] is RegistrationStatus.PROTECTED else None
    return DealCredit(
        deal_id,
        tuple(rows),
        accounts[rows[0]],
        first.account_name,
        first.amount,
        first.currency,
        close,
        first.refunded_on,
        sourced_by,
        source,
        deals[source].touch if source >= 0 else None,
        tuple(n for n in influenced if n is not None),
        override,
        deals[source].approved_on if source >= 0 else None,
        end is not None and close <= end,
        end is not None and close > end,
    )


def _currency_problems(deals: Sequence[Deal], rows: Iterable[int], currency: str) -> list[Problem]:
    return [
        Problem(
            f"deal {deals[i].deal_id} is in {deals[i].currency}, not the plan's currency {currency}: "
            "one currency per program; convert the amount in the export",
            ("deals", i, "currency"),
            code="deals.currency",
        )
        for i in rows
    ]
