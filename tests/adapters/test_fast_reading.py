"""The fast reading of plain YAML and JSON gives exactly the data and positions of the careful one."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.io import plantext
from partnerkit.io.planfile import example_plan_path, load_plan_text, starter_plan_path

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
    st.text(max_size=12),
    st.sampled_from(["yes", "No", "~", "null", "2026-02-30", "0x1F", "1_000", ".5", "12:30", "S1, S2", ""]),
)
keys = st.one_of(
    st.text(min_size=1, max_size=8), st.integers(0, 3000), st.sampled_from(["on", "3.5", "2026-01-05"])
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=25,
)


def both(text: str) -> tuple[tuple[Any, plantext.Positions], tuple[Any, plantext.Positions, list[Any]]]:
    return plantext._fast_yaml(text), plantext._careful_yaml(text, "plan.yaml")


def assert_same(text: str) -> None:
    try:
        (data, positions), (careful, careful_positions, problems) = both(text)
    except plantext._Unusual:
        return  # left to the careful reading, which is the reading of record
    assert not problems
    assert data == careful and repr(data) == repr(careful)
    assert positions.values == careful_positions.values
    assert positions.keys == careful_positions.keys
    pending = plantext._fast_yaml(text, with_positions=False)[1]
    assert pending.of(()) == careful_positions.of(())
    assert (pending.values, pending.keys) == (careful_positions.values, careful_positions.keys)


@settings(max_examples=150, deadline=None)
@given(documents, st.booleans())
def test_any_plain_document(document: Any, flow: bool) -> None:
    assert_same(yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True, sort_keys=False))


@settings(max_examples=60, deadline=None)
@given(documents)
def test_any_json_document(document: Any) -> None:
    assert_same(json.dumps(document, default=str, indent=1))


@pytest.mark.parametrize("path", [example_plan_path(), starter_plan_path()])
def test_the_shipped_plans(path: Any) -> None:
    text = path.read_text(encoding="utf-8")
    plantext._fast_yaml(text)  # plain files: the fast reading takes them
    assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # an alias
        "a: !!str 12\n",  # a tag
        "a: 1\na: 2\n",  # a duplicate key
        "base: &b {x: 1}\nplan:\n  <<: *b\n",  # a merge key
        "? [a, b]\n: 1\n",  # a key that is not a scalar
        "a: 1\n---\nb: 2\n",  # two documents
        "a: [1, 2\n",  # a syntax error
        "",  # nothing
    ],
)
def test_unusual_files_go_the_careful_way(text: str) -> None:
    with pytest.raises(plantext._Unusual):
        plantext._fast_yaml(text)


def test_problems_of_a_fast_read_plan_are_placed_at_their_line() -> None:
    text = example_plan_path().read_text(encoding="utf-8").replace('margin: "30%"', 'margin: "140%"', 1)
    loaded = load_plan_text(text, "plan.yaml")
    (problem,) = [p for p in loaded.problems if p.path[-1:] == ("margin",) and p.is_error]
    line = int(str(problem.location).split(":")[1])
    assert 'margin: "140%"' in text.splitlines()[line - 1]
