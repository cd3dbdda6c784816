"""Measure the fast path of each Once after it is done, and the slow path under contention.

Mental model: after the first call, a Once costs whatever its fast path
costs, so each contender is timed over ``calls`` calls of an already-done
Once, in rounds that alternate the contenders (so load on a shared machine
hits them alike), and the median round is kept. Every timing loop makes
:data:`UNROLL` calls per iteration, written out, so the ``for`` loop's own
cost is spread over ten calls instead of added to each (``trio.Lock``'s,
microseconds a call, keeps a plain loop); nothing is subtracted, and
:func:`measure_loop` reports what an empty iteration costs.
``trio.Lock`` is the peer for the async Once: a lock taken on every call,
version 1's shape. The slow path is timed on a fresh Once per round, with 8
threads (behind a barrier) or 8 trio tasks all calling at once. Taught in
the chapter ``once``.
"""

from __future__ import annotations

import functools
import gc
import statistics
import threading
import time
from collections.abc import Callable

import trio

from support.once._async import AsyncOnce
from support.once._threads import LockedOnce, ThreadOnce

FAST_PATHS = ("threads: lock every call", "threads: ThreadOnce", "threads: functools.cache",
              "trio: trio.Lock every call", "trio: await once.do()", "trio: once.get_nowait()")


def _value() -> int:
    return 1


async def _avalue() -> int:
    return 1


UNROLL = 10  # calls per iteration of every timing loop


def _thread_loop(make: Callable[[], LockedOnce | ThreadOnce] | None, calls: int,
                 threads: int) -> Callable[[], float]:
    """Time ``threads`` threads each making ``calls`` // ``threads`` calls at once; seconds, scaled to ``calls``.

    With ``make=None`` the contender is a ``functools.cache``-wrapped init function.
    """
    each = max(1, calls // (threads * UNROLL))
    if make is None:
        init = functools.cache(_value)
        init()

        def work(barrier: threading.Barrier, n: int = each) -> None:
            barrier.wait()
            for _ in range(n):
                init(); init(); init(); init(); init()  # noqa: E702
                init(); init(); init(); init(); init()  # noqa: E702
    else:
        once = make()
        once.do(_value)

        def work(barrier: threading.Barrier, n: int = each) -> None:
            o, f = once, _value
            barrier.wait()
            for _ in range(n):
                o.do(f); o.do(f); o.do(f); o.do(f); o.do(f)  # noqa: E702
                o.do(f); o.do(f); o.do(f); o.do(f); o.do(f)  # noqa: E702

    return _threaded(work, calls, each * threads * UNROLL, threads)


def _threaded(work: Callable[[threading.Barrier], None], calls: int, made: int,
              threads: int) -> Callable[[], float]:
    def timed() -> float:
        barrier = threading.Barrier(threads + 1)
        workers = [threading.Thread(target=work, args=(barrier,)) for _ in range(threads)]
        for worker in workers:
            worker.start()
        barrier.wait()
        start = time.perf_counter()
        for worker in workers:
            worker.join()
        return (time.perf_counter() - start) * calls / made

    return timed


def measure_loop(iterations: int = 160_000, rounds: int = 21, threads: int = 8) -> float:
    """Median nanoseconds of one empty iteration of the thread contenders' loop, with ``threads`` threads.

    Each iteration of a contender's loop makes :data:`UNROLL` calls; this is
    the share of the loop in them, reported beside the figures and never
    subtracted from them.
    """
    if min(iterations, rounds, threads) < 1:
        raise ValueError(f"iterations, rounds and threads must be >= 1, got {iterations}, {rounds}, {threads}")
    each = max(1, iterations // threads)

    def work(barrier: threading.Barrier, n: int = each) -> None:
        barrier.wait()
        for _ in range(n):
            pass

    timed = _threaded(work, 1, each * threads, threads)
    timed()  # warm-up
    return statistics.median(timed() for _ in range(rounds)) * 1e9


def _trio_loops(calls: int) -> dict[str, Callable[[], float]]:
    n = max(1, calls // UNROLL)

    async def lock_every_call() -> float:  # microseconds a call: a plain loop, its cost is noise here
        lock, done = trio.Lock(), True
        start = time.perf_counter()
        for _ in range(calls):
            async with lock:
                _ = done
        return time.perf_counter() - start

    async def await_do() -> float:
        once: AsyncOnce[int] = AsyncOnce()
        f = _avalue
        await once.do(f)
        start = time.perf_counter()
        for _ in range(n):
            await once.do(f); await once.do(f); await once.do(f); await once.do(f)  # noqa: E702
            await once.do(f); await once.do(f); await once.do(f); await once.do(f)  # noqa: E702
            await once.do(f); await once.do(f)  # noqa: E702
        return (time.perf_counter() - start) * calls / (n * UNROLL)

    async def nowait() -> float:
        once: AsyncOnce[int] = AsyncOnce()
        await once.do(_avalue)
        start = time.perf_counter()
        for _ in range(n):
            once.get_nowait(); once.get_nowait(); once.get_nowait(); once.get_nowait()  # noqa: E702
            once.get_nowait(); once.get_nowait(); once.get_nowait(); once.get_nowait()  # noqa: E702
            once.get_nowait(); once.get_nowait()  # noqa: E702
        return (time.perf_counter() - start) * calls / (n * UNROLL)

    return {FAST_PATHS[3]: lambda: trio.run(lock_every_call), FAST_PATHS[4]: lambda: trio.run(await_do),
            FAST_PATHS[5]: lambda: trio.run(nowait)}


def measure_fast_paths(calls: int = 16_000, rounds: int = 21, threads: int = 8,
                       trio_calls: int = 2_000) -> dict[str, list[float]]:
    """Nanoseconds per call of each contender in :data:`FAST_PATHS` after the Once is done, one per round.

    The thread contenders split ``calls`` over ``threads`` threads calling at
    once (the GIL interleaves them, and a thread switched out while holding
    version 1's lock makes the others wait); the trio contenders make
    ``trio_calls`` calls in one task. Round ``i`` of every contender ran back to back,
    so ``a[i] / b[i]`` is a paired ratio; take medians of those.
    """
    if min(calls, rounds, threads, trio_calls) < 1:
        raise ValueError(f"calls, rounds, threads and trio_calls must be >= 1, got {calls}, {rounds}, {threads}, "
                         f"{trio_calls}")
    loops = {FAST_PATHS[0]: _thread_loop(LockedOnce, calls, threads),
             FAST_PATHS[1]: _thread_loop(ThreadOnce, calls, threads),
             FAST_PATHS[2]: _thread_loop(None, calls, threads), **_trio_loops(trio_calls)}
    samples: dict[str, list[float]] = {name: [] for name in loops}
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for loop in loops.values():
            loop()  # warm-up
        for _ in range(rounds):
            for name, loop in loops.items():
                samples[name].append(loop())
    finally:
        if was_enabled:
            gc.enable()
    per_call = {name: calls if name.startswith("threads") else trio_calls for name in loops}
    return {name: [t / per_call[name] * 1e9 for t in times] for name, times in samples.items()}


def paired_ratio(slow: list[float], fast: list[float]) -> float:
    """The median of the per-round ratios ``slow[i] / fast[i]``."""
    if len(slow) != len(fast) or not slow:
        raise ValueError("paired samples must have the same, non-zero length")
    return statistics.median(s / f for s, f in zip(slow, fast, strict=True))


def measure_contention(workers: int = 8, rounds: int = 50) -> dict[str, float]:
    """Median microseconds for ``workers`` threads, or trio tasks, to get through a fresh Once's slow path."""
    if workers < 1 or rounds < 1:
        raise ValueError(f"workers and rounds must be >= 1, got {workers}, {rounds}")
    thread_times, task_times = [], []
    for _ in range(rounds):
        once, barrier = ThreadOnce(), threading.Barrier(workers + 1)
        ends: list[float] = []

        def call(once: ThreadOnce = once, barrier: threading.Barrier = barrier, ends: list[float] = ends) -> None:
            barrier.wait()
            once.do(_value)
            ends.append(time.perf_counter())

        threads = [threading.Thread(target=call) for _ in range(workers)]
        for t in threads:
            t.start()
        start = time.perf_counter()
        barrier.wait()
        for t in threads:
            t.join()
        thread_times.append(max(ends) - start)

        async def tasks() -> float:
            once: AsyncOnce[int] = AsyncOnce()
            async with trio.open_nursery() as nursery:
                for _ in range(workers):
                    nursery.start_soon(once.do, _avalue)
                start = time.perf_counter()
            return time.perf_counter() - start

        task_times.append(trio.run(tasks))
    return {f"{workers} threads, ThreadOnce": statistics.median(thread_times) * 1e6,
            f"{workers} trio tasks, AsyncOnce": statistics.median(task_times) * 1e6}
