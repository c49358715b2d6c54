"""Services and models never import Qt: the CLI and tests reach them without a window."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"
QT_FREE = [PACKAGE / "services", PACKAGE / "models"]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_qt_import_in_services_or_models() -> None:
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for folder in QT_FREE
        for path in folder.rglob("*.py")
        if {"PySide6", "shiboken6"} & _imports(path)
    ]
    assert offenders == []


def test_importing_every_service_loads_no_qt() -> None:
    modules = [
        f"workbench.{folder.name}.{path.stem}"
        for folder in QT_FREE
        for path in sorted(folder.glob("*.py"))
        if path.stem != "__init__"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_views_do_not_build_sql() -> None:
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in (PACKAGE / "views").rglob("*.py")
        if {"sqlalchemy", "sqlmodel", "sqlite3"} & _imports(path)
    ]
    assert offenders == []
