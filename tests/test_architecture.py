"""The dependency rule: the core imports only the standard library and pydantic; adapters stay out of it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "partnerkit"

# The core: the plan, the rules, the builders, the scheduler, the view models, and their problems.
CORE = [
    "model",
    "tiers",
    "deals",
    "roadmap",
    "report",
    "pipeline",
    "payouts",
    "actuals",
    "problems.py",
    "errors.py",
    "checks.py",
    "claims.py",
]
ALLOWED_THIRD_PARTY = {"pydantic", "pydantic_core", "annotated_types", "typing_extensions"}
STDLIB = set(sys.stdlib_module_names)


def core_files() -> list[Path]:
    files: list[Path] = []
    for name in CORE:
        path = PACKAGE / name
        if path.is_dir():
            files += sorted(path.rglob("*.py"))
        elif path.exists():
            files.append(path)
    return files


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_there_is_a_core_to_check() -> None:
    assert len(core_files()) >= 10


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_imports_no_adapter_library(path: Path) -> None:
    foreign = imported_roots(path) - STDLIB - ALLOWED_THIRD_PARTY - {"partnerkit", "__future__"}
    assert not foreign, (
        f"{path.name} imports {sorted(foreign)}; the core may use only the standard library and pydantic"
    )


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_imports_no_adapter_or_door_of_partnerkit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for outside in ("partnerkit.io", "partnerkit.commands", "partnerkit.cli", "partnerkit.excel"):
        assert f"import {outside}" not in text and f"from {outside}" not in text, (
            f"{path.name} imports {outside}"
        )


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_never_reads_the_clock_or_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for call in ("date.today(", "datetime.now(", "open(", ".read_text(", ".read_bytes(", "os.environ"):
        assert call not in text, f"{path.name} calls {call}; the caller passes data and dates in"


def every_module() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", every_module(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_has_a_docstring(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{path} has no module docstring"
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            assert ast.get_docstring(node), f"{path}:{node.lineno} {node.name} has no docstring"


def test_public_api_is_curated() -> None:
    import partnerkit

    for name in partnerkit.__all__:
        assert getattr(partnerkit, name) is not None
    assert (
        callable(partnerkit.load_plan)
        and callable(partnerkit.validate)
        and callable(partnerkit.render_markdown)
    )


# Adapters do not import each other, but for the few edges below, each with its reason
# (docs/architecture.md): the atomic-write helper, the translation of pydantic errors into located
# problems, and workbook sync composing the workbook layout with the zip patcher.
ALLOWED_ADAPTER_EDGES = {
    ("workbook", "xlsxpatch"),
    ("workbook", "planfile"),
    ("planfile", "workbook"),  # load_plan dispatches .xlsx/.xlsm to the workbook reader
    ("workbook", "files"),
    ("word", "files"),
    ("charts", "files"),
}


def adapter_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE / "io")
    return relative.parts[0].removesuffix(".py")


@pytest.mark.parametrize(
    "path", sorted((PACKAGE / "io").rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_adapters_import_each_other_only_where_allowed(path: Path) -> None:
    me = adapter_of(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("partnerkit.io."):
            other = node.module.split(".")[2]
            assert other == me or (me, other) in ALLOWED_ADAPTER_EDGES, (
                f"{path.name}: adapter {me} imports {other}"
            )
