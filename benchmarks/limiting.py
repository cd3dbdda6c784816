"""Limiting: throughput of every way to bound concurrency, trio beside asyncio, anyio and Go; memory per task.

One run, one workload: 100,000 jobs (20,000 quick), 64 at a time, each a
zero-length checkpoint (``trio.lowlevel.checkpoint``, ``asyncio.sleep(0)``,
``runtime.Gosched``), so what is timed is the bounding itself. The trio
approaches and the asyncio/anyio peers run in interleaved rounds and report
medians; Go's program ``limiting/bench`` (built and run by this command, one
thread) reports its own medians. Two more trio workloads: 20,000 jobs of a
1 ms sleep on the virtual clock, and 10,000 of a 1 ms sleep on the real clock.

Memory: each approach runs 100,000 one-second jobs (virtual time) in a child
process; tracemalloc's peak above the baseline, and the growth of the peak
RSS in a run without tracemalloc. Bytes per parked task: 100,000 tasks waiting
on one event (trio, asyncio; tracemalloc) or goroutines on one channel (Go;
``runtime.ReadMemStats``).
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from benchmarks._common import Figure, paused_gc
from support.limiting import (
    APPROACHES,
    PEERS,
    JobKind,
    bytes_per_parked_task,
    go_tasks_per_second,
    measure_in_child,
    tasks_per_second,
)

_LIMIT = 64


def _key(name: str) -> str:
    return name.replace(".", "_").replace(" ", "_").lower()


def _rates(contenders: list[str], tasks: int, rounds: int, job: JobKind = "checkpoint") -> dict[str, float]:
    """Median tasks/s per contender, rounds interleaved so that load drifts hit all alike."""
    seen: dict[str, list[float]] = defaultdict(list)
    for name in contenders:
        tasks_per_second(name, min(tasks, 5_000), _LIMIT, job)  # warm-up
    for _ in range(rounds):
        for name in contenders:
            with paused_gc():
                seen[name].append(tasks_per_second(name, tasks, _LIMIT, job))
    return {name: statistics.median(values) for name, values in seen.items()}


def run(quick: bool = False) -> list[Figure]:
    tasks, rounds = (20_000, 3) if quick else (100_000, 3)
    figures: list[Figure] = []
    note = f"{tasks:,} checkpoint jobs, {_LIMIT} at a time, median of {rounds}"
    rates = _rates([*APPROACHES, *PEERS], tasks, rounds)
    for name, rate in rates.items():
        figures.append(Figure(f"limiting.tasks_per_s.{_key(name)}", rate, "tasks/s", note))
    go_rates, go_parked = go_tasks_per_second(tasks, _LIMIT, rounds=rounds)
    for name, rate in go_rates.items():
        figures.append(Figure(f"limiting.tasks_per_s.go_{name}", rate, "tasks/s", note + ", GOMAXPROCS=1"))
    virtual = 5_000 if quick else 20_000
    for name, rate in _rates(list(APPROACHES), virtual, rounds, "virtual sleep").items():
        figures.append(Figure(f"limiting.tasks_per_s_virtual_sleep.{_key(name)}", rate, "tasks/s",
                              f"{virtual:,} jobs of a 1 ms virtual sleep, {_LIMIT} at a time"))
    real = 2_000 if quick else 10_000
    for name, rate in _rates(list(APPROACHES), real, 3, "real sleep").items():
        figures.append(Figure(f"limiting.tasks_per_s_real_sleep.{_key(name)}", rate, "tasks/s",
                              f"{real:,} jobs of a 1 ms real sleep, {_LIMIT} at a time"))

    unbounded = rates["unbounded"]
    figures += [
        Figure("limiting.pool_vs_unbounded_speed", rates["shared iterator"] / unbounded, "x",
               f"{_LIMIT} workers over a shared iterator / start_soon per job, trio", goal=2.0),
        Figure("limiting.channel_pool_vs_unbounded_speed", rates["workers"] / unbounded, "x",
               f"{_LIMIT} workers on a memory channel / start_soon per job, trio"),
        Figure("limiting.capacity_limiter_vs_asyncio_semaphore", rates["capacity limiter"] / rates["asyncio.Semaphore"],
               "x", "trio.CapacityLimiter before start_soon / asyncio.Semaphore before create_task"),
        Figure("limiting.capacity_limiter_vs_anyio_limiter", rates["capacity limiter"] / rates["anyio.CapacityLimiter"],
               "x", "trio.CapacityLimiter / anyio.CapacityLimiter (asyncio backend)"),
        Figure("limiting.go_workers_vs_trio_pool_speed", go_rates["workers"] / rates["shared iterator"], "x",
               "Go's fixed workers (1 thread) / trio's shared-iterator pool"),
    ]

    memory_tasks = 20_000 if quick else 100_000
    uses = {a: measure_in_child(a, memory_tasks, None if a == "unbounded" else _LIMIT) for a in APPROACHES}
    for name, use in uses.items():
        figures.append(Figure(f"limiting.peak_mib.{_key(name)}", use.peak_bytes / 2**20, "MiB",
                              f"tracemalloc peak above baseline, {memory_tasks:,} one-second jobs, "
                              f"most alive {use.most_alive:,}"))
        figures.append(Figure(f"limiting.rss_growth_mib.{_key(name)}", (use.rss_bytes or 0) / 2**20, "MiB",
                              "peak RSS growth in a run without tracemalloc (child process)"))
    figures.append(Figure("limiting.memory_ratio_unbounded_vs_pool",
                          uses["unbounded"].peak_bytes / uses["workers"].peak_bytes, "x",
                          f"tracemalloc peak, unbounded / {_LIMIT} workers on a channel, {memory_tasks:,} jobs; "
                          f"RSS growth {(uses['unbounded'].rss_bytes or 0) / 2**20:.0f} MiB vs "
                          f"{(uses['workers'].rss_bytes or 0) / 2**20:.1f} MiB"))

    parked = 20_000 if quick else 100_000
    trio_bytes = bytes_per_parked_task(parked, "trio")
    asyncio_bytes = bytes_per_parked_task(parked, "asyncio")
    figures += [
        Figure("limiting.bytes_per_task.trio", trio_bytes, "B", f"{parked:,} tasks parked on one trio.Event"),
        Figure("limiting.bytes_per_task.asyncio", asyncio_bytes, "B", f"{parked:,} tasks parked on one asyncio.Event"),
        Figure("limiting.bytes_per_task.go", go_parked, "B",
               f"{tasks:,} goroutines parked on a channel (stack + heap in use)"),
        Figure("limiting.bytes_per_task_vs_go", trio_bytes / go_parked, "x", "trio bytes per parked task / Go's"),
    ]
    return figures
