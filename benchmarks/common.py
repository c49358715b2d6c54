"""Small helpers shared by the benchmark entries."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    target: float | None = None

    @property
    def ok(self) -> bool:
        return self.target is None or self.value <= self.target

    @property
    def figure(self) -> str:
        return f"{self.value:.1f} {self.unit}" if self.unit != "s" else f"{self.value:.3f} s"

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "-"
        return f"< {self.target:g} {self.unit}"


def timings_ms(action: Callable[[], object], *, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(fraction * 100) - 1]
