"""The architecture as tests: Qt stays in the views, imports point down, nothing closes a circle."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"
QT_FREE = [PACKAGE / "services", PACKAGE / "models"]
# The domain packages from the bottom up: each may import only packages before it.
SERVICE_LAYERS = [
    "common",
    "store",
    "catalog",
    "cards",
    "register",
    "approvals",
    "documents",
    "risks",
    "controls",
    "planner",
    "dashboard",
    "audit",
    "exports",
    "team",
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _workbench_imports(path: Path, known: set[str]) -> set[str]:
    """The workbench modules a file imports (``from a.b import c`` counts as ``a.b.c`` when
    that is a module, else as ``a.b``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in known}


def _graph() -> dict[str, set[str]]:
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(files)
    return {name: _workbench_imports(path, known) - {name} for name, path in files.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, as the list of modules around it, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def _is_package_init(module: str) -> bool:
    return (PACKAGE.parent / Path(*module.split(".")) / "__init__.py").exists()


def test_no_module_imports_a_module_that_imports_it_back() -> None:
    # A package's __init__ is the package itself, not an importer of its modules.
    graph = {
        name: {target for target in targets if not _is_package_init(target)}
        for name, targets in _graph().items()
    }
    assert _cycle(graph) is None


def test_the_circle_check_finds_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def _service_package(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "services" else None


def test_service_packages_import_only_the_packages_below_them() -> None:
    found = {p.name for p in (PACKAGE / "services").iterdir() if (p / "__init__.py").exists()}
    assert found == set(SERVICE_LAYERS), "a new domain package needs its place in SERVICE_LAYERS"
    upward: list[str] = []
    for module, targets in _graph().items():
        source = _service_package(module)
        if source is None:
            continue
        for target in targets:
            if target.startswith("workbench.views") or target in ("workbench.cli", "workbench.app"):
                upward.append(f"{module} -> {target}")
            package = _service_package(target)
            if package and SERVICE_LAYERS.index(package) > SERVICE_LAYERS.index(source):
                upward.append(f"{module} -> {target}")
    assert upward == []


MAY_IMPORT = re.compile(r"May import:? (?P<list>.*?)\.\s*$", re.MULTILINE | re.DOTALL)


def test_each_domain_package_says_what_it_owns_and_may_import() -> None:
    graph = _graph()
    for package in SERVICE_LAYERS:
        doc = ast.get_docstring(
            ast.parse((PACKAGE / "services" / package / "__init__.py").read_text("utf-8"))
        )
        assert doc and "May import" in doc or package == "common", package
        declared = set(re.findall(r"``(\w+)``", doc.split("May import")[-1])) if doc else set()
        if package in ("common", "exports"):
            continue  # imports nothing of ours / every other domain
        used = {
            _service_package(target)
            for module, targets in graph.items()
            if _service_package(module) == package
            for target in targets
        } - {None, package}
        assert used <= declared, f"{package} imports {sorted(used - declared)} undeclared"


def test_no_qt_import_in_services_or_models() -> None:
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for folder in QT_FREE
        for path in folder.rglob("*.py")
        if {"PySide6", "shiboken6"} & _imports(path)
    ]
    assert offenders == []


def test_importing_every_service_loads_no_qt() -> None:
    modules = sorted(_module_name(path) for folder in QT_FREE for path in folder.rglob("*.py"))
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_pane_registry_loads_no_qt() -> None:
    code = (
        "import sys, workbench.views.panes as p\n"
        "print(len(p.PANES), sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().endswith("[]")


def test_views_do_not_build_sql() -> None:
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in (PACKAGE / "views").rglob("*.py")
        if {"sqlalchemy", "sqlmodel", "sqlite3"} & _imports(path)
    ]
    assert offenders == []


def test_tests_mirror_the_packages() -> None:
    """Each domain package and pane package has its folder of tests."""
    tests = PACKAGE.parent / "tests"
    missing = [
        f"{layer}/{package.name}"
        for layer in ("services", "views")
        for package in (PACKAGE / layer).iterdir()
        if (package / "__init__.py").exists() and not (tests / layer / package.name).is_dir()
    ]
    assert missing == []
