"""Every field of a (Field, Value) table is said in words, and the words read back to the same field."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from pydantic import BaseModel

from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.labels import WORDS, path_of, words_for
from partnerkit.io.workbook.rows import field_label
from partnerkit.model import Plan

KEY_VALUE = [t.name for t in L.TABLES if t.key_value]


def _inner(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if (
        typing.get_origin(annotation) in (typing.Union, getattr(__import__("types"), "UnionType", None))
        and len(args) == 1
    ):
        return _inner(args[0])
    return annotation


def model_paths(model: type[BaseModel], prefix: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Every field the model can hold under ``prefix``, a list's items as its second item."""
    out: list[tuple[Any, ...]] = []
    for name, info in model.model_fields.items():
        if name in L.ROW_LISTS or name == "revenue_potential":
            continue
        core = _inner(info.annotation)
        path = (*prefix, name)
        if isinstance(core, type) and issubclass(core, BaseModel):
            out += model_paths(core, path)
        elif typing.get_origin(core) is list:
            item = _inner(typing.get_args(core)[0])
            if isinstance(item, type) and issubclass(item, BaseModel):
                out += model_paths(item, (*path, 1))
            else:
                out += [path, (*path, 1)]
        elif typing.get_origin(core) is dict:
            out.append((*path, "Strategic"))
        else:
            out.append(path)
    return out


def table_paths(table: str) -> list[tuple[Any, ...]]:
    paths = []
    for section in L.KEY_VALUE_SECTIONS[table]:
        model: Any = Plan
        for part in section:
            model = _inner(model.model_fields[part].annotation)
        if isinstance(model, type) and issubclass(model, BaseModel):
            paths += model_paths(model, section)
        else:
            paths.append(section)
    return paths


@pytest.mark.parametrize("table", KEY_VALUE)
def test_every_field_of_the_model_reads_back_from_its_words(table: str) -> None:
    paths = table_paths(table)
    assert paths
    labels = [words_for(table, p) for p in paths]
    assert len(set(labels)) == len(labels), "two fields of one table share their words"
    for path, label in zip(paths, labels, strict=True):
        assert path_of(table, label) == path, (label, path)
        assert "_" not in label and "." not in label.replace("(", "")


@pytest.mark.parametrize("table", KEY_VALUE)
def test_the_dotted_paths_of_older_workbooks_still_read(table: str) -> None:
    for path in table_paths(table):
        assert path_of(table, field_label(path)) == path


def test_the_templates_words_for_the_strategy() -> None:
    assert words_for(
        L.INTEGRATION_CATEGORY.name, ("categories", "integration", "target_criteria", "user_overlap")
    ) == ("User overlap with our ICPs")
    assert words_for(L.STRATEGY.name, ("philosophy", "strategic_goals", 1)) == "Strategic goal 2"
    assert path_of(L.STRATEGY.name, "  strategic GOAL\u00a012 ") == ("philosophy", "strategic_goals", 11)
    assert len(set(WORDS.values())) == len(WORDS)


def test_words_that_name_no_field_of_the_table_name_none() -> None:
    # Words of a field the model lacks name it, so the model's did-you-mean lands on that row.
    assert path_of(L.PRODUCT.name, "Goal") == ("product", "goal")
    assert path_of(L.PRODUCT.name, "What? Really!") is None
    assert path_of(L.PRODUCT.name, "") is None
    assert path_of(L.STRATEGY.name, "Strategic goal 0") is None
