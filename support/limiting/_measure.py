"""Throughput of each way to bound concurrency, in trio, asyncio, anyio and Go, on one workload.

Mental model: ``tasks`` jobs, each one zero-length checkpoint
(``trio.lowlevel.checkpoint``, ``asyncio.sleep(0)``), so what is timed is the
bounding machinery itself: spawning a task, taking and giving back a slot,
handing an item over a channel. ``job="virtual sleep"`` makes each job a
1 ms sleep on trio's virtual clock (the clock jumps; the timers and wake-ups
are real work), ``job="real sleep"`` a 1 ms sleep on the real clock.
:func:`tasks_per_second` times one contender once; the chapter and
``benchmarks/limiting.py`` repeat it and take medians. The Go contenders are
the program ``limiting/bench``, built and run by :func:`go_tasks_per_second`.

Taught in the chapter ``limiting``.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from collections.abc import Awaitable, Callable
from typing import Literal

import anyio
import trio
import trio.testing

from support.golang import GO_MODULE, GoError, build_go, go_env
from support.limiting._approaches import APPROACHES, drive
from support.limiting._memory import run_asyncio
from support.limiting._validate import check_count

JobKind = Literal["checkpoint", "virtual sleep", "real sleep"]
PEERS = ("asyncio unbounded", "asyncio.Semaphore", "anyio.CapacityLimiter")
_SLEEP = 0.001


def _trio_job(kind: JobKind) -> Callable[[int], Awaitable[None]]:
    if kind == "checkpoint":
        async def checkpoint(_: int) -> None:
            await trio.lowlevel.checkpoint()
        return checkpoint

    async def nap(_: int) -> None:
        await trio.sleep(_SLEEP)
    return nap


async def _asyncio_job(_: int) -> None:
    await asyncio.sleep(0)


async def _asyncio_unbounded(tasks: int, limit: int) -> None:
    async with asyncio.TaskGroup() as group:
        for i in range(tasks):
            group.create_task(_asyncio_job(i))


async def _asyncio_semaphore(tasks: int, limit: int) -> None:
    semaphore = asyncio.Semaphore(limit)

    async def task(i: int) -> None:
        try:
            await _asyncio_job(i)
        finally:
            semaphore.release()

    async with asyncio.TaskGroup() as group:
        for i in range(tasks):
            await semaphore.acquire()
            group.create_task(task(i))


async def _anyio_limiter(tasks: int, limit: int) -> None:
    limiter = anyio.CapacityLimiter(limit)

    async def task(i: int, token: object) -> None:
        try:
            await _asyncio_job(i)
        finally:
            limiter.release_on_behalf_of(token)

    async with anyio.create_task_group() as group:
        for i in range(tasks):
            token = object()
            await limiter.acquire_on_behalf_of(token)
            group.start_soon(task, i, token)


_PEER_MAINS = {"asyncio unbounded": _asyncio_unbounded, "asyncio.Semaphore": _asyncio_semaphore,
               "anyio.CapacityLimiter": _anyio_limiter}


def tasks_per_second(contender: str, tasks: int, limit: int, job: JobKind = "checkpoint") -> float:
    """Run ``tasks`` jobs once through ``contender`` (a trio approach or one of :data:`PEERS`); tasks/s.

    Peers run only the ``"checkpoint"`` job (``asyncio.sleep(0)``) on asyncio.
    """
    check_count(tasks, "tasks")
    check_count(limit, "limit")
    if job not in ("checkpoint", "virtual sleep", "real sleep"):
        raise ValueError(f"job must be 'checkpoint', 'virtual sleep' or 'real sleep', got {job!r}")
    if contender in _PEER_MAINS:
        if job != "checkpoint":
            raise ValueError(f"{contender} runs only the 'checkpoint' job")
        peer = _PEER_MAINS[contender]

        async def timed() -> float:
            start = time.perf_counter()
            await peer(tasks, limit)
            return time.perf_counter() - start

        return tasks / run_asyncio(timed)
    if contender not in APPROACHES:
        raise ValueError(f"contender must be a trio approach {APPROACHES} or a peer {PEERS}; got {contender!r}")
    each = _trio_job(job)

    async def main() -> None:
        await drive(each, range(tasks), approach=contender, limit=limit)

    clock = trio.testing.MockClock(autojump_threshold=0) if job == "virtual sleep" else None
    start = time.perf_counter()
    trio.run(main, clock=clock)
    return tasks / (time.perf_counter() - start)


_LINE = re.compile(r"^(unbounded|channel|workers) tasks/s (\d+)$", re.MULTILINE)
_PARKED = re.compile(r"^parked bytes/goroutine (\d+)$", re.MULTILINE)


def go_tasks_per_second(tasks: int, limit: int, *, rounds: int = 5, procs: int = 1,
                        timeout: float = 120.0) -> tuple[dict[str, float], float]:
    """Go's tasks/s for ``unbounded``, ``channel`` and ``workers`` (medians), and its bytes per parked goroutine.

    ``procs`` is ``GOMAXPROCS``: 1 by default, the one thread trio runs on.
    """
    check_count(tasks, "tasks")
    check_count(limit, "limit")
    check_count(rounds, "rounds")
    check_count(procs, "procs")
    binary = build_go("limiting/bench")
    cmd = [str(binary), "-tasks", str(tasks), "-limit", str(limit), "-rounds", str(rounds)]
    try:
        result = subprocess.run(cmd, cwd=GO_MODULE, env=go_env({"GOMAXPROCS": str(procs)}), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise GoError(f"limiting/bench did not finish within {timeout:g} s") from exc
    rates = {m[1]: float(m[2]) for m in _LINE.finditer(result.stdout)}
    parked = _PARKED.search(result.stdout)
    if result.returncode != 0 or len(rates) != 3 or parked is None:
        raise GoError(f"limiting/bench failed (status {result.returncode}):\n{result.stdout}")
    return rates, float(parked[1])
