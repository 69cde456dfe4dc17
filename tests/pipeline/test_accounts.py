"""Account matching: domains folded to the registrable domain, company names without legal suffixes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.pipeline import account_keys, company_key, registrable_domain, same_account

from .builders import ACCOUNTS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("acme.com", "acme.com"),
        ("www.acme.com", "acme.com"),
        ("WWW.Acme.COM", "acme.com"),
        ("https://www.sales.acme.com/path?q=1#x", "acme.com"),
        ("http://acme.com:8080", "acme.com"),
        ("jane.roe@mail.acme.com", "acme.com"),
        ("eu.shop.acme.co.uk", "acme.co.uk"),
        ("acme.co.uk", "acme.co.uk"),
        ("www.acme.com.au", "acme.com.au"),
        ("sales.acme.co.jp", "acme.co.jp"),
        ("acme.me.uk", "acme.me.uk"),
        ("sales.acme.io", "acme.io"),
        ("www.acme.co", "acme.co"),
        ("acme.com.", "acme.com"),
        ("10.1.2.3", "10.1.2.3"),
        ("acme", None),
        ("", None),
        (None, None),
    ],
)
def test_domains_fold_to_the_registrable_domain(text: str | None, expected: str | None) -> None:
    assert registrable_domain(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme", "acme"),
        ("ACME, Inc.", "acme"),
        ("Acme Inc", "acme"),
        ("Acme Corporation", "acme"),
        ("Acme Ltd.", "acme"),
        ("Acme Limited", "acme"),
        ("Acme GmbH", "acme"),
        ("Acme GmbH & Co. KG", "acme"),
        ("Acme S.A.", "acme"),
        ("Acme LLC", "acme"),
        ("Acme Pty Ltd", "acme"),
        ("The Acme Holdings, Inc.", "acme"),
        ("Société Générale S.A.", "societe generale"),
        ("Ledger & Lane CPAs LLP", "ledger and lane cpas"),
        ("Ledger and Lane CPAs", "ledger and lane cpas"),
        ("Co", "co"),
        ("   ", None),
    ],
)
def test_company_names_compare_without_legal_suffixes(name: str, expected: str | None) -> None:
    assert company_key(name) == expected


def test_two_different_companies_stay_apart() -> None:
    assert not same_account(("Acme Inc", "acme.com"), ("Apex Ltd", "apex.com"))
    assert company_key("Acme Foods") != company_key("Acme")


def test_rows_join_by_domain_or_by_name_transitively() -> None:
    keys = account_keys(
        [
            ("Acme Inc", "www.acme.com"),  # 0
            ("ACME GmbH", "acme.de"),  # 1: same name as 0
            ("Acme", None),  # 2: same name again, no domain
            ("Roadrunner Ltd", "sales.acme.com"),  # 3: same domain as 0
            ("Apex", "apex.com"),  # 4: another account
        ]
    )
    assert keys[0] == keys[1] == keys[2] == keys[3]
    assert keys[4] != keys[0]


@given(st.lists(st.sampled_from(ACCOUNTS), max_size=20), st.randoms(use_true_random=False))
def test_accounts_do_not_depend_on_the_order_of_rows(rows: list[tuple[str, str | None]], rnd: object) -> None:
    keys = account_keys(rows)
    order = list(range(len(rows)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = account_keys([rows[i] for i in order])
    for a in range(len(rows)):
        for b in range(len(rows)):
            same = keys[a] == keys[b]
            assert same == (shuffled[order.index(a)] == shuffled[order.index(b)])
