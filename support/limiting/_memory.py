"""Memory of running many tasks: tracemalloc's peak above a baseline, and bytes per parked task.

Mental model: ``tracemalloc`` counts every block Python allocates, so the
peak it records during a run, less what was allocated before, is the
memory the run's tasks, coroutine frames, cancel scopes and queues needed at
their worst. :func:`measure_memory` runs one way of
:mod:`~support.limiting._approaches` in virtual time (each job sleeps one
second) and reports that peak with the most tasks alive.
:func:`bytes_per_parked_task` spawns tasks that all wait on one event, in
trio or asyncio, and divides what they hold by their number: the cost of a
task that exists but does nothing, Python's side of "bytes per goroutine".
:func:`measure_in_child` repeats :func:`measure_memory` in a fresh
interpreter, where the resident set size (RSS) of the process is also
meaningful: tracemalloc sees only Python's allocations, RSS sees the pages.

Taught in the chapter ``limiting``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import json
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import trio
import trio.testing

from support.limiting._approaches import Approach, run_limited
from support.limiting._validate import check_count
from support.runtime import run

T = TypeVar("T")


@dataclass(frozen=True)
class MemoryUse:
    """The peak memory (bytes above the baseline) of ``tasks`` one-second jobs run ``approach``'s way."""

    approach: Approach
    tasks: int
    limit: int | None
    peak_bytes: int
    most_alive: int
    rss_bytes: int | None = None

    @property
    def bytes_per_task(self) -> float:
        return self.peak_bytes / self.tasks


@contextmanager
def _traced() -> Iterator[list[int]]:
    """Trace allocations inside the block; the list receives ``[peak above baseline]``."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    gc.collect()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    out: list[int] = []
    try:
        yield out
    finally:
        out.append(tracemalloc.get_traced_memory()[1] - base)
        if started:
            tracemalloc.stop()


async def _second(_: int) -> None:
    await trio.sleep(1)


def measure_memory(approach: Approach, tasks: int, limit: int | None = None) -> MemoryUse:
    """Peak traced memory above the baseline while ``tasks`` one-second jobs run, in virtual time."""
    check_count(tasks, "tasks")

    async def main() -> int:
        stats = await run_limited(_second, range(tasks), approach=approach, limit=limit, timeline=False)
        return stats.most_alive

    with _traced() as peak:
        most_alive = run(main)
    return MemoryUse(approach, tasks, limit, peak[0], most_alive)


Runtime = Literal["trio", "asyncio"]


def bytes_per_parked_task(tasks: int, runtime: Runtime = "trio") -> float:
    """Traced bytes each of ``tasks`` tasks holds while parked on one event (``await event.wait()``)."""
    check_count(tasks, "tasks")
    if runtime not in ("trio", "asyncio"):
        raise ValueError(f"runtime must be 'trio' or 'asyncio', got {runtime!r}")
    # A first run in a process also grows tables that keep their size after
    # it (asyncio's registry of every task, a WeakSet, is one: about 70 bytes a
    # task at 2,000 tasks); a run of the same size first keeps them out.
    _parked_bytes(tasks, runtime)
    return _parked_bytes(tasks, runtime) / tasks


def _parked_bytes(tasks: int, runtime: Runtime) -> int:
    """What ``tasks`` tasks parked on one event hold, in traced bytes."""
    held: list[int] = []

    async def trio_main() -> None:
        event = trio.Event()
        base = tracemalloc.get_traced_memory()[0]
        async with trio.open_nursery() as nursery:
            for _ in range(tasks):
                nursery.start_soon(event.wait)
            await trio.testing.wait_all_tasks_blocked()
            held.append(tracemalloc.get_traced_memory()[0] - base)
            event.set()

    async def asyncio_main() -> None:
        event = asyncio.Event()
        base = tracemalloc.get_traced_memory()[0]
        async with asyncio.TaskGroup() as group:
            for _ in range(tasks):
                group.create_task(event.wait())
            await asyncio.sleep(0)  # every task has run to its first await
            held.append(tracemalloc.get_traced_memory()[0] - base)
            event.set()

    with _traced():
        if runtime == "trio":
            trio.run(trio_main)
        else:
            run_asyncio(asyncio_main)
    return held[0]


def run_asyncio(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run(main())`` in a thread of its own, so it also works where a loop already runs (Jupyter)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def measure_in_child(approach: Approach, tasks: int, limit: int | None = None, *, timeout: float = 300.0) -> MemoryUse:
    """:func:`measure_memory` in a fresh interpreter, with the growth of its peak RSS measured in a second run."""
    check_count(tasks, "tasks")
    arguments = json.dumps({"approach": approach, "tasks": tasks, "limit": limit})
    result = subprocess.run([sys.executable, "-m", "support.limiting._child", arguments], text=True,
                            capture_output=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"the memory child failed (status {result.returncode}):\n{result.stderr}")
    found = json.loads(result.stdout)
    return MemoryUse(approach, tasks, limit, found["peak_bytes"], found["most_alive"], found["rss_bytes"])
