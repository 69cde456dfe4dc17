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

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import partial
from operator import attrgetter
from typing import Any, NamedTuple, cast

from partnerkit.model import Plan
from partnerkit.pipeline.accounts import pair_numbers
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


def _within_kind(finding: Finding) -> tuple[str, str, int]:
    # the order of a kind's findings in every report: deal id, partner, row
    return (finding.deal.deal_id, finding.deal.partner, finding.row)


def _day(day: date | None) -> str:
    return day.isoformat() if day is not None else "-"


class Finding(NamedTuple):
    """One thing a partner manager must know about a registration, with the rows it involves.

    The message is worded when asked for (a large export has many findings and few readers); a
    named tuple because a million-row export can have a hundred thousand of them.
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
        """The finding in the partner manager's words: which registration, then ``reason``."""
        return self._naming(self.reason)

    def _naming(self, reason: str) -> str:
        d = self.deal
        if self.kind is FindingKind.UNKNOWN_PARTNER:
            return f"deal {d.deal_id}: {reason}"
        verb = "marked" if self.kind is FindingKind.UNREGISTERED else "registered"
        return f"deal {d.deal_id} ({_account(d)}) {verb} by {d.partner}: {reason}"

    @property
    def reason(self) -> str:
        """What is wrong and what the rule decided, without naming the registration (a table shows it)."""
        d, w, until = self.deal, self.winner, _day(self.protected_until)
        if self.kind is FindingKind.CONFLICT:
            assert w is not None
            return (
                f"conflicts with {w.partner}'s registration of deal {w.deal_id}, approved "
                f"{_day(w.approved_on)}: {w.partner} holds the account's protection until {until} "
                "(the first approved registration wins)"
            )
        if self.kind is FindingKind.PENDING_CONFLICT:
            assert w is not None
            return (
                f"awaits approval, but {w.partner} holds the account's protection until {until} "
                f"(deal {w.deal_id}, approved {_day(w.approved_on)}): approving it now would lose"
            )
        if self.kind is FindingKind.NOT_ALLOWED:
            return f"{self.why}; the registration gives no protection and no sourced credit"
        if self.kind is FindingKind.EXPIRED:
            return (
                f"protection ended on {until} and the deal is still open on {_day(self.as_of)}; "
                "the account is open to other partners' registrations"
            )
        if self.kind is FindingKind.CLOSED_AFTER_PROTECTION:
            late = (d.close_date - self.protected_until).days if d.close_date and self.protected_until else 0
            return (
                f"closed on {_day(d.close_date)}, {late} day(s) after its protection ended on {until}: "
                "no registered-deal discount or referral fee is due on it"
            )
        if self.kind is FindingKind.REGISTERED_AFTER_CLOSE:
            return (
                f"registered on {_day(d.registered_on)}, after the deal closed on {_day(d.close_date)}: "
                "a registration protects deals still to be won"
            )
        if self.kind is FindingKind.UNREGISTERED:
            return (
                f"{d.touch.value}, but never registered: it earns influence credit only "
                "(register it, or override the credit with a reason)"
            )
        return f"{d.partner!r} is not a partner of the plan"

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
        reason = self.reason  # worded once: the message repeats it
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
            "reason": reason,
            "message": self._naming(reason),
        }


@dataclass(slots=True)
class Protection:
    """One partner's protection of an account: the registration that started it, when it ends, its rows."""

    partner: str
    row: int
    start: date
    end: date
    rows: list[int]


@dataclass
class RegistrationCheck:
    """Every row's registration status on ``as_of``, the protections, and the findings to act on."""

    as_of: date
    deals: Sequence[Deal]
    status: list[RegistrationStatus]
    protected_until: list[date | None]
    winner: list[int]
    accounts: list[int | None]
    protections: list[Protection]
    findings: list[Finding]
    # The rules the check used and each partner name of ``deals`` resolved to its rules: attribution
    # and payouts of the same deals reuse them instead of reading every row's partner again.
    rules: dict[str, PartnerRules] | None = field(default=None, repr=False, compare=False)
    by_name: dict[str, PartnerRules] | None = field(default=None, repr=False, compare=False)

    def names_for(self, deals: Sequence[Deal], rules: dict[str, PartnerRules]) -> dict[str, PartnerRules]:
        """Each partner name of ``deals`` with its rules (``rules_by_name``), reused when the check saw the same."""
        # the same list of the same length and the same rules object: the names the check read
        if (
            self.by_name is not None
            and deals is self.deals
            and rules is self.rules
            and len(deals) == len(self.status)
        ):
            return self.by_name
        return rules_by_name(rules, set(map(attrgetter("partner"), deals)))

    def count(self, status: RegistrationStatus) -> int:
        """How many rows have ``status``."""
        return self.status.count(status)  # in C: the statuses are distinct values

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

    def ordered_findings(self) -> list[Finding]:
        """The findings as reports list them: by kind, then deal id, partner and row."""
        # by kind, then _within_kind's order, written out: one call per finding, not two
        return sorted(self.findings, key=lambda f: (f.kind.value, f.deal.deal_id, f.deal.partner, f.row))

    def first_findings(self, limit: int) -> list[tuple[FindingKind, list[Finding], int]]:
        """Per kind, in report order: its first ``limit`` findings as ``ordered_findings`` lists them, and
        how many it has. What a terminal shows of a large export, without sorting every finding."""
        by_kind: dict[FindingKind, list[Finding]] = {}
        for finding in self.findings:
            found = by_kind.get(finding.kind)
            if found is None:
                by_kind[finding.kind] = [finding]
            else:
                found.append(finding)
        # nsmallest is sorted(...)[:limit], ties kept in order, in one pass over each kind's findings
        return [
            (kind, heapq.nsmallest(limit, found, key=_within_kind), len(found))
            for kind, found in sorted(by_kind.items(), key=lambda item: item[0].value)
        ]

    def to_dict(self, location: Callable[[Finding], str] | None = None) -> dict[str, Any]:
        """The JSON shape ``partnerkit deals check --json`` prints (docs/deals.md); with ``location``,
        each finding says where its row is (``deals.csv:88``)."""
        statuses = {s.value: self.count(s) for s in RegistrationStatus}
        ordered = self.ordered_findings()
        if location is None:
            findings = [f.to_dict() for f in ordered]
        else:
            findings = [{**f.to_dict(), "location": location(f)} for f in ordered]
        return {
            "as_of": self.as_of.isoformat(),
            "rows": len(self.deals),
            "registrations": statuses,
            "protections": len(self.protections),
            "findings": findings,
        }


# Enum members looked up once: a class attribute lookup of an enum is slow next to a local name,
# and the walk runs once per account.
_PROTECTED, _LOST, _PENDING = (
    RegistrationStatus.PROTECTED,
    RegistrationStatus.LOST,
    RegistrationStatus.PENDING,
)
_CONFLICT, _EXPIRED, _CLOSED_AFTER = (
    FindingKind.CONFLICT,
    FindingKind.EXPIRED,
    FindingKind.CLOSED_AFTER_PROTECTION,
)
_PENDING_CONFLICT = FindingKind.PENDING_CONFLICT
_REFERRAL, _WON, _OPEN = Touch.REFERRAL, Stage.WON, Stage.OPEN


# A finding from all seven fields in order, built in C: ``Finding(...)`` runs a Python-level
# ``__new__`` per call, and a million-row check builds a few hundred thousand of them.
_finding = cast(Callable[[tuple[Any, ...]], Finding], partial(tuple.__new__, Finding))


def accounts_of(deals: Sequence[Deal]) -> list[int | None]:
    """The account number of every deal row (``partnerkit.pipeline.accounts.account_keys``)."""
    return pair_numbers(map(attrgetter("account_name", "account_domain"), deals))


def check_registrations(
    plan: Plan,
    deals: Sequence[Deal],
    as_of: date,
    *,
    rules: dict[str, PartnerRules] | None = None,
    accounts: list[int | None] | None = None,
) -> RegistrationCheck:
    """Check every registration of ``deals`` on ``as_of`` against the partners' terms (module docstring).

    ``rules`` and ``accounts`` (from ``partner_rules`` and ``accounts_of``) may be passed in when the
    caller has them already.
    """
    from partnerkit.collector import no_gc

    rules = partner_rules(plan) if rules is None else rules
    by_name = rules_by_name(rules, set(map(attrgetter("partner"), deals)))
    if accounts is None:
        accounts = accounts_of(deals)
    with no_gc():
        check = _check(deals, as_of, by_name, accounts)
    check.rules, check.by_name = rules, by_name
    return check


def _check(
    deals: Sequence[Deal], as_of: date, by_name: dict[str, PartnerRules], accounts: list[int | None]
) -> RegistrationCheck:
    """The check itself: pick the registrations, group them by account, walk each group in approval order."""
    n = len(deals)
    status = [RegistrationStatus.NOT_REGISTERED] * n
    until: list[date | None] = [None] * n
    winner = [-1] * n
    findings: list[Finding] = []
    add = findings.append
    groups = _pick(deals, as_of, by_name, accounts, status, findings)
    # per partner name as written: (the plan's name, days added to the approval for a sourced and
    # for a referral registration), one look-up per row
    spans = _spans(by_name)
    info = {name: (r.partner, *spans[name]) for name, r in by_name.items()}
    protections: list[Protection] = []
    pending_day = _DAYS - 1
    today = as_of.toordinal()
    fromordinal = date.fromordinal
    protected, lost, pending, referral, won, open_ = _PROTECTED, _LOST, _PENDING, _REFERRAL, _WON, _OPEN
    for keys in groups.values():
        if len(keys) == 1:  # most accounts: one registration, nothing to sort, no conflict
            day, i = divmod(keys[0], n)
            if day == pending_day:
                status[i] = pending
                continue
            d = deals[i]
            holder, sourced_span, referral_span = info[d.partner]
            ends = fromordinal(day + (referral_span if d.touch is referral else sourced_span))
            status[i] = protected
            until[i] = ends
            protections.append(Protection(holder, i, d.approved_on, ends, keys))  # type: ignore[arg-type]
            keys[0] = i
            close = d.close_date
            if close is None or close > as_of or d.stage is open_:
                if ends < as_of:
                    add(_finding((_EXPIRED, i, d, None, ends, as_of, "")))
            elif d.stage is won and close > ends:
                add(_finding((_CLOSED_AFTER, i, d, None, ends, None, "")))
            continue
        keys.sort()
        if (
            keys[0] // n == keys[1] // n
            if len(keys) == 2
            else len(set(map(n.__rfloordiv__, keys))) != len(keys)
        ):
            # approved the same day: the earlier registration, then deal id, then partner name first,
            # whatever the order of the rows
            keys.sort(key=lambda k: (k // n, _tie(deals[k % n])))
        # a protection is a list [holder, first row, start day, end day, rows] while the walk runs,
        # with days as ordinals: integer arithmetic instead of dates
        chains: list[list[Any]] = []
        losers: list[tuple[int, list[Any]]] = []
        current: list[Any] | None = None
        for number in keys:
            day, i = divmod(number, n)
            d = deals[i]
            holder, sourced_span, referral_span = info[d.partner]
            if day == pending_day:
                status[i] = pending
                # the protection in force on the as-of date, if another partner holds it
                for chain in reversed(chains):
                    if chain[2] <= today:
                        if chain[3] >= today and chain[0] != holder:
                            losers.append((-1 - i, chain))
                        break
                continue
            end = day + (referral_span if d.touch is referral else sourced_span)
            if current is not None and day <= current[3]:
                if holder == current[0]:
                    status[i] = protected
                    current[4].append(i)
                    if end > current[3]:
                        current[3] = end
                else:
                    status[i] = lost
                    winner[i] = current[1]
                    losers.append((i, current))
            else:
                current = [holder, i, day, end, [i]]
                chains.append(current)
                status[i] = protected
        if chains:
            _close_group(deals, chains, losers, as_of, until, protections, findings)
    return RegistrationCheck(as_of, deals, status, until, winner, accounts, protections, findings)


def _pick(
    deals: Sequence[Deal],
    as_of: date,
    by_name: dict[str, PartnerRules],
    accounts: list[int | None],
    status: list[RegistrationStatus],
    findings: list[Finding],
) -> dict[object, list[int]]:
    """The registrations to walk, grouped by account; the rows that are none get their status.

    Each registration is one integer, approval day * rows + row (the day of a registration not
    approved on the as-of date sorts after every approved one), so a group sorts as plain integers.
    """
    n = len(deals)
    add = findings.append
    groups: dict[object, list[int]] = {}
    influenced, won = Touch.INFLUENCED, Stage.WON
    pending_day = _DAYS - 1
    for i, d in enumerate(deals):
        r = by_name.get(d.partner)
        if r is None:
            status[i] = RegistrationStatus.UNKNOWN_PARTNER
            add(Finding(FindingKind.UNKNOWN_PARTNER, i, d))
            continue
        if d.touch is influenced:
            continue
        registered = d.registered_on
        if registered is None:
            if d.credit is None:
                add(Finding(FindingKind.UNREGISTERED, i, d))
            continue
        if registered > as_of:
            status[i] = RegistrationStatus.LATER
            continue
        if d.stage is won:
            close = d.close_date
            if close is not None and close <= as_of and registered > close:
                add(Finding(FindingKind.REGISTERED_AFTER_CLOSE, i, d))
        if not r.may_register:
            status[i] = RegistrationStatus.NOT_ALLOWED
            add(Finding(FindingKind.NOT_ALLOWED, i, d, why=r.why_not))
            continue
        approved = d.approved_on
        key = (pending_day if approved is None or approved > as_of else approved.toordinal()) * n + i
        account = accounts[i]
        found = groups.get(account if account is not None else -1 - i)
        if found is None:
            groups[account if account is not None else -1 - i] = [key]
        else:
            found.append(key)
    return groups


_DAYS = date.max.toordinal() + 1


def _tie(deal: Deal) -> tuple[Any, ...]:
    return (deal.registered_on, deal.deal_id, deal.partner, deal.touch.value, deal.account_name)


def _close_group(
    deals: Sequence[Deal],
    chains: list[list[Any]],
    losers: list[tuple[int, list[Any]]],
    as_of: date,
    until: list[date | None],
    protections: list[Protection],
    findings: list[Finding],
) -> None:
    """An account's walk is done: every protection has its final end; word the findings."""
    add = findings.append
    fromordinal = date.fromordinal
    for chain in chains:
        end = chain[3] = fromordinal(chain[3])
        # the start is the first registration's approval day: its date, not a new one
        protections.append(Protection(chain[0], chain[1], deals[chain[1]].approved_on, end, chain[4]))
        for i in chain[4]:
            until[i] = end
            d = deals[i]
            close = d.close_date
            if close is None or close > as_of or d.stage is _OPEN:
                if end < as_of:
                    add(_finding((_EXPIRED, i, d, None, end, as_of, "")))
            elif d.stage is _WON and close > end:
                add(_finding((_CLOSED_AFTER, i, d, None, end, None, "")))
    for i, chain in losers:
        if i < 0:  # a pending registration inside another partner's protection
            i = -1 - i
            add(_finding((_PENDING_CONFLICT, i, deals[i], deals[chain[1]], chain[3], None, "")))
        else:
            add(_finding((_CONFLICT, i, deals[i], deals[chain[1]], chain[3], None, "")))
        until[i] = chain[3]


def _spans(by_name: dict[str, PartnerRules]) -> dict[str, tuple[int, int]]:
    """Per partner name, the protection of a sourced and of a referral registration, as the days to
    add to the approval day (one less than the days of protection)."""
    out = {}
    for name, r in by_name.items():
        sourced = (r.protection_for(Touch.SOURCED) or r.protection_days or 1) - 1
        referral = (r.protection_for(Touch.REFERRAL) or r.protection_days or 1) - 1
        out[name] = (sourced, referral)
    return out
