"""What the book's runtime costs: ``support.run`` (and its trace) against plain ``trio.run``.

Workload: 10 producers and 10 consumers pass 20k items through one buffered
memory channel, in virtual time. The same program runs under plain trio with
a MockClock, under ``support.run`` (fixed schedule, deadlock watch), and under
``support.run`` with a :class:`support.Trace` recording every step.
"""

from __future__ import annotations

from collections.abc import Callable

import trio
import trio.testing

from benchmarks._common import Figure, median_seconds
from support import Trace, run as support_run


async def _channel_workload(items: int) -> None:
    send, receive = trio.open_memory_channel[int](16)

    async def producer(s: trio.MemorySendChannel[int], n: int) -> None:
        async with s:
            for i in range(n):
                await s.send(i)

    async def consumer(r: trio.MemoryReceiveChannel[int]) -> None:
        async with r:
            async for _ in r:
                pass

    async with trio.open_nursery() as nursery:
        for _ in range(10):
            nursery.start_soon(producer, send.clone(), items // 10)
            nursery.start_soon(consumer, receive.clone())
        await send.aclose()
        await receive.aclose()


def run(quick: bool = False) -> list[Figure]:
    return measure(5_000 if quick else 20_000, repeat=3 if quick else 7)


def measure(items: int, repeat: int) -> list[Figure]:
    def plain() -> None:
        trio.run(_channel_workload, items, clock=trio.testing.MockClock(autojump_threshold=0))

    def ours() -> None:
        support_run(_channel_workload, items)

    def traced() -> None:
        support_run(_channel_workload, items, trace=Trace())

    cases: dict[str, Callable[[], None]] = {"plain": plain, "ours": ours, "traced": traced}
    timings = {name: median_seconds(fn, repeat) for name, fn in cases.items()}
    return [
        Figure("runtime.items_per_s", items / timings["ours"], "items/s",
               f"support.run, 20 tasks, {items:,} items through one channel"),
        Figure("runtime.vs_plain_trio", timings["plain"] / timings["ours"], "x",
               "speed of support.run over plain trio.run (fixed schedule + deadlock watch)", goal=0.7),
        Figure("runtime.traced_vs_plain_trio", timings["plain"] / timings["traced"], "x",
               "speed with a Trace recording every step, over plain trio.run"),
    ]

