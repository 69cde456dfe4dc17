"""The dependency rule: layers import only downward, no module imports itself in a circle, and the core
imports only the standard library and pydantic."""

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
    "validation.py",
    "loaded.py",
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


# --- the import graph --------------------------------------------------------------------------------

# The layers, bottom to top: a module may import its own layer and the layers below it, never one
# above (docs/architecture.md draws them). A module's layer is the longest prefix that names it;
# "partnerkit" alone is the package's __init__ (the public API, a door).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "problems and errors",
        ("partnerkit.problems", "partnerkit.errors", "partnerkit.lazy", "partnerkit.collector"),
    ),
    ("model", ("partnerkit.model",)),
    ("rule engines", ("partnerkit.tiers", "partnerkit.deals", "partnerkit.roadmap", "partnerkit.claims")),
    ("running the program", ("partnerkit.pipeline", "partnerkit.payouts", "partnerkit.actuals")),
    ("checks and loading", ("partnerkit.checks", "partnerkit.validation", "partnerkit.loaded")),
    ("report", ("partnerkit.report",)),
    ("adapters", ("partnerkit.io",)),
    ("services", ("partnerkit.services",)),
    ("doors", ("partnerkit.commands", "partnerkit.cli", "partnerkit.excel", "partnerkit")),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The partnerkit module that ``import name`` runs last (a package's ``__init__`` or a module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(module: str) -> set[str]:
    """The partnerkit modules ``module`` imports, at module level or inside functions, outside
    ``if TYPE_CHECKING:`` blocks (which never run)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(m for a in node.names if (m := _resolve(a.name)) and a.name.startswith("partnerkit"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target == "partnerkit" or target.startswith("partnerkit."):
                for alias in node.names:
                    # ``from partnerkit.io.workbook import layout`` imports the module layout
                    name = f"{target}.{alias.name}"
                    hit = name if name in MODULES else _resolve(target)
                    if hit:
                        found.add(hit)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(module)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each a circle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str) -> int:
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for level, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or (prefix != "partnerkit" and module.startswith(prefix + "."))
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), level)
    assert best is not None, f"{module} is in no layer; add it to LAYERS"
    return best[1]


def test_the_graph_sees_function_level_imports() -> None:
    # planfile.load imports the workbook reader inside the function, for .xlsx/.xlsm only.
    assert "partnerkit.io.workbook.read" in GRAPH["partnerkit.io.planfile"]
    assert "partnerkit.io.workbook.layout" in GRAPH["partnerkit.io.workbook.build"]
    # loaded.py names Plan under TYPE_CHECKING only
    assert "partnerkit.model.plan" not in GRAPH["partnerkit.loaded"]


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_itself_in_a_circle() -> None:
    assert cycles(GRAPH) == []


def test_no_package_imports_itself_in_a_circle() -> None:
    # Within the core packages and between them: tiers, deals, roadmap... never lean on each other both ways.
    def package(module: str) -> str:
        return ".".join(module.split(".")[:2])

    packages: dict[str, set[str]] = {}
    for module, imported in GRAPH.items():
        packages.setdefault(package(module), set()).update(
            package(m) for m in imported if package(m) != package(module)
        )
    assert cycles(packages) == []


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_lower_layers_never_import_higher_ones(module: str) -> None:
    mine = layer_of(module)
    upward = sorted(m for m in GRAPH[module] if layer_of(m) > mine)
    assert not upward, (
        f"{module} ({LAYERS[mine][0]}) imports {upward} "
        f"({', '.join(sorted({LAYERS[layer_of(m)][0] for m in upward}))}), a higher layer"
    )


# Adapters do not import each other, but for the few edges below, each with its reason
# (docs/architecture.md).
ALLOWED_ADAPTER_EDGES = {
    ("planfile", "plantext"),  # load() hands .yaml/.yml/.json files to the plan-text reader
    ("planfile", "workbook"),  # load() hands .xlsx/.xlsm files to the workbook reader
    ("workbook", "files"),  # atomic writes
    ("word", "files"),
    ("charts", "files"),
    ("pipeline", "facts"),  # the deals and survey tables are read and refused like the facts table
    ("pipeline", "files"),  # atomic writes of the payout CSVs
    ("pipeline", "csvtext"),  # the payout and findings CSVs, their formula-like cells quoted
}
# The OOXML layer (zip packages, limits, sniffing, hardened XML, A1 references) serves every adapter;
# it imports no other adapter.
SHARED_ADAPTERS = {"ooxml"}


def adapter_of(module: str) -> str:
    return module.split(".")[2]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("partnerkit.io.")))
def test_adapters_import_each_other_only_where_allowed(module: str) -> None:
    me = adapter_of(module)
    for other in sorted({adapter_of(m) for m in GRAPH[module] if m.startswith("partnerkit.io.")}):
        shared = other in SHARED_ADAPTERS and me not in SHARED_ADAPTERS
        assert other == me or shared or (me, other) in ALLOWED_ADAPTER_EDGES, (
            f"{module}: adapter {me} imports {other}"
        )


def test_every_allowed_adapter_edge_is_used() -> None:
    used = {
        (adapter_of(module), adapter_of(other))
        for module, imported in GRAPH.items()
        if module.startswith("partnerkit.io.")
        for other in imported
        if other.startswith("partnerkit.io.")
    }
    assert used >= ALLOWED_ADAPTER_EDGES, ALLOWED_ADAPTER_EDGES - used
