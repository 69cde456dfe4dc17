"""``check_sources`` walks the plan's models once and finds exactly what the data walk finds.

Before, it serialised the whole plan (``model_dump``) and walked the data; on 100,000 partners that
cost seconds. The data walk (``check_citations``) is kept for plans that do not validate, and here it
is the reference: whatever citations a plan holds, both give the same problems in the same order.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.checks import _cited_lists, _model_cited, check_citations, check_sources
from partnerkit.io.planfile import load_example_plan
from partnerkit.model import Plan

EXAMPLE = load_example_plan()
DATA: dict[str, Any] = EXAMPLE.model_dump(mode="json", by_alias=True)
CITING = [path for path, _ in _cited_lists(DATA)]  # every sources list of the example, by path


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def test_the_walks_find_the_same_lists_in_the_example() -> None:
    found: list[Any] = []
    _model_cited(EXAMPLE, (), found)
    assert found == _cited_lists(DATA)
    assert len(found) > 40 and any(p[:2] == ("categories", "distribution") for p, _ in found)
    assert any("overrides" in p for p, _ in found)  # term overrides cite too


ids = st.sampled_from(["S1", "S2", "S3", "S14", "S99", "s1", "X", "S1.b"])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(CITING), st.lists(ids, max_size=3)), max_size=6),
    st.lists(st.tuples(st.integers(0, len(DATA["sources"]) - 1), ids), max_size=2),
)
def test_one_walk_gives_the_problems_of_the_data_walk(
    citations: list[tuple[tuple[Any, ...], list[str]]], renamed: list[tuple[int, str]]
) -> None:
    data = copy.deepcopy(DATA)
    for path, cited in citations:
        _at(data, path[:-1])[path[-1]] = cited
    for index, new_id in renamed:
        data["sources"][index]["id"] = new_id
    plan = Plan.model_validate(data, context={"currency": "USD"})
    expected = check_citations(plan.model_dump(mode="json", by_alias=True))
    assert check_sources(plan) == expected
    assert check_sources(plan) == check_citations(data)  # and what the file's own data gives
