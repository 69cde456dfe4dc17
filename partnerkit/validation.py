"""One round of validation: plan data, as a reader produced it, into a Plan and every problem, by field path.

Both readers (plan files and workbooks) call ``validate_plan_data`` and then place the problems with
their own locator, so a YAML file and a workbook explain the same mistake the same way. The
translation of pydantic's errors into partnerkit's words (did-you-mean hints for unknown keys, no
type tags in paths) lives here, below both readers, so neither imports the other.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from partnerkit.model import Plan
from partnerkit.model.values import did_you_mean
from partnerkit.problems import FieldPath, Problem

AT_KEY = "at_key"
"""``Problem.extra`` flag: the problem is about the key itself (an unknown key), so a reader that knows
where keys stand places it on the key, not on its value."""

_TYPE_TAGS = {"int", "str", "bool", "float", "decimal", "date", "Money", "list", "dict", "none"}


def data_path(loc: Sequence[Any], data: Any) -> FieldPath:
    """The field path in ``data`` of a pydantic error location, without union and type segments
    (``'function-after[...]'``, ``'int'``)."""
    path: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(current, dict) and isinstance(part, str):
            if part in current:
                path.append(part)
                current = current[part]
            elif last:
                path.append(part)
            # else: a type tag; skip it
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(part, str) and ("[" in part or part in _TYPE_TAGS):
            continue
        elif last:
            path.append(part)
    return tuple(path)


def _models_at(model: type[BaseModel], path: FieldPath) -> list[type[BaseModel]]:
    """The pydantic model classes that may hold the mapping at ``path`` (several for a union, like a rule)."""
    current: list[type[BaseModel]] = [model]
    for part in path:
        if isinstance(part, int):
            continue
        following: list[type[BaseModel]] = []
        for owner in current:
            info = owner.model_fields.get(part)
            if info is None:
                info = next((f for f in owner.model_fields.values() if f.alias == part), None)
            if info is not None:
                following.extend(m for m in _inner_models(info.annotation) if m not in following)
        current = following
    return current


def _inner_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(m for m in _inner_models(arg) if m not in found)
    return found


def _aliases(models: Sequence[type[BaseModel]]) -> list[str]:
    names: list[str] = []
    for model in models:
        names.extend(
            n for n in (info.alias or name for name, info in model.model_fields.items()) if n not in names
        )
    return names


def show(value: Any) -> str:
    """A value as a problem quotes it, cut short when long."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def problems_from_validation(exc: ValidationError, data: Any, root: type[BaseModel] = Plan) -> list[Problem]:
    """Pydantic's errors as partnerkit's problems, by field path, with did-you-mean hints for unknown keys."""
    found: list[Problem] = []
    for err in exc.errors(include_url=False):
        path = data_path(err["loc"], data)
        kind = err["type"]
        hint = None
        extra: dict[str, object] = {}
        if kind == "extra_forbidden":
            key = str(path[-1]) if path else ""
            guess = did_you_mean(key, _aliases(_models_at(root, path[:-1])))
            message = f"unknown key {key!r}"
            hint = f"did you mean {guess!r}?" if guess else None
            extra[AT_KEY] = True
        elif kind == "missing":
            message = f"missing required key {str(path[-1])!r}" if path else "missing required key"
        else:
            message = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
            if kind in {"model_type", "model_attributes_type", "dict_type"}:
                message = f"expected a mapping of keys and values, got {show(err.get('input'))}"
            elif kind == "list_type":
                message = f"expected a list, got {show(err.get('input'))}"
            elif (
                not kind.startswith("value_error")
                and "input" in err
                and not isinstance(err["input"], dict | list)
            ):
                message = f"{message} (got {show(err['input'])})"
        found.append(Problem(message, path, hint=hint, code=kind, extra=extra))
    # A misspelled key shows up twice: as an unknown key and as a missing one. Keep the one that
    # says "did you mean", which tells the whole story.
    suggested = {(p.path[:-1], p.hint) for p in found if p.code == "extra_forbidden" and p.hint}
    return [
        p
        for p in found
        if not (
            p.code == "missing"
            and p.path
            and (p.path[:-1], f"did you mean {str(p.path[-1])!r}?") in suggested
        )
    ]


def plan_currency(data: Any) -> str:
    """The plan's currency as written in ``product.currency``, or USD when it is missing or not a code."""
    product = data.get("product") if isinstance(data, dict) else None
    currency = product.get("currency") if isinstance(product, dict) else None
    return currency if isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency) else "USD"


def top_level_problem(data: Any) -> Problem | None:
    """The problem of data that is not a mapping of sections at all (a list, a single value), if it is one."""
    if isinstance(data, dict):
        return None
    kind = "a list" if isinstance(data, list) else f"a single value ({show(data)})"
    return Problem(
        f"a plan is a mapping of sections (product, categories, tiers...), but this file holds {kind}",
        code="top_level",
    )


def validate_plan_data(data: Any) -> tuple[Plan | None, list[Problem]]:
    """The Plan in ``data`` and every problem the schema and the plan checks find, by field path.

    The plan is None when there is any error. Problems carry no location: the reader places them.
    """
    from partnerkit.checks import check_citations, validate

    wrong = top_level_problem(data)
    if wrong is not None:
        return None, [wrong]
    try:
        plan = Plan.model_validate(data, context={"currency": plan_currency(data)})
    except ValidationError as exc:
        # Report what the data-level checks find too, so one run shows every problem.
        return None, [*problems_from_validation(exc, data), *check_citations(data)]
    problems = validate(plan)
    return (None if any(p.is_error for p in problems) else plan), problems
