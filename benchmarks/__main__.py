"""Run every benchmark and print each figure beside its baseline, their ratio and the target.

Only ratios decide: the run exits 1 when a ratio misses its target. The absolute figures and
their old targets are printed too, for information. The scale curves (the ratio at 1,000,
10,000 and 100,000 items) follow as a small table, and as a plot in ``benchmarks/out/``.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import OUT_DIR, Result, format_ratio, format_value

ENTRIES = [
    "cold_start", "card_search", "register", "versions", "planner", "risks", "controls",
    "audit_pack", "team",
]  # fmt: skip
PLOT = OUT_DIR / "scale.png"


def print_table(results: list[Result]) -> None:
    legend: dict[str, int] = {}
    for result in results:
        if result.baseline_name and result.baseline is not None:
            legend.setdefault(result.baseline_name, len(legend) + 1)
    rows = [("measurement", "figure", "baseline", "ratio", "target", "ok", "absolute")]
    for result in results:
        key = legend.get(result.baseline_name) if result.baseline is not None else None
        baseline = result.baseline_text + (f" [{key}]" if key else "")
        rows.append(
            (result.name, result.figure, baseline, result.ratio_text,
             result.ratio_target_text, result.verdict, result.target_text)
        )  # fmt: skip
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:5], widths[1:5], strict=True)]
        cells += [row[5].ljust(widths[5]), row[6]]
        print("  ".join(cells).rstrip())
    print("\nbaselines (the same work done the plainest way, in turns with the figure):")
    for name, key in legend.items():
        print(f"  [{key}] {name}")
    notes = [result for result in results if result.note]
    if notes:
        print("notes:")
        for result in notes:
            print(f"  {result.name}: {result.note}")


def print_curves(points: list[Result]) -> None:
    sizes = sorted({point.size for point in points})
    curves = list(dict.fromkeys(point.curve for point in points))
    print("\nscale curves: figure / baseline = ratio at each size")
    rows = [("curve", *(f"{size:,}" for size in sizes))]
    for curve in curves:
        cells = []
        for size in sizes:
            found = [p for p in points if p.curve == curve and p.size == size]
            if not found:
                cells.append("-")
                continue
            point = found[0]
            assert point.baseline is not None and point.ratio is not None
            cells.append(
                f"{format_value(point.value, point.unit)} / "
                f"{format_value(point.baseline, point.unit)} = {format_ratio(point.ratio)}"
            )
        rows.append((curve, *cells))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))
    for curve in curves:
        baseline = next(p.baseline_name for p in points if p.curve == curve)
        print(f"  {curve}: baseline {baseline}")


def quiet_offscreen_warning() -> None:
    """Drop the one warning the offscreen platform prints for every window (as the tests do)."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def handler(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def run_entry(name: str, scratch: Path) -> list[Result] | None:
    """One entry in a process of its own; None when it failed (its traceback is on stderr).

    A process each keeps the entries apart: the peak memory the register reports is its own,
    not the 100,000-card index's before it, and no entry inherits another's heap or caches.
    """
    print(f"running {name}...", file=sys.stderr, flush=True)
    began = time.monotonic()
    results = scratch / f"{name}.json"
    command = [sys.executable, "-m", "benchmarks", "--entry", name, "--scratch", str(scratch),
               "--results", str(results)]  # fmt: skip
    failed = subprocess.run(command, check=False).returncode != 0
    print(f"  {name} took {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)
    if failed:
        return None
    return [Result(**fields) for fields in json.loads(results.read_text(encoding="utf-8"))]


def run_in_this_process(name: str, scratch: Path, results: Path) -> None:
    quiet_offscreen_warning()
    module = importlib.import_module(f"benchmarks.{name}")
    found = module.run(scratch / name)
    results.write_text(json.dumps([dataclasses.asdict(r) for r in found]), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("only", nargs="*", help=f"entries to run (default: all of {ENTRIES})")
    parser.add_argument("--entry", help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--results", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.entry:
        run_in_this_process(args.entry, args.scratch, args.results)
        return 0
    unknown = sorted(set(args.only) - set(ENTRIES))
    if unknown:
        parser.error(f"no such entry: {', '.join(unknown)} (choose from {', '.join(ENTRIES)})")
    began = time.monotonic()
    results: list[Result] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as scratch:
        for name in args.only or ENTRIES:
            found = run_entry(name, Path(scratch))
            if found is None:
                failed.append(name)
            else:
                results.extend(found)
    table = [result for result in results if not result.curve]
    points = [result for result in results if result.curve]
    if table:
        print_table(table)
    if points:
        from benchmarks.plot import draw_scale_plot

        print_curves(points)
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        draw_scale_plot(points, PLOT)
        print(
            f"  plot: {PLOT.relative_to(Path.cwd()) if PLOT.is_relative_to(Path.cwd()) else PLOT}"
        )
    missed = [result.name for result in table if not result.ok]
    elapsed = time.monotonic() - began
    print(f"\n{len(table)} figures, {len(missed)} ratios over target; total {elapsed / 60:.1f} min")
    if failed:
        print(f"entries that failed (see above): {', '.join(failed)}")
    return 0 if not missed and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
