"""One round of validation: what fails the schema is dropped, the checks run on the rest, nothing spurious."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.io.planfile import example_plan_path
from partnerkit.problems import FieldPath
from partnerkit.validation import AT_KEY, Pruned, validate_plan_data

Edit = Callable[[dict[str, Any]], None]


@cache
def _example() -> dict[str, Any]:
    return yaml.safe_load(example_plan_path().read_text(encoding="utf-8"))


def example() -> dict[str, Any]:
    return copy.deepcopy(_example())


def found(data: dict[str, Any]) -> set[tuple[str, FieldPath, str]]:
    plan, problems = validate_plan_data(data)
    assert plan is None or not any(p.is_error for p in problems)
    return {(p.code, p.path, p.severity.value) for p in problems}


def _misspell_first_dependency(data: dict[str, Any]) -> None:
    activity = data["roadmap"]["phases"][0]["activities"][1]
    activity["depends_on"][0] += "x"


def _set(path: FieldPath, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return edit


def _drop(path: FieldPath) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]

    return edit


DISTRIBUTION = ("categories", "distribution", "partners")
INTEGRATION = ("categories", "integration", "partners")
ECOSYSTEM = ("categories", "ecosystem", "partners")

# Independent mistakes, each in its own part of the plan, and what each alone is reported as.
# Schema errors and check findings mixed: the schema ones make entries drop out, which must
# neither hide the others nor make up new ones.
MISTAKES: dict[str, tuple[Edit, tuple[str, FieldPath]]] = {
    "margin above 100%": (
        _set((*DISTRIBUTION, 0, "margin"), "140%"),
        ("value_error", (*DISTRIBUTION, 0, "margin")),
    ),
    "unknown tier": (_set((*INTEGRATION, 1, "tier"), "Gold"), ("unknown_tier", (*INTEGRATION, 1, "tier"))),
    "unknown source": (
        _set(("assumptions", 0, "sources"), ["S99"]),
        ("unknown_source", ("assumptions", 0, "sources", 0)),
    ),
    "misspelt dependency": (
        _misspell_first_dependency,
        ("unknown-dependency", ("roadmap", "phases", 0, "activities", 1, "depends_on", 0)),
    ),
    "tier level not a number": (_set(("tiers", 2, "level"), "first"), ("int_parsing", ("tiers", 2, "level"))),
    "rule without a comparison": (
        _set(("tiers", 0, "rules", 0), {"fact": "revenue"}),
        ("value_error", ("tiers", 0, "rules", 0, "compare")),
    ),
    "unknown metric unit": (
        _set(("metrics", 0, "unit"), "furlongs"),
        ("value_error", ("metrics", 0, "unit")),
    ),
    "missing ecosystem benefit": (_drop((*ECOSYSTEM, 0, "benefit")), ("missing", (*ECOSYSTEM, 0, "benefit"))),
    "unknown fact kind": (
        _set(("tier_program", "facts", "revenue", "kind"), "colour"),
        ("value_error", ("tier_program", "facts", "revenue", "kind")),
    ),
    "margin band beyond 100%": (
        _set(("deal_frameworks", "reseller", "pricing", "margin_band", "min"), "5000%"),
        ("value_error", ("deal_frameworks", "reseller", "pricing", "margin_band", "min")),
    ),
    "unknown source type": (
        _set(("sources", 1, "type"), "blog post"),
        ("value_error", ("sources", 1, "type")),
    ),
    "no people on an activity": (
        _set(("roadmap", "phases", 1, "activities", 0, "people"), 0),
        ("greater_than_equal", ("roadmap", "phases", 1, "activities", 0, "people")),
    ),
    "team capacity zero": (
        _set(("roadmap", "settings", "capacity"), 0),
        ("greater_than_equal", ("roadmap", "settings", "capacity")),
    ),
    "unknown partner fact": (
        _set((*INTEGRATION, 2, "facts"), {"revenu": 5}),
        ("unknown_fact", (*INTEGRATION, 2, "facts", "revenu")),
    ),
}


def test_the_example_plan_has_no_problem_to_start_with() -> None:
    assert found(example()) == set()


def test_each_mistake_alone_is_reported_as_itself_and_nothing_else() -> None:
    for name, (edit, (code, path)) in MISTAKES.items():
        data = example()
        edit(data)
        assert found(data) == {(code, path, "error")}, name


@settings(max_examples=25)
@given(st.sets(st.sampled_from(sorted(MISTAKES)), min_size=2))
def test_independent_mistakes_are_all_reported_in_one_run(names: set[str]) -> None:
    data = example()
    for name in names:
        MISTAKES[name][0](data)
    expected = {(*MISTAKES[name][1], "error") for name in names}
    assert found(data) == expected


def test_a_dropped_entry_shifts_the_paths_of_later_ones_back() -> None:
    # Partner 0 fails the schema and drops out; the check sees the Gold partner at index 1 of what is
    # left and must report it at index 2, where it stands in the file.
    data = example()
    del data["categories"]["integration"]["partners"][0]["their_value"]
    data["categories"]["integration"]["partners"][2]["tier"] = "Gold"
    assert ("unknown_tier", (*INTEGRATION, 2, "tier"), "error") in found(data)


def test_references_to_an_entry_that_failed_are_left_for_the_next_run() -> None:
    data = example()
    broken = data["tiers"][0]["name"]
    data["tiers"][0]["level"] = "top"
    assert any(p.get("tier") == broken for p in data["categories"]["integration"]["partners"])
    # Partners and targets naming the broken tier are not "unknown tier": the tier is there, just broken.
    assert found(data) == {("int_parsing", ("tiers", 0, "level"), "error")}


def test_without_a_required_section_only_the_data_level_checks_run() -> None:
    data = example()
    data["product"]["name"] = ""
    data["categories"]["integration"]["partners"][1]["tier"] = "Gold"
    data["assumptions"][0]["sources"] = ["S99"]
    codes = {code for code, _, _ in found(data)}
    # No plan can be made without a product, so the tier reference waits; citations are checked on data.
    assert codes == {"string_too_short", "unknown_source"}


def test_an_unknown_key_says_it_is_about_the_key() -> None:
    data = example()
    data["product"]["nmae"] = "x"
    plan, problems = validate_plan_data(data)
    (problem,) = [p for p in problems if p.code == "extra_forbidden"]
    assert plan is None and problem.extra[AT_KEY] is True and problem.hint == "did you mean 'name'?"


def test_pruned_maps_paths_back_across_several_dropped_entries() -> None:
    data = {"tiers": [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}]}
    pruned = Pruned(data)
    assert pruned.add(("tiers", 1)) and pruned.add(("tiers", 3))
    assert not pruned.add(("tiers", 3, "n"))  # inside a dropped entry already
    assert pruned.pruned_data() == {"tiers": [{"n": 0}, {"n": 2}, {"n": 4}]}
    assert data["tiers"][1] == {"n": 1}  # the original data is untouched
    assert [pruned.original(("tiers", i, "n")) for i in range(3)] == [
        ("tiers", 0, "n"),
        ("tiers", 2, "n"),
        ("tiers", 4, "n"),
    ]


# --- a long list of partners, validated a block at a time ----------------------------------------------

# Mistakes in partner entries of several blocks (with a block of two, each partner index its own
# block or a neighbour's), beside the plan-wide ones above: a block with a mistake stays plan data,
# the others become models, and the problems must be the same as in one validation of it all.
PARTNER_MISTAKES: dict[str, Edit] = {
    "margin above 100%, first block": _set((*DISTRIBUTION, 0, "margin"), "140%"),
    "unknown status, a middle block": _set((*DISTRIBUTION, 4, "status"), "Actve"),
    "unknown source, a block that validates": _set((*DISTRIBUTION, 7, "sources"), ["S99"]),
    "unknown key, last block": _set((*DISTRIBUTION, 8, "margn"), "20%"),
    "blank name, a block of its own": _set((*DISTRIBUTION, 6, "name"), "  "),
    "duplicate partner across blocks": _set((*INTEGRATION, 5, "name"), "NORTHWIND erp"),
    "unknown tier in a block that validates": _set((*INTEGRATION, 3, "tier"), "Gold"),
    "unknown override": _set((*INTEGRATION, 2, "overrides"), {"protection_period": 90}),
}


def found_by_blocks(data: dict[str, Any], monkeypatch: Any) -> list[tuple[str, FieldPath, str, str]]:
    """The problems of ``data`` when its partners are validated two at a time."""
    import partnerkit.validation as validation

    monkeypatch.setattr(validation, "PARTNER_BLOCK", 2)
    _, problems = validate_plan_data(data, consume=True)
    monkeypatch.undo()
    return sorted((p.code, p.path, p.severity.value, p.message) for p in problems)


def found_at_once(data: dict[str, Any]) -> list[tuple[str, FieldPath, str, str]]:
    _, problems = validate_plan_data(data)
    return sorted((p.code, p.path, p.severity.value, p.message) for p in problems)


def test_a_plan_validated_by_blocks_is_the_plan_validated_at_once(monkeypatch: Any) -> None:
    import partnerkit.validation as validation

    data = example()
    at_once, _ = validate_plan_data(copy.deepcopy(data))
    monkeypatch.setattr(validation, "PARTNER_BLOCK", 2)
    by_blocks, problems = validate_plan_data(data, consume=True)
    assert problems == [] and by_blocks is not None and at_once is not None
    assert by_blocks == at_once
    assert by_blocks.model_fields_set == at_once.model_fields_set
    # consumed: the reader's own data now holds the partners' models, not their entries
    assert all(
        type(p).__name__ == "DistributionPartner" for p in data["categories"]["distribution"]["partners"]
    )


@settings(max_examples=30, deadline=None)
@given(
    st.sets(st.sampled_from(sorted(PARTNER_MISTAKES)), min_size=1),
    st.sets(st.sampled_from(sorted(MISTAKES)), max_size=2),
)
def test_partner_blocks_report_the_same_problems_as_one_validation(
    partner_mistakes: set[str], plan_mistakes: set[str]
) -> None:
    from _pytest.monkeypatch import MonkeyPatch

    data = example()
    for name in partner_mistakes:
        PARTNER_MISTAKES[name](data)
    for name in plan_mistakes:
        MISTAKES[name][0](data)
    with MonkeyPatch.context() as monkeypatch:
        assert found_by_blocks(copy.deepcopy(data), monkeypatch) == found_at_once(data)
