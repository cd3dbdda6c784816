"""How late real ticks fire: trio's absolute deadlines, a naive ``sleep(period)`` loop, asyncio, Go's ticker.

Mental model: a periodic schedule on the real clock is always a little late
(the kernel wakes the process, the loop gets round to the task). What matters
is whether that lateness *accumulates*. A schedule that computes each deadline
as ``start + k * period`` stays a constant distance behind; a loop that sleeps
``period`` after each wake-up adds every wake-up's lateness to all later
ticks. :func:`measure_lateness` runs one contender for ``ticks`` ticks and
returns each tick's lateness; :class:`Lateness` summarises it. The chapter's
Measured cell and ``benchmarks/scheduling.py`` both call these.
Taught in the chapter ``scheduling``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import statistics
import subprocess
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import trio

from support.golang import build_go, go_env
from support.scheduling._clock import WallClock
from support.scheduling._schedules import every

__all__ = ["LATENESS_CONTENDERS", "Contender", "Lateness", "measure_lateness"]

Contender = Literal["trio every()", "trio sleep loop", "asyncio", "Go ticker"]
LATENESS_CONTENDERS: tuple[Contender, ...] = ("trio every()", "trio sleep loop", "asyncio", "Go ticker")


@dataclass(frozen=True)
class Lateness:
    """Per-tick lateness in seconds, summarised: median, 99th percentile, growth per 1,000 ticks (a fitted slope)."""

    contender: str
    p50: float
    p99: float
    growth_per_1k: float

    @classmethod
    def of(cls, contender: str, late: list[float]) -> Lateness:
        ordered = sorted(late)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        slope = statistics.linear_regression(range(len(late)), late).slope if len(late) > 1 else 0.0
        return cls(contender, statistics.median(late), p99, slope * 1000)


async def _trio_every(period: float, ticks: int) -> list[float]:
    clock = WallClock.system()
    late = []
    async for due in every(clock, timedelta(seconds=period)):
        late.append(trio.current_time() - clock.deadline(due))
        if len(late) == ticks:
            break
    return late


async def _trio_sleep_loop(period: float, ticks: int) -> list[float]:
    start = trio.current_time()
    late = []
    for k in range(ticks):
        late.append(trio.current_time() - (start + k * period))
        await trio.sleep(period)
    return late


async def _asyncio_call_at(period: float, ticks: int) -> list[float]:
    loop = asyncio.get_running_loop()
    start = loop.time()
    late = []
    for k in range(ticks):
        due = start + k * period
        await asyncio.sleep(max(0.0, due - loop.time()))
        late.append(loop.time() - due)
    return late


def _go_ticker(period: float, ticks: int) -> list[float]:
    binary = build_go("scheduling/ticker_lateness")
    out = subprocess.run([str(binary), f"{period}s", str(ticks)], env=go_env(), text=True, check=True,
                         stdout=subprocess.PIPE).stdout
    return [float(line) for line in out.split()]


def measure_lateness(contender: Contender, period: float = 0.01, ticks: int = 1000) -> tuple[Lateness, list[float]]:
    """Run one contender on the real clock for ``ticks`` ticks of ``period`` seconds.

    Returns the summary and each tick's lateness in seconds.
    """
    if contender == "trio every()":
        late = trio.run(_trio_every, period, ticks)
    elif contender == "trio sleep loop":
        late = trio.run(_trio_sleep_loop, period, ticks)
    elif contender == "asyncio":
        # In a thread of its own: a Jupyter kernel already runs an asyncio loop in the main thread.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            late = pool.submit(asyncio.run, _asyncio_call_at(period, ticks)).result()
    elif contender == "Go ticker":
        late = _go_ticker(period, ticks)
    else:
        raise ValueError(f"unknown contender {contender!r}; known: {', '.join(LATENESS_CONTENDERS)}")
    return Lateness.of(contender, late), late


def virtual_events_per_second(events: int = 100_000) -> float:
    """How many minutely schedule events a virtual-time run handles per real second."""
    from support.runtime import run

    async def main() -> None:
        clock = WallClock.system()
        n = 0
        async for _ in every(clock, timedelta(minutes=1)):
            n += 1
            if n == events:
                return

    start = time.perf_counter()
    run(main)
    return events / (time.perf_counter() - start)
