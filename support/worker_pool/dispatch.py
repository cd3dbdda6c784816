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

A failed write is retried ``settings.retries`` times with doubling waits and
logged; what still fails is counted in ``failed``. A :class:`Ticket` passed to
``submit`` learns when each of its payloads is written, so a handler can
acknowledge after the write instead of after the queue.

Leaving :func:`open_dispatcher`, by any path (the block's end, an error, a
cancellation), closes the queue and stores what it holds, shielded from
cancellation, for at most ``settings.drain_timeout`` seconds (or until
:meth:`Dispatcher.abort_drain`); what it could not store is counted in
``unstored``.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Literal

import trio

from support.worker_pool.settings import Settings
from support.worker_pool.store import DirectoryStore, object_name

Mode = Literal["naive", "single", "pool"]
MODES: tuple[Mode, ...] = ("naive", "single", "pool")
_log = logging.getLogger("support.worker_pool")
_BATCH = 31  # extra jobs a worker takes without a checkpoint when the store has no latency


@dataclass(frozen=True)
class DispatchStatistics:
    """Payload counters of one dispatcher. ``uploading`` counts upload tasks busy right now.

    ``shed`` counts payloads refused by ``submit``; ``shed_requests`` counts refused
    requests, including those refused before parsing (their payloads were never counted).
    ``retried`` counts failed write attempts that were tried again, ``failed`` payloads
    given up on, ``unstored`` payloads still queued or uploading when the drain ended.
    """

    mode: Mode
    accepted: int
    shed: int
    shed_requests: int
    stored: int
    failed: int
    retried: int
    unstored: int
    queued: int
    uploading: int
    peak_uploading: int
    peak_queued: int


class Ticket:
    """One request's payloads on their way to the store: :meth:`wait` returns when all were tried."""

    def __init__(self, count: int) -> None:
        self.pending = count
        self.failed = 0
        self._done = trio.Event()

    def finish(self, stored: bool) -> None:
        """Note that one payload was stored (``True``) or given up on."""
        self.pending -= 1
        self.failed += not stored
        if self.pending <= 0:
            self._done.set()

    async def wait(self) -> None:
        """Wait until every payload of the request was stored or given up on."""
        await self._done.wait()


Job = tuple[bytes, Ticket | None]


class Dispatcher:
    """What the handler talks to. Subclasses decide how ``submit`` admits payloads."""

    mode: Mode
    #: The most payloads that one ``submit`` can ever have admitted at once.
    capacity: float = math.inf

    def __init__(self, store: DirectoryStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.assignments: list[tuple[str, str]] | None = None
        self._accepted = self._shed = self._shed_requests = self._stored = self._failed = 0
        self._retried = self._unstored = self._outstanding = 0
        self._uploading = self._peak_uploading = self._peak_queued = 0
        self._hold: trio.Event | None = None
        self._drained = trio.Event()
        self._closing = False
        self._drain_scope = trio.CancelScope()

    async def submit(self, payloads: Sequence[bytes], ticket: Ticket | None = None) -> bool:
        """Hand ``payloads`` on; ``True`` means all were admitted, ``False`` that none were."""
        raise NotImplementedError

    def room(self) -> float:
        """How many payloads ``submit`` would admit right now without waiting (``inf``: no limit)."""
        return math.inf

    def refuse_unparsed(self) -> None:
        """Count a request refused before its payloads were parsed (the handler saw too little room)."""
        self._shed_requests += 1

    def record_assignments(self) -> None:
        """From now on keep ``(worker name, object name)`` for every stored payload in ``assignments``."""
        self.assignments = []

    def hold_uploads(self) -> None:
        """Test hook: uploads wait from now on until the drain starts (to kill a server with a full queue)."""
        self._hold = trio.Event()

    def abort_drain(self) -> None:
        """Stop waiting for the queue to drain: what is left is counted in ``unstored``."""
        self._drain_scope.cancel()

    def _admitted(self, count: int) -> None:
        self._accepted += count
        self._outstanding += count

    async def _upload(self, content: bytes, worker: str, ticket: Ticket | None) -> None:
        self._uploading += 1
        self._peak_uploading = max(self._peak_uploading, self._uploading)
        outcome: bool | None = None  # None: cancelled before it was decided
        try:
            if self._hold is not None:
                await self._hold.wait()
            outcome = await self._write(content, worker)
        finally:
            self._uploading -= 1
            if outcome is not None:
                self._outstanding -= 1
                if ticket is not None:
                    ticket.finish(outcome)
                if self._closing and self._outstanding == 0:
                    self._drained.set()

    async def _write(self, content: bytes, worker: str) -> bool:
        attempt = 0
        while True:
            try:
                if self.store.latency == 0 and not self.store.offload:
                    name = self.store.write(content)  # no extra checkpoint: the worker's receive was one
                else:
                    name = await self.store.put(content)
            except OSError as error:
                if attempt >= self.settings.retries:
                    _log.error("gave up on %s after %d attempts: %s", object_name(content)[:16], attempt + 1, error)
                    self._failed += 1
                    return False
                wait = self.settings.retry_backoff * 2**attempt
                _log.warning("write failed (attempt %d), retrying in %.3f s: %s", attempt + 1, wait, error)
                self._retried += 1
                attempt += 1
                await trio.sleep(wait)
            except Exception:  # noqa: BLE001  # a bug in a store: logged, counted, never silent
                _log.exception("write of %s failed", object_name(content)[:16])
                self._failed += 1
                return False
            else:
                self._stored += 1
                if self.assignments is not None:
                    self.assignments.append((worker, name))
                return True

    def _queued(self) -> int:
        return 0

    def _close_queue(self) -> None:
        pass

    async def _drain(self, nursery: trio.Nursery) -> None:
        """Close the queue and store what it holds: shielded, bounded, abortable."""
        self._closing = True
        self._close_queue()
        if self._hold is not None:
            self._hold.set()
        if self._outstanding > 0:
            with trio.CancelScope(shield=True), self._drain_scope:
                self._drain_scope.deadline = trio.current_time() + self.settings.drain_timeout
                await self._drained.wait()
        if self._outstanding > 0:
            self._unstored = self._outstanding
            _log.error("stopped with %d admitted payloads not stored", self._unstored)
            nursery.cancel_scope.cancel()

    def statistics(self) -> DispatchStatistics:
        """A snapshot of the counters."""
        return DispatchStatistics(
            mode=self.mode,
            accepted=self._accepted,
            shed=self._shed,
            shed_requests=self._shed_requests,
            stored=self._stored,
            failed=self._failed,
            retried=self._retried,
            unstored=self._unstored,
            queued=self._queued(),
            uploading=self._uploading,
            peak_uploading=self._peak_uploading,
            peak_queued=self._peak_queued,
        )


class NaiveSpawner(Dispatcher):
    """One new task per payload: never refuses, never waits, never bounded."""

    mode: Mode = "naive"

    def __init__(self, store: DirectoryStore, settings: Settings, nursery: trio.Nursery) -> None:
        super().__init__(store, settings)
        self._nursery = nursery
        self._spawned = 0

    async def submit(self, payloads: Sequence[bytes], ticket: Ticket | None = None) -> bool:
        await trio.lowlevel.checkpoint()
        if self._closing:
            return False
        for content in payloads:
            self._nursery.start_soon(self._upload, content, f"spawn-{self._spawned}", ticket)
            self._spawned += 1
        self._admitted(len(payloads))
        return True


class _Queued(Dispatcher):
    def __init__(self, store: DirectoryStore, settings: Settings, send: trio.MemorySendChannel[Job]) -> None:
        super().__init__(store, settings)
        self._send = send
        self.capacity = send.statistics().max_buffer_size

    def _queued(self) -> int:
        return self._send.statistics().current_buffer_used

    def _close_queue(self) -> None:
        self._send.close()

    def _note_queue(self) -> None:
        self._peak_queued = max(self._peak_queued, self._send.statistics().current_buffer_used)

    async def _work(self, receive: trio.MemoryReceiveChannel[Job], name: str) -> None:
        inline = self.store.latency == 0 and not self.store.offload
        async with receive:
            async for content, ticket in receive:
                await self._upload(content, name, ticket)
                # A store without latency writes inline, without a checkpoint: take the jobs that
                # are already waiting too (up to a batch) before going back to the scheduler. This
                # saves one scheduler round trip per payload; the chapter's closing note measures it.
                for _ in range(_BATCH * inline):
                    try:
                        content, ticket = receive.receive_nowait()
                    except (trio.WouldBlock, trio.EndOfChannel):
                        break
                    await self._upload(content, name, ticket)


class SingleProcessor(_Queued):
    """A bounded queue in front of one upload task; ``submit`` waits while the queue is full."""

    mode: Mode = "single"

    async def submit(self, payloads: Sequence[bytes], ticket: Ticket | None = None) -> bool:
        for content in payloads:
            try:
                await self._send.send((content, ticket))
            except trio.ClosedResourceError:
                return False  # stopping: the payloads sent so far are admitted and will be stored
            self._admitted(1)
            self._note_queue()
        return True


class WorkerPool(_Queued):
    """``max_workers`` tasks on one bounded queue; a request that does not fit is shed whole."""

    mode: Mode = "pool"

    def __init__(
        self, store: DirectoryStore, settings: Settings, send: trio.MemorySendChannel[Job], workers: int
    ) -> None:
        super().__init__(store, settings, send)
        self.capacity = self.capacity + workers

    def room(self) -> float:
        """How many payloads ``submit_nowait`` would admit now: free buffer slots plus idle workers."""
        stats = self._send.statistics()
        return stats.max_buffer_size - stats.current_buffer_used + stats.tasks_waiting_receive

    def submit_nowait(self, payloads: Sequence[bytes], ticket: Ticket | None = None) -> None:
        """Admit all of ``payloads`` now, or none and raise ``trio.WouldBlock`` when they do not fit."""
        if self._closing or len(payloads) > self.room():
            self._shed += len(payloads)
            self._shed_requests += 1
            raise trio.WouldBlock
        for content in payloads:  # no checkpoint in this loop: nothing else runs until it ends
            self._send.send_nowait((content, ticket))
        self._admitted(len(payloads))
        self._note_queue()

    async def submit(self, payloads: Sequence[bytes], ticket: Ticket | None = None) -> bool:
        await trio.lowlevel.checkpoint()
        try:
            self.submit_nowait(payloads, ticket)
        except trio.WouldBlock:
            return False
        return True


@asynccontextmanager
async def open_dispatcher(mode: Mode, store: DirectoryStore, settings: Settings) -> AsyncIterator[Dispatcher]:
    """Run a dispatcher of ``mode`` until the block ends, then store everything it admitted.

    ``"pool"`` uses ``settings.max_workers`` workers and ``settings.max_queue``
    slots; ``"single"`` one worker and ``settings.max_queue`` slots; ``"naive"``
    neither. Worker tasks are named ``worker-0``, ``worker-1``, ... However the
    block ends, the drain runs (see the module's docstring).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    async with trio.open_nursery() as nursery:
        dispatcher: Dispatcher
        if mode == "naive":
            dispatcher = NaiveSpawner(store, settings, nursery)
        else:
            send, receive = trio.open_memory_channel[Job](settings.max_queue)
            workers = 1 if mode == "single" else settings.max_workers
            if mode == "single":
                dispatcher = SingleProcessor(store, settings, send)
            else:
                dispatcher = WorkerPool(store, settings, send, workers)
            async with receive:
                for index in range(workers):
                    name = f"worker-{index}"
                    nursery.start_soon(dispatcher._work, receive.clone(), name, name=name)
        try:
            yield dispatcher
        finally:
            await dispatcher._drain(nursery)
