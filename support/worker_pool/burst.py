"""A burst of requests against a dispatcher, in virtual time, without HTTP: the notes' story made countable.

Mental model: ``requests`` clients arrive ``gap`` seconds apart; each calls
``dispatcher.submit`` with ``payloads`` payloads, exactly as the HTTP handler
does, and notes when its answer came and what it was (202 or 503). A sampler
records at 0, then every ``sample`` seconds from ``sample / 2`` on (off the
uploads' exact deadlines), how many upload tasks are alive and how many
payloads wait in the queue. Run it under :func:`support.run` and every number
is the same on every run: the store's latency is slept on the virtual clock.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

from dataclasses import dataclass

import trio

from support.worker_pool.dispatch import Dispatcher, Mode, open_dispatcher
from support.worker_pool.settings import Settings
from support.worker_pool.store import DirectoryStore, canonical_payload


@dataclass(frozen=True)
class BurstResult:
    """What a burst did: per request its answer and wait; over time the live tasks and queue depth."""

    mode: Mode
    answers: tuple[int, ...]
    waits: tuple[float, ...]
    times: tuple[float, ...]
    uploading: tuple[int, ...]
    queued: tuple[int, ...]
    stored: int
    finished_at: float


async def run_burst(
    mode: Mode,
    store: DirectoryStore,
    settings: Settings,
    *,
    requests: int = 20,
    payloads: int = 100,
    gap: float = 0.1,
    sample: float = 0.05,
) -> BurstResult:
    """Send the burst through a fresh dispatcher of ``mode``; return when every admitted payload is stored."""
    answers = [0] * requests
    waits = [0.0] * requests
    times: list[float] = []
    uploading: list[int] = []
    queued: list[int] = []
    start = trio.current_time()

    async def client(index: int, dispatcher: Dispatcher) -> None:
        await trio.sleep(index * gap)
        batch = [canonical_payload({"request": index, "n": n}) for n in range(payloads)]
        asked = trio.current_time()
        answers[index] = 202 if await dispatcher.submit(batch) else 503
        waits[index] = round(trio.current_time() - asked, 6)

    def note(dispatcher: Dispatcher) -> None:
        stats = dispatcher.statistics()
        times.append(round(trio.current_time() - start, 6))
        uploading.append(stats.uploading)
        queued.append(stats.queued)

    async def sampler(dispatcher: Dispatcher) -> None:
        note(dispatcher)
        await trio.sleep(sample / 2)  # then whole steps: samples fall between the uploads' exact deadlines
        while True:
            note(dispatcher)
            await trio.sleep(sample)

    async with trio.open_nursery() as watch:
        async with open_dispatcher(mode, store, settings) as dispatcher:
            watch.start_soon(sampler, dispatcher)
            async with trio.open_nursery() as clients:
                for index in range(requests):
                    clients.start_soon(client, index, dispatcher)
        finished_at = round(trio.current_time() - start, 6)  # the dispatcher has stored all it admitted
        note(dispatcher)
        watch.cancel_scope.cancel()
    return BurstResult(
        mode=mode,
        answers=tuple(answers),
        waits=tuple(waits),
        times=tuple(times),
        uploading=tuple(uploading),
        queued=tuple(queued),
        stored=dispatcher.statistics().stored,
        finished_at=finished_at,
    )
