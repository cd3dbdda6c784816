"""A fixed pool of worker tasks that reports readiness: ``nursery.start`` for each worker.

Mental model: Go's third way (N goroutines ranging over an unbuffered
channel) with trio's answer to "is the pool up yet?". Each worker is started
with ``await nursery.start(...)``, which returns only once that worker has
called ``task_status.started()``: after its optional ``setup`` (open a
connection, load a model) and just before it first waits for work. So when
:func:`open_worker_pool` yields, every worker is ready, and a failed setup
raises there, before any item was sent. Items go through a memory channel of
size 0: :meth:`WorkerPool.submit` returns when a worker has taken the item.
Leaving the ``async with`` block closes the channel; the workers finish what
they hold and end, and the block waits for them (the nursery is the
``WaitGroup``). An error in a job cancels the pool and is raised.

Taught in the chapter ``limiting``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

import trio

from support.limiting._validate import check_count

T = TypeVar("T")


@dataclass(frozen=True)
class WorkerPoolStatistics:
    """``workers`` asked for, ``ready`` (started and waiting or working), ``busy`` now, ``done`` so far."""

    workers: int
    ready: int
    busy: int
    done: int


class WorkerPool(Generic[T]):
    """The handle :func:`open_worker_pool` yields: submit items, read statistics."""

    def __init__(self, send: trio.MemorySendChannel[T], workers: int) -> None:
        self._send = send
        self._workers = workers
        self.ready = 0
        self.busy = 0
        self.done = 0

    async def submit(self, item: T) -> None:
        """Hand ``item`` to a free worker; wait while all are busy (Go's unbuffered send)."""
        await self._send.send(item)

    def statistics(self) -> WorkerPoolStatistics:
        return WorkerPoolStatistics(self._workers, self.ready, self.busy, self.done)


async def _worker(pool: WorkerPool[T], receive: trio.MemoryReceiveChannel[T], job: Callable[[T], Awaitable[object]],
                  setup: Callable[[], Awaitable[object]] | None,
                  task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
    async with receive:
        if setup is not None:
            await setup()
        pool.ready += 1
        task_status.started()
        async for item in receive:
            pool.busy += 1
            try:
                await job(item)
            finally:
                pool.busy -= 1
            pool.done += 1


@asynccontextmanager
async def open_worker_pool(job: Callable[[T], Awaitable[object]], *, workers: int,
                           setup: Callable[[], Awaitable[object]] | None = None) -> AsyncIterator[WorkerPool[T]]:
    """Start ``workers`` tasks running ``job(item)`` for each submitted item; yield once all are ready.

    >>> # async with open_worker_pool(fetch, workers=3) as pool:
    >>> #     for url in urls:
    >>> #         await pool.submit(url)
    """
    check_count(workers, "workers")
    send, receive = trio.open_memory_channel[T](0)
    pool = WorkerPool(send, workers)
    async with trio.open_nursery() as nursery:
        async with receive:
            for _ in range(workers):
                await nursery.start(_worker, pool, receive.clone(), job, setup)
        async with send:
            yield pool
