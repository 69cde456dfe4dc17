"""The column-at-once folding of domains and company names gives what folding them one by one gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.pipeline.accounts import company_key, company_keys, registrable_domain, registrable_domains

# the characters the rules treat specially, beside plain letters and digits
DOMAIN_TEXT = st.text(alphabet="abcXYZ019.-/@:?#w \t\n\u00a0\u0130", min_size=1, max_size=24)
NAME_TEXT = st.text(alphabet="abAB09 .,&-\t\n\u00e9\u0130", min_size=1, max_size=24)
WORDS = st.lists(
    st.sampled_from(["The", "the", "Acme", "ACME", "Inc", "inc.", "S.A.", "GmbH", "and", "&", "Foods", "Co"]),
    min_size=1,
    max_size=5,
).map(" ".join)
PLAIN_DOMAINS = st.builds(
    lambda sub, host, tld: f"{sub}{host}.{tld}",
    st.sampled_from(["", "www.", "WWW.", "sales.", "."]),
    st.sampled_from(["acme", "Acme", "x", "co", "1"]),
    st.sampled_from(["com", "co.uk", "uk", "de", "com.au", "jp", "example"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(DOMAIN_TEXT, PLAIN_DOMAINS), max_size=12))
def test_domains_folded_together_are_folded_as_one_by_one(texts: list[str]) -> None:
    assert registrable_domains(texts) == [registrable_domain(t) for t in texts]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(NAME_TEXT, WORDS), max_size=12))
def test_names_folded_together_are_folded_as_one_by_one(names: list[str]) -> None:
    assert company_keys(names) == [company_key(n) for n in names]


def test_the_plain_spellings_take_the_one_pass_and_still_fold() -> None:
    assert registrable_domains(["Acme.com", "www.acme.com", "acme.co.uk", "a.b"]) == [
        "acme.com",
        "acme.com",
        "acme.co.uk",
        "a.b",
    ]
    assert company_keys(["The Acme Holdings, Inc.", "ACME GmbH", "Smith & Sons Ltd", "Inc"]) == [
        "acme",
        "acme",
        "smith and sons",
        "inc",
    ]
