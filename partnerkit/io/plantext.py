"""Plan text: YAML or JSON read into plain data with the line and column of every value and key.

Duplicate keys, merge keys and alias bombs are caught while the YAML node tree is composed; the
positions recorded on the way place every later problem (schema, checks, tiers, roadmap) at
``plan.yaml:LINE:COL`` through a ``PositionLocator``, without the file being parsed again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from partnerkit.errors import UnreadableFileError
from partnerkit.loaded import LoadedPlan
from partnerkit.model import Plan
from partnerkit.model.program import is_program_data
from partnerkit.problems import FieldPath, Problem
from partnerkit.validation import AT_KEY, top_level_problem, validate_plan_data, validate_program_data

# A plan is a few hundred lines; facts for thousands of partners belong in a facts table.
MAX_PLAN_BYTES = 5 * 1024 * 1024
# Aliases can make a small file expand enormously ("billion laughs"); stop long before memory does.
MAX_NODES = 500_000
# A plan nests a dozen levels at most; a thousand would exhaust Python's stack before anything else.
MAX_DEPTH = 100

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
        # The nodes being built, outermost first, and the nodes built already: an alias repeats a
        # node, so the line where a limit is crossed is that of the innermost node met for the first
        # time (the one holding the aliases), not that of the anchor they repeat.
        self.stack: list[tuple[Any, bool]] = []  # (node, built before)
        self.seen: set[int] = set()

    def build(self, node: Any, path: FieldPath) -> Any:
        self.nodes += 1
        self.stack.append((node, id(node) in self.seen))
        try:
            if self.nodes > MAX_NODES:
                raise _TooBig(_ALIASES, self._first_seen())
            if len(self.stack) > MAX_DEPTH:
                raise _TooBig(
                    f"the plan nests more than {MAX_DEPTH} levels deep here; a plan nests a dozen at most",
                    node,
                )
            self.seen.add(id(node))
            return self._build(node, path)
        finally:
            self.stack.pop()

    def _first_seen(self) -> Any:
        """The innermost node of the stack that, like every node enclosing it, is met for the first time."""
        found = self.stack[0][0]
        for node, repeated in self.stack:
            if repeated:
                break
            found = node
        return found

    def _build(self, node: Any, path: FieldPath) -> Any:
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


def _children(node: Any) -> list[Any]:
    """The nodes a node's value is built from: a mapping's values (keys are not counted), a list's items."""
    if isinstance(node, yaml.MappingNode):
        return [value for key, value in node.value if key.tag != "tag:yaml.org,2002:merge"]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _crossed_limit(root: Any) -> _TooBig | None:
    """The limit the node graph crosses once aliases are expanded, found without expanding them.

    Each distinct node is measured once (its expanded size and depth); the walk then goes down only
    where the limit is crossed, in the order a build meets the nodes, so an alias bomb is named at
    its line at once instead of after half a million values are built.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    first: dict[int, tuple[int, int] | None] = {}  # node -> (parent, index) of its first meeting
    order: list[Any] = []
    pending: list[tuple[Any, tuple[int, int] | None]] = [(root, None)]
    while pending:  # each distinct node once, in the order a build first meets it
        node, edge = pending.pop()
        if id(node) in first:
            continue
        first[id(node)] = edge
        order.append(node)
        children = _children(node)
        pending.extend((child, (id(node), i)) for i, child in reversed(list(enumerate(children))))
    # Sizes and depths, children before parents; an alias inside its own anchor (&a [*a]) makes a
    # cycle, which nests without end.
    busy: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        key = id(node)
        if key in size:
            continue
        children = _children(node)
        if ready:
            busy.discard(key)
            size[key] = min(1 + sum(size[id(c)] for c in children), MAX_NODES + 1)
            depth[key] = min(1 + max((depth[id(c)] for c in children), default=0), MAX_DEPTH + 1)
            continue
        if key in busy:  # met again before it is measured: a cycle
            size[key], depth[key] = MAX_NODES + 1, MAX_DEPTH + 1
            continue
        busy.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in size)
    if size[id(root)] <= MAX_NODES and depth[id(root)] <= MAX_DEPTH:
        return None
    # Walk down where the limit is crossed, keeping the path and whether each step is a first meeting.
    path: list[tuple[Any, bool]] = [(root, True)]
    count, level, node = 1, 1, root
    while count <= MAX_NODES and level <= MAX_DEPTH:
        for i, child in enumerate(_children(node)):
            too_deep = level + depth[id(child)] > MAX_DEPTH
            if count + size[id(child)] > MAX_NODES or too_deep:
                fresh = path[-1][1] and first.get(id(child)) == (id(node), i)
                path.append((child, fresh))
                node, count, level = child, count + 1, level + 1
                break
            count += size[id(child)]
        else:  # pragma: no cover - the measures above promise a child that crosses
            break
    if level > MAX_DEPTH:
        return _TooBig(
            f"the plan nests more than {MAX_DEPTH} levels deep here; a plan nests a dozen at most", node
        )
    holder = root
    for step, fresh in path:
        if not fresh:
            break
        holder = step
    return _TooBig(_ALIASES, holder)


_ALIASES = (
    f"the plan has more than {MAX_NODES:,} values here: aliases (*name) repeat what their anchors (&name) "
    "hold; write the values out, or put partner facts in a facts table"
)


class _TooBig(Exception):
    """A limit crossed while building: its sentence and the node where it was crossed."""

    def __init__(self, sentence: str, node: Any) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.node = node

    def problem(self, source: str) -> Problem:
        """The problem, at the line and column of the node."""
        mark = self.node.start_mark
        return Problem(self.sentence, location=f"{source}:{mark.line + 1}:{mark.column + 1}", code="too_big")


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
            crossed = _crossed_limit(node)
            if crossed is not None:
                raise crossed
            data = composer.build(node, ())
        except _TooBig as exc:
            return None, Positions(), [exc.problem(source)]
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


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')


def _too_deep(text: str, source: str) -> Problem | None:
    """The problem of JSON nested deeper than ``MAX_DEPTH``, at the bracket that goes too deep."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                at = match.start()
                line = text.count("\n", 0, at) + 1
                column = at - (text.rfind("\n", 0, at) + 1) + 1
                return Problem(
                    f"the plan nests more than {MAX_DEPTH} levels deep here; a plan nests a dozen at most",
                    location=f"{source}:{line}:{column}",
                    code="too_big",
                )
        elif token in "]}":
            depth -= 1
    return None


def parse_json(text: str, source: str) -> tuple[Any, Positions, list[Problem]]:
    """Parse JSON text; positions come from reading it again as YAML, which JSON nearly always is."""
    deep = _too_deep(text, source)
    if deep is not None:
        return None, Positions(), [deep]
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
    except RecursionError:  # unreachable: too deep a nesting is found above
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


@dataclass(frozen=True)
class PositionLocator:
    """Places problems at ``FILE:LINE:COL`` from the positions recorded while parsing a plan file."""

    positions: Positions
    source: str

    def place(self, problem: Problem) -> Problem:
        """The problem at the line and column of its field (of its key, for an unknown key), or of the
        nearest enclosing value."""
        if problem.location is not None:
            return problem
        pos = self.positions.of(problem.path, key=bool(problem.extra.get(AT_KEY)))
        return problem.at(f"{self.source}:{pos[0]}:{pos[1]}" if pos else self.source)


def locate(problems: Sequence[Problem], positions: Positions, source: str) -> list[Problem]:
    """Give each problem that has no location the position of its field in ``source``."""
    locator = PositionLocator(positions, source)
    return [locator.place(p) for p in problems]


def plan_from_data(data: Any, positions: Positions, source: str) -> tuple[Plan | None, list[Problem]]:
    """Validate parsed data into a Plan, or the problems that stop it; runs the plan checks too."""
    wrong = top_level_problem(data)
    if wrong is not None:
        return None, [wrong.at(f"{source}:1:1")]
    plan, problems = validate_plan_data(data)
    return plan, locate(problems, positions, source)


def load_plan_text(text: str, source: str = "<plan>", *, fmt: str = "yaml") -> LoadedPlan:
    """Parse and validate plan text (``fmt`` is ``yaml`` or ``json``), keeping its positions.

    A tier program file (``kind: tier-program``, or tiers without the strategy's sections) loads
    into ``LoadedPlan.program``.
    """
    parser = parse_json if fmt == "json" else parse_yaml
    data, positions, problems = parser(text, source)
    locator = PositionLocator(positions, source)
    if any(p.is_error for p in problems) and data is None:
        return LoadedPlan(None, problems, locator)
    if is_program_data(data):
        program, found = validate_program_data(data)
        problems = [*problems, *locate(found, positions, source)]
        errors = any(p.is_error for p in problems)
        return LoadedPlan(None, problems, locator, program=None if errors else program)
    plan, more = plan_from_data(data, positions, source)
    problems = [*problems, *more]
    return LoadedPlan(None if any(p.is_error for p in problems) else plan, problems, locator)


def parse_plan_text(
    text: str, source: str = "<plan>", *, fmt: str = "yaml"
) -> tuple[Plan | None, list[Problem]]:
    """Parse and validate plan text; ``fmt`` is ``yaml`` or ``json``."""
    loaded = load_plan_text(text, source, fmt=fmt)
    return loaded.plan, loaded.problems


__all__ = [
    "MAX_NODES",
    "MAX_PLAN_BYTES",
    "PositionLocator",
    "Positions",
    "decode_text",
    "load_plan_text",
    "locate",
    "parse_json",
    "parse_plan_text",
    "parse_yaml",
    "plan_from_data",
    "read_text",
]
