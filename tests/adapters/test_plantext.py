"""Plan text: problems land where the reader saw them, the key of an unknown key included."""

from __future__ import annotations

from typing import Any

import yaml

from partnerkit.io.planfile import example_plan_path
from partnerkit.io.plantext import PositionLocator, load_plan_text
from partnerkit.problems import Problem


def example_text(edit: Any) -> str:
    data = yaml.safe_load(example_plan_path().read_text(encoding="utf-8"))
    edit(data)
    return yaml.safe_dump(data, sort_keys=False)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_an_unknown_key_is_placed_on_the_key_not_on_its_value() -> None:
    # The value of the misspelt key is a block list: its position is on the next line.
    text = example_text(lambda d: d["product"].__setitem__("nmae", ["first", "second"]))
    loaded = load_plan_text(text, "plan.yaml")
    (problem,) = [p for p in loaded.problems if p.code == "extra_forbidden"]
    key_line = line_of(text, "nmae:")
    assert problem.location == f"plan.yaml:{key_line}:3"
    assert problem.path == ("product", "nmae")


def test_a_problem_found_after_loading_is_placed_without_parsing_again() -> None:
    text = example_text(lambda d: None)
    loaded = load_plan_text(text, "plan.yaml")
    assert loaded.ok
    assert isinstance(loaded.locator, PositionLocator)
    later = Problem("a roadmap problem", ("roadmap", "phases", 0, "activities", 1, "weeks"))
    (placed,) = loaded.place([later])
    weeks = [i for i, line in enumerate(text.splitlines(), 1) if "weeks:" in line]
    assert placed.location is not None and placed.location.startswith("plan.yaml:")
    assert int(placed.location.split(":")[1]) in weeks
