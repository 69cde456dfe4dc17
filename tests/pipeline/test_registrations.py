"""Registrations against the partners' terms: protection, first approved wins, expiries, who may register."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.model import Plan
from partnerkit.pipeline import (
    Deal,
    FindingKind,
    RegistrationStatus,
    Stage,
    Touch,
    check_registrations,
    partner_rules,
    same_account,
)
from partnerkit.pipeline.rules import rules_by_name
from tests.deals.helpers import to_plan

from .builders import START, day, deal, deals_strategy

AS_OF = date(2026, 12, 31)


def kinds(plan: Plan, deals: list[Deal], as_of: date = AS_OF) -> list[str]:
    return sorted(f.kind.value for f in check_registrations(plan, deals, as_of).findings)


def test_first_approved_wins_and_the_loser_is_told_why_and_until_when(example_plan: Plan) -> None:
    # Brightline's protection is 120 days (an override in the example); Keystone approved later.
    first = deal(
        deal_id="D-1", registered_on=day("2026-06-05"), approved_on=day("2026-06-10"), stage=Stage.OPEN
    )
    second = deal(
        deal_id="D-2",
        partner="Keystone IT Partners",
        account_name="ACME GmbH",
        account_domain="eu.acme.example",
        registered_on=day("2026-06-01"),  # registered first, approved second: approval decides
        approved_on=day("2026-06-12"),
        stage=Stage.OPEN,
    )
    check = check_registrations(example_plan, [second, first], day("2026-07-01"))
    assert check.status == [RegistrationStatus.LOST, RegistrationStatus.PROTECTED]
    [conflict] = check.conflicts
    assert conflict.deal is second and conflict.winner is first
    assert conflict.protected_until == day("2026-10-07")  # 10 June + 119 days: 120 days of protection
    assert "Brightline Advisory holds the account's protection until 2026-10-07" in conflict.message
    assert "first approved registration wins" in conflict.message
    problem = conflict.to_problem()
    assert problem.path == ("deals", 0, "approved_on") and not problem.is_error


def test_a_registration_on_the_last_day_of_protection_conflicts_and_the_next_day_is_free(
    example_plan: Plan,
) -> None:
    holder = deal(
        partner="Keystone IT Partners", approved_on=day("2026-01-01"), registered_on=day("2026-01-01")
    )
    # 90 days approved on 1 January protect 1 January to 31 March.
    last_day = deal(
        partner="Ledger & Lane CPAs", registered_on=day("2026-03-31"), approved_on=day("2026-03-31")
    )
    next_day = deal(
        partner="Ledger & Lane CPAs", registered_on=day("2026-04-01"), approved_on=day("2026-04-01")
    )
    on_last = check_registrations(example_plan, [holder, last_day], AS_OF)
    assert on_last.status[1] is RegistrationStatus.LOST
    assert on_last.protected_until[1] == day("2026-03-31")
    after = check_registrations(example_plan, [holder, next_day], AS_OF)
    assert after.status == [RegistrationStatus.PROTECTED, RegistrationStatus.PROTECTED]
    assert after.protected_until[1] == day("2026-06-29")


def test_the_same_partner_extends_its_own_protection(example_plan: Plan) -> None:
    a = deal(partner="Keystone IT Partners", approved_on=day("2026-01-01"), registered_on=day("2026-01-01"))
    again = deal(
        partner="Keystone IT Partners", approved_on=day("2026-03-01"), registered_on=day("2026-03-01")
    )
    other = deal(partner="Ledger & Lane CPAs", approved_on=day("2026-04-15"), registered_on=day("2026-04-15"))
    check = check_registrations(example_plan, [a, again, other], AS_OF)
    assert check.status[:2] == [RegistrationStatus.PROTECTED] * 2
    assert check.status[2] is RegistrationStatus.LOST
    assert check.protected_until[2] == day("2026-05-29")  # 1 March + 89 days


def test_a_referral_is_protected_for_the_attribution_window(example_plan: Plan) -> None:
    referral = deal(partner="Northwind ERP", touch=Touch.REFERRAL, approved_on=day("2026-01-12"))
    sourced = deal(
        partner="Northwind ERP",
        touch=Touch.SOURCED,
        approved_on=day("2026-01-12"),
        account_name="B",
        account_domain=None,
    )
    check = check_registrations(example_plan, [referral, sourced], AS_OF)
    assert check.protected_until[0] == day("2026-07-10")  # 180 days
    # integration agreements have no protection of their own: the program's 90 days apply
    assert check.protected_until[1] == day("2026-04-11")


def test_pending_registration_inside_another_partners_protection(example_plan: Plan) -> None:
    holder = deal(approved_on=day("2026-06-03"), registered_on=day("2026-06-01"), stage=Stage.OPEN)
    waiting = deal(
        partner="Summit Cloud Group", account_domain=None, registered_on=day("2026-09-20"), approved_on=None
    )
    check = check_registrations(example_plan, [holder, waiting], day("2026-09-30"))
    assert check.status[1] is RegistrationStatus.PENDING
    [finding] = [f for f in check.findings if f.kind is FindingKind.PENDING_CONFLICT]
    assert finding.winner is holder and "approving it now would lose" in finding.message
    # once the protection has ended the registration may be approved
    later = check_registrations(example_plan, [holder, waiting], day("2026-10-01"))
    assert FindingKind.PENDING_CONFLICT not in {f.kind for f in later.findings}


def test_expired_closed_after_protection_and_registered_after_close(example_plan: Plan) -> None:
    open_deal = deal(partner="Orbit CRM", approved_on=day("2026-04-02"), stage=Stage.OPEN, close_date=None)
    late = deal(
        partner="Ledger & Lane CPAs", account_name="Maple", account_domain=None, approved_on=day("2026-03-03")
    )
    late.close_date = day("2026-07-09")
    after = deal(
        partner="Keystone IT Partners",
        account_name="Zed",
        account_domain=None,
        registered_on=day("2026-08-02"),
        approved_on=day("2026-08-02"),
        close_date=day("2026-08-01"),
    )
    check = check_registrations(example_plan, [open_deal, late, after], day("2026-09-30"))
    found = {f.kind: f for f in check.findings}
    assert found[FindingKind.EXPIRED].protected_until == day("2026-06-30")
    assert "still open on 2026-09-30" in found[FindingKind.EXPIRED].message
    assert (
        "39 day(s) after its protection ended on 2026-05-31"
        in found[FindingKind.CLOSED_AFTER_PROTECTION].message
    )
    assert found[FindingKind.REGISTERED_AFTER_CLOSE].deal is after


def test_the_as_of_date_hides_what_had_not_happened_yet(example_plan: Plan) -> None:
    later = deal(registered_on=day("2026-10-02"), approved_on=day("2026-10-03"))
    approved_later = deal(
        partner="Keystone IT Partners", registered_on=day("2026-09-01"), approved_on=day("2026-10-03")
    )
    check = check_registrations(example_plan, [later, approved_later], day("2026-09-30"))
    assert check.status == [RegistrationStatus.LATER, RegistrationStatus.PENDING]


def test_partners_whose_tier_has_no_deal_registration_are_flagged(example_data: dict[str, Any]) -> None:
    import copy

    data = copy.deepcopy(example_data)
    for tier in data["tiers"]:
        if tier["name"] == "Registered":
            tier["benefits"]["deal_registration"] = False
    plan = to_plan(data)
    rows = [
        deal(partner="Ledger & Lane CPAs"),
        deal(partner="Crestline Tax", account_name="B", account_domain=None),
    ]
    check = check_registrations(plan, rows, AS_OF)
    assert check.status == [RegistrationStatus.NOT_ALLOWED] * 2
    messages = [f.message for f in check.findings]
    assert all("its tier (Registered) has no deal registration" in m for m in messages)


def test_ecosystem_partners_and_unregistered_claims_and_unknown_partners(example_plan: Plan) -> None:
    rows = [
        deal(partner="Mid-Market CFO Association"),
        deal(
            partner="Orbit CRM", registered_on=None, approved_on=None, account_name="C", account_domain=None
        ),
        deal(partner="Nobody Ltd", account_name="D", account_domain=None),
    ]
    check = check_registrations(example_plan, rows, AS_OF)
    assert check.status == [
        RegistrationStatus.NOT_ALLOWED,
        RegistrationStatus.NOT_REGISTERED,
        RegistrationStatus.UNKNOWN_PARTNER,
    ]
    found = {f.kind: f for f in check.findings}
    assert "ecosystem partners sign no agreement" in found[FindingKind.NOT_ALLOWED].message
    assert "never registered: it earns influence credit only" in found[FindingKind.UNREGISTERED].message
    assert found[FindingKind.UNKNOWN_PARTNER].to_problem().is_error


def test_partner_names_match_without_case(example_plan: Plan) -> None:
    check = check_registrations(example_plan, [deal(partner="brightline advisory")], AS_OF)
    assert check.status == [RegistrationStatus.PROTECTED]


# --- properties ---------------------------------------------------------------------------------


def _identity(d: Deal) -> tuple[Any, ...]:
    return (d.deal_id, d.partner, d.account_name, d.account_domain, d.registered_on, d.approved_on, d.touch)


@given(deals_strategy(), st.randoms(use_true_random=False))
def test_conflicts_do_not_depend_on_the_order_of_rows(
    example_plan: Plan, rows: list[Deal], rnd: random.Random
) -> None:
    as_of = START + timedelta(days=200)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a = check_registrations(example_plan, rows, as_of)
    b = check_registrations(example_plan, shuffled, as_of)

    def outcome(check: Any, deals: list[Deal]) -> list[str]:
        return sorted(
            repr((_identity(d), check.status[i].value, check.protected_until[i])) for i, d in enumerate(deals)
        )

    assert outcome(a, rows) == outcome(b, shuffled)
    assert sorted(f.kind.value + f.message for f in a.findings) == sorted(
        f.kind.value + f.message for f in b.findings
    )


def plain_statuses(plan: Plan, deals: list[Deal], as_of: date) -> list[str | None]:
    """The documented rule, written plainly: each approved registration against every earlier one."""
    rules = rules_by_name(partner_rules(plan), {d.partner for d in deals})
    regs = [
        i
        for i, d in enumerate(deals)
        if d.touch is not Touch.INFLUENCED
        and d.registered_on is not None
        and d.registered_on <= as_of
        and d.partner in rules
        and rules[d.partner].may_register
    ]
    approved = [i for i in regs if deals[i].approved_on is not None and deals[i].approved_on <= as_of]  # type: ignore[operator]
    approved.sort(
        key=lambda i: (deals[i].approved_on, deals[i].registered_on, deals[i].deal_id, deals[i].partner)
    )
    status: list[str | None] = [None] * len(deals)
    end: dict[int, date] = {}
    for n, i in enumerate(approved):
        d = deals[i]
        r = rules[d.partner]
        days = r.protection_for(d.touch) or r.protection_days or 1
        lost = False
        for j in approved[:n]:
            other = deals[j]
            if (
                status[j] == "protected"
                and rules[other.partner].partner != r.partner
                and same_account(
                    (d.account_name, d.account_domain), (other.account_name, other.account_domain)
                )
                and other.approved_on <= d.approved_on <= end[j]  # type: ignore[operator]
            ):
                lost = True
        status[i] = "lost" if lost else "protected"
        end[i] = d.approved_on + timedelta(days=days - 1)  # type: ignore[operator]
    return status


@given(deals_strategy())
def test_the_linear_check_agrees_with_the_plain_pairwise_rule(example_plan: Plan, rows: list[Deal]) -> None:
    as_of = START + timedelta(days=250)
    check = check_registrations(example_plan, rows, as_of)
    plain = plain_statuses(example_plan, rows, as_of)
    for i, expected in enumerate(plain):
        if expected is not None:
            assert check.status[i].value == expected, (i, rows[i])


@pytest.mark.parametrize("partner", ["Brightline Advisory", "Northwind ERP"])
def test_one_protection_per_account_at_a_time(example_plan: Plan, partner: str) -> None:
    rows = [deal(partner=p, approved_on=day("2026-02-01")) for p in (partner, "Keystone IT Partners")]
    check = check_registrations(example_plan, rows, AS_OF)
    assert sorted(s.value for s in check.status) == ["lost", "protected"]
    assert len(check.protections) == 1


@given(deals_strategy(), st.integers(0, 400))
def test_expiry_findings_follow_the_plain_rule(example_plan: Plan, rows: list[Deal], offset: int) -> None:
    # the walk decides these findings from what its first pass read; the rule, written plainly on
    # each protected row and the end of its protection, must find the same ones, on the as-of
    # dates where it is closest to call: the last days of the protections
    first = check_registrations(example_plan, rows, START + timedelta(days=offset))
    ends = sorted({u for u in first.protected_until if u is not None})
    for as_of in [START + timedelta(days=offset), *ends[:3]]:
        _assert_expiry_findings(check_registrations(example_plan, rows, as_of), rows, as_of)


def _assert_expiry_findings(check: Any, rows: list[Deal], as_of: date) -> None:
    expected = set()
    for i, d in enumerate(rows):
        until = check.protected_until[i]
        if check.status[i] is not RegistrationStatus.PROTECTED or until is None:
            continue
        close = d.close_date
        if close is None or close > as_of or d.stage is Stage.OPEN:
            if until < as_of:
                expected.add((FindingKind.EXPIRED, i, until))
        elif d.stage is Stage.WON and close > until:
            expected.add((FindingKind.CLOSED_AFTER_PROTECTION, i, until))
    found = [
        (f.kind, f.row, f.protected_until)
        for f in check.findings
        if f.kind in (FindingKind.EXPIRED, FindingKind.CLOSED_AFTER_PROTECTION)
    ]
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert all(f.deal is rows[f.row] for f in check.findings)
    for p in check.protections:
        assert p.start == rows[p.row].approved_on
        assert all(check.protected_until[i] == p.end for i in p.rows)


@given(deals_strategy(), st.integers(0, 400), st.integers(0, 6))
def test_the_first_findings_of_each_kind_are_the_head_of_the_report_order(
    example_plan: Plan, rows: list[Deal], offset: int, limit: int
) -> None:
    # what a terminal shows of a large export (first_findings) must be what the full report lists
    # first of each kind, in the same order, with every finding counted
    check = check_registrations(example_plan, rows, START + timedelta(days=offset))
    ordered = check.ordered_findings()
    expected = []
    for kind in sorted({f.kind for f in ordered}, key=lambda k: k.value):
        of_kind = [f for f in ordered if f.kind is kind]
        expected.append((kind, of_kind[:limit], len(of_kind)))
    assert check.first_findings(limit) == expected
