"""Plan text: YAML or JSON read into plain data with the line and column of every value and key.

Duplicate keys, merge keys and alias bombs are caught while the YAML node tree is composed; the
positions recorded on the way place every later problem (schema, checks, tiers, roadmap) at
``plan.yaml:LINE:COL`` through a ``PositionLocator``, without the file being parsed again.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
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

# The default size limit of a plan file: 40 MiB admits a plan of 20,000 partners as partnerkit writes
# them, each as full as the example's first reseller (1.8 KB in JSON, 1.3 KB in YAML; a partner of
# the usual columns takes 500-650 bytes; tests/adapters/test_plan_size.py measures it). A bigger
# plan is read with ``--max-size`` (or PARTNERKIT_MAX_PLAN_SIZE) raised.
MAX_PLAN_BYTES = 40 * 1024 * 1024
MAX_SIZE_SETTING = "--max-size"
"""How a user raises the limit: the option of every command that reads a plan (docs/plan-reference.md)."""
# Aliases can make a small file expand enormously ("billion laughs"); stop long before memory does.
# Expanded, a plan holds at most this many values, or twice the values its text holds (a plan of
# 100,000 partners holds 1.4 million without a single alias).
MAX_NODES = 500_000

_SIZE_LIMIT: ContextVar[int | None] = ContextVar("partnerkit_plan_size_limit", default=None)


def plan_size_limit() -> int:
    """The size limit of a plan file in force, in bytes (``MAX_PLAN_BYTES`` unless raised)."""
    chosen = _SIZE_LIMIT.get()
    return MAX_PLAN_BYTES if chosen is None else chosen


@contextlib.contextmanager
def size_limit(max_bytes: int | None) -> Iterator[None]:
    """Read plan files with ``max_bytes`` as their size limit inside the block (None: the default)."""
    token = _SIZE_LIMIT.set(max_bytes)
    try:
        yield
    finally:
        _SIZE_LIMIT.reset(token)


def show_size(size: int) -> str:
    """A size as a user reads it: ``5.3 MB`` (MB of 1,048,576 bytes, as the limit is written)."""
    megabytes = size / 1_048_576
    return f"{megabytes:.1f} MB" if megabytes < 100 else f"{megabytes:,.0f} MB"


def too_big_sentence(source: str, size: int, limit: int) -> str:
    """The one sentence that refuses a plan file past the size limit: the limit and how to raise it."""
    return (
        f"{source}: is {show_size(size)}, past the plan-file size limit of {show_size(limit)}; "
        f"raise it with {MAX_SIZE_SETTING} (e.g. {MAX_SIZE_SETTING} {_suggest(size)}) or put partner facts "
        "in a facts table"
    )


def _suggest(size: int) -> str:
    return f"{-(-size // (10 * 1_048_576)) * 10}MB"


# A plan nests a dozen levels at most; a thousand would exhaust Python's stack before anything else.
MAX_DEPTH = 100

Position = tuple[int, int]  # 1-based line and column


@dataclass
class Positions:
    """Where each value (and each mapping key) of a parsed file stands, by field path.

    A clean plan of 100,000 partners needs no position at all, and recording millions of them costs
    seconds and hundreds of megabytes: positions can be ``pending``, found the first time one is asked.
    """

    values: dict[FieldPath, Position] = field(default_factory=dict)
    keys: dict[FieldPath, Position] = field(default_factory=dict)
    pending: Callable[[], Positions] | None = field(default=None, repr=False, compare=False)

    def of(self, path: Sequence[str | int], *, key: bool = False) -> Position | None:
        """The position of ``path``, or of its nearest enclosing value when it is absent."""
        if self.pending is not None:
            found, self.pending = self.pending(), None
            self.values, self.keys = found.values, found.keys
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


def read_text(path: Path, max_bytes: int | None = None) -> str:
    """The file's text, or an UnreadableFileError that says in one sentence what is wrong.

    ``max_bytes`` is the size limit (default: ``plan_size_limit()``).
    """
    path = Path(path)
    limit = plan_size_limit() if max_bytes is None else max_bytes
    if not path.exists():
        raise UnreadableFileError(f"{path}: no such file")
    if path.is_dir():
        raise UnreadableFileError(f"{path}: is a folder, not a plan file")
    try:
        size = path.stat().st_size
        if size > limit:
            raise UnreadableFileError(too_big_sentence(str(path), size, limit))
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

    def __init__(self, loader: Any, source: str, limit: int = MAX_NODES) -> None:
        self.loader = loader
        self.limit = limit
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
            if self.nodes > self.limit:
                raise _TooBig(_aliases(self.limit), self._first_seen())
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


def _crossed_limit(root: Any) -> tuple[_TooBig | None, int]:
    """The limit the node graph crosses once aliases are expanded, found without expanding them.

    Each distinct node is measured once (its expanded size and depth); the walk then goes down only
    where the limit is crossed, in the order a build meets the nodes, so an alias bomb is named at
    its line at once instead of after half a million values are built. Returns the limit too.
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
    limit = max(MAX_NODES, 2 * len(order))
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
            size[key] = min(1 + sum(size[id(c)] for c in children), limit + 1)
            depth[key] = min(1 + max((depth[id(c)] for c in children), default=0), MAX_DEPTH + 1)
            continue
        if key in busy:  # met again before it is measured: a cycle
            size[key], depth[key] = limit + 1, MAX_DEPTH + 1
            continue
        busy.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in size)
    if size[id(root)] <= limit and depth[id(root)] <= MAX_DEPTH:
        return None, limit
    # Walk down where the limit is crossed, keeping the path and whether each step is a first meeting.
    path: list[tuple[Any, bool]] = [(root, True)]
    count, level, node = 1, 1, root
    while count <= limit and level <= MAX_DEPTH:
        for i, child in enumerate(_children(node)):
            too_deep = level + depth[id(child)] > MAX_DEPTH
            if count + size[id(child)] > limit or too_deep:
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
        ), limit
    holder = root
    for step, fresh in path:
        if not fresh:
            break
        holder = step
    return _TooBig(_aliases(limit), holder), limit


def _aliases(limit: int) -> str:
    return (
        f"the plan has more than {limit:,} values here: aliases (*name) repeat what their anchors (&name) "
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


class _Unusual(Exception):
    """Something the fast reading leaves to the careful one: an anchor, an alias, a tag, a merge or
    duplicate key, a key that is not a scalar, deep nesting, more than one document, a syntax error."""


_NO_KEY: Any = object()


def _fast_yaml(text: str, *, with_positions: bool = True) -> tuple[Any, Positions]:
    """Plain data and positions straight from the parser's events, without composing a node tree.

    A plan of 100,000 partners is millions of values: composing their nodes, measuring aliases
    and building data from the nodes cost a minute. The events of a plain file (no anchors, aliases,
    tags or merge keys: the plans people write) give the same data and positions in one pass; any
    other file raises ``_Unusual`` and goes the careful way. Without ``with_positions`` the positions
    are pending: found by reading the text again the first time a problem is placed.
    """
    loader = _Loader(text)
    try:
        if with_positions:
            return _fast_build(loader, True)
        data, _ = _fast_build(loader, False)
        return data, Positions(pending=lambda: _positions_of(text))
    except yaml.YAMLError:
        raise _Unusual() from None
    finally:
        loader.dispose()


def _positions_of(text: str) -> Positions:
    """The positions of every value and key of YAML (or JSON) text that parses."""
    try:
        return _fast_yaml(text)[1]
    except _Unusual:
        return _careful_yaml(text, "<plan>")[1]


def _fast_build(loader: Any, with_positions: bool) -> tuple[Any, Positions]:
    if loader.yaml_path_resolvers:  # pragma: no cover - the safe loader has none
        raise _Unusual()
    events = yaml.events
    scalar_event = events.ScalarEvent
    mapping_start, sequence_start = events.MappingStartEvent, events.SequenceStartEvent
    collection_end = (events.MappingEndEvent, events.SequenceEndEvent)
    get = loader.get_event
    if type(get()) is not events.StreamStartEvent or type(get()) is not events.DocumentStartEvent:
        raise _Unusual()  # an empty file: the careful way says so at its line
    positions = Positions()
    values, keys = positions.values, positions.keys
    implicit = loader.yaml_implicit_resolvers
    wildcard = implicit.get(None, [])
    str_tag = loader.DEFAULT_SCALAR_TAG
    memo: dict[str, Any] = {}  # plain scalar text -> its value (None, True, 3, a date...)
    # The containers being filled: (container, its path, the key waiting for its value or _NO_KEY).
    stack: list[list[Any]] = []
    root: Any = None
    while True:
        event = get()
        kind = type(event)
        if kind in collection_end:
            stack.pop()
            if not stack:
                break
            continue
        if kind is scalar_event:
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                raise _Unusual()
            text = event.value
            if event.tag is None and event.implicit[0]:
                if text in memo:
                    value = memo[text]
                else:
                    tag = str_tag
                    for candidate, pattern in implicit.get(text[0] if text else "", []) + wildcard:
                        if pattern.match(text):
                            tag = candidate
                            break
                    if tag == str_tag:
                        value = text
                    elif tag == "tag:yaml.org,2002:merge":
                        raise _Unusual()
                    else:
                        node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style)
                        try:
                            value = loader.construct_object(node, deep=True)
                        except (ValueError, OverflowError):
                            value = text  # 2026-02-30: the field's own check reports it
                    memo[text] = value
            else:
                value = text
            child: list[Any] | None = None
        elif kind is mapping_start or kind is sequence_start:
            if event.anchor is not None or event.tag is not None:
                raise _Unusual()
            value = {} if kind is mapping_start else []
            child = [value, None, _NO_KEY]
        else:  # an alias, or what stands where a value should (the careful way names it)
            raise _Unusual()
        if len(stack) >= MAX_DEPTH:
            raise _Unusual()
        if not with_positions:
            if not stack:
                root = value
            else:
                frame = stack[-1]
                holder = frame[0]
                if type(holder) is list:
                    holder.append(value)
                elif frame[2] is _NO_KEY:
                    if child is not None:
                        raise _Unusual()
                    key = value
                    if not isinstance(key, str | int) or isinstance(key, bool):
                        key = str(key)
                    if key in holder:
                        raise _Unusual()
                    frame[2] = key
                    continue
                else:
                    holder[frame[2]] = value
                    frame[2] = _NO_KEY
            if child is not None:
                stack.append(child)
            elif not stack:
                break
            continue
        mark = event.start_mark
        at = (mark.line + 1, mark.column + 1)
        if not stack:
            root, path = value, ()
        else:
            frame = stack[-1]
            holder = frame[0]
            if type(holder) is list:
                path = (*frame[1], len(holder))
                holder.append(value)
            elif frame[2] is _NO_KEY:  # this is a key
                if child is not None:
                    raise _Unusual()
                key = value
                if not isinstance(key, str | int) or isinstance(key, bool):
                    key = str(key)
                if key in holder:
                    raise _Unusual()
                keys[(*frame[1], key)] = at
                frame[2] = key
                continue
            else:
                key = frame[2]
                path = (*frame[1], key)
                holder[key] = value
                frame[2] = _NO_KEY
        values[path] = at
        if child is not None:
            child[1] = path
            stack.append(child)
        elif not stack:
            break
    if type(get()) is not events.DocumentEndEvent or type(get()) is not events.StreamEndEvent:
        raise _Unusual()  # a second document: the careful way refuses it
    return root, positions


def parse_yaml(text: str, source: str) -> tuple[Any, Positions, list[Problem]]:
    """Parse YAML text into plain data, positions and the problems found while parsing."""
    try:
        data, positions = _fast_yaml(text, with_positions=False)
    except _Unusual:
        pass
    else:
        return data, positions, []
    return _careful_yaml(text, source)


def _careful_yaml(text: str, source: str) -> tuple[Any, Positions, list[Problem]]:
    """Parse YAML text through its node tree: aliases measured, merge and duplicate keys named."""
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
        try:
            crossed, limit = _crossed_limit(node)
            if crossed is not None:
                raise crossed
            composer = _Composer(loader, source, limit)
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


def _depth(data: Any) -> int:
    """How deep containers nest in parsed data (a scalar is 1 deep, as a node of the tree)."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        node, level = pending.pop()
        deepest = max(deepest, level)
        if type(node) is dict:
            pending.extend((v, level + 1) for v in node.values() if type(v) in (dict, list))
        elif type(node) is list:
            pending.extend((v, level + 1) for v in node if type(v) in (dict, list))
    return deepest + (1 if deepest else 0)


def parse_json(text: str, source: str) -> tuple[Any, Positions, list[Problem]]:
    """Parse JSON text; positions come from reading it again as YAML, which JSON nearly always is, when
    the first problem is placed (a clean plan needs none)."""
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
        deep = _too_deep(text, source)
        if deep is not None:
            return None, Positions(), [deep]
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
        deep = _too_deep(text, source)
        return None, Positions(), [deep or Problem("JSON nests too deeply", location=source, code="too_big")]
    if isinstance(data, dict | list) and _depth(data) > MAX_DEPTH:
        deep = _too_deep(text, source)
        if deep is not None:
            return None, Positions(), [deep]
    if data is None or data == "":
        return None, Positions(), [Problem("the plan file is empty", location=f"{source}:1:1", code="empty")]
    if not duplicates:
        return data, Positions(pending=lambda: _json_positions(text, source)), []
    try:
        yaml_data, positions, problems = parse_yaml(text, source)
    except Exception:
        yaml_data, positions, problems = None, Positions(), []
    if yaml_data is not None and problems:
        return yaml_data, positions, problems
    return (
        data,
        positions,
        [
            Problem(f"duplicate key {k!r}; remove one of them", location=source, code="duplicate_key")
            for k in duplicates
        ],
    )


def _json_positions(text: str, source: str) -> Positions:
    try:
        return _positions_of(text)
    except Exception:  # JSON that YAML does not read (rare escapes): problems keep the file's name
        return Positions()


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
    plan, problems = validate_plan_data(data, consume=True)
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
    "MAX_SIZE_SETTING",
    "PositionLocator",
    "Positions",
    "decode_text",
    "load_plan_text",
    "locate",
    "parse_json",
    "parse_plan_text",
    "parse_yaml",
    "plan_from_data",
    "plan_size_limit",
    "read_text",
    "size_limit",
    "too_big_sentence",
]
