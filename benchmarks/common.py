"""Small helpers shared by the benchmark entries: results, timing, and figure-beside-baseline runs.

Every figure is measured beside a baseline: the same work done the plainest way (``sqlite3``
instead of the services, a bare PySide6 window instead of the workbench, ``git commit`` instead
of saving a version...) on the same machine in the same run. The verdict is the ratio of the
two, so a busier or slower machine of the same kind moves both and the verdict holds; the
absolute figures are printed too, with their old targets, for information.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

OUT_DIR = Path(__file__).resolve().parent / "out"


@dataclass(frozen=True)
class Result:
    """One figure, its baseline and the ratio target that decides pass or fail.

    Attributes:
        name: what was measured.
        value: the figure, in ``unit``.
        unit: ``s``, ``ms``, ``MB``...
        target: the old absolute target (informational; it decides nothing).
        baseline: the same work done the plainest way, in ``unit``; None when there is none.
        baseline_name: what the baseline is, said once in the legend under the table.
        ratio_target: the verdict: ``value / baseline`` must not exceed it (None: informational).
        note: why a figure has no baseline, or how it was taken.
        curve: the scale curve this point belongs to ("" for the main table).
        size: the point's size on its scale curve.
        limit: for a count that measures correctness rather than speed (lost writes, broken
            chains), the most it may be; it decides like a ratio target.
    """

    name: str
    value: float
    unit: str
    target: float | None = None
    baseline: float | None = None
    baseline_name: str = ""
    ratio_target: float | None = None
    note: str = ""
    curve: str = ""
    size: int = 0
    limit: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline <= 0:
            return None
        return self.value / self.baseline

    @property
    def ok(self) -> bool:
        """A ratio (or a correctness limit) decides; a figure without a baseline (git
        missing...) cannot fail on speed."""
        if self.limit is not None and self.value > self.limit:
            return False
        ratio = self.ratio
        return self.ratio_target is None or ratio is None or ratio <= self.ratio_target

    @property
    def verdict(self) -> str:
        if self.limit is None and (self.ratio_target is None or self.ratio is None):
            return "-"
        return "yes" if self.ok else "NO"

    @property
    def figure(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def baseline_text(self) -> str:
        return "-" if self.baseline is None else format_value(self.baseline, self.unit)

    @property
    def ratio_text(self) -> str:
        return "-" if self.ratio is None else format_ratio(self.ratio)

    @property
    def ratio_target_text(self) -> str:
        return "-" if self.ratio_target is None else f"<= {self.ratio_target:g}x"

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "-"
        over = "" if self.value <= self.target else " (over)"
        return f"< {self.target:g} {self.unit}{over}"


def format_value(value: float, unit: str) -> str:
    return f"{value:.3f} s" if unit == "s" else f"{value:.1f} {unit}"


def format_ratio(ratio: float) -> str:
    return f"{ratio:.2f}x" if ratio < 10 else f"{ratio:.1f}x"


def timed_ms(action: Callable[[], object]) -> Callable[[], float]:
    """``action`` as a callable that runs it once and returns the milliseconds it took."""

    def run() -> float:
        start = time.perf_counter()
        action()
        return (time.perf_counter() - start) * 1000

    return run


def first_paint_ms(pane: Any, workspace: object) -> float:
    """Show a new pane at 1280x800, then time giving it the workspace until its table is
    repainted: the pane's first paint, as a consultant opening it sees it."""
    from PySide6.QtWidgets import QApplication

    pane.resize(1280, 800)
    pane.show()
    QApplication.processEvents()
    start = time.perf_counter()
    pane.set_workspace(workspace)
    pane.table.viewport().repaint()
    return (time.perf_counter() - start) * 1000


def timings_ms(action: Callable[[], object], *, repeat: int) -> list[float]:
    return [timed_ms(action)() for _ in range(repeat)]


def alternate(
    figure: Callable[[], T],
    baseline: Callable[[], T],
    *,
    runs: int,
    warm: int = 0,
    before_each: Callable[[], object] | None = None,
) -> tuple[list[T], list[T]]:
    """Samples of a figure and its baseline, taken in turns (A B B A A B ...).

    Shared machines are noisy: a burst of someone else's work lands on a run or two. Taking the
    two in turns, the order flipped every pair, spreads such bursts (and any slow drift) over
    both alike, so their medians and their ratio stay comparable. ``warm`` pairs run first and
    are dropped (statement caches, the OS file cache, lazily built tables). ``before_each``
    runs, untimed, before each pair (to make the next edit that both then save, say).

    Before the timed turns, what the process has made so far (the workspace, the panes, every
    module imported) is frozen out of the garbage collector's passes, as the window freezes
    what start-up made (``workbench/app.py``). Else a full pass over all of it, some 100 ms,
    lands on whichever turn happens to trigger it.
    """
    for _ in range(warm):
        if before_each is not None:
            before_each()
        figure()
        baseline()
    gc.freeze()
    ours: list[T] = []
    theirs: list[T] = []
    for turn in range(runs):
        if before_each is not None:
            before_each()
        pair = [(figure, ours), (baseline, theirs)]
        for measure, samples in pair if turn % 2 == 0 else reversed(pair):
            samples.append(measure())
    return ours, theirs


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(fraction * 100) - 1]
