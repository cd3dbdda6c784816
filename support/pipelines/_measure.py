"""The same pipeline written five ways, timed side by side: what the fast path buys.

Peers: (a) plain trio memory channels, one ``send``/``receive`` per item; (b)
``asyncio.Queue(maxsize=100)``; (c) anyio memory object streams on the trio
backend; then :func:`support.collect` (fast path, and batched), each with
channels of ``QUEUE`` = 100 slots.
``benchmarks/pipelines.py`` runs :func:`measure_pipelines` on 200k items;
the chapter runs it on a small workload for its plot.

Taught in the chapter ``pipelines``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import statistics
import time
from collections.abc import Callable
from typing import Any

import anyio
import trio

from support._validate import check_int
from support.pipelines._chain import stage
from support.pipelines._pipeline import collect

QUEUE = 100  # asyncio.Queue(maxsize=100); every peer (and Go's, in benchmarks/go_peers.py) gets this room per channel
BATCH = 256


def add_one(x: int) -> int:
    return x + 1


def double(x: int) -> int:
    return x * 2


def minus_three(x: int) -> int:
    return x - 3


TRANSFORMS = (add_one, double, minus_three)
_DONE = object()


async def plain_trio(n: int) -> list[int]:
    """One ``await send``/``await receive`` per item per hop: a checkpoint every time."""
    out: list[int] = []
    chans = [trio.open_memory_channel[int](QUEUE) for _ in range(len(TRANSFORMS) + 1)]

    async def source(send: trio.MemorySendChannel[int]) -> None:
        async with send:
            for i in range(n):
                await send.send(i)

    async def step(fn: Callable[[int], int], receive: trio.MemoryReceiveChannel[int],
                   send: trio.MemorySendChannel[int]) -> None:
        async with receive, send:
            async for x in receive:
                await send.send(fn(x))

    async with trio.open_nursery() as nursery:
        nursery.start_soon(source, chans[0][0])
        for i, fn in enumerate(TRANSFORMS):
            nursery.start_soon(step, fn, chans[i][1], chans[i + 1][0])
        async with chans[-1][1] as receive:
            async for x in receive:
                out.append(x)
    return out


async def asyncio_queue(n: int) -> list[int]:
    """The same chain on ``asyncio.Queue(maxsize=100)``; ``put``/``get`` yield only when they must wait."""
    queues: list[asyncio.Queue[Any]] = [asyncio.Queue(maxsize=QUEUE) for _ in range(len(TRANSFORMS) + 1)]
    out: list[int] = []

    async def source() -> None:
        for i in range(n):
            await queues[0].put(i)
        await queues[0].put(_DONE)

    async def step(fn: Callable[[int], int], get: asyncio.Queue[Any], put: asyncio.Queue[Any]) -> None:
        while (x := await get.get()) is not _DONE:
            await put.put(fn(x))
        await put.put(_DONE)

    async def sink() -> None:
        while (x := await queues[-1].get()) is not _DONE:
            out.append(x)

    steps = [step(fn, queues[i], queues[i + 1]) for i, fn in enumerate(TRANSFORMS)]
    await asyncio.gather(source(), *steps, sink())
    return out


async def anyio_streams(n: int) -> list[int]:
    """The same chain on anyio memory object streams (run on the trio backend)."""
    out: list[int] = []
    streams = [anyio.create_memory_object_stream[int](QUEUE) for _ in range(len(TRANSFORMS) + 1)]

    async def source(send: anyio.abc.ObjectSendStream[int]) -> None:
        async with send:
            for i in range(n):
                await send.send(i)

    async def step(fn: Callable[[int], int], receive: anyio.abc.ObjectReceiveStream[int],
                   send: anyio.abc.ObjectSendStream[int]) -> None:
        async with receive, send:
            async for x in receive:
                await send.send(fn(x))

    async with anyio.create_task_group() as tg:
        tg.start_soon(source, streams[0][0])
        for i, fn in enumerate(TRANSFORMS):
            tg.start_soon(step, fn, streams[i][1], streams[i + 1][0])
        async with streams[-1][1] as receive:
            async for x in receive:
                out.append(x)
    return out


async def ours(n: int, batch: int | None = None) -> list[int]:
    """``support.collect`` over the same three transforms, one worker each, channels of ``QUEUE`` messages."""
    chain = stage(add_one).then(stage(double)).then(stage(minus_three))
    return await collect(range(n), chain, buffer=QUEUE, batch=batch)


RUNNERS: dict[str, Callable[[int], list[int]]] = {
    "plain trio": lambda n: trio.run(plain_trio, n),
    "asyncio.Queue(100)": lambda n: asyncio.run(asyncio_queue(n)),
    "anyio streams (trio)": lambda n: anyio.run(anyio_streams, n, backend="trio"),
    "support (fast path)": lambda n: trio.run(ours, n),
    f"support (batch={BATCH})": lambda n: trio.run(ours, n, BATCH),
}


def measure_pipelines(n: int = 20_000, repeat: int = 3) -> dict[str, float]:
    """Items per second of each implementation over ``n`` items: the median of ``repeat`` rounds.

    Mental model: the same 3-stage chain of trivial integer transforms, run
    by each implementation in turn, in this process. The first round checks
    every result and is not timed. Rounds interleave the
    implementations, so a burst of load on this shared machine hits them alike.
    It all runs in a fresh thread, because ``asyncio.run`` refuses to start
    where an event loop already runs (as in a Jupyter kernel). Taught in the
    chapter ``pipelines``.
    """
    check_int(n, "n", minimum=1)
    check_int(repeat, "repeat", minimum=1)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_measure, n, repeat).result()


def _measure(n: int, repeat: int) -> dict[str, float]:
    expected = [minus_three(double(add_one(i))) for i in range(n)]
    for name, fn in RUNNERS.items():
        if sorted(fn(n)) != expected:
            raise AssertionError(f"{name} produced wrong results")
    times: dict[str, list[float]] = {name: [] for name in RUNNERS}
    for _ in range(repeat):
        for name, fn in RUNNERS.items():
            start = time.perf_counter()
            fn(n)
            times[name].append(time.perf_counter() - start)
    return {name: n / statistics.median(t) for name, t in times.items()}
