"""Payout statements: what each partner is owed for a period and why, line by line, and the run's summary.

Every amount is a ``Decimal`` rounded to the cent (two decimals) with ROUND_HALF_EVEN, line by
line; a statement's totals are sums of its rounded lines and the run's totals sums of its
statements, so they agree to the cent by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Any

from partnerkit.model.partners import CategoryKind
from partnerkit.model.values import Money, format_money, format_percent
from partnerkit.pipeline.periods import Period
from partnerkit.problems import Problem

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ROUNDING = ROUND_HALF_EVEN
"""Banker's rounding: a half cent goes to the even cent, so rounding errors do not drift one way."""


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded to the cent with ROUND_HALF_EVEN (``1.005`` -> ``1.00``, ``1.015`` -> ``1.02``)."""
    return amount.quantize(CENT, rounding=ROUNDING)


class LineKind(StrEnum):
    """What a statement line pays or takes back."""

    MARGIN = "margin"
    REGISTERED_DISCOUNT = "registered-deal discount"
    REVENUE_SHARE = "revenue share"
    REFERRAL_FEE = "referral fee"
    CLAWBACK = "clawback"
    ACCELERATOR = "accelerator"


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One line of a statement: a deal (or the accelerator), the base, the rate and the amount, with why."""

    kind: LineKind
    deal_id: str
    account: str
    day: date | None
    base: Decimal
    rate: Decimal
    amount: Decimal
    note: str = ""
    takes_back: LineKind | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (amounts as strings, exact)."""
        return {
            "kind": self.kind.value,
            "takes_back": self.takes_back.value if self.takes_back else None,
            "deal_id": self.deal_id,
            "account": self.account,
            "date": self.day.isoformat() if self.day else None,
            "base": str(self.base),
            "rate": format_percent(self.rate),
            "amount": str(self.amount),
            "note": self.note,
        }


SUMMARY_AMOUNTS = (
    "sourced_revenue",
    "earned",
    "clawed_back",
    "accelerator",
    "net",
    "carried_in",
    "payable",
    "carried_out",
)
"""The money columns of a statement's summary row (``summary_row``), in order: summary.csv and the
Payouts sheet show them so."""


@dataclass(frozen=True)
class Statement:
    """What one partner is owed for a period: lines, totals, the carry-over and what is paid."""

    partner: str
    category: CategoryKind
    tier: str | None
    period: Period
    currency: str
    lines: tuple[StatementLine, ...]
    earned: Decimal
    clawed_back: Decimal
    accelerator: Decimal
    carried_in: Decimal
    minimum: Decimal | None
    payable: Decimal
    carried_out: Decimal
    sourced_revenue: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        """This period's commissions less its clawbacks, with the accelerator."""
        return self.earned + self.clawed_back + self.accelerator

    @property
    def balance(self) -> Decimal:
        """What the partner is owed before the minimum payout: the carried-in balance plus the net."""
        return self.carried_in + self.net

    @property
    def status(self) -> str:
        """Paid, carried over below the minimum, a negative balance to recover, or nothing due."""
        if self.payable > 0:
            return "paid"
        if self.balance < 0:
            return "negative balance carried over"
        if self.balance > 0:
            return "below the minimum payout: carried over"
        return "nothing due"

    def money(self, amount: Decimal) -> str:
        """An amount of the statement as people read it (``$1,234.50``, ``-$12.00``)."""
        shown = format_money(Money(amount=abs(amount), currency=self.currency))
        return f"-{shown}" if amount < 0 else shown

    def summary_row(self) -> dict[str, Any]:
        """The statement's row of the run summary (the CSV columns, in order)."""
        return {
            "partner": self.partner,
            "category": self.category.value,
            "tier": self.tier or "",
            "period": self.period.label,
            "currency": self.currency,
            "sourced_revenue": self.sourced_revenue,
            "earned": self.earned,
            "clawed_back": self.clawed_back,
            "accelerator": self.accelerator,
            "net": self.net,
            "carried_in": self.carried_in,
            "payable": self.payable,
            "carried_out": self.carried_out,
            "status": self.status,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: the summary row and every line (amounts as exact strings)."""
        row = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.summary_row().items()}
        row["minimum"] = None if self.minimum is None else str(self.minimum)
        row["lines"] = [line.to_dict() for line in self.lines]
        return row


@dataclass(frozen=True)
class PayoutRun:
    """A payout run for one period: a statement per partner, the totals, and the problems met.

    A run with errors (deals in another currency, rows that disagree) has no statements: nothing is
    paid until the export is fixed.
    """

    period: Period
    currency: str
    statements: tuple[Statement, ...]
    minimum: Decimal | None
    clawback_days: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the run has no errors (its statements can be paid)."""
        return not any(p.is_error for p in self.problems)

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(s, name) for s in self.statements), ZERO)

    @property
    def total_payable(self) -> Decimal:
        """What the run pays, all partners together."""
        return self._sum("payable")

    @property
    def total_earned(self) -> Decimal:
        """Commissions of the period, before clawbacks and accelerators."""
        return self._sum("earned")

    @property
    def total_clawed_back(self) -> Decimal:
        """Clawbacks of the period (zero or negative)."""
        return self._sum("clawed_back")

    @property
    def total_accelerator(self) -> Decimal:
        """Accelerators of the period."""
        return self._sum("accelerator")

    @property
    def total_carried_in(self) -> Decimal:
        """Balances brought forward from the previous run."""
        return self._sum("carried_in")

    @property
    def total_carried_out(self) -> Decimal:
        """Balances carried over to the next run (below the minimum, or negative)."""
        return self._sum("carried_out")

    def statement(self, partner: str) -> Statement:
        """The statement of ``partner``; KeyError when the run has none."""
        for found in self.statements:
            if found.partner == partner:
                return found
        raise KeyError(partner)

    def totals(self) -> dict[str, Any]:
        """The run's totals (exact Decimals)."""
        return {
            "period": self.period.label,
            "currency": self.currency,
            "partners": len(self.statements),
            "paid": sum(1 for s in self.statements if s.payable > 0),
            "earned": self.total_earned,
            "clawed_back": self.total_clawed_back,
            "accelerator": self.total_accelerator,
            "carried_in": self.total_carried_in,
            "payable": self.total_payable,
            "carried_out": self.total_carried_out,
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``partnerkit payouts --json`` prints (docs/payouts.md)."""
        totals = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.totals().items()}
        return {
            **totals,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "minimum_payout": None if self.minimum is None else str(self.minimum),
            "clawback_days": self.clawback_days,
            "rounding": "ROUND_HALF_EVEN to the cent, line by line",
            "ok": self.ok,
            "statements": [s.to_dict() for s in self.statements],
            "problems": [p.to_dict() for p in self.problems],
        }
