"""The plainest PySide6 window: the baseline of the workbench's cold start.

Run as a process (``python benchmarks/bare_window.py OUT.png``), it does what
``workbench --screenshot`` does with the main window, with a label instead: show it at the
same size, let it paint, grab it to a PNG and exit. It prints the same start-up marks the
benchmark reads from the workbench (see ``cold_start.py``), so both are timed alike whichever
way the workbench is timed.

Given module names after the PNG's path, it imports them once the label is painted and only
then says "ready": the floor of the workbench's start-up, when those are what the workbench
cannot work without. It then keeps the garbage collector off while it starts, as the workbench
does (see ``workbench/app.py``).
"""

from __future__ import annotations

import gc
import sys
import time
from importlib import import_module

from PySide6.QtWidgets import QApplication, QLabel

MARK = "workbench-startup"


def main() -> int:
    modules = sys.argv[2:]
    if modules:
        gc.disable()
    app = QApplication(sys.argv[:1])
    label = QLabel("GRC Workbench")
    label.resize(1280, 820)
    label.show()
    app.processEvents()
    print(f"{MARK} painted {time.monotonic():.6f}", file=sys.stderr)
    for name in modules:
        import_module(name)
    print(f"{MARK} ready {time.monotonic():.6f}", file=sys.stderr)
    return 0 if label.grab().save(sys.argv[1]) else 2


if __name__ == "__main__":
    sys.exit(main())
