"""Direct I/O: this library (sync, and trio with 1 and 4 workers) against dd and Go, buffered writes beside them.

All methods move the same file (256 MiB; 16 MiB with ``--quick``) on the same
file system (the chapter's scratch directory, probed for real direct I/O) in
4 KiB, 64 KiB and 1 MiB transfers, timed from after ``open`` as dd times
itself, each pass starting with none of the file in the page cache
(``support/direct_io/_measure.py``). Buffered + fsync per block is
capped at 16 MiB (4 MiB with ``--quick``). Each repetition runs every
contender once, in an order rotated per repetition and reversed every other
one (so each contender has the others on both sides), and a ratio is taken
between runs of the same repetition; a figure is the median of the
per-repetition ratios (paired medians). This shared disk's speed moves by
a sixth from one pass to the next, so the larger blocks, whose passes take
a fraction of a second, get more repetitions (:data:`REPS`). The throughput
plot is written to ``_build/bench/direct_io.png``.
"""

from __future__ import annotations

import os
import statistics
from collections import defaultdict
from pathlib import Path

from benchmarks._common import Figure, paused_gc
from support import plot_throughput, prepare_file, scratch_directory, time_pass
from support.direct_io import Method, Op

BLOCKS = (4096, 65536, 1 << 20)
REPS = {4096: 5, 65536: 11, 1 << 20: 11}  # a 256 MiB pass in 4 KiB blocks takes about 4 s, in 1 MiB 0.4 s
_NAME = {4096: "4k", 65536: "64k", 1 << 20: "1m"}
_CONTENDERS: tuple[tuple[Method, Op], ...] = (
    ("dd", "write"), ("sync", "write"), ("trio x1", "write"), ("trio x4", "write"), ("Go", "write"),
    ("buffered + fsync", "write"), ("fsync per block", "write"),
    ("dd", "read"), ("sync", "read"), ("trio x1", "read"), ("trio x4", "read"), ("Go", "read"),
)


def _paired(times: dict[tuple[str, str], list[float]], peer: str, ours: str, op: str) -> float:
    """Median over repetitions of peer_time / our_time (a speed ratio: above 1, ours is faster)."""
    return statistics.median(p / o for p, o in zip(times[(peer, op)], times[(ours, op)], strict=True))


def run(quick: bool = False) -> list[Figure]:
    total, capped = (16 << 20, 4 << 20) if quick else (256 << 20, 16 << 20)
    path = scratch_directory() / "bench.bin"
    prepare_file(path, total)
    load = os.getloadavg()[0]
    figures: list[Figure] = []
    rates: dict[tuple[str, str, int], float] = {}
    for block in BLOCKS:
        reps = 3 if quick else REPS[block]
        times: dict[tuple[str, str], list[float]] = defaultdict(list)
        for rep in range(reps):
            order = _CONTENDERS[rep % len(_CONTENDERS):] + _CONTENDERS[: rep % len(_CONTENDERS)]
            order = order[::-1] if rep % 2 else order
            for method, op in order:
                size = capped if method == "fsync per block" else total
                with paused_gc():
                    seconds = time_pass(method, op, path, block, size)
                times[(method, op)].append(seconds * total / size)  # scaled to the whole file
        name = _NAME[block]
        for (who, what), runs in times.items():
            rate = total / statistics.median(runs) / 1e6
            rates[(who, what, block)] = rate
            key = who.replace(" + ", "_").replace(" ", "_")
            figures.append(Figure(f"directio.mb_s.{what}.{key}.{name}", rate, "MB/s",
                                  f"{who} {what}, {block} B blocks, median of {reps}"))
        goal = 0.9 if block == 4096 else 0.95 if block == 1 << 20 else None
        for op in ("write", "read"):
            figures.append(Figure(f"directio.{op}_vs_dd_{name}", _paired(times, "dd", "sync", op), "x",
                                  f"support.direct_io sync / dd, O_DIRECT {op}, load {load:.1f}", goal=goal))
        figures.append(Figure(f"directio.trio_vs_sync_{name}", _paired(times, "sync", "trio x4", "write"), "x",
                              "trio API (4 workers) / sync, write", goal=0.8 if block == 65536 else None))
        if block == 1 << 20:
            figures.append(Figure("directio.vs_go_1m", _paired(times, "Go", "sync", "write"), "x",
                                  "support.direct_io sync / Go, write, 1 MiB"))
    figures.append(Figure("directio.load_average_1m", load, "", "os.getloadavg() when the run started"))
    out = Path(__file__).resolve().parents[1] / "_build" / "bench" / "direct_io.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    counts = sorted({3} if quick else set(REPS.values()))
    title = f"O_DIRECT throughput, {total >> 20} MiB file (median of {' to '.join(map(str, counts))} passes)"
    plot_throughput(rates, BLOCKS, title).savefig(out, dpi=120)
    path.unlink()
    return figures
