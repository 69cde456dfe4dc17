"""One round of validation: plan data, as a reader produced it, into a Plan and every problem, by field path.

Both readers (plan files and workbooks) call ``validate_plan_data`` and then place the problems with
their own locator, so a YAML file and a workbook explain the same mistake the same way. The
translation of pydantic's errors into partnerkit's words (did-you-mean hints for unknown keys, no
type tags in paths) lives here, below both readers, so neither imports the other.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from partnerkit.model import Plan
from partnerkit.model.partners import TERM_OVERRIDES, Categories
from partnerkit.model.values import did_you_mean
from partnerkit.problems import DERIVED_FROM, REFERS_TO, FieldPath, Problem

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
    for err, refused in _union_errors(exc.errors(include_url=False)):
        if refused:  # a value no branch of a union takes: one problem, at the value
            found.append(_refused_by_every_branch(refused, data))
            continue
        path = data_path(err["loc"], data)
        kind = err["type"]
        if kind == TERM_OVERRIDES:
            found += _term_problems(err, path, data)
            continue
        message, hint, extra = _own_message(err, path, root)
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


def _own_message(
    err: Any, path: FieldPath, root: type[BaseModel]
) -> tuple[str, str | None, dict[str, object]]:
    """One pydantic error's message in partnerkit's words, its did-you-mean hint and its extras."""
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else ""
        guess = did_you_mean(key, _aliases(_models_at(root, path[:-1])))
        return f"unknown key {key!r}", (f"did you mean {guess!r}?" if guess else None), {AT_KEY: True}
    if kind == "missing":
        return (f"missing required key {str(path[-1])!r}" if path else "missing required key"), None, {}
    message = _expected(err)
    if kind in _SHAPE_ERRORS:
        message = f"{message}, got {show(err.get('input'))}"
    elif not kind.startswith("value_error") and "input" in err and not isinstance(err["input"], dict | list):
        message = f"{message} (got {show(err['input'])})"
    return message, None, {}


# Errors that say the value has the wrong shape: a mapping or a list was expected.
_SHAPE_ERRORS = frozenset({"model_type", "model_attributes_type", "dict_type", "list_type"})


def _expected(err: Any) -> str:
    """What a pydantic error says the value should be, in partnerkit's words, without the value."""
    kind = err["type"]
    if kind in _SHAPE_ERRORS:
        return "expected a list" if kind == "list_type" else "expected a mapping of keys and values"
    message = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return own_words(kind, message, err.get("ctx") or {}, err.get("input"))


def _is_type_tag(part: Any) -> bool:
    """True for a segment pydantic adds to an error's location to name a union's branch (``int``,
    ``constrained-str``, ``dict[date,union[int,float]]``)."""
    return isinstance(part, str) and (part in _TYPE_TAGS or part.startswith("constrained-") or "[" in part)


def _union_errors(errors: list[Any]) -> list[tuple[Any, list[Any]]]:
    """Pydantic's errors with a union's branches sorted out: each error alone, or (None, its branches)
    for a value that every branch refused as a whole.

    A value no branch of a union takes gets an error per branch, each at the value plus the branch's
    tag (``facts.revenue.bool``, ``facts.revenue.int``...). When one branch looked inside the value
    (a dated fact whose date is impossible), its errors say what is wrong and the others are noise;
    otherwise the branches together say what the value may be, in one problem.
    """

    def refuses_whole(err: Any) -> bool:
        loc = err["loc"]
        return bool(loc) and err["type"] not in ("extra_forbidden", "missing") and _is_type_tag(loc[-1])

    # The places some error looked inside of, past a branch's tag: one set, so that a plan with an
    # error in each of 100,000 partners is sorted out in one pass.
    looked_inside = {tuple(e["loc"][:k]) for e in errors for k in range(len(e["loc"]) - 1)}
    out: list[tuple[Any, list[Any]]] = []
    grouped: dict[tuple[Any, ...], list[Any]] = {}
    for err in errors:
        if not refuses_whole(err):
            out.append((err, []))
            continue
        at = tuple(err["loc"][:-1])
        if at in looked_inside:
            continue  # a branch that took the value's shape says what is wrong inside it
        if at not in grouped:
            grouped[at] = []
            out.append((None, grouped[at]))
        grouped[at].append(err)
    return [(err, refused) if len(refused) != 1 else (refused[0], []) for err, refused in out]


def _refused_by_every_branch(refused: list[Any], data: Any) -> Problem:
    """One problem for a value that no branch of a union takes, naming what each branch expects."""
    expected: list[str] = []
    for err in refused:
        wanted = _expected(err).removeprefix("expected ")
        if wanted not in expected:
            expected.append(wanted)
    path = data_path(refused[0]["loc"][:-1], data)
    return Problem(
        f"expected {', or '.join(expected)}, got {show(refused[0].get('input'))}", path, code="union"
    )


def _term_problems(err: Any, path: FieldPath, data: Any) -> list[Problem]:
    """A partner's failing overrides, each at its own term: at the value (``overrides.scope.value``,
    or ``overrides.scope`` when written short), or at the key for an unknown term."""
    out = []
    overrides = _at(data, path)
    for term, sentence, about_key in err.get("ctx", {}).get("terms", ()):
        entry = overrides.get(term) if isinstance(overrides, dict) else None
        at: FieldPath = (
            (*path, term, "value") if isinstance(entry, dict) and "value" in entry else (*path, term)
        )
        out.append(
            Problem(
                sentence, (*path, term) if about_key else at, code="term_override", extra={AT_KEY: about_key}
            )
        )
    return out


# Pydantic's own sentences ("Input should be a valid integer", "String should have at most 4000
# characters") in partnerkit's words; the value itself is quoted by the caller.
_OWN_WORDS: dict[str, str] = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "decimal_type": "expected a number",
    "decimal_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "date_type": "expected a date written YYYY-MM-DD",
    "date_parsing": "expected a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "expected a date without a time",
    "finite_number": "expected a finite number",
    "none_required": "expected no value",
    "string_pattern_mismatch": "is not written as this field's values are",
}


def own_words(kind: str, message: str, ctx: dict[str, Any], value: Any) -> str:
    """A pydantic error's sentence in partnerkit's words (``message`` itself when it is ours already)."""
    if kind == "string_too_long":
        length = f"is {len(value):,} characters long; " if isinstance(value, str) else ""
        return f"{length}at most {ctx.get('max_length', 0):,} characters"
    if kind == "string_too_short":
        return (
            "is empty" if ctx.get("min_length") == 1 else f"at least {ctx.get('min_length', 0):,} characters"
        )
    if kind == "too_long":
        return f"at most {ctx.get('max_length', 0):,} entries"
    if kind == "too_short":
        return f"at least {ctx.get('min_length', 0):,} entries"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "")
        words = {"greater_than": "above", "greater_than_equal": "at least", "less_than": "below"}
        return f"must be {words.get(kind, 'at most')} {bound}"
    if kind in ("literal_error", "enum"):
        return f"expected {ctx.get('expected', 'one of the allowed values')}"
    if kind in _OWN_WORDS:
        return _OWN_WORDS[kind]
    # Whatever else pydantic says keeps its sense but not its voice.
    return message.replace("Input should be", "expected").replace("String should have", "text has")


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


BlockDone = Callable[[FieldPath, int, list[Any]], None]
"""Told of each block of partners that validated: the list's path, the first index, the models."""


def validate_plan_data(
    data: Any, *, consume: bool = False, validated: BlockDone | None = None
) -> tuple[Plan | None, list[Problem]]:
    """The Plan in ``data`` and every problem the schema and the plan checks find, by field path.

    When some entries fail the schema, the checks still run on everything that validated (see
    ``partial_plan``), so independent mistakes in different sections are reported in one run. The
    plan is None when there is any error. Problems carry no location: the reader places them.

    With ``consume`` (for a reader whose data is its own), the partners of a long list are replaced
    in ``data`` by their models as they validate (``validate_partner_blocks``), and ``validated`` is
    told of each block.
    """
    from partnerkit.checks import validate

    wrong = top_level_problem(data)
    if wrong is not None:
        return None, [wrong]
    context = {"currency": plan_currency(data)}
    if consume:
        validate_partner_blocks(data, context, validated)
    try:
        plan = Plan.model_validate(data, context=context)
    except ValidationError as exc:
        return None, [*problems_from_validation(exc, data), *_checks_of_what_validated(data, exc, context)]
    problems = validate(plan)
    return (None if any(p.is_error for p in problems) else plan), problems


PARTNER_BLOCK = 2_000
"""Partners of a category validated at a time, when its list is longer (``validate_partner_blocks``)."""


@functools.cache
def _partner_lists() -> dict[str, TypeAdapter[Any]]:
    """For each category's key in the plan (``distribution``), a validator of its list of partners."""
    out: dict[str, TypeAdapter[Any]] = {}
    for key, info in Categories.model_fields.items():
        category = info.annotation
        assert isinstance(category, type) and issubclass(category, BaseModel)
        partners: Any = category.model_fields["partners"].annotation  # list[IntegrationPartner], ...
        out[key] = TypeAdapter(partners)
    return out


def validate_partner_blocks(data: Any, context: dict[str, Any], validated: BlockDone | None = None) -> None:
    """Replace, in plan data, each block of ``PARTNER_BLOCK`` partners that validates by its models.

    A plan of 100,000 partners is 130 MB as plan data and as much again as models: validated a block
    at a time, each block's entries go as their models come, so the two are never held whole at
    once. The plan's own validation then takes the models as they are (pydantic does not validate a
    model instance's fields again, though it runs its after-validators once more: pydantic issue
    #12876; the partners' one, settling the tier from the history, gives the same tier twice) and
    validates what is left as written: a block with a mistake stays plan
    data, so its problems are found and worded where they always are, at their places.
    """
    categories = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(categories, dict):
        return
    for key, adapter in _partner_lists().items():
        category = categories.get(key)
        partners = category.get("partners") if isinstance(category, dict) else None
        if not isinstance(partners, list) or len(partners) <= PARTNER_BLOCK:
            continue
        for start in range(0, len(partners), PARTNER_BLOCK):
            block = slice(start, start + PARTNER_BLOCK)
            try:
                models = adapter.validate_python(partners[block], context=context)
            except ValidationError:
                continue  # left as written, for the plan's validation to report
            partners[block] = models
            if validated is not None:
                validated(("categories", key, "partners"), start, models)


def validate_program_data(data: Any) -> tuple[Any, list[Problem]]:
    """A tier program file (``TierProgramFile``) in ``data`` and every problem, by field path.

    The tier checks run on a program that validates; with schema errors, the citations are still
    checked. The program is None when there is any error.
    """
    from partnerkit.checks import check_citations, validate_program
    from partnerkit.model.program import TierProgramFile

    currency = data.get("currency") if isinstance(data, dict) else None
    context = {
        "currency": currency if isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency) else "USD"
    }
    try:
        program = TierProgramFile.model_validate(data, context=context)
    except ValidationError as exc:
        return None, [*problems_from_validation(exc, data, TierProgramFile), *check_citations(data)]
    problems = [*validate_program(program), *check_citations(data)]
    return (None if any(p.is_error for p in problems) else program), problems


# --- one round: prune what fails, check the rest -------------------------------------------------

MAX_PRUNING_ROUNDS = 12
"""Each round drops what failed and validates again; nesting is shallow, so a few rounds suffice."""

_REMOVE = None  # a leaf of the pruning trie: this value goes

# Where the named entries of a plan stand (``str`` a mapping key, ``int`` a list index), and the
# field that names them (None: the mapping key names it).
_NAMED_ENTRIES: tuple[tuple[tuple[Any, ...], str, str | None], ...] = (
    (("tiers", int), "tier", "name"),
    (("categories", str, "partners", int), "partner", "name"),
    (("roadmap", "phases", int, "activities", int), "activity", "id"),
    (("roadmap", "scale", "activities", int), "activity", "id"),
    (("tier_program", "facts", str), "fact", None),
    (("sources", int), "source", "id"),
    (("metrics", int), "metric", "name"),
)


class Pruned:
    """The values dropped from plan data so that the rest validates, in the data's own coordinates."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.paths: set[FieldPath] = set()
        self._gone: dict[FieldPath, list[int]] = {}  # list path -> dropped indices, ascending

    def add(self, path: FieldPath) -> bool:
        """Drop the value at ``path`` (original coordinates); False when it is dropped already."""
        if any(path[:i] in self.paths for i in range(len(path) + 1)):
            return False
        self.paths.add(path)
        if path and isinstance(path[-1], int) and isinstance(_at(self.data, path[:-1]), list):
            self._gone.setdefault(path[:-1], []).append(path[-1])
            self._gone[path[:-1]].sort()
        return True

    def original(self, path: Sequence[str | int]) -> FieldPath:
        """A path in the pruned data as a path in the original data (dropped entries shift indices)."""
        out: list[str | int] = []
        node = self.data
        for part in path:
            if isinstance(node, list) and isinstance(part, int):
                index = part
                for gone in self._gone.get(tuple(out), ()):
                    if gone <= index:
                        index += 1
                out.append(index)
                node = node[index] if 0 <= index < len(node) else None
            else:
                out.append(part)
                node = node.get(part) if isinstance(node, dict) else None
        return tuple(out)

    def pruned_data(self) -> Any:
        """The data without the dropped values; only the containers on the way to them are copied."""
        trie: dict[Any, Any] = {}
        for path in sorted(self.paths, key=len):
            node: Any = trie
            for part in path[:-1]:
                node = node.setdefault(part, {})
                if node is _REMOVE:  # an enclosing value goes already
                    break
            else:
                node[path[-1]] = _REMOVE
        return _without(self.data, trie)

    def names(self) -> set[tuple[str, str]]:
        """The named entries (tiers, facts, activities...) that lost something, as ``(kind, name)``."""
        found: set[tuple[str, str]] = set()
        for path in self.paths:
            for pattern, kind, key in _NAMED_ENTRIES:
                if len(path) < len(pattern) or not all(
                    part == want if isinstance(want, str) else isinstance(part, want)
                    for part, want in zip(path, pattern, strict=False)
                ):
                    continue
                entry = path[: len(pattern)]
                name = entry[-1] if key is None else _at(self.data, (*entry, key))
                if isinstance(name, str):
                    found.add((kind, name))
        return found

    def explains(self, problem: Problem, names: set[tuple[str, str]]) -> bool:
        """True when ``problem`` (in original coordinates) may only follow from a dropped value: it
        stands at or under one (now a default), on a list that lost an entry, refers to a named entry
        that lost something, or follows from a field that lost something."""
        path = problem.path
        if any(path[:i] in self.paths for i in range(len(path) + 1)) or path in self._gone:
            return True
        if any(tuple(ref) in names for ref in _listed(problem, REFERS_TO)):
            return True
        for source in _listed(problem, DERIVED_FROM):
            field = tuple(source)
            if any(p[: len(field)] == field or field[: len(p)] == p for p in self.paths):
                return True
        return False


def _listed(problem: Problem, key: str) -> list[Sequence[Any]]:
    value = problem.extra.get(key)
    return [v for v in value if isinstance(v, list | tuple)] if isinstance(value, list | tuple) else []


def _child(node: Any, part: str | int) -> tuple[bool, Any]:
    """Whether ``node`` holds ``part`` (a key of a mapping, an index of a list), and what it holds."""
    if isinstance(node, dict):
        return part in node, node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return True, node[part]
    return False, None


def _at(data: Any, path: Sequence[str | int]) -> Any:
    node = data
    for part in path:
        found, node = _child(node, part)
        if not found:
            return None
    return node


def _existing(data: Any, path: FieldPath) -> FieldPath:
    """The longest beginning of ``path`` that is a value in ``data`` (a missing key's mapping, say)."""
    node = data
    for i, part in enumerate(path):
        found, node = _child(node, part)
        if not found:
            return path[:i]
    return path


def _without(node: Any, trie: dict[Any, Any]) -> Any:
    if isinstance(node, dict):
        out = dict(node)
        for part, sub in trie.items():
            if part in out:
                if sub is _REMOVE:
                    del out[part]
                else:
                    out[part] = _without(out[part], sub)
        return out
    if isinstance(node, list):
        return [
            item if i not in trie else _without(item, trie[i])
            for i, item in enumerate(node)
            if not (i in trie and trie[i] is _REMOVE)
        ]
    return node


def _required(path: FieldPath) -> bool:
    """True when the plan model requires the field at ``path`` wherever it may stand (a model field
    without a default); a list entry or a mapping's key never is."""
    if not path or not isinstance(path[-1], str):
        return False
    models = _models_at(Plan, path[:-1])
    if not models:
        return False
    for model in models:
        info = model.model_fields.get(path[-1])
        if info is None:
            info = next((f for f in model.model_fields.values() if f.alias == path[-1]), None)
        if info is None or not info.is_required():
            return False
    return True


def partial_plan(data: Any, exc: ValidationError, context: dict[str, Any]) -> tuple[Plan, Pruned] | None:
    """The plan of everything in ``data`` that validates, and what was dropped to get it; None when
    what fails cannot be dropped (a required field of a section the plan cannot do without).

    A failing value is dropped back to its default when it has one; when it is required, its entry
    in the enclosing list goes, and so on up. Only the containers on the way are copied.
    """
    pruned = Pruned(data)
    current = data
    for _ in range(MAX_PRUNING_ROUNDS):
        progress = False
        for err in exc.errors(include_url=False):
            target = _existing(current, data_path(err["loc"], current))
            while target and _required(target):
                target = target[:-1]
            if not target:
                return None
            progress |= pruned.add(pruned.original(target))
        if not progress:
            return None
        current = pruned.pruned_data()
        try:
            return Plan.model_validate(current, context=context), pruned
        except ValidationError as again:
            exc = again
    return None


def _checks_of_what_validated(data: Any, exc: ValidationError, context: dict[str, Any]) -> list[Problem]:
    """The plan checks on the part of ``data`` that validates, at the original paths, without what
    only follows from the dropped part; citations are checked on all of ``data``."""
    from partnerkit.checks import CHECKS, check_citations, check_sources

    partial = partial_plan(data, exc, context)
    if partial is None:
        return check_citations(data)
    plan, pruned = partial
    names = pruned.names()
    found: list[Problem] = []
    for check in CHECKS:
        if check is check_sources:
            # Ids and citations are checked on the data as written, dropped entries included.
            found += check_citations(data)
            continue
        for problem in check(plan):
            problem = replace(problem, path=pruned.original(problem.path))
            if not pruned.explains(problem, names):
                found.append(problem)
    return found
