"""Account matching: domains folded to the registrable domain, company names without legal suffixes."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from partnerkit.pipeline import account_keys, company_key, registrable_domain, same_account
from partnerkit.pipeline.accounts import LEGAL_SUFFIXES, _fold_domains, _fold_names

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


# --- the bulk folds of a whole column against the one-value functions -----------------------------

_NAME_WORDS = st.one_of(
    st.sampled_from(
        [*sorted(LEGAL_SUFFIXES), "The", "THE", "the", "and", "And", "&", "Acme", "Société", "Co."]
    ),
    st.sampled_from(
        ["S.A.", "G.m.b.H.", "Inc.", "Ltd.", ",", ".", "-", "  ", "\t", "The.", "ÄÖÜ", "İstanbul", "ß"]
    ),
    st.text(st.characters(codec="utf-8", exclude_characters="\n"), max_size=6),
    st.text("aAzZ09 .,&-", max_size=6),
)
_NAMES = st.one_of(
    st.none(),
    st.just(""),
    st.lists(_NAME_WORDS, max_size=6).map(" ".join),
    st.lists(_NAME_WORDS, max_size=6).map("".join),
    st.text(max_size=12),  # line breaks included: the bulk fold must notice them
)
_LABELS = st.one_of(
    st.sampled_from(["www", "WWW", "acme", "Acme", "shop", "io", "de"]),
    st.sampled_from(["co", "CO", "com", "org", "uk", "Uk", "jp", "au", "gv", "at"]),
    st.sampled_from(["10", "1", "255", "ünï", "ΑΣ", "", " acme", "x y"]),
    st.text("abcXYZ019-_", min_size=1, max_size=5),
)
_HOSTS = st.lists(_LABELS, max_size=5).map(".".join)
_DOMAINS = st.one_of(
    st.none(),
    st.just(""),
    _HOSTS,
    st.tuples(
        st.sampled_from(["", "https://", "HTTP://", "mailto:", "jane.roe@", "x:y@", " ", "."]),
        _HOSTS,
        st.sampled_from(["", ".", "..", ":8080", "/path?q=1#x", "?q", "#top", " ", "/", "\t"]),
    ).map("".join),
    st.text(st.characters(codec="utf-8"), max_size=12),
)


@example(
    [
        "The Acme Holdings, Inc.", "the inc", "The", "Inc", "Acme Inc Ltd", "Acme GmbH & Co. KG", "Ledger & Lane",
        "Société Générale S.A.", "The Société", None, "", "  ", "A\nB", "Acme\tInc", "ACME, INC.", "Acme and",
        "inc ltd", "The the Acme", "Theo Inc", "Acme Incorporated", "Acme Inc.\u00a0",
    ]
)  # fmt: skip
@given(st.lists(_NAMES, max_size=12))
def test_names_fold_in_bulk_as_one_at_a_time(names: list[str | None]) -> None:
    assert _fold_names(names) == [(company_key(name) or "").encode() for name in names]


@example(
    [
        "www.CO.UK", "www.co.uk", "WWW.acme.com", "www.Acme.Com", "www.com.au", "www.gv.at", "www.Gv.At",
        "www.acme.co.uk", "www.acme.co", "www.acme.io.", "www.10.1.2", "10.1.2.3", "www.x..com", None, "",
        "jane@www.acme.com", "https://www.acme.com:8080/x", " www.acme.com", "www.ac.me", "www.ünï.de",
    ]
)  # fmt: skip
@given(st.lists(_DOMAINS, max_size=12))
def test_domains_fold_in_bulk_as_one_at_a_time(domains: list[str | None]) -> None:
    assert _fold_domains(domains) == [registrable_domain(domain) or "" for domain in domains]


def _reference_accounts(rows: list[tuple[str | None, str | None]]) -> list[int | None]:
    """Accounts by the plain definition: a union-find over rows, joined by equal folded names or domains."""
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    seen: dict[tuple[str, str], int] = {}
    for i, (name, domain) in enumerate(rows):
        for key in (("name", company_key(name)), ("domain", registrable_domain(domain))):
            if key[1] is None:
                continue
            first = seen.setdefault(key, i)  # type: ignore[arg-type]
            parent[root(i)] = root(first)
    return [
        None if company_key(n) is None and registrable_domain(d) is None else root(i)
        for i, (n, d) in enumerate(rows)
    ]


_ROW_NAMES = st.sampled_from(
    ["Acme Inc", "ACME GmbH", "acme", "Apex", "Apex Ltd.", "The Bolt Co", "Bolt", "", None]
)
_ROW_DOMAINS = st.sampled_from(
    [
        "acme.com",
        "www.acme.com",
        "acme.de",
        "apex.com",
        "bolt.io",
        "mail.bolt.io",
        "x@apex.com",
        "",
        None,
        "acme",
    ]
)


@given(st.lists(st.tuples(st.one_of(_ROW_NAMES, _NAMES), st.one_of(_ROW_DOMAINS, _DOMAINS)), max_size=30))
def test_rows_are_grouped_as_a_plain_union_find_groups_them(
    rows: list[tuple[str | None, str | None]],
) -> None:
    keys = account_keys(rows)
    expected = _reference_accounts(rows)
    for a in range(len(rows)):
        assert (keys[a] is None) == (expected[a] is None)
        for b in range(len(rows)):
            assert (keys[a] is not None and keys[a] == keys[b]) == (
                expected[a] is not None and expected[a] == expected[b]
            )
