"""Plan files: read YAML or JSON into a validated Plan with every problem located at LINE:COL, and write them back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from partnerkit.errors import PlanError, UnreadableFileError
from partnerkit.loaded import LoadedPlan
from partnerkit.model import Plan
from partnerkit.model.values import did_you_mean
from partnerkit.problems import FieldPath, Problem, format_path

# A plan is a few hundred lines; facts for thousands of partners belong in a facts table.
MAX_PLAN_BYTES = 5 * 1024 * 1024
# Aliases can make a small file expand enormously ("billion laughs"); stop long before memory does.
MAX_NODES = 500_000

PLAN_SUFFIXES = (".yaml", ".yml", ".json")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

Position = tuple[int, int]  # 1-based line and column


@dataclass
class Positions:
    """Where each value (and each mapping key) of a parsed file stands, by field path."""

    values: dict[FieldPath, Position] = field(default_factory=dict)
    keys: dict[FieldPath, Position] = field(default_factory=dict)

    def of(self, path: Sequence[str | int], *, key: bool = False) -> Position | None:
        """The position of ``path``, or of its nearest enclosing value when it is absent."""
        probe = tuple(path)
        if key and probe in self.keys:
            return self.keys[probe]
        while True:
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return None
            probe = probe[:-1]


def example_plan_path() -> Path:
    """The built-in example plan (Ledgerly, a fictional B2B SaaS company)."""
    return Path(__file__).resolve().parent.parent / "examples" / "ledgerly.yaml"


def starter_plan_path() -> Path:
    """The commented starter plan that ``partnerkit init`` writes."""
    return Path(__file__).resolve().parent.parent / "starter" / "starter.yaml"


def load_example_plan() -> Plan:
    """The built-in example plan, validated."""
    return load_plan(example_plan_path())


# --- reading bytes ----------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The file's text, or an UnreadableFileError that says in one sentence what is wrong."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFileError(f"{path}: no such file")
    if path.is_dir():
        raise UnreadableFileError(f"{path}: is a folder, not a plan file")
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_BYTES:
            raise UnreadableFileError(
                f"{path}: is {size / 1_048_576:.1f} MB; a plan file is at most "
                f"{MAX_PLAN_BYTES // 1_048_576} MB (put partner facts in a facts table instead)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return decode_text(data, str(path))


def decode_text(data: bytes, source: str) -> str:
    """Decode a plan file's bytes as UTF-8, naming binary files and other encodings clearly."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFileError(f"{source}: is UTF-16 text; save it as UTF-8")
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableFileError(
            f"{source}: is a zip file (a workbook or Word document?), not a YAML or JSON plan"
        )
    if b"\x00" in data[:8192]:
        raise UnreadableFileError(f"{source}: is a binary file, not a YAML or JSON plan")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFileError(
            f"{source}:{line}: is not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")


# --- parsing with positions -------------------------------------------------------------------------


class _Composer:
    """Builds plain Python data from a YAML node tree, recording positions and duplicate keys."""

    def __init__(self, loader: Any, source: str) -> None:
        self.loader = loader
        self.source = source
        self.positions = Positions()
        self.problems: list[Problem] = []
        self.nodes = 0

    def build(self, node: Any, path: FieldPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig
        self.positions.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(
                        self._problem(
                            key_node, path, "YAML merge keys ('<<') are not supported; write the keys out"
                        )
                    )
                    continue
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int) or isinstance(key, bool):
                    key = str(key)
                if key in out:
                    first = self.positions.keys[(*path, key)]
                    self.problems.append(
                        self._problem(
                            key_node,
                            (*path, key),
                            f"duplicate key {key!r} (first at line {first[0]}); remove one of them",
                            code="duplicate_key",
                        )
                    )
                    continue
                self.positions.keys[(*path, key)] = (
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            # PyYAML builds 2026-02-30 or 2024-13-01 as a date and fails; keep the text so the
            # field's own check reports it at its line with its field path.
            return node.value

    def _problem(self, node: Any, path: FieldPath, message: str, code: str = "invalid") -> Problem:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        return Problem(message, path, location=f"{self.source}:{line}:{col}", code=code)


class _TooBig(Exception):
    pass


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, source: str) -> tuple[Any, Positions, list[Problem]]:
    """Parse YAML text into plain data, positions and the problems found while parsing."""
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
            what = exc.problem or "invalid YAML"
            context = f" ({exc.context})" if exc.context else ""
            return (
                None,
                Positions(),
                [Problem(f"YAML syntax error: {what}{context}", location=where, code="syntax")],
            )
        except yaml.YAMLError as exc:
            return None, Positions(), [Problem(f"YAML syntax error: {exc}", location=source, code="syntax")]
        if node is None:
            return (
                None,
                Positions(),
                [Problem("the plan file is empty", location=f"{source}:1:1", code="empty")],
            )
        composer = _Composer(loader, source)
        try:
            data = composer.build(node, ())
        except _TooBig:
            return (
                None,
                Positions(),
                [
                    Problem(
                        f"the plan has more than {MAX_NODES:,} values (aliases?)",
                        location=source,
                        code="too_big",
                    )
                ],
            )
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
            return (
                None,
                Positions(),
                [Problem(f"invalid value: {exc.problem}", location=where, code="syntax")],
            )
        except (ValueError, OverflowError) as exc:
            # PyYAML's own scalar constructors raise these for values such as 2026-02-30.
            return None, Positions(), [Problem(f"invalid value: {exc}", location=source, code="syntax")]
        return data, composer.positions, composer.problems
    finally:
        loader.dispose()


def parse_json(text: str, source: str) -> tuple[Any, Positions, list[Problem]]:
    """Parse JSON text; positions come from reading it again as YAML, which JSON nearly always is."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                duplicates.append(key)
            out[key] = value
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        return (
            None,
            Positions(),
            [
                Problem(
                    f"JSON syntax error: {exc.msg}",
                    location=f"{source}:{exc.lineno}:{exc.colno}",
                    code="syntax",
                )
            ],
        )
    except RecursionError:
        return None, Positions(), [Problem("JSON nests too deeply", location=source, code="too_big")]
    if data is None or data == "":
        return None, Positions(), [Problem("the plan file is empty", location=f"{source}:1:1", code="empty")]
    try:
        yaml_data, positions, problems = parse_yaml(text, source)
    except Exception:
        yaml_data, positions, problems = None, Positions(), []
    if yaml_data is not None and problems:
        return yaml_data, positions, problems
    if duplicates:
        return (
            data,
            positions,
            [
                Problem(f"duplicate key {k!r}; remove one of them", location=source, code="duplicate_key")
                for k in duplicates
            ],
        )
    return data, positions, []


# --- validation into problems ----------------------------------------------------------------------


def _strip_type_tags(loc: Sequence[Any], data: Any) -> FieldPath:
    """Drop pydantic's union/type segments (``'function-after[...]'``, ``'int'``) from an error location."""
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


_TYPE_TAGS = {"int", "str", "bool", "float", "decimal", "date", "Money", "list", "dict", "none"}


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
    import typing

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


def problems_from_validation(
    exc: ValidationError, data: Any, positions: Positions, source: str, root: type[BaseModel] = Plan
) -> list[Problem]:
    """Turn pydantic's errors into located problems with did-you-mean hints."""
    found: list[Problem] = []
    for err in exc.errors(include_url=False):
        path = _strip_type_tags(err["loc"], data)
        kind = err["type"]
        hint = None
        if kind == "extra_forbidden":
            key = str(path[-1]) if path else ""
            guess = did_you_mean(key, _aliases(_models_at(root, path[:-1])))
            message = f"unknown key {key!r}"
            hint = f"did you mean {guess!r}?" if guess else None
            pos = positions.of(path, key=True)
        elif kind == "missing":
            message = f"missing required key {str(path[-1])!r}" if path else "missing required key"
            pos = positions.of(path[:-1])
        else:
            message = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
            if kind in {"model_type", "model_attributes_type", "dict_type"}:
                message = f"expected a mapping of keys and values, got {_show(err.get('input'))}"
            elif kind == "list_type":
                message = f"expected a list, got {_show(err.get('input'))}"
            elif (
                not kind.startswith("value_error")
                and "input" in err
                and not isinstance(err["input"], dict | list)
            ):
                message = f"{message} (got {_show(err['input'])})"
            pos = positions.of(path)
        location = f"{source}:{pos[0]}:{pos[1]}" if pos else source
        found.append(Problem(message, path, location=location, hint=hint, code=kind))
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


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def plan_from_data(data: Any, positions: Positions, source: str) -> tuple[Plan | None, list[Problem]]:
    """Validate parsed data into a Plan, or the problems that stop it; runs the plan checks too."""
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({_show(data)})"
        return None, [
            Problem(
                f"a plan is a mapping of sections (product, categories, tiers...), but this file holds {kind}",
                location=f"{source}:1:1",
                code="top_level",
            )
        ]
    currency = (
        data.get("product", {}).get("currency", "USD") if isinstance(data.get("product"), dict) else "USD"
    )
    try:
        plan = Plan.model_validate(
            data, context={"currency": currency if isinstance(currency, str) else "USD"}
        )
    except ValidationError as exc:
        from partnerkit.checks import check_citations

        # Report what the data-level checks find too, so one run shows every problem.
        return None, [
            *problems_from_validation(exc, data, positions, source),
            *locate(check_citations(data), positions, source),
        ]
    from partnerkit.checks import validate

    return plan, locate(validate(plan), positions, source)


@dataclass(frozen=True)
class PositionLocator:
    """Places problems at ``FILE:LINE:COL`` from the positions recorded while parsing a plan file."""

    positions: Positions
    source: str

    def place(self, problem: Problem) -> Problem:
        """The problem at the line and column of its field (or of the nearest enclosing value)."""
        if problem.location is not None:
            return problem
        pos = self.positions.of(problem.path)
        return problem.at(f"{self.source}:{pos[0]}:{pos[1]}" if pos else self.source)


def locate(problems: Sequence[Problem], positions: Positions, source: str) -> list[Problem]:
    """Give each problem that has no location the position of its field in ``source``."""
    locator = PositionLocator(positions, source)
    return [locator.place(p) for p in problems]


def load_plan_text(text: str, source: str = "<plan>", *, fmt: str = "yaml") -> LoadedPlan:
    """Parse and validate plan text (``fmt`` is ``yaml`` or ``json``), keeping its positions."""
    parser = parse_json if fmt == "json" else parse_yaml
    data, positions, problems = parser(text, source)
    locator = PositionLocator(positions, source)
    if any(p.is_error for p in problems) and data is None:
        return LoadedPlan(None, problems, locator)
    plan, more = plan_from_data(data, positions, source)
    problems = [*problems, *more]
    return LoadedPlan(None if any(p.is_error for p in problems) else plan, problems, locator)


def parse_plan_text(
    text: str, source: str = "<plan>", *, fmt: str = "yaml"
) -> tuple[Plan | None, list[Problem]]:
    """Parse and validate plan text; ``fmt`` is ``yaml`` or ``json``."""
    loaded = load_plan_text(text, source, fmt=fmt)
    return loaded.plan, loaded.problems


def load(path: str | Path) -> LoadedPlan:
    """Read a plan file (YAML, JSON or a planning workbook): the plan if usable, every problem, the locator.

    Raises UnreadableFileError for a file that cannot be read at all.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        from partnerkit.io.workbook.read import load_workbook_plan

        return load_workbook_plan(path)
    if suffix and suffix not in PLAN_SUFFIXES:
        raise UnreadableFileError(
            f"{path}: is not a plan file; partnerkit reads .yaml, .yml and .json plans and .xlsx/.xlsm workbooks"
        )
    text = read_text(path)
    return load_plan_text(text, str(path), fmt="json" if suffix == ".json" else "yaml")


def load_plan_with_problems(path: str | Path) -> tuple[Plan | None, list[Problem]]:
    """Read a plan file (YAML, JSON or a planning workbook): the plan if it is usable, and every problem.

    Raises UnreadableFileError for a file that cannot be read at all.
    """
    loaded = load(path)
    return loaded.plan, loaded.problems


def load_plan(path: str | Path) -> Plan:
    """Read a plan file; raises PlanError carrying every problem when the plan has errors."""
    plan, problems = load_plan_with_problems(path)
    if plan is None:
        raise PlanError(problems, str(path))
    return plan


# --- writing ------------------------------------------------------------------------------------------


def plan_to_data(plan: Plan) -> dict[str, Any]:
    """The plan as plain data in its canonical file form (percentages as "25%", money as "50000 USD")."""
    data = plan.model_dump(mode="json", exclude_defaults=True)
    # Keep required keys that equal their defaults, so the file reads completely.
    return data


class _PlanDumper(yaml.SafeDumper):
    """A YAML dumper whose text always reads back as the same text."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # YAML folds NEL and the Unicode line and paragraph separators inside plain and single-quoted
    # scalars; only a double-quoted scalar escapes them, so a name holding one survives a round trip.
    style = '"' if any(c in text for c in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_PlanDumper.add_representer(str, _represent_text)


def dump_plan(plan: Plan, fmt: str = "yaml") -> str:
    """The plan as YAML (default) or JSON text that ``load_plan`` reads back to an equal plan."""
    data = plan_to_data(plan)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(data, Dumper=_PlanDumper, sort_keys=False, allow_unicode=True, width=100)


def format_problems(problems: Sequence[Problem]) -> str:
    """Problems one per line, errors first, as ``LOCATION: field.path: message``."""
    ordered = sorted(problems, key=lambda p: p.sort_key())
    return "\n".join(str(p) for p in ordered)


__all__ = [
    "MAX_PLAN_BYTES",
    "Positions",
    "dump_plan",
    "example_plan_path",
    "format_path",
    "format_problems",
    "load",
    "load_example_plan",
    "load_plan",
    "load_plan_with_problems",
    "parse_plan_text",
    "plan_from_data",
    "plan_to_data",
    "starter_plan_path",
]
