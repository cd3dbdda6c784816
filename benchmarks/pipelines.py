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
:func:`benchmarks.go_peers.go_pipeline_rate` at ``GOMAXPROCS`` 1 and 2 right
after the Python rounds; the ratios use Go's better setting, and both are
printed.
"""

from __future__ import annotations

from benchmarks._common import Figure
from benchmarks.go_peers import go_pipeline_rate, go_programs_run
from support import measure_pipelines
from support.pipelines._measure import BATCH, QUEUE

ITEMS = 200_000
GOMAXPROCS = (1, 2)


def run(quick: bool = False) -> list[Figure]:
    n = 20_000 if quick else ITEMS
    rate = measure_pipelines(n, repeat=3)
    go = go_pipeline_rate(n, buffer=QUEUE, procs=GOMAXPROCS)
    fast, batched = rate["support (fast path)"], rate[f"support (batch={BATCH})"]
    best_procs = max(go, key=lambda p: go[p])
    go_best = go[best_procs]
    peers = ", ".join(f"{k} {v:,.0f}/s" for k, v in rate.items())
    go_runs = ", ".join(f"GOMAXPROCS={p} {v:,.0f}/s" for p, v in go.items())
    return [
        Figure("pipeline.vs_asyncio_queue100", fast / rate["asyncio.Queue(100)"], "x",
               "ours / asyncio.Queue(100), items/s", goal=1.0),
        Figure("pipeline.vs_plain_trio", fast / rate["plain trio"], "x",
               "ours / plain trio memory channels, items/s", goal=15.0),
        Figure("pipeline.items_per_s", fast, "items/s", f"{n:,} items, 3 stages; {peers}"),
        Figure("pipeline.vs_anyio_streams", fast / rate["anyio streams (trio)"], "x",
               "ours / anyio memory object streams on trio, items/s"),
        Figure("pipeline.batched_items_per_s", batched, "items/s", f"stretch: batch={BATCH}", goal=1_000_000),
        Figure("pipeline.go_items_per_s", go_best, "items/s", f"Go channels, best of {go_runs}"),
        Figure("pipeline.vs_go", fast / go_best, "x", f"ours (fast path) / Go at GOMAXPROCS={best_procs}, items/s"),
        Figure("pipeline.batched_vs_go", batched / go_best, "x",
               f"ours (batch={BATCH}) / Go at GOMAXPROCS={best_procs}, items/s", goal=0.8),
        Figure("bench.go_programs", go_programs_run(), "programs",
               f"Go peers built and run by this bench run (pipelines/bench at GOMAXPROCS {GOMAXPROCS})"),
    ]
