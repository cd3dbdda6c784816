"""Pipelines: a 3-stage chain of trivial transforms over 200k items, ours against three peers.

The implementations live in ``support/pipelines/_measure.py`` (the chapter
plots a small run of the same code): (a) plain trio memory channels with one
``send``/``receive`` per item; (b) ``asyncio.Queue(maxsize=100)``; (c) anyio
memory object streams on the trio backend; ours is ``support.collect`` with
its defaults (fast path: ``*_nowait`` with a checkpoint every 256 items), and
its batched mode as the stretch figure. Rounds interleave the implementations;
every result is checked before anything is timed.
"""

from __future__ import annotations

from benchmarks._common import Figure
from support import measure_pipelines
from support.pipelines._measure import BATCH

ITEMS = 200_000


def run(quick: bool = False) -> list[Figure]:
    n = 20_000 if quick else ITEMS
    rate = measure_pipelines(n, repeat=3)
    fast, batched = rate["support (fast path)"], rate[f"support (batch={BATCH})"]
    peers = ", ".join(f"{k} {v:,.0f}/s" for k, v in rate.items())
    return [
        Figure("pipeline.vs_asyncio_queue100", fast / rate["asyncio.Queue(100)"], "x",
               "ours / asyncio.Queue(100), items/s", goal=1.0),
        Figure("pipeline.vs_plain_trio", fast / rate["plain trio"], "x",
               "ours / plain trio memory channels, items/s", goal=15.0),
        Figure("pipeline.items_per_s", fast, "items/s", f"{n:,} items, 3 stages; {peers}"),
        Figure("pipeline.vs_anyio_streams", fast / rate["anyio streams (trio)"], "x",
               "ours / anyio memory object streams on trio, items/s"),
        Figure("pipeline.batched_items_per_s", batched, "items/s", f"stretch: batch={BATCH}", goal=1_000_000),
    ]
