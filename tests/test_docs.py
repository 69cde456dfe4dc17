"""The docs stay true: the plan reference lists every field of the model, and every example in docs/ runs."""

from __future__ import annotations

import enum
import os
import re
import shlex
import typing
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from partnerkit.cli import cli
from partnerkit.model import Money, Plan, WeekRange

DOCS = Path(__file__).resolve().parent.parent / "docs"
REFERENCE = DOCS / "plan-reference.md"
START, END = "<!-- fields:start -->", "<!-- fields:end -->"
VALUE_TYPES = {Money: "money", WeekRange: "week range"}


def models() -> list[tuple[type[BaseModel], str]]:
    """Every section model reachable from Plan, with the YAML path where it sits."""
    found: list[tuple[type[BaseModel], str]] = []

    def walk(model: type[BaseModel], where: str) -> None:
        if model in VALUE_TYPES or model.__name__.startswith("_") or any(m is model for m, _ in found):
            # Private models (such as the catch-all that turns an unknown rule key into a did-you-mean)
            # are not something a user writes.
            return
        found.append((model, where))
        for name, info in model.model_fields.items():
            for sub, many in _inner(info.annotation):
                walk(sub, f"{where}.{name}{'[]' if many else ''}".lstrip("."))

    walk(Plan, "")
    return found


def _inner(annotation: object, many: bool = False) -> list[tuple[type[BaseModel], bool]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, many)]
    origin = typing.get_origin(annotation)
    is_list = origin in (list, tuple) or (
        origin is not None and str(origin).startswith("typing.Annotated") is False and origin is list
    )
    out = []
    for arg in typing.get_args(annotation):
        out += _inner(arg, many or is_list)
    return out


def _private(annotation: object) -> bool:
    base = typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated else annotation
    return isinstance(base, type) and base.__name__.startswith("_")


def type_text(annotation: object) -> str:
    """How a field's type reads in the reference."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        if base is Decimal and any("percent" in repr(m) for m in meta):
            return 'percent (`"25%"`)'
        if base is date:
            return "date (`YYYY-MM-DD`)"
        return type_text(base)
    if origin in (list,):
        return f"list of {type_text(args[0])}"
    if origin is dict:
        return f"mapping of {type_text(args[0])} to {type_text(args[1])}"
    if args and origin is not None:
        shown = [a for a in args if not _private(a)]
        return " or ".join(type_text(a) for a in shown)
    if isinstance(annotation, type):
        if annotation in VALUE_TYPES:
            return VALUE_TYPES[annotation]
        if issubclass(annotation, enum.Enum):
            return "one of " + ", ".join(f"`{m.value}`" for m in annotation)
        if issubclass(annotation, BaseModel):
            return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
        return {
            str: "text",
            int: "whole number",
            bool: "yes/no",
            Decimal: "number",
            date: "date (`YYYY-MM-DD`)",
        }.get(annotation, annotation.__name__)
    return str(annotation)


def default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is not None:
        return "empty"
    value = info.default
    if value is None:
        return "-"
    if isinstance(value, enum.Enum):
        return f"`{value.value}`"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"`{value}`"


def reference_tables() -> str:
    """The generated part of docs/plan-reference.md: one table per section of the plan."""
    out = []
    for model, where in models():
        doc = (model.__doc__ or "").strip().splitlines()[0]
        out += [
            f"### {model.__name__}",
            "",
            f"`{where or '(top level)'}`: {doc}",
            "",
            "| key | type | default | meaning |",
            "|---|---|---|---|",
        ]
        for name, info in model.model_fields.items():
            annotation = info.annotation
            if info.metadata and not typing.get_origin(annotation):
                annotation = typing.Annotated[(annotation, *info.metadata)]  # type: ignore[valid-type]
            meaning = (info.description or "").replace("|", "\\|")
            out.append(f"| `{name}` | {type_text(annotation)} | {default_text(info)} | {meaning} |")
        out.append("")
    return "\n".join(out)


def test_reference_lists_every_field_of_the_model() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    generated = reference_tables()
    current = text.split(START)[1].split(END)[0].strip()
    if os.environ.get("PARTNERKIT_REGENERATE_DOCS") == "1" and current != generated.strip():
        REFERENCE.write_text(
            text.split(START)[0] + START + "\n\n" + generated + "\n" + END + text.split(END)[1],
            encoding="utf-8",
        )
        current = generated.strip()
    assert current == generated.strip(), (
        "docs/plan-reference.md is out of date with the model; run the tests with PARTNERKIT_REGENERATE_DOCS=1 "
        "and review the change"
    )


# --- every example in docs/ runs ------------------------------------------------------------------

BLOCK = re.compile(r"```(console|python)\n(.*?)```", re.S)


def doc_files() -> list[Path]:
    return [*sorted(DOCS.glob("*.md")), DOCS.parent / "README.md"]


def blocks(path: Path) -> list[tuple[str, str]]:
    return [(kind, body) for kind, body in BLOCK.findall(path.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("path", [p for p in doc_files() if blocks(p)], ids=lambda p: p.name)
def test_doc_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each ``console`` line starting with ``$ partnerkit`` runs (exit code as its ``# exit N`` comment says,
    else 0), and each ``python`` block runs, in order, in one temporary folder per document."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    namespace: dict[str, object] = {}
    for kind, body in blocks(path):
        if kind == "python":
            exec(compile(body, f"{path.name}:python", "exec"), namespace)
            continue
        for line in body.splitlines():
            if not line.startswith("$ partnerkit "):
                continue
            command, _, comment = line[2:].partition(" # ")
            expected = int(m.group(1)) if (m := re.search(r"exit (\d)", comment)) else 0
            result = runner.invoke(cli, shlex.split(command)[1:])
            assert result.exit_code == expected, (
                f"{path.name}: `{command}` exited {result.exit_code}:\n{result.output}"
            )
