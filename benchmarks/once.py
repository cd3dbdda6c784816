"""Once: the fast path of each version after ``Do`` has completed, the slow path under contention, and Go.

The contenders live in ``support/once/_measure.py`` (the chapter plots a short
run of the same code): version 1 (a ``threading.Lock`` on every call),
``ThreadOnce`` (the final version: a flag read, then return) and a
``functools.cache``-wrapped init function, each called from 8 threads at once; ``trio.Lock`` taken on every call against
``AsyncOnce``'s ``await once.do()`` and ``get_nowait()`` in one trio task; and
Go's ``sync.Once.Do`` after done, from ``testing.Benchmark`` in
``chapters/go/once/bench``, built and run by this same command. Ratios are
medians of per-round paired ratios (rounds alternate the contenders).

Every nanosecond-scale loop makes ten calls per iteration, written out
(``support.once.UNROLL``), so the ``for`` loop's own cost is spread over ten
calls rather than added to each, alike for every contender; nothing is
subtracted, and ``once.loop_ns_per_iteration`` reports what an empty
iteration costs with 8 threads.
"""

from __future__ import annotations

import statistics

from benchmarks._common import Figure
from support import FAST_PATHS, measure_contention, measure_fast_paths, paired_ratio
from support.once import UNROLL, go_once_ns_per_call, measure_loop

_KEY = dict(zip(FAST_PATHS, ("threads_lock_every_call", "threads_thread_once", "threads_functools_cache",
                              "trio_lock_every_call", "trio_await_do", "trio_get_nowait"), strict=True))


def run(quick: bool = False) -> list[Figure]:
    calls, rounds = (40_000, 11) if quick else (160_000, 51)
    ns = measure_fast_paths(calls=calls, rounds=rounds, threads=8, trio_calls=2_000)
    lock, final, cache = (ns[name] for name in FAST_PATHS[:3])
    trio_lock, await_do, nowait = (ns[name] for name in FAST_PATHS[3:])
    figures = [
        Figure("once.fast_path_vs_lock_every_call", paired_ratio(lock, final), "x",
               f"8 threads, {calls:,} calls a round ({UNROLL} an iteration), {rounds} rounds: "
               "lock every call / ThreadOnce", goal=6.0),
        Figure("once.functools_cache_vs_lock_every_call", paired_ratio(lock, cache), "x",
               "the same, with a functools.cache-wrapped init function (a C-level call)"),
        Figure("once.nowait_vs_trio_lock", paired_ratio(trio_lock, nowait), "x",
               "trio.Lock acquire/release per call / AsyncOnce.get_nowait() after done", goal=5.0),
        Figure("once.async_do_vs_trio_lock", paired_ratio(trio_lock, await_do), "x",
               "trio.Lock per call / await AsyncOnce.do() after done (both checkpoint)"),
    ]
    figures += [Figure(f"once.ns_per_call.{_KEY[name]}", statistics.median(ns[name]), "ns", name)
                for name in FAST_PATHS]
    figures.append(Figure("once.loop_ns_per_iteration", measure_loop(calls, rounds=21 if quick else 51), "ns",
                          f"an empty iteration of the 8-thread loop (which makes {UNROLL} calls): not subtracted"))
    figures.append(Figure("once.go_ns_per_call", go_once_ns_per_call(), "ns", "Go sync.Once.Do after done"))
    for name, micros in measure_contention(workers=8, rounds=20 if quick else 100).items():
        key = "threads" if "threads" in name else "tasks"
        figures.append(Figure(f"once.slow_path_us.{key}", micros, "us", f"fresh Once, {name}, all calling at once"))
    return figures
