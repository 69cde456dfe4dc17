"""Every message has its place, in partnerkit's words: limits name the line where they were crossed, and a
value that fails gets its own field.

Before, an alias bomb said "more than 500,000 values (aliases?)" with no line, JSON nested too deeply
said so with no line, YAML nested ~1,000 levels deep ended in a RecursionError traceback, and an
override value over 4,000 characters printed pydantic's three-line error with its URL, at
``overrides`` rather than at the value.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURES
from tests.hostile.run import invoke

PLANS = FIXTURES / "plans"


def test_an_alias_bomb_names_the_line_whose_aliases_cross_the_limit() -> None:
    outcome = invoke("validate", PLANS / "aliases.yaml")
    outcome.assert_clean(codes=(1,))
    assert (
        "aliases.yaml:6:4: the plan has more than 500,000 values here: aliases (*name) repeat" in outcome.err
    )


@pytest.mark.parametrize("levels", [150, 995])
def test_yaml_nested_too_deeply_names_its_line(tmp_path: Path, levels: int) -> None:
    plan = tmp_path / "deep.yaml"
    plan.write_text("product:\n  name: x\nnotes: " + "[" * levels + "]" * levels + "\n", encoding="utf-8")
    outcome = invoke("validate", plan)
    outcome.assert_clean(codes=(1,))
    assert "deep.yaml:3:107: the plan nests more than 100 levels deep here" in outcome.err


def test_json_nested_too_deeply_names_its_line(tmp_path: Path) -> None:
    plan = tmp_path / "deep.json"
    plan.write_text(
        '{\n  "a": "[[[ in a string",\n  "b": ' + "[" * 5000 + "]" * 5000 + "\n}", encoding="utf-8"
    )
    outcome = invoke("validate", plan)
    outcome.assert_clean(codes=(1,))
    assert "deep.json:3:107: the plan nests more than 100 levels deep here" in outcome.err


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_an_override_over_4000_characters_is_reported_at_its_value(
    example_data: dict[str, Any], tmp_path: Path
) -> None:
    data = copy.deepcopy(example_data)
    overrides = data["categories"]["integration"]["partners"][0]["overrides"]
    overrides["governing_law"] = {"value": "x" * 4100, "reason": "pasted by mistake"}
    outcome = invoke("validate", write(tmp_path, data))
    outcome.assert_clean(codes=(1,))
    (line,) = [line for line in outcome.err.splitlines() if "governing_law" in line]
    assert line.endswith(
        "categories.integration.partners[0].overrides.governing_law.value: is 4,100 characters long; "
        "a term's text is at most 4,000 (a clause or two, not a pasted document)"
    )


def test_every_failing_override_is_reported_at_its_own_term(
    example_data: dict[str, Any], tmp_path: Path
) -> None:
    data = copy.deepcopy(example_data)
    partner = data["categories"]["integration"]["partners"][0]
    partner["overrides"] = {
        "revenue_share": "abc",
        "co_marketing_budget": "$50K",
        "liability_cap_exceptions": ["y" * 4001],
        "term_months": 36,
        "margn": "20%",
    }
    outcome = invoke("validate", write(tmp_path, data))
    outcome.assert_clean(codes=(1,))
    shown = [line for line in outcome.err.splitlines() if ".overrides" in line]
    where = "categories.integration.partners[0].overrides"
    assert [line.split(": ", 2)[1] for line in shown] == [
        f"{where}.revenue_share",
        f"{where}.co_marketing_budget",
        f"{where}.liability_cap_exceptions",
        f"{where}.margn",
    ]
    assert "'abc' is not a percentage; write it like '20%'" in shown[0]
    assert "unknown term 'margn'" in shown[3]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("name", "N" * 300, "is 300 characters long; at most 200 characters"),
        ("name", ["a", "list"], "expected text"),
        ("rationale", "r" * 4001, "is 4,001 characters long; at most 4,000 characters"),
        ("tier_since", "soon", "soon"),
    ],
)
def test_schema_errors_are_in_partnerkits_words(
    example_data: dict[str, Any], tmp_path: Path, field: str, value: Any, expected: str
) -> None:
    data = copy.deepcopy(example_data)
    data["categories"]["integration"]["partners"][0][field] = value
    outcome = invoke("validate", write(tmp_path, data))
    outcome.assert_clean(codes=(1,))
    (line,) = [line for line in outcome.err.splitlines() if f"partners[0].{field}:" in line]
    assert expected in line


def test_an_alias_inside_its_own_anchor_is_a_nesting_without_end(tmp_path: Path) -> None:
    plan = tmp_path / "cycle.yaml"
    plan.write_text("product:\n  name: x\nnotes: &loop [1, *loop]\n", encoding="utf-8")
    outcome = invoke("validate", plan)
    outcome.assert_clean(codes=(1,))
    assert "cycle.yaml:3:" in outcome.err and "nests more than 100 levels deep" in outcome.err
