"""What every benchmark module shares: the figure record and a median timer.

A benchmark module ``benchmarks/<stem>.py`` defines ``run(quick: bool) -> list[Figure]``.
It runs the alternatives side by side in one process, repeats, takes medians,
and reports ratios as speed ratios (ours over the peer, unit ``x``).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure. ``name`` is stable and dotted; ``goal`` is the minimum it must reach, if any."""

    name: str
    value: float
    unit: str
    note: str = ""
    goal: float | None = None
    goal_is_max: bool = False

    @property
    def met(self) -> bool | None:
        if self.goal is None:
            return None
        return self.value <= self.goal if self.goal_is_max else self.value >= self.goal


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector, as :mod:`timeit` does while it times.

    A collection that happens to start inside one contender's timed loop (and
    walks every object the benchmark built) adds tens of milliseconds at random,
    which is noise, not a property of the code under test.
    """
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def median_seconds(fn: Callable[[], object], repeat: int = 5) -> float:
    """The median wall time of ``repeat`` calls of ``fn`` (one untimed warm-up call first), GC paused."""
    fn()
    times = []
    for _ in range(repeat):
        with paused_gc():
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(times)
