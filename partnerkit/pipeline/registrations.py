"""Deal registrations checked against each partner's terms: protection, conflicts, expiries, who may register.

The rule (docs/deals.md):

* A row registers a deal when it is a sourced or referral touch with a registration date. Only
  partners whose agreement grants deal registration may register (``partnerkit.pipeline.rules``).
* The first approved registration on an account is protected for the partner's protection period,
  counted from the approval day: 90 days approved on 1 January protect 1 January to 31 March. A
  registration the same partner has approved inside its own protection extends it.
* A registration by another partner approved inside that protection loses: the first approved
  wins, and the loser is told who holds the account and until when. Registrations approved on the
  same day are ordered by registration date, then deal id, then partner name.
* A registration still awaiting approval is flagged when approving it on the as-of date would lose.
* Flagged as well: protection that ended while the deal is still open, deals won after their
  protection ended, registrations made after the deal closed, registrations by partners whose tier
  or agreement gives no deal registration.

The check is linear: rows are grouped by account (``partnerkit.pipeline.accounts``), and each group
is sorted by approval and walked once. Nothing depends on the order of the rows. Everything is read
as of one date: later registrations are left out, later approvals are pending, later closes open.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from partnerkit.model import Plan
from partnerkit.pipeline.accounts import account_keys
from partnerkit.pipeline.deals import Deal, Stage, Touch
from partnerkit.pipeline.rules import PartnerRules, partner_rules, rules_by_name
from partnerkit.problems import Problem, Severity


class RegistrationStatus(StrEnum):
    """What a row's registration amounts to on the as-of date."""

    PROTECTED = "protected"
    LOST = "lost"
    PENDING = "pending"
    NOT_ALLOWED = "not allowed"
    UNKNOWN_PARTNER = "unknown partner"
    NOT_REGISTERED = "not registered"
    LATER = "registered after the as-of date"


class FindingKind(StrEnum):
    """What a finding of the registration check is about."""

    CONFLICT = "conflict"
    PENDING_CONFLICT = "pending-conflict"
    NOT_ALLOWED = "not-allowed"
    EXPIRED = "expired"
    CLOSED_AFTER_PROTECTION = "closed-after-protection"
    REGISTERED_AFTER_CLOSE = "registered-after-close"
    UNREGISTERED = "unregistered"
    UNKNOWN_PARTNER = "unknown-partner"


_FIELD = {
    FindingKind.CONFLICT: "approved_on",
    FindingKind.PENDING_CONFLICT: "registered_on",
    FindingKind.NOT_ALLOWED: "registered_on",
    FindingKind.EXPIRED: "approved_on",
    FindingKind.CLOSED_AFTER_PROTECTION: "close_date",
    FindingKind.REGISTERED_AFTER_CLOSE: "registered_on",
    FindingKind.UNREGISTERED: "registered_on",
    FindingKind.UNKNOWN_PARTNER: "partner",
}


def _account(deal: Deal) -> str:
    return f"{deal.account_name} ({deal.account_domain})" if deal.account_domain else deal.account_name


def _day(day: date | None) -> str:
    return day.isoformat() if day is not None else "-"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a partner manager must know about a registration, with the rows it involves.

    The message is worded when asked for (a large export has many findings and few readers).
    """

    kind: FindingKind
    row: int
    deal: Deal
    winner: Deal | None = None
    protected_until: date | None = None
    as_of: date | None = None
    why: str = ""

    @property
    def severity(self) -> Severity:
        """Unknown partners are errors; everything else informs (the rule has already decided)."""
        return Severity.ERROR if self.kind is FindingKind.UNKNOWN_PARTNER else Severity.WARNING

    @property
    def message(self) -> str:
        """The finding in the partner manager's words."""
        d, w, until = self.deal, self.winner, _day(self.protected_until)
        head = f"deal {d.deal_id} ({_account(d)}) registered by {d.partner}"
        if self.kind is FindingKind.CONFLICT:
            assert w is not None
            return (
                f"{head} conflicts with {w.partner}'s registration of deal {w.deal_id}, approved "
                f"{_day(w.approved_on)}: {w.partner} holds the account's protection until {until} "
                "(the first approved registration wins)"
            )
        if self.kind is FindingKind.PENDING_CONFLICT:
            assert w is not None
            return (
                f"{head} awaits approval, but {w.partner} holds the account's protection until {until} "
                f"(deal {w.deal_id}, approved {_day(w.approved_on)}): approving it now would lose"
            )
        if self.kind is FindingKind.NOT_ALLOWED:
            return f"{head}: {self.why}; the registration gives no protection and no sourced credit"
        if self.kind is FindingKind.EXPIRED:
            return (
                f"{head}: protection ended on {until} and the deal is still open on {_day(self.as_of)}; "
                "the account is open to other partners' registrations"
            )
        if self.kind is FindingKind.CLOSED_AFTER_PROTECTION:
            late = (d.close_date - self.protected_until).days if d.close_date and self.protected_until else 0
            return (
                f"{head} closed on {_day(d.close_date)}, {late} day(s) after its protection ended on {until}: "
                "no registered-deal discount or referral fee is due on it"
            )
        if self.kind is FindingKind.REGISTERED_AFTER_CLOSE:
            return (
                f"{head} was registered on {_day(d.registered_on)}, after the deal closed on "
                f"{_day(d.close_date)}: a registration protects deals still to be won"
            )
        if self.kind is FindingKind.UNREGISTERED:
            return (
                f"deal {d.deal_id} ({_account(d)}) is marked {d.touch.value} by {d.partner} but was never "
                "registered: it earns influence credit only (register it, or override the credit with a reason)"
            )
        return f"deal {d.deal_id}: {d.partner!r} is not a partner of the plan"

    @property
    def field(self) -> str:
        """The deal field the finding points at (``approved_on``, ``close_date``, ...)."""
        return _FIELD[self.kind]

    def to_problem(self) -> Problem:
        """The finding as a problem on the row's field (``deals[12].approved_on``), for placing."""
        return Problem(
            self.message,
            ("deals", self.row, self.field),
            severity=self.severity,
            code=f"deals.{self.kind.value}",
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: the kind, the row's deal, the winner and the end of protection."""
        w = self.winner
        return {
            "kind": self.kind.value,
            "severity": self.severity.value,
            "row": self.row,
            "deal_id": self.deal.deal_id,
            "partner": self.deal.partner,
            "account": self.deal.account_name,
            "domain": self.deal.account_domain,
            "winner": None if w is None else {"partner": w.partner, "deal_id": w.deal_id},
            "protected_until": self.protected_until.isoformat() if self.protected_until else None,
            "message": self.message,
        }


@dataclass
class Protection:
    """One partner's protection of an account: the registration that started it and when it ends."""

    partner: str
    row: int
    start: date
    end: date
    rows: list[int] = field(default_factory=list)


@dataclass
class RegistrationCheck:
    """Every row's registration status on ``as_of``, the protections, and the findings to act on."""

    as_of: date
    deals: Sequence[Deal]
    status: list[RegistrationStatus]
    protected_until: list[date | None]
    winner: list[int]
    accounts: list[str | None]
    protections: list[Protection]
    findings: list[Finding]

    def count(self, status: RegistrationStatus) -> int:
        """How many rows have ``status``."""
        return sum(1 for s in self.status if s is status)

    @property
    def conflicts(self) -> list[Finding]:
        """The registrations that lost to another partner's protection."""
        return [f for f in self.findings if f.kind is FindingKind.CONFLICT]

    def problems(self) -> list[Problem]:
        """Every finding as a problem on its row, for a door to place and print."""
        return [f.to_problem() for f in self.findings]

    def summary(self) -> dict[str, int]:
        """How many rows have each status and how many findings of each kind there are."""
        out: dict[str, int] = {}
        for s in RegistrationStatus:
            out[s.value] = self.count(s)
        for kind in FindingKind:
            out[f"findings.{kind.value}"] = sum(1 for f in self.findings if f.kind is kind)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``partnerkit deals check --json`` prints (docs/deals.md)."""
        statuses = {s.value: self.count(s) for s in RegistrationStatus}
        ordered = sorted(self.findings, key=lambda f: (f.kind.value, f.deal.deal_id, f.deal.partner, f.row))
        return {
            "as_of": self.as_of.isoformat(),
            "rows": len(self.deals),
            "registrations": statuses,
            "protections": len(self.protections),
            "findings": [f.to_dict() for f in ordered],
        }


def _order(deal: Deal) -> tuple[Any, ...]:
    return (deal.approved_on, deal.registered_on, deal.deal_id, deal.partner)


def check_registrations(
    plan: Plan,
    deals: Sequence[Deal],
    as_of: date,
    *,
    rules: dict[str, PartnerRules] | None = None,
    accounts: list[str | None] | None = None,
) -> RegistrationCheck:
    """Check every registration of ``deals`` on ``as_of`` against the partners' terms (module docstring).

    ``rules`` and ``accounts`` (from ``partner_rules`` and ``account_keys``) may be passed in when the
    caller has them already.
    """
    rules = partner_rules(plan) if rules is None else rules
    by_name = rules_by_name(rules, {d.partner for d in deals})
    if accounts is None:
        accounts = account_keys((d.account_name, d.account_domain) for d in deals)
    n = len(deals)
    status = [RegistrationStatus.NOT_REGISTERED] * n
    until: list[date | None] = [None] * n
    winner = [-1] * n
    findings: list[Finding] = []
    groups: dict[str, list[int]] = {}
    influenced = Touch.INFLUENCED
    for i, d in enumerate(deals):
        r = by_name.get(d.partner)
        if r is None:
            status[i] = RegistrationStatus.UNKNOWN_PARTNER
            findings.append(Finding(FindingKind.UNKNOWN_PARTNER, i, d))
            continue
        registered = d.registered_on
        if d.touch is influenced:
            continue
        if registered is None:
            if d.credit is None:
                findings.append(Finding(FindingKind.UNREGISTERED, i, d))
            continue
        if registered > as_of:
            status[i] = RegistrationStatus.LATER
            continue
        if (
            d.stage is Stage.WON
            and d.close_date is not None
            and d.close_date <= as_of
            and registered > d.close_date
        ):
            findings.append(Finding(FindingKind.REGISTERED_AFTER_CLOSE, i, d))
        if not r.may_register:
            status[i] = RegistrationStatus.NOT_ALLOWED
            findings.append(Finding(FindingKind.NOT_ALLOWED, i, d, why=r.why_not))
            continue
        key = accounts[i]
        groups.setdefault(key if key is not None else f"row:{i}", []).append(i)
    protections: list[Protection] = []
    for members in groups.values():
        _walk(deals, members, by_name, as_of, status, until, winner, protections, findings)
    return RegistrationCheck(as_of, deals, status, until, winner, accounts, protections, findings)


def _walk(
    deals: Sequence[Deal],
    members: list[int],
    by_name: dict[str, PartnerRules],
    as_of: date,
    status: list[RegistrationStatus],
    until: list[date | None],
    winner: list[int],
    protections: list[Protection],
    findings: list[Finding],
) -> None:
    """One account's registrations: sorted by approval, walked once."""
    approved = []
    pending = []
    for i in members:
        day = deals[i].approved_on
        if day is not None and day <= as_of:
            approved.append(i)
        else:
            pending.append(i)
    if len(approved) > 1:
        approved.sort(key=lambda i: _order(deals[i]))
    chains: list[Protection] = []
    losers: list[tuple[int, Protection]] = []
    for i in approved:
        d = deals[i]
        r = by_name[d.partner]
        days = r.protection_for(d.touch) or r.protection_days or 1
        approved_on = d.approved_on
        assert approved_on is not None
        end = approved_on + timedelta(days=days - 1)
        current = chains[-1] if chains else None
        if current is not None and approved_on <= current.end:
            if r.partner == current.partner:
                status[i] = RegistrationStatus.PROTECTED
                current.rows.append(i)
                if end > current.end:
                    current.end = end
            else:
                status[i] = RegistrationStatus.LOST
                losers.append((i, current))
        else:
            chain = Protection(r.partner, i, approved_on, end, [i])
            chains.append(chain)
            status[i] = RegistrationStatus.PROTECTED
    for i, chain in losers:
        until[i] = chain.end
        winner[i] = chain.row
        findings.append(Finding(FindingKind.CONFLICT, i, deals[i], deals[chain.row], chain.end))
    for chain in chains:
        for i in chain.rows:
            until[i] = chain.end
            d = deals[i]
            closed = d.close_date is not None and d.close_date <= as_of and d.stage is not Stage.OPEN
            if not closed and chain.end < as_of:
                findings.append(Finding(FindingKind.EXPIRED, i, d, None, chain.end, as_of))
            elif closed and d.stage is Stage.WON and d.close_date is not None and d.close_date > chain.end:
                findings.append(Finding(FindingKind.CLOSED_AFTER_PROTECTION, i, d, None, chain.end))
    protections.extend(chains)
    if not pending:
        return
    starts = [c.start for c in chains]
    for i in pending:
        status[i] = RegistrationStatus.PENDING
        at = bisect.bisect_right(starts, as_of) - 1
        if at < 0:
            continue
        chain = chains[at]
        if chain.end >= as_of and by_name[deals[i].partner].partner != chain.partner:
            until[i] = chain.end
            winner[i] = chain.row
            findings.append(Finding(FindingKind.PENDING_CONFLICT, i, deals[i], deals[chain.row], chain.end))
