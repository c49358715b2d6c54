"""Run every benchmark and print one table: what was measured, the figure, the target."""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
from pathlib import Path

from benchmarks.common import Result

ENTRIES = [
    "cold_start", "card_search", "register", "versions", "planner", "audit_pack", "controls",
]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("only", nargs="*", help=f"entries to run (default: all of {ENTRIES})")
    args = parser.parse_args()
    selected = args.only or ENTRIES
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as scratch:
        for name in selected:
            module = importlib.import_module(f"benchmarks.{name}")
            print(f"running {name}...", file=sys.stderr, flush=True)
            results.extend(module.run(Path(scratch) / name))
    width = max(len(r.name) for r in results)
    print(f"{'measurement'.ljust(width)}  {'figure':>12}  {'target':>10}  ok")
    for result in results:
        print(
            f"{result.name.ljust(width)}  {result.figure:>12}  {result.target_text:>10}  "
            f"{'yes' if result.ok else 'NO'}"
        )
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
