"""Shared fixtures of the Word tests: the example plan, edited plans, and golden outlines."""

from __future__ import annotations

import difflib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from partnerkit.io.planfile import parse_plan_text
from partnerkit.model import Plan

GOLDEN = Path(__file__).parent / "golden"
# Set PARTNERKIT_REGENERATE_GOLDEN=1 to rewrite the golden outlines on purpose, then review the diff.
REGENERATE = os.environ.get("PARTNERKIT_REGENERATE_GOLDEN") == "1"


def plan_of(data: dict[str, Any]) -> Plan:
    """A plan from edited plan data; the edit must leave the plan valid."""
    plan, problems = parse_plan_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "test-plan.yaml"
    )
    assert plan is not None, [str(p) for p in problems]
    return plan


def partner_data(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The plan data of the partner called ``name``, to edit in place."""
    for category in ("integration", "distribution", "ecosystem"):
        for partner in data["categories"][category]["partners"]:
            if partner["name"] == name:
                return partner  # type: ignore[no-any-return]
    raise KeyError(name)


@pytest.fixture
def check_golden(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, list[str], Path], None]:
    """Compare an outline with its golden file; on a mismatch keep the document and show a diff."""

    def check(name: str, lines: list[str], produced: Path) -> None:
        golden = GOLDEN / f"{name}.txt"
        text = "\n".join(lines) + "\n"
        if REGENERATE or not golden.exists():
            if not REGENERATE:
                pytest.fail(
                    f"no golden outline {golden.name}; run with PARTNERKIT_REGENERATE_GOLDEN=1 to create it"
                )
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
            return
        expected = golden.read_text(encoding="utf-8")
        if expected != text:
            keep = tmp_path_factory.mktemp("golden-mismatch") / produced.name
            shutil.copyfile(produced, keep)
            diff = "".join(
                difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"golden/{golden.name}",
                    "produced",
                )
            )
            pytest.fail(f"{name}: outline differs from the golden file (document kept at {keep}):\n{diff}")

    return check
