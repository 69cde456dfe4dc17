"""Every cross-check of the plan, on the example plan changed in one place."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.checks import CHECKS, check_citations, validate
from partnerkit.claims import Grounding, grounding
from partnerkit.model import Plan
from partnerkit.problems import Problem, Severity


def problems_of(data: dict[str, Any]) -> list[Problem]:
    return validate(Plan.model_validate(data))


def only(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def test_the_example_plan_is_clean(example_plan: Plan) -> None:
    assert [str(p) for p in validate(example_plan)] == []


def test_checks_are_plain_functions() -> None:
    assert all(callable(check) and check.__doc__ for check in CHECKS)


def test_duplicate_partner_names_across_categories(plan_data: dict[str, Any]) -> None:
    plan_data["categories"]["ecosystem"]["partners"][0]["name"] = "northwind erp"
    (problem,) = only(problems_of(plan_data), "duplicate_partner")
    assert problem.path == ("categories", "ecosystem", "partners", 0, "name")
    assert (
        "listed twice (also under integration, partner 1 of that list, as 'Northwind ERP')" in problem.message
    )


def test_unknown_source_gets_did_you_mean(plan_data: dict[str, Any]) -> None:
    plan_data["assumptions"][0]["sources"] = ["S1", "S31"]
    (problem,) = only(problems_of(plan_data), "unknown_source")
    assert problem.path == ("assumptions", 0, "sources", 1)
    assert problem.hint == "did you mean 'S1'?" or problem.hint == "did you mean 'S3'?"


def test_duplicate_source_ids(plan_data: dict[str, Any]) -> None:
    plan_data["sources"][1]["id"] = "S1"
    assert only(problems_of(plan_data), "duplicate_source")[0].path == ("sources", 1, "id")


def test_citations_check_survives_malformed_data() -> None:
    assert check_citations({"sources": "nope", "tiers": [{"sources": ["X"]}]})[0].code == "unknown_source"
    assert check_citations(["not", "a", "plan"]) == []


def test_unknown_tier_on_a_partner(plan_data: dict[str, Any]) -> None:
    plan_data["categories"]["integration"]["partners"][0]["tier"] = "Strategik"
    (problem,) = only(problems_of(plan_data), "unknown_tier")
    assert problem.path == ("categories", "integration", "partners", 0, "tier")
    assert problem.hint == "did you mean 'Strategic'?"


def test_unknown_tier_in_scale_targets(plan_data: dict[str, Any]) -> None:
    plan_data["roadmap"]["scale"]["tier_targets"]["Gold"] = 2
    (problem,) = only(problems_of(plan_data), "unknown_tier")
    assert problem.path == ("roadmap", "scale", "tier_targets", "Gold")


def test_duplicate_tier_names_and_levels(plan_data: dict[str, Any]) -> None:
    plan_data["tiers"][2]["level"] = 2
    plan_data["tiers"][2]["name"] = "premier"
    found = problems_of(plan_data)
    assert only(found, "duplicate_level")[0].path == ("tiers", 2, "level")
    assert only(found, "duplicate_tier")[0].path == ("tiers", 2, "name")


def test_tier_thresholds_must_be_ordered(plan_data: dict[str, Any]) -> None:
    plan_data["tiers"][1]["revenue_potential"] = {"min": 300000}
    (problem,) = only(problems_of(plan_data), "tier_order")
    assert problem.path == ("tiers", 1, "revenue_potential", "min")
    assert "'Strategic'" in problem.message


def test_tier_order_does_not_depend_on_file_order(plan_data: dict[str, Any]) -> None:
    plan_data["tiers"].reverse()
    assert problems_of(plan_data) == []


def test_margin_outside_band_is_a_warning(plan_data: dict[str, Any]) -> None:
    plan_data["categories"]["distribution"]["partners"][0]["margin"] = "55%"
    (problem,) = only(problems_of(plan_data), "margin_band")
    assert problem.severity is Severity.WARNING
    assert "55%" in problem.message and "20%-40%" in problem.message


def test_decreasing_cumulative_target_is_a_warning(plan_data: dict[str, Any]) -> None:
    plan_data["metrics"][0]["year1"] = 3
    (problem,) = only(problems_of(plan_data), "target_decreases")
    assert problem.severity is Severity.WARNING
    assert problem.path == ("metrics", 0, "year1")


def test_non_cumulative_metric_may_fall(plan_data: dict[str, Any]) -> None:
    plan_data["metrics"][4]["year1"] = "5%"
    assert only(problems_of(plan_data), "target_decreases") == []


def test_nps_range(plan_data: dict[str, Any]) -> None:
    plan_data["metrics"][3]["year1"] = 140
    assert only(problems_of(plan_data), "nps_range")[0].path == ("metrics", 3, "year1")


@pytest.mark.parametrize(("index", "unit"), [(0, "count"), (2, "money")])
def test_negative_count_and_money_targets(plan_data: dict[str, Any], index: int, unit: str) -> None:
    # A minus sign typed into a target used to pass: the report then showed a negative goal.
    plan_data["metrics"][index]["q1"] = -6
    (problem,) = only(problems_of(plan_data), "negative_target")
    assert problem.path == ("metrics", index, "q1") and problem.is_error
    assert problem.message == f"a {unit} target cannot be negative (-6)"


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=3, max_size=3))
def test_target_warning_iff_a_step_falls(example_data: dict[str, Any], targets: list[int]) -> None:
    import copy

    data = copy.deepcopy(example_data)
    data["metrics"][0].update(q1=targets[0], q2=targets[1], year1=targets[2])
    warned = bool(only(problems_of(data), "target_decreases"))
    assert warned == (targets[1] < targets[0] or targets[2] < targets[1])


class TestGrounding:
    def test_ratio_is_cited_over_all(self, example_plan: Plan) -> None:
        ground = grounding(example_plan)
        assert ground.ratio == pytest.approx(ground.cited / len(ground.claims))
        assert 0 < ground.cited < len(ground.claims)

    def test_citing_an_uncited_claim_raises_the_ratio(self, plan_data: dict[str, Any]) -> None:
        before = grounding(Plan.model_validate(plan_data))
        plan_data["assumptions"][4]["sources"] = ["S13"]
        after = grounding(Plan.model_validate(plan_data))
        assert after.cited == before.cited + 1
        assert "assumptions[4]" in [c.field for c in before.uncited]
        assert "assumptions[4]" not in [c.field for c in after.uncited]

    def test_no_claims_is_fully_grounded(self) -> None:
        assert Grounding(()).ratio == 1.0

    def test_percent_targets_are_fractions(self, example_plan: Plan) -> None:
        usage = next(m for m in example_plan.metrics if m.name == "Integration usage")
        assert usage.q1 == Decimal("0.10")
