"""The docs stay true: the plan reference lists every field of the model, and every example in docs/ runs."""

from __future__ import annotations

import difflib
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


def commands(body: str) -> list[tuple[str, list[str]]]:
    """The ``$ ...`` lines of a console block, each with the output lines shown under it."""
    found: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append((line, []))
        elif found:
            found[-1][1].append(line)
    return [(line, shown if any(s.strip() for s in shown) else []) for line, shown in found]


ELIDED = "..."


def shown_matches(shown: list[str], printed: list[str]) -> bool:
    """True when the output a document shows is what the command printed, line for line.

    Trailing spaces do not count; a line ``...`` stands for any number of printed lines, and a line
    ending in `` ...`` for a printed line that starts with the text before it.
    """
    shown = [s.rstrip() for s in shown]
    printed = [p.rstrip() for p in printed]

    def match(i: int, j: int) -> bool:
        if i == len(shown):
            return j == len(printed)
        if shown[i] == ELIDED:
            return any(match(i + 1, k) for k in range(j, len(printed) + 1))
        if j == len(printed):
            return False
        line = shown[i]
        if line.endswith(" " + ELIDED):
            same = printed[j].startswith(line[: -len(ELIDED)].rstrip())
        else:
            same = printed[j] == line
        return same and match(i + 1, j + 1)

    return match(0, 0)


def test_shown_output_is_compared_line_for_line() -> None:
    """Guards the comparison the doc examples rely on: an elision is explicit, a changed figure fails."""
    printed = ["Total payable $44,700 to 6 of 8 partners", "a", "b", "Findings (6)"]
    assert shown_matches(printed, printed)
    assert shown_matches(["Total payable $44,700 ...", ELIDED, "Findings (6)"], printed)
    assert not shown_matches(["Total payable $44,000 to 6 of 8 partners", ELIDED], printed)
    assert not shown_matches(["Total payable $44,700 to 6 of 8 partners", "Findings (6)"], printed)
    assert not shown_matches(printed[:2], printed)


@pytest.mark.parametrize("path", [p for p in doc_files() if blocks(p)], ids=lambda p: p.name)
def test_doc_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each ``console`` line starting with ``$ partnerkit`` runs (exit code as its ``# exit N`` comment says,
    else 0) and prints what the lines under it show (``shown_matches``), and each ``python`` block runs,
    in order, in one temporary folder per document."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    namespace: dict[str, object] = {}
    for kind, body in blocks(path):
        if kind == "python":
            exec(compile(body, f"{path.name}:python", "exec"), namespace)
            continue
        for line, shown in commands(body):
            if not line.startswith("$ partnerkit "):
                continue
            command, _, comment = line[2:].partition(" # ")
            expected = int(m.group(1)) if (m := re.search(r"exit (\d)", comment)) else 0
            result = runner.invoke(cli, shlex.split(command)[1:])
            assert result.exit_code == expected, (
                f"{path.name}: `{command}` exited {result.exit_code}:\n{result.output}"
            )
            if shown:
                printed = result.stdout.splitlines()
                assert shown_matches(shown, printed), (
                    f"{path.name}: `{command}` printed otherwise than the document shows:\n"
                    + "\n".join(difflib.unified_diff(shown, printed, "document", "printed", lineterm=""))
                )


# --- the hand-checked worked example is what the strategy shows -----------------------------------


def marked_rows(text: str, name: str) -> list[list[str]]:
    """The body rows of the table between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    table = text.split(f"<!-- {name}:start -->")[1].split(f"<!-- {name}:end -->")[0]
    lines = [line.strip() for line in table.strip().splitlines()]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def bold(cell: str) -> str:
    """The figure a hand-checked cell arrives at: its last bold text, else the cell itself."""
    found = re.findall(r"\*\*(.+?)\*\*", cell)
    return found[-1] if found else cell


def test_the_hand_checked_actuals_are_what_the_strategy_shows() -> None:
    """docs/deals.md's hand-checked metrics and economics equal the cells of the strategy's Actuals section."""
    from partnerkit.io.pipeline.examples import example_deals_path, example_survey_path
    from partnerkit.io.planfile import example_plan_path, load
    from partnerkit.report.document import Table
    from partnerkit.report.strategy import ACTUALS, build_strategy
    from partnerkit.services import program_actuals, read_deals, read_survey

    loaded = load(example_plan_path())
    assert loaded.plan is not None
    deals, survey = read_deals(example_deals_path(), loaded), read_survey(example_survey_path(), loaded)
    actuals = program_actuals(loaded, deals, survey, date(2026, 9, 30))
    section = build_strategy(loaded.plan, actuals=actuals).section(ACTUALS)

    def table(title: str) -> Table:
        [found] = [b for b in section.section(title).blocks if isinstance(b, Table)]
        return found

    text = (DOCS / "deals.md").read_text(encoding="utf-8")
    shown = {(str(row[0]), str(row[1])): row[2:6] for row in table("Metrics against Targets").rows}
    checked = marked_rows(text, "actuals")
    assert len(checked) == 11
    for metric, period, target, actual, attainment, variance in checked:
        assert shown[(metric, period)] == (target, bold(actual), bold(attainment), bold(variance)), (
            metric,
            period,
        )
    measured = {key for key, row in shown.items() if row[1] != "-"}
    assert measured <= {(m, p) for m, p, *_ in checked}  # every measured figure is checked by hand
    economics = {str(row[0]): tuple(row[1:]) for row in table("Program Economics by Tier").rows}
    rows = marked_rows(text, "economics")
    assert [r[0] for r in rows] == list(economics)
    for tier, *cells in rows:
        assert economics[tier] == tuple(bold(c) for c in cells), tier
