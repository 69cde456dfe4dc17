"""The doors are thin: the CLI commands and the Excel buttons call the service layer, never the pipeline."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "partnerkit"

DOORS = sorted([*(PACKAGE / "commands").glob("*.py"), *(PACKAGE / "excel").glob("*.py")])

# What a door may not call itself: each is a step of a job that a service function does, so a door
# that imported one would be rebuilding the pipeline ("load, check, place, compute, write").
PIPELINE = (
    "partnerkit.tiers.evaluate",
    "partnerkit.tiers.review",
    "partnerkit.roadmap",
    "partnerkit.deals.build",
    "partnerkit.deals.review",
    "partnerkit.io.facts",
    "partnerkit.io.optimize",
    "partnerkit.io.word.agreement",
    "partnerkit.io.word.batch",
    "partnerkit.io.word.report",
    "partnerkit.io.word.variables",
    "partnerkit.io.workbook.build",
    "partnerkit.io.xlsxpatch",
    "partnerkit.checks",
    "partnerkit.claims",
)


def runtime_imports(path: Path) -> list[tuple[int, str]]:
    """Every module imported outside ``if TYPE_CHECKING:`` blocks, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for n in ast.walk(block)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


@pytest.mark.parametrize("path", DOORS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_door_calls_services_not_the_pipeline(path: Path) -> None:
    for line, module in runtime_imports(path):
        banned = [p for p in PIPELINE if module == p or module.startswith(p + ".")]
        assert not banned, f"{path.name}:{line} imports {module}; call a function of partnerkit.services"


def test_there_are_doors_to_check() -> None:
    assert len(DOORS) >= 12
