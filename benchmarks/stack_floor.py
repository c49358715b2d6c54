"""The least any start of the workbench can do: the bare window, then its database layer.

Run as a process (``python benchmarks/stack_floor.py OUT.png``), it paints the same label as
``bare_window.py``, then imports what every pane needs before it can show a record: SQLAlchemy,
SQLModel and the workbench's models (with PySide6's import hook lightened as the workbench
does, see ``workbench.app``). It prints the same start-up marks, "ready" once those are
imported, so ``cold_start.py`` can put the workbench's "fully interactive" beside the least it
could be with this stack.
"""

from __future__ import annotations

import sys
import time
from importlib import import_module

from PySide6.QtWidgets import QApplication, QLabel

# The workbench's start-up module: PySide6's import hook lightened as the workbench has it.
import workbench.app  # noqa: F401

MARK = "workbench-startup"
STACK = ("sqlalchemy", "sqlmodel", "workbench.models")


def main() -> int:
    app = QApplication(sys.argv[:1])
    label = QLabel("GRC Workbench")
    label.resize(1280, 820)
    label.show()
    app.processEvents()
    print(f"{MARK} painted {time.monotonic():.6f}", file=sys.stderr)
    for name in STACK:
        import_module(name)
    print(f"{MARK} ready {time.monotonic():.6f}", file=sys.stderr)
    return 0 if label.grab().save(sys.argv[1]) else 2


if __name__ == "__main__":
    sys.exit(main())
