"""Plan files: every bad input named in the foundation issue gets one clear, located answer, never a traceback."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.errors import PlanError, UnreadableFileError
from partnerkit.io.planfile import (
    MAX_PLAN_BYTES,
    dump_plan,
    load_plan,
    load_plan_with_problems,
    parse_plan_text,
)
from partnerkit.model import Plan
from partnerkit.problems import Problem

FIXTURES = Path(__file__).parent.parent / "fixtures" / "plans"


def only_problems(path: Path) -> list[Problem]:
    plan, problems = load_plan_with_problems(path)
    assert plan is None
    assert problems
    return problems


class TestUnreadableFiles:
    @pytest.mark.parametrize(
        ("name", "says"),
        [
            ("binary.yaml", "is a binary file"),
            ("latin1.yaml", "is not UTF-8 text (byte 0xe9)"),
            ("utf16.yaml", "is UTF-16 text; save it as UTF-8"),
            ("workbook-renamed.yaml", "is a zip file"),
        ],
    )
    def test_each_gets_one_sentence(self, name: str, says: str) -> None:
        with pytest.raises(UnreadableFileError) as info:
            load_plan_with_problems(FIXTURES / name)
        assert says in str(info.value)
        assert str(info.value).startswith(str(FIXTURES / name))

    def test_not_utf8_names_the_line(self) -> None:
        with pytest.raises(UnreadableFileError, match=r"latin1.yaml:2: "):
            load_plan_with_problems(FIXTURES / "latin1.yaml")

    def test_missing_file_and_folder(self, tmp_path: Path) -> None:
        with pytest.raises(UnreadableFileError, match="no such file"):
            load_plan_with_problems(tmp_path / "nope.yaml")
        folder = tmp_path / "plan.yaml"
        folder.mkdir()
        with pytest.raises(UnreadableFileError, match="is a folder"):
            load_plan_with_problems(folder)

    def test_tens_of_megabytes(self, write_plan: Callable[..., Path]) -> None:
        path = write_plan("# padding\n" * (MAX_PLAN_BYTES // 10 + 1))
        with pytest.raises(UnreadableFileError, match=r"MB, past the plan-file size limit of 40.0 MB"):
            load_plan_with_problems(path)

    def test_other_suffix(self, write_plan: Callable[..., Path]) -> None:
        with pytest.raises(UnreadableFileError, match="not a plan file"):
            load_plan_with_problems(write_plan("a: 1", name="plan.txt"))


class TestFileShape:
    @pytest.mark.parametrize("name", ["empty.yaml", "blank.yaml"])
    def test_empty(self, name: str) -> None:
        (problem,) = only_problems(FIXTURES / name)
        assert problem.message == "the plan file is empty"
        assert problem.location == f"{FIXTURES / name}:1:1"

    def test_yaml_syntax_error_has_line_and_column(self) -> None:
        (problem,) = only_problems(FIXTURES / "syntax.yaml")
        assert problem.message.startswith("YAML syntax error")
        assert problem.location is not None and problem.location.endswith(":4:1")

    def test_json_syntax_error_has_line_and_column(self) -> None:
        (problem,) = only_problems(FIXTURES / "syntax.json")
        assert problem.message.startswith("JSON syntax error")
        assert problem.location == f"{FIXTURES / 'syntax.json'}:1:26"

    @pytest.mark.parametrize(("name", "holds"), [("list.yaml", "a list"), ("scalar.yaml", "a single value")])
    def test_wrong_top_level_type(self, name: str, holds: str) -> None:
        (problem,) = only_problems(FIXTURES / name)
        assert f"this file holds {holds}" in problem.message

    def test_duplicate_keys_are_errors_every_one(self) -> None:
        problems = only_problems(FIXTURES / "duplicates.yaml")
        duplicates = [p for p in problems if p.code == "duplicate_key"]
        assert [p.location for p in duplicates] == [
            f"{FIXTURES / 'duplicates.yaml'}:3:3",
            f"{FIXTURES / 'duplicates.yaml'}:4:1",
        ]
        assert "first at line 2" in duplicates[0].message

    def test_duplicate_keys_in_json(self) -> None:
        problems = only_problems(FIXTURES / "duplicates.json")
        assert any(p.code == "duplicate_key" and "'name'" in p.message for p in problems)

    def test_alias_bomb_is_stopped(self) -> None:
        (problem,) = only_problems(FIXTURES / "aliases.yaml")
        assert problem.code == "too_big"

    def test_merge_keys_are_refused(self, write_plan: Callable[..., Path]) -> None:
        problems = only_problems(write_plan("base: &b {name: X}\nproduct:\n  <<: *b\n"))
        assert any("merge keys" in p.message for p in problems)


def located(problems: list[Problem], field: str) -> Problem:
    matches = [p for p in problems if p.field == field]
    assert matches, f"no problem at {field}: {[str(p) for p in problems]}"
    return matches[0]


class TestValuesInPlace:
    """Values people actually type, each answered at its line."""

    def set_margin(self, data: dict[str, Any], value: object) -> None:
        data["categories"]["distribution"]["partners"][0]["margin"] = value

    @pytest.mark.parametrize(
        ("value", "says"), [(0.2, "'20%'"), (20, "'20%'"), ("140%", "140% is above 100%")]
    )
    def test_percentages(
        self, plan_data: dict[str, Any], write_plan: Callable[..., Path], value: object, says: str
    ) -> None:
        self.set_margin(plan_data, value)
        path = write_plan(plan_data)
        problem = located(only_problems(path), "categories.distribution.partners[0].margin")
        assert says in problem.message
        line = path.read_text().splitlines()[int(problem.location.split(":")[-2]) - 1]  # type: ignore[union-attr]
        assert "margin" in line

    @pytest.mark.parametrize(("value", "meant"), [("$50K", "write 50000"), ("50,000", "write 50000")])
    def test_money_shorthand(
        self, plan_data: dict[str, Any], write_plan: Callable[..., Path], value: str, meant: str
    ) -> None:
        plan_data["tiers"][1]["revenue_potential"]["min"] = value
        problem = located(only_problems(write_plan(plan_data)), "tiers[1].revenue_potential.min")
        assert meant in problem.message

    def test_dates_in_other_forms(self, plan_data: dict[str, Any], write_plan: Callable[..., Path]) -> None:
        plan_data["product"]["date"] = "05/01/2026"
        plan_data["sources"][0]["date"] = "March 1, 2025"
        problems = only_problems(write_plan(plan_data))
        assert "ambiguous" in located(problems, "product.date").message
        assert "write 2025-03-01" in located(problems, "sources[0].date").message

    @pytest.mark.parametrize(
        ("typed", "says"),
        [
            ("2024-13-01", "'2024-13-01' is not a calendar date (month must be in 1..12)"),
            ("2026-02-30", "'2026-02-30' is not a calendar date (day is out of range for month)"),
            ('"2026-3-1"', "'2026-3-1' is not an ISO date; write 2026-03-01"),
        ],
    )
    def test_impossible_dates_are_located(
        self, plan_data: dict[str, Any], write_plan: Callable[..., Path], typed: str, says: str
    ) -> None:
        # Unquoted, PyYAML itself fails to build these dates; the answer must still be at the field.
        text = yaml.safe_dump(plan_data, sort_keys=False, allow_unicode=True)
        text = text.replace(f"date: {plan_data['product']['date']}", f"date: {typed}", 1)
        path = write_plan(text)
        problem = located(only_problems(path), "product.date")
        assert problem.message == says
        line = path.read_text().splitlines()[int(problem.location.split(":")[-2]) - 1]  # type: ignore[union-attr]
        assert typed in line

    def test_a_fact_no_branch_of_its_union_takes_is_one_problem_at_its_place(
        self, plan_data: dict[str, Any], write_plan: Callable[..., Path]
    ) -> None:
        # A fact may be a value or dated values; pydantic answers a wrong one with an error per
        # branch (facts.revenue.bool, facts.revenue.constrained-str...). The user gets one problem.
        facts = plan_data["categories"]["integration"]["partners"][0]["facts"]
        facts["revenue"] = {"2026-03-31": 60000, "2026-02-30": 70000}  # an impossible date
        facts["deals"] = [1, 2]  # neither a value nor dated values
        facts["certified_staff"] = {"2026-03-31": "lots"}  # a dated value that is not a number
        path = write_plan(plan_data)
        problems = only_problems(path)
        at = "categories.integration.partners[0].facts"
        assert [p.field for p in problems] == [
            f"{at}.revenue.2026-02-30",
            f"{at}.deals",
            f"{at}.certified_staff.2026-03-31",
        ]
        assert "expected a date" in located(problems, f"{at}.revenue.2026-02-30").message
        assert located(problems, f"{at}.deals").message == (
            "expected true or false, or a whole number, or a number, or a date written YYYY-MM-DD, "
            "or text, or a mapping of keys and values, got [1, 2]"
        )
        assert located(problems, f"{at}.certified_staff.2026-03-31").message == (
            "expected a whole number, or a number, or true or false, got 'lots'"
        )
        lines = path.read_text().splitlines()
        shown = [lines[int(p.location.split(":")[-2]) - 1].strip() for p in problems]  # type: ignore[union-attr]
        # Each on its line: the impossible date, the list's first item, the date holding 'lots'.
        assert shown == ["'2026-02-30': 70000", "- 1", "'2026-03-31': lots"]

    def test_unknown_key_gets_did_you_mean_at_the_key(
        self, plan_data: dict[str, Any], write_plan: Callable[..., Path]
    ) -> None:
        partner = plan_data["categories"]["integration"]["partners"][0]
        partner["rationle"] = partner.pop("rationale")
        path = write_plan(plan_data)
        problems = only_problems(path)
        problem = located(problems, "categories.integration.partners[0].rationle")
        assert problem.hint == "did you mean 'rationale'?"
        # The misspelling is reported once, not also as a missing 'rationale'.
        assert not [p for p in problems if p.field.endswith("partners[0].rationale")]
        line = path.read_text().splitlines()[int(problem.location.split(":")[-2]) - 1]  # type: ignore[union-attr]
        assert "rationle" in line

    def test_unknown_enum_value_gets_did_you_mean(
        self, plan_data: dict[str, Any], write_plan: Callable[..., Path]
    ) -> None:
        plan_data["categories"]["integration"]["partners"][1]["type"] = "Plugn"
        problem = located(only_problems(write_plan(plan_data)), "categories.integration.partners[1].type")
        assert "did you mean 'Plugin'" in problem.message

    def test_every_problem_in_one_run(
        self, plan_data: dict[str, Any], write_plan: Callable[..., Path]
    ) -> None:
        """A misspelled key, a margin of 140% and a citation of a missing source: three located messages."""
        partner = plan_data["categories"]["distribution"]["partners"][0]
        partner["custmer_base"] = partner.pop("customer_base")
        plan_data["categories"]["distribution"]["partners"][1]["margin"] = "140%"
        plan_data["categories"]["integration"]["partners"][0]["sources"] = ["S99"]
        problems = only_problems(write_plan(plan_data))
        assert len([p for p in problems if p.is_error]) == 3
        assert all(p.location and p.location.count(":") == 2 for p in problems)
        assert located(problems, "categories.integration.partners[0].sources[0]").hint == "did you mean 'S9'?"


class TestRoundTrip:
    def test_yaml_and_json_round_trip(self, example_plan: Plan, tmp_path: Path) -> None:
        for fmt in ("yaml", "json"):
            path = tmp_path / f"plan.{fmt}"
            path.write_text(dump_plan(example_plan, fmt), encoding="utf-8")
            assert load_plan(path) == example_plan

    def test_json_plan_with_problems_is_located(
        self, plan_data: dict[str, Any], write_plan: Callable[..., Path]
    ) -> None:
        data = Plan.model_validate(plan_data).model_dump(mode="json")
        data["product"]["nmae"] = "x"
        path = write_plan(json.dumps(data, indent=2), name="plan.json")
        problem = located(only_problems(path), "product.nmae")
        assert problem.location is not None and problem.location.startswith(f"{path}:")
        assert problem.hint == "did you mean 'name'?"

    @pytest.mark.parametrize("name", ["0\x850", "a\u2028b", "x\u2029y", "Café \u202eOrg"])
    def test_names_with_line_separators_survive(self, example_plan: Plan, name: str) -> None:
        partner = example_plan.categories.distribution.partners[0].model_copy(update={"name": name})
        categories = example_plan.categories.model_copy(
            update={
                "distribution": example_plan.categories.distribution.model_copy(
                    update={"partners": [partner]}
                )
            }
        )
        plan = example_plan.model_copy(update={"categories": categories})
        again, problems = parse_plan_text(dump_plan(plan), "round-trip.yaml")
        assert again is not None, [str(p) for p in problems]
        assert again.categories.distribution.partners[0].name == name

    @given(
        name=st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and s == s.strip()),
        margin=st.integers(min_value=0, max_value=100),
        amount=st.decimals(min_value=250_001, max_value=10**8, places=2),
    )
    def test_round_trip_of_perturbed_plans(
        self, example_data: dict[str, Any], name: str, margin: int, amount: Any
    ) -> None:
        data = copy.deepcopy(example_data)
        data["categories"]["distribution"]["partners"][0]["name"] = name
        data["categories"]["distribution"]["partners"][0]["margin"] = f"{margin}%"
        data["tiers"][0]["revenue_potential"]["min"] = f"{amount} USD"
        plan = Plan.model_validate(data)
        text = dump_plan(plan)
        again, problems = parse_plan_text(text, "round-trip.yaml")
        assert [p for p in problems if p.is_error] == []
        assert again == plan


class TestPlanError:
    def test_load_plan_raises_with_every_problem(
        self, plan_data: dict[str, Any], write_plan: Callable[..., Path]
    ) -> None:
        plan_data["product"]["nmae"] = "x"
        plan_data["tiers"][0]["level"] = "first"
        with pytest.raises(PlanError) as info:
            load_plan(write_plan(plan_data))
        assert len(info.value.problems) == 2
        assert "2 problem(s)" in str(info.value)


DOCUMENTED_CODES = {
    "syntax",
    "empty",
    "top_level",
    "duplicate_key",
    "too_big",
    "invalid",
}


class TestArbitraryInput:
    """Whatever bytes or text a file holds, only partnerkit's documented problems and errors come out."""

    @given(st.binary(max_size=400))
    def test_bytes(self, tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
        path = tmp_path_factory.mktemp("fuzz") / "plan.yaml"
        path.write_bytes(data)
        try:
            plan, problems = load_plan_with_problems(path)
        except UnreadableFileError as exc:
            assert str(exc)
            return
        assert plan is None or isinstance(plan, Plan)
        assert all(isinstance(p, Problem) and p.message for p in problems)

    @given(st.text(max_size=400))
    def test_text(self, text: str) -> None:
        plan, problems = parse_plan_text(text, "fuzz.yaml")
        assert plan is None
        assert problems and all(isinstance(p, Problem) and p.location for p in problems)

    @given(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda children: (
                st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
            ),
            max_leaves=20,
        )
    )
    def test_structured_yaml(self, data: object) -> None:
        text = yaml.safe_dump({"product": data, "tiers": data})
        plan, problems = parse_plan_text(text, "fuzz.yaml")
        assert plan is None
        assert problems and all(p.location and p.location.startswith("fuzz.yaml") for p in problems)
