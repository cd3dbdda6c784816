"""The notes' three ways to hand payloads to uploads, as trio dispatchers.

Mental model: a request handler calls ``await dispatcher.submit(payloads)``
and the answer decides the HTTP status. What happens between the call and the
store is the whole lesson:

* :class:`NaiveSpawner` starts one task per payload (Go's ``go
  payload.UploadToS3()``). ``submit`` never waits and never refuses, so tasks
  and memory grow with the load. Unlike Go, the tasks live in a nursery, so
  leaving :func:`open_dispatcher` still waits for every one of them.
* :class:`SingleProcessor` puts payloads on a bounded memory channel drained by
  one task. When the queue is full ``submit`` *waits*, so the handler blocks
  and the latency climbs with the backlog.
* :class:`WorkerPool` has ``max_workers`` tasks reading clones of one receive
  channel. trio hands each item to the receiver that has waited longest, so
  the channel already is the FIFO queue of idle workers that the Go code builds
  by hand from a channel of channels. ``submit`` admits a request's payloads
  all or none: it checks the free room and sends with ``send_nowait`` with no
  checkpoint in between, so nothing can slip in. When they do not fit it
  returns ``False`` and the handler answers 503 with ``Retry-After``.

Leaving :func:`open_dispatcher` closes the queue and waits until every
admitted payload is stored: graceful shutdown is the nursery's exit.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Literal

import trio

from support.worker_pool.settings import Settings
from support.worker_pool.store import DirectoryStore

Mode = Literal["naive", "single", "pool"]
MODES: tuple[Mode, ...] = ("naive", "single", "pool")


@dataclass(frozen=True)
class DispatchStatistics:
    """Payload counters of one dispatcher. ``uploading`` counts upload tasks busy right now.

    ``shed`` counts payloads refused by ``submit``; ``shed_requests`` counts refused
    requests, including those refused before parsing (their payloads were never counted).
    """

    mode: Mode
    accepted: int
    shed: int
    shed_requests: int
    stored: int
    failed: int
    queued: int
    uploading: int
    peak_uploading: int
    peak_queued: int


class Dispatcher:
    """What the handler talks to. Subclasses decide how ``submit`` admits payloads."""

    mode: Mode
    #: The most payloads that one ``submit`` can ever have admitted at once.
    capacity: float = math.inf

    def __init__(self, store: DirectoryStore) -> None:
        self.store = store
        self.assignments: list[tuple[str, str]] | None = None
        self._accepted = self._shed = self._shed_requests = self._stored = self._failed = 0
        self._uploading = self._peak_uploading = self._peak_queued = 0

    async def submit(self, payloads: Sequence[bytes]) -> bool:
        """Hand ``payloads`` on; ``True`` means all were admitted, ``False`` that none were."""
        raise NotImplementedError

    def room(self) -> float:
        """How many payloads ``submit`` would admit right now without waiting (``inf``: no limit)."""
        return math.inf

    def refuse_unparsed(self) -> None:
        """Count a request refused before its payloads were parsed (the handler saw no room at all)."""
        self._shed_requests += 1

    def record_assignments(self) -> None:
        """From now on keep ``(worker name, object name)`` for every stored payload in ``assignments``."""
        self.assignments = []

    async def _upload(self, content: bytes, worker: str) -> None:
        self._uploading += 1
        self._peak_uploading = max(self._peak_uploading, self._uploading)
        try:
            name = await self.store.put(content)
        except OSError:
            self._failed += 1
        else:
            self._stored += 1
            if self.assignments is not None:
                self.assignments.append((worker, name))
        finally:
            self._uploading -= 1

    def _queued(self) -> int:
        return 0

    def statistics(self) -> DispatchStatistics:
        """A snapshot of the counters."""
        return DispatchStatistics(
            mode=self.mode,
            accepted=self._accepted,
            shed=self._shed,
            shed_requests=self._shed_requests,
            stored=self._stored,
            failed=self._failed,
            queued=self._queued(),
            uploading=self._uploading,
            peak_uploading=self._peak_uploading,
            peak_queued=self._peak_queued,
        )


class NaiveSpawner(Dispatcher):
    """One new task per payload: never refuses, never waits, never bounded."""

    mode: Mode = "naive"

    def __init__(self, store: DirectoryStore, nursery: trio.Nursery) -> None:
        super().__init__(store)
        self._nursery = nursery
        self._spawned = 0

    async def submit(self, payloads: Sequence[bytes]) -> bool:
        await trio.lowlevel.checkpoint()
        for content in payloads:
            self._nursery.start_soon(self._upload, content, f"spawn-{self._spawned}")
            self._spawned += 1
        self._accepted += len(payloads)
        return True


class _Queued(Dispatcher):
    def __init__(self, store: DirectoryStore, send: trio.MemorySendChannel[bytes]) -> None:
        super().__init__(store)
        self._send = send
        self.capacity = send.statistics().max_buffer_size

    def _queued(self) -> int:
        return self._send.statistics().current_buffer_used

    def _note_queue(self) -> None:
        self._peak_queued = max(self._peak_queued, self._send.statistics().current_buffer_used)

    async def _work(self, receive: trio.MemoryReceiveChannel[bytes], name: str) -> None:
        async with receive:
            async for content in receive:
                await self._upload(content, name)


class SingleProcessor(_Queued):
    """A bounded queue in front of one upload task; ``submit`` waits while the queue is full."""

    mode: Mode = "single"

    async def submit(self, payloads: Sequence[bytes]) -> bool:
        for content in payloads:
            await self._send.send(content)
            self._accepted += 1
            self._note_queue()
        return True


class WorkerPool(_Queued):
    """``max_workers`` tasks on one bounded queue; a request that does not fit is shed whole."""

    mode: Mode = "pool"

    def __init__(self, store: DirectoryStore, send: trio.MemorySendChannel[bytes], workers: int) -> None:
        super().__init__(store, send)
        self.capacity = self.capacity + workers

    def room(self) -> float:
        """How many payloads ``submit_nowait`` would admit now: free buffer slots plus idle workers."""
        stats = self._send.statistics()
        return stats.max_buffer_size - stats.current_buffer_used + stats.tasks_waiting_receive

    def submit_nowait(self, payloads: Sequence[bytes]) -> None:
        """Admit all of ``payloads`` now, or none and raise ``trio.WouldBlock`` when they do not fit."""
        if len(payloads) > self.room():
            self._shed += len(payloads)
            self._shed_requests += 1
            raise trio.WouldBlock
        for content in payloads:  # no checkpoint in this loop: nothing else runs until it ends
            self._send.send_nowait(content)
        self._accepted += len(payloads)
        self._note_queue()

    async def submit(self, payloads: Sequence[bytes]) -> bool:
        await trio.lowlevel.checkpoint()
        try:
            self.submit_nowait(payloads)
        except (trio.WouldBlock, trio.ClosedResourceError):
            return False
        return True


@asynccontextmanager
async def open_dispatcher(mode: Mode, store: DirectoryStore, settings: Settings) -> AsyncIterator[Dispatcher]:
    """Run a dispatcher of ``mode`` until the block ends, then store everything it admitted.

    ``"pool"`` uses ``settings.max_workers`` workers and ``settings.max_queue``
    slots; ``"single"`` one worker and ``settings.max_queue`` slots; ``"naive"``
    neither. Worker tasks are named ``worker-0``, ``worker-1``, ...
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    async with trio.open_nursery() as nursery:
        if mode == "naive":
            yield NaiveSpawner(store, nursery)
            return
        send, receive = trio.open_memory_channel[bytes](settings.max_queue)
        dispatcher: _Queued
        if mode == "single":
            dispatcher = SingleProcessor(store, send)
            workers = 1
        else:
            dispatcher = WorkerPool(store, send, settings.max_workers)
            workers = settings.max_workers
        async with receive:
            for index in range(workers):
                name = f"worker-{index}"
                nursery.start_soon(dispatcher._work, receive.clone(), name, name=name)
        async with send:
            yield dispatcher
