"""The comparison of a returned agreement, as a pure function over two texts and the partner's terms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.deals import build_terms
from partnerkit.deals.compare import (
    AgreementText,
    Section,
    compare_agreements,
    compare_sections,
    compare_terms_rows,
    read_shown_value,
    with_term,
)
from partnerkit.model import Plan
from partnerkit.model.values import Money

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
sections = st.lists(
    st.builds(Section, text, st.lists(text, max_size=4).map(tuple), st.none() | st.integers(1, 40)),
    max_size=6,
)
agreements = st.builds(
    AgreementText, st.lists(st.tuples(text, text), max_size=8).map(tuple), sections.map(tuple)
)


@given(agreements)
def test_an_agreement_compared_with_itself_has_no_change(agreement: AgreementText) -> None:
    assert compare_terms_rows(agreement.key_terms, agreement.key_terms) == []
    assert compare_sections(agreement.sections, agreement.sections) == []


@pytest.mark.parametrize(
    ("kind", "shown", "value"),
    [
        ("days", "20 days", 20),
        ("days", "1 day", 1),
        ("months", "36 months", 36),
        ("percent", "12.5%", Decimal("0.125")),
        ("money", "$15,000", Money(amount=Decimal("15000"), currency="USD")),
        ("money", "60,000 CHF", Money(amount=Decimal("60000"), currency="CHF")),
        ("bool", "No", False),
        ("list", "Fraud; Wilful misconduct", ["Fraud", "Wilful misconduct"]),
        ("text", "  the laws of  England ", "the laws of England"),
        ("days", "None", None),
    ],
)
def test_a_printed_value_reads_back_into_its_term(kind: str, shown: str, value: object) -> None:
    assert read_shown_value(kind, shown, "USD") == value


@pytest.mark.parametrize(
    ("kind", "shown"), [("days", "ninety days"), ("bool", "Perhaps"), ("percent", "a lot")]
)
def test_an_unreadable_value_is_a_value_error(kind: str, shown: str) -> None:
    with pytest.raises(ValueError):
        read_shown_value(kind, shown, "USD")


def test_rows_changed_added_and_removed() -> None:
    standard = (("Territory", "United States"), ("Exclusivity", "Non-exclusive"))
    returned = (("Territory", "United States and Canada"), ("Most favoured customer", "Yes"))
    changes = [(c.label, c.key, c.old, c.new) for c in compare_terms_rows(standard, returned)]
    assert changes == [
        ("Territory", "territory", "United States", "United States and Canada"),
        ("Exclusivity", "exclusivity", "Non-exclusive", None),
        ("Most favoured customer", None, None, "Yes"),
    ]


def test_a_renamed_clause_with_its_words_kept_is_reworded_not_removed_and_added() -> None:
    words = ("Vendor will defend Partner against any Claim that the Product infringes.",)
    standard = (Section("Indemnities", words, 15),)
    returned = (Section("Indemnification", words, 15),)
    (change,) = compare_sections(standard, returned)
    assert (change.change, change.heading, change.renamed_from, change.paragraphs) == (
        "reworded",
        "Indemnification",
        "Indemnities",
        (),
    )


def test_a_changed_referral_term_goes_through_the_lint(example_plan: Plan) -> None:
    terms = build_terms(example_plan, "Northwind ERP")
    longer = with_term(terms, "referral_tail_months", 36)
    assert longer.term("referral_tail_months").value == 36
    assert terms.term("referral_tail_months").value == 12  # the original is left alone
    text = AgreementText((("Commission tail cap", "12 months"),), ())
    comparison = compare_agreements(text, AgreementText((("Commission tail cap", "36 months"),), ()), terms)
    assert [f.code for f in comparison.policy] == ["referral_tail_too_long"]
    assert not comparison.breaks_policy  # a warning, not an error


def test_a_phrase_row_is_shown_and_left_to_a_reader(example_plan: Plan) -> None:
    terms = build_terms(example_plan, "Northwind ERP")
    standard = AgreementText(
        (("Liability cap", "The fees paid in the 12 months"), ("Audit notice", "30 days")), ()
    )
    returned = AgreementText((("Liability cap", "$1"), ("Audit notice", "thirty days")), ())
    comparison = compare_agreements(standard, returned, terms)
    assert [t.label for t in comparison.terms] == ["Liability cap", "Audit notice"]
    assert comparison.unread == [
        "Liability cap: read it by hand (a phrase, not one value)",
        "Audit notice: 'thirty days' is not a number of days; check it by hand",
    ]
    assert comparison.policy == []
