"""Run one job per item, at most ``limit`` at a time, each of the ways Go and trio bound concurrency.

Mental model: every way is "a nursery (Go's ``WaitGroup``) plus a bound".
What differs is *where* the bound sits, and that decides how many tasks exist:

* ``"unbounded"``: ``start_soon`` per item, no bound (``go f()`` per task).
* ``"limit inside"``: ``start_soon`` per item, each task then waits on a
  ``trio.Semaphore``. Only ``limit`` run, but every task (and its memory)
  exists from the start: the bound comes after the spawn.
* ``"semaphore"``: acquire a ``trio.Semaphore`` *before* ``start_soon``, the
  task releases it (Go's buffered channel plus ``WaitGroup``).
* ``"capacity limiter"``: the same with ``trio.CapacityLimiter``, which
  records who holds each token, so the spawner acquires on the task's
  behalf (``acquire_on_behalf_of``) and the task releases it.
* ``"workers"``: ``limit`` workers ``async for`` over a memory channel of
  size 0 (Go's unbuffered channel and fixed workers).
* ``"shared iterator"``: ``limit`` workers pull from one shared iterator. No
  channel: trio runs one task at a time, so ``next()`` needs no lock.
* ``"pool"``: :func:`~support.limiting.open_worker_pool`, workers started
  with ``nursery.start`` so the pool reports when it is ready.

:func:`run_limited` runs a way under a :class:`~support.limiting.TaskCensus`
and counts the jobs running at once; :func:`drive` is the bare way, for
timing. An error in any job cancels the rest and is raised by the nursery.

Taught in the chapter ``limiting``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Literal, TypeVar, get_args

import trio

from support.limiting._census import TaskCensus
from support.limiting._pool import open_worker_pool
from support.limiting._validate import check_count

T = TypeVar("T")
Approach = Literal["unbounded", "limit inside", "semaphore", "capacity limiter", "workers", "shared iterator", "pool"]
APPROACHES: tuple[Approach, ...] = get_args(Approach)
Job = Callable[[T], Awaitable[object]]


@dataclass(frozen=True)
class LimitStatistics:
    """What one :func:`run_limited` call saw.

    ``most_running``: jobs inside ``job()`` at once; ``most_alive``: tasks
    alive at once (spawned during the call, workers included);
    ``seconds``: trio time the call took; ``timeline``: ``(time, tasks
    alive)`` from the census.
    """

    approach: Approach
    limit: int | None
    tasks: int
    done: int
    most_running: int
    most_alive: int
    seconds: float
    timeline: tuple[tuple[float, int], ...]


async def _unbounded(job: Job[T], items: Iterable[T], limit: int) -> None:
    async with trio.open_nursery() as nursery:
        for item in items:
            nursery.start_soon(job, item)


async def _limit_inside(job: Job[T], items: Iterable[T], limit: int) -> None:
    semaphore = trio.Semaphore(limit)

    async def task(item: T) -> None:
        await semaphore.acquire()  # the task already exists while it waits here
        try:
            await job(item)
        finally:
            semaphore.release()

    async with trio.open_nursery() as nursery:
        for item in items:
            nursery.start_soon(task, item)


async def _semaphore(job: Job[T], items: Iterable[T], limit: int) -> None:
    semaphore = trio.Semaphore(limit)

    async def task(item: T) -> None:
        try:
            await job(item)
        finally:
            semaphore.release()

    async with trio.open_nursery() as nursery:
        for item in items:
            await semaphore.acquire()  # before the spawn: Go's `slots <- struct{}{}`
            nursery.start_soon(task, item)


async def _capacity_limiter(job: Job[T], items: Iterable[T], limit: int) -> None:
    limiter = trio.CapacityLimiter(limit)

    async def task(item: T, token: object) -> None:
        try:
            await job(item)
        finally:
            limiter.release_on_behalf_of(token)

    async with trio.open_nursery() as nursery:
        for item in items:
            token = object()  # the borrower: the task about to exist
            await limiter.acquire_on_behalf_of(token)
            nursery.start_soon(task, item, token)


async def _workers(job: Job[T], items: Iterable[T], limit: int) -> None:
    send, receive = trio.open_memory_channel[T](0)

    async def worker(receive: trio.MemoryReceiveChannel[T]) -> None:
        async with receive:
            async for item in receive:
                await job(item)

    async with trio.open_nursery() as nursery:
        async with receive:
            for _ in range(limit):
                nursery.start_soon(worker, receive.clone())
        async with send:
            for item in items:
                await send.send(item)


async def _shared_iterator(job: Job[T], items: Iterable[T], limit: int) -> None:
    shared = iter(items)

    async def worker() -> None:
        for item in shared:  # next() runs without a checkpoint: no other task can interleave
            await job(item)

    async with trio.open_nursery() as nursery:
        for _ in range(limit):
            nursery.start_soon(worker)


async def _pool(job: Job[T], items: Iterable[T], limit: int) -> None:
    async with open_worker_pool(job, workers=limit) as pool:
        for item in items:
            await pool.submit(item)


_WAYS = {
    "unbounded": _unbounded,
    "limit inside": _limit_inside,
    "semaphore": _semaphore,
    "capacity limiter": _capacity_limiter,
    "workers": _workers,
    "shared iterator": _shared_iterator,
    "pool": _pool,
}


def _check(approach: object, limit: object) -> int:
    if approach not in _WAYS:
        raise ValueError(f"approach must be one of {', '.join(map(repr, APPROACHES))}; got {approach!r}")
    if approach == "unbounded" and limit is None:
        return 1
    return check_count(limit, "limit")


async def drive(job: Job[T], items: Iterable[T], *, approach: Approach, limit: int | None = None) -> None:
    """Run ``job(item)`` for every item the way ``approach`` says, with nothing counted (for timing)."""
    bound = _check(approach, limit)
    await _WAYS[approach](job, items, bound)


async def run_limited(job: Job[T], items: Iterable[T], *, approach: Approach,
                      limit: int | None = None, timeline: bool = True) -> LimitStatistics:
    """Run ``job(item)`` for every item, at most ``limit`` at a time, and report what was alive.

    ``limit`` is required except for ``"unbounded"``. The census counts the
    tasks spawned during the call (as Go's ``NumGoroutine() - base``); the
    jobs running at once are counted around each ``job`` call. ``timeline=False``
    keeps no timeline (its points would count in a memory measurement).
    """
    bound = _check(approach, limit)
    running = most = done = 0

    async def task(item: T) -> None:  # named so: a Trace labels unbounded runs' tasks "task-N"
        nonlocal running, most, done
        running += 1
        most = max(most, running)
        try:
            await job(item)
        finally:
            running -= 1
        done += 1

    census = TaskCensus(timeline=timeline)
    tasks = 0

    def numbered() -> Iterable[T]:
        nonlocal tasks
        for item in items:
            tasks += 1
            yield item

    start = trio.current_time()
    trio.lowlevel.add_instrument(census)
    try:
        await _WAYS[approach](task, numbered(), bound)
    finally:
        trio.lowlevel.remove_instrument(census)
    stats = census.statistics()
    return LimitStatistics(approach, limit, tasks, done, most, stats.most_alive,
                           trio.current_time() - start, census.timeline())
