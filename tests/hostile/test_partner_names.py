"""One partner, one identity: the same folding of names for matching to the plan and for finding duplicates.

Before, names were matched to the plan without case but duplicates were compared exactly: a facts
table listing `Orbit CRM` and `orbit crm` used the second row silently, two unknown partners `Zeta`
and `zeta` came out as two partners, and a non-breaking space or a full-width letter made another
partner everywhere.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.checks import check_unique_partner_names
from partnerkit.deals.build import find_partner
from partnerkit.io.facts import load_facts
from partnerkit.model import Plan
from partnerkit.model.values import fold_name, fold_names
from partnerkit.tiers.evaluate import evaluate_tiers
from partnerkit.tiers.facts import FactTable, merge_facts
from partnerkit.validation import validate_plan_data

AS_OF = date(2026, 10, 1)
FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


def spellings(name: str) -> list[str]:
    """The ways a CRM export or a person types the same name."""
    return [
        name.upper(),
        name.lower(),
        f"  {name}\u00a0",
        name.replace(" ", "\u00a0"),
        name.replace(" ", "  "),
        "".join(FULL_WIDTH.get(ch, ch) for ch in name),
        "\ufeff" + name.replace(" ", " \u200b"),
    ]


NAMES = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x24F), min_size=1, max_size=20).filter(
    lambda s: s.strip() != ""
)


def same_name_typed_otherwise(name: str) -> list[str]:
    """Spellings of ``name`` that are the same name for any text: spaces, invisible characters,
    full-width ASCII and the case of ASCII letters (other scripts' case rules are Unicode's)."""
    swapped = "".join(ch.swapcase() if ch.isascii() else ch for ch in name)
    return [
        swapped,
        f"\u00a0 {name}\t",
        name.replace(" ", "\u00a0 "),
        "".join(FULL_WIDTH.get(ch, ch) for ch in name),
        "\u200b".join(name),
        "\ufeff" + name + "\u00ad",
    ]


@settings(max_examples=80, deadline=None)
@given(NAMES)
def test_folding_is_idempotent_and_forgets_case_spaces_and_variants(name: str) -> None:
    folded = fold_name(name)
    assert fold_name(folded) == folded
    assert folded == folded.strip() and "  " not in folded
    for other in same_name_typed_otherwise(name):
        assert fold_name(other) == folded, other


# Names as a large list holds them: mostly ASCII letters and spaces (folded in bulk unless a space
# is doubled or at an end), and lists with a character fold_names hands to fold_name instead: the
# other spaces str.split() breaks at, the separator it joins names with, some Unicode.
PLAIN_NAMES = st.lists(st.text(st.sampled_from("aBz0 "), max_size=6), max_size=10)
ODD_CHARACTERS = ["\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", "\x00", "\u00a0", "\u00e9", "\uff21"]
LISTED_NAMES = st.one_of(
    PLAIN_NAMES,
    st.lists(st.text(st.sampled_from(["a", "B", " ", *ODD_CHARACTERS]), max_size=6), max_size=10),
)


@settings(max_examples=400, deadline=None)
@given(LISTED_NAMES)
def test_a_list_of_names_folds_as_each_name_does(names: list[str]) -> None:
    assert fold_names(names) == [fold_name(name) for name in names]


def test_plain_ascii_names_fold_in_bulk_to_what_each_folds_to() -> None:
    names = [f"Reseller {i:05d} GmbH" for i in range(1000)] + ["Orbit CRM", "x"]
    assert fold_names(names) == [fold_name(name) for name in names]
    assert fold_names([]) == []
    assert fold_names([""]) == [""]
    # A name holding the separator the names are joined with is folded on its own.
    assert fold_names(["Orbit\x00CRM", "x"]) == [fold_name("Orbit\x00CRM"), "x"]


def test_known_variants_fold_to_one_name() -> None:
    assert {fold_name(s) for s in [*spellings("Orbit CRM"), "Orbit CRM"]} == {"orbit crm"}
    assert fold_name("Straße") == fold_name("STRASSE")
    assert fold_name("Zeta") != fold_name("Zeta 2")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "facts.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("second", ["orbit crm", "ORBIT CRM ", "Orbit\u00a0CRM", "Ｏｒｂｉｔ CRM"])
def test_a_partner_listed_twice_under_another_spelling_is_a_problem_naming_both_rows(
    tmp_path: Path, example_plan: Plan, second: str
) -> None:
    path = write(tmp_path, f"partner,certified_staff\nOrbit CRM,4\nStackpay,1\n{second},9\n")
    table, problems = load_facts(path, example_plan)
    shown = second.replace("\u00a0", " ").strip()  # the reader reads a non-breaking space as a space
    spelt = "" if shown == "Orbit CRM" else " as 'Orbit CRM'"
    assert [str(p) for p in problems] == [
        f"facts.csv:4: partner {shown!r} is listed twice (first at facts.csv:2{spelt})"
    ]
    assert table.values["certified_staff"][table.partners.index("Orbit CRM")] == 4  # not the second row


def test_two_unknown_partners_spelt_apart_are_one_partner(tmp_path: Path, example_plan: Plan) -> None:
    plain = write(tmp_path, "partner,certified_staff\nZeta,1\nzeta,2\n")
    _, problems = load_facts(plain, example_plan)
    assert [p.location for p in problems] == ["facts.csv:3"]
    dated = write(tmp_path, "partner,date,revenue\nZeta,2026-06-30,100\nzeta,2026-09-30,200\n")
    table, problems = load_facts(dated, example_plan)
    assert problems == [] and table.partners == ["Zeta"]
    assert table.dated["revenue"].partner == [0, 0]


@pytest.mark.parametrize("spelt", spellings("Orbit CRM"))
def test_a_facts_row_finds_its_plan_partner_however_it_is_spelt(example_plan: Plan, spelt: str) -> None:
    base = evaluate_tiers(example_plan, AS_OF).facts
    update = FactTable(
        partners=[spelt], current_tier=[None], tier_since=[None], values={"certified_staff": [9]}
    )
    merged = merge_facts(base, update)
    assert len(merged) == len(base)
    assert merged.values["certified_staff"][base.partners.index("Orbit CRM")] == 9


@pytest.mark.parametrize("spelt", spellings("Orbit CRM"))
def test_every_lookup_by_name_folds_the_same_way(example_plan: Plan, spelt: str) -> None:
    assert example_plan.partner(spelt).name == "Orbit CRM"
    assert find_partner(example_plan, spelt)[1].name == "Orbit CRM"
    evaluation = evaluate_tiers(example_plan, AS_OF)
    assert evaluation.facts.partners[evaluation.row(spelt)] == "Orbit CRM"


@pytest.mark.parametrize("spelt", spellings("Orbit CRM"))
def test_the_plan_checks_find_the_same_partner_twice(example_data: dict[str, Any], spelt: str) -> None:
    data = copy.deepcopy(example_data)
    twin = copy.deepcopy(data["categories"]["integration"]["partners"][5])
    assert twin["name"] == "Orbit CRM"
    twin["name"] = spelt
    data["categories"]["integration"]["partners"].append(twin)
    _, problems = validate_plan_data(data)
    duplicates = [p for p in problems if p.code == "duplicate_partner"]
    assert len(duplicates) == 1
    assert duplicates[0].path[:4] == ("categories", "integration", "partners", 9)
    assert "(also under integration, partner 6 of that list, as 'Orbit CRM')" in duplicates[0].message


def test_the_check_and_the_lookup_agree_on_a_plan(example_plan: Plan) -> None:
    assert check_unique_partner_names(example_plan) == []
    names = [p.name for _, p in example_plan.partners()]
    assert len({fold_name(n) for n in names}) == len(names)
