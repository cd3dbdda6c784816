"""Pipelines: a 3-stage chain of trivial transforms over 200k items, ours against three peers and Go.

The Python implementations live in ``support/pipelines/_measure.py`` (the
chapter plots a small run of the same code): (a) plain trio memory channels
with one ``send``/``receive`` per item; (b) ``asyncio.Queue(maxsize=100)``;
(c) anyio memory object streams on the trio backend; ours is
``support.collect`` (fast path: ``*_nowait`` with a checkpoint every 256
items), and its batched mode as the stretch figure. Every channel has 100
slots (in batched mode, 100 batches). Rounds interleave the implementations;
every result is checked before anything is timed.

The Go peer is ``chapters/go/pipelines/bench`` (the same transforms, channels
of 100 slots, its sum checked before it times), built and run here by
:func:`benchmarks.go_peers.go_pipeline_rate` at ``GOMAXPROCS`` 1 and 2. Go
and ours are timed in pairs, back to back: this shared host's speed drifts
from minute to minute, so a ratio of two rates taken a minute apart is mostly
drift. Each pair gives a ratio against Go's better setting in that
pair; the figure is the median over the pairs, and Go's median rate at each
setting is printed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from benchmarks._common import Figure
from benchmarks.go_peers import go_pipeline_rate, go_programs_run
from support import measure_pipelines
from support.pipelines._measure import BATCH, QUEUE, RUNNERS, TRANSFORMS

ITEMS = 200_000
GOMAXPROCS = (1, 2)
PAIRS = 7  # Go beside ours, back to back; the ratio is the median over the pairs
FAST, BATCHED = "support (fast path)", f"support (batch={BATCH})"


def _rate(runner: Callable[[int], list[int]], n: int, repeat: int) -> float:
    """Items/s: the median of ``repeat`` runs, GC left on as in the peer rounds (Go's collector runs too)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        runner(n)
        times.append(time.perf_counter() - start)
    return n / statistics.median(times)


def _one_loop(n: int) -> list[int]:
    """The ceiling for a batched chain in Python: the same transforms over BATCH-item lists, no tasks, no channels."""
    out: list[int] = []
    for start in range(0, n, BATCH):
        part = list(range(start, min(n, start + BATCH)))
        for fn in TRANSFORMS:
            part = [fn(x) for x in part]
        out.extend(part)
    return out


def _go_pairs(n: int, pairs: int) -> tuple[dict[int, float], list[float], int]:
    """Go's median rate per GOMAXPROCS; ours/Go, medians of per-pair ratios (fast, batched, one loop); Go's best."""
    go: dict[int, list[float]] = {p: [] for p in GOMAXPROCS}
    ratios: list[list[float]] = [[], [], []]
    if _one_loop(n) != sorted(RUNNERS[BATCHED](n)):  # sorted, as measure_pipelines checks every peer
        raise AssertionError("the one-loop ceiling produced other results than the pipeline")

    def ours() -> tuple[float, float, float]:
        return _rate(RUNNERS[FAST], n, 3), _rate(RUNNERS[BATCHED], n, 5), _rate(_one_loop, n, 5)

    for i in range(pairs):
        if i % 2:  # every other pair runs ours first, so drift within a pair cancels too
            mine, rates = ours(), go_pipeline_rate(n, buffer=QUEUE, procs=GOMAXPROCS)
        else:
            rates = go_pipeline_rate(n, buffer=QUEUE, procs=GOMAXPROCS)
            mine = ours()
        for p, r in rates.items():
            go[p].append(r)
        best = max(rates.values())
        for kept, rate in zip(ratios, mine, strict=True):
            kept.append(rate / best)
    medians = {p: statistics.median(r) for p, r in go.items()}
    return medians, [statistics.median(r) for r in ratios], max(medians, key=lambda p: medians[p])


def run(quick: bool = False) -> list[Figure]:
    n = 20_000 if quick else ITEMS
    rate = measure_pipelines(n, repeat=3)  # checks every result first, then times interleaved rounds
    pairs = 2 if quick else PAIRS
    go, (vs_go, batched_vs_go, loop_vs_go), best_procs = _go_pairs(n, pairs)
    peers = ", ".join(f"{k} {v:,.0f}/s" for k, v in rate.items())
    go_runs = ", ".join(f"GOMAXPROCS={p} {v:,.0f}/s" for p, v in go.items())
    return [
        Figure("pipeline.vs_asyncio_queue100", rate[FAST] / rate["asyncio.Queue(100)"], "x",
               "ours / asyncio.Queue(100), items/s", goal=1.0),
        Figure("pipeline.vs_plain_trio", rate[FAST] / rate["plain trio"], "x",
               "ours / plain trio memory channels, items/s", goal=15.0),
        Figure("pipeline.items_per_s", rate[FAST], "items/s", f"{n:,} items, 3 stages; {peers}"),
        Figure("pipeline.vs_anyio_streams", rate[FAST] / rate["anyio streams (trio)"], "x",
               "ours / anyio memory object streams on trio, items/s"),
        Figure("pipeline.batched_items_per_s", rate[BATCHED], "items/s", f"stretch: batch={BATCH}", goal=1_000_000),
        Figure("pipeline.go_items_per_s", go[best_procs], "items/s",
               f"Go channels, median of {pairs} pairs: {go_runs}"),
        Figure("pipeline.vs_go", vs_go, "x",
               f"ours (fast path) / Go's better GOMAXPROCS, median of {pairs} back-to-back pairs"),
        Figure("pipeline.batched_vs_go", batched_vs_go, "x",
               f"ours (batch={BATCH}) / Go's better GOMAXPROCS, median of {pairs} back-to-back pairs", goal=0.8),
        Figure("pipeline.one_loop_vs_go", loop_vs_go, "x",
               f"no pipeline: the transforms over {BATCH}-item lists in one loop / Go, the same pairs (a ceiling)"),
        Figure("bench.go_programs", go_programs_run(), "programs",
               f"Go peers built and run by this bench run (pipelines/bench at GOMAXPROCS {GOMAXPROCS})"),
    ]
