"""A real ``workbench pack`` process for the interruption test: its PDF renderer says
"rendering" once the partial zip exists, then waits to be stopped.

Usage: python -m tests.helpers.pack_child -w WORKSPACE pack -o OUT.zip
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from workbench.services.exports import document_export


def rendering_until_stopped(_document: object, _target: Path) -> None:
    print("rendering", flush=True)
    while True:  # each signal runs the pack's handler, which ends the wait
        signal.pause()


def main() -> int:
    document_export.write_pdf = rendering_until_stopped  # type: ignore[assignment]
    from workbench.cli import main as workbench

    return workbench(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
