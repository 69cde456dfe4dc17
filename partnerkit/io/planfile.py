"""Plan files by kind: YAML and JSON (``io/plantext.py``) or a planning workbook (``io/workbook``), and
plans written back as YAML or JSON.

Everything that reads a plan by its path comes through ``load``; it hands each kind of file to its
reader and returns a ``LoadedPlan`` that keeps the reader's locator.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from partnerkit.errors import PlanError, UnreadableFileError
from partnerkit.io.plantext import (
    MAX_PLAN_BYTES,
    MAX_SIZE_SETTING,
    PositionLocator,
    Positions,
    decode_text,
    load_plan_text,
    locate,
    parse_json,
    parse_plan_text,
    parse_yaml,
    plan_from_data,
    plan_size_limit,
    read_text,
    size_limit,
)
from partnerkit.loaded import LoadedPlan
from partnerkit.model import Plan
from partnerkit.model.program import TierProgramFile
from partnerkit.problems import Problem, format_path

PLAN_SUFFIXES = (".yaml", ".yml", ".json")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def example_plan_path() -> Path:
    """The built-in example plan (Ledgerly, a fictional B2B SaaS company)."""
    return Path(__file__).resolve().parent.parent / "examples" / "ledgerly.yaml"


def starter_plan_path() -> Path:
    """The commented starter plan that ``partnerkit init`` writes."""
    return Path(__file__).resolve().parent.parent / "starter" / "starter.yaml"


def starter_program_path() -> Path:
    """The commented starter tier program that ``partnerkit init --program`` writes."""
    return Path(__file__).resolve().parent.parent / "starter" / "program.yaml"


def load_example_plan() -> Plan:
    """The built-in example plan, validated."""
    return load_plan(example_plan_path())


def load(path: str | Path, *, max_bytes: int | None = None) -> LoadedPlan:
    """Read a plan file (YAML, JSON or a planning workbook): the plan if usable, every problem, the locator.

    ``max_bytes`` is the size limit of a YAML or JSON plan (default ``plan_size_limit()``, 40 MB
    unless raised with ``size_limit``); a workbook has its own limits. Raises UnreadableFileError for
    a file that cannot be read at all (one past the size limit, too).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        from partnerkit.io.workbook.read import load_workbook_plan

        loaded = load_workbook_plan(path)
        loaded.path = path
        return loaded
    if suffix and suffix not in PLAN_SUFFIXES:
        raise UnreadableFileError(
            f"{path}: is not a plan file; partnerkit reads .yaml, .yml and .json plans and .xlsx/.xlsm workbooks"
        )
    text = read_text(path, max_bytes)
    loaded = load_plan_text(text, str(path), fmt="json" if suffix == ".json" else "yaml")
    loaded.path = path
    return loaded


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


def plan_to_data(plan: Plan | TierProgramFile) -> dict[str, Any]:
    """The plan as plain data in its canonical file form (percentages as "25%", money as "50000 USD")."""
    data = plan.model_dump(mode="json", exclude_defaults=True)
    if isinstance(plan, TierProgramFile):
        data = {"kind": plan.kind, **data}  # a program file says what it is
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


def dump_plan(plan: Plan | TierProgramFile, fmt: str = "yaml") -> str:
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
    "MAX_SIZE_SETTING",
    "PLAN_SUFFIXES",
    "WORKBOOK_SUFFIXES",
    "PositionLocator",
    "Positions",
    "decode_text",
    "dump_plan",
    "example_plan_path",
    "format_path",
    "format_problems",
    "load",
    "load_example_plan",
    "load_plan",
    "load_plan_text",
    "load_plan_with_problems",
    "locate",
    "parse_json",
    "parse_plan_text",
    "parse_yaml",
    "plan_from_data",
    "plan_size_limit",
    "plan_to_data",
    "read_text",
    "size_limit",
    "starter_plan_path",
    "starter_program_path",
]
