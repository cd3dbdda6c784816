"""Direct I/O: this library (sync, and trio with 1 and 4 workers) against dd and Go, buffered writes beside them.

All methods move the same file (256 MiB; 16 MiB with ``--quick``) on the same
file system (the chapter's scratch directory, probed for real direct I/O) in
4 KiB, 64 KiB and 1 MiB transfers, timed from after ``open`` as dd times
itself, each pass starting with none of the file in the page cache
(``support/direct_io/_measure.py``).

This shared disk's speed moves by a sixth or more from one pass to the
next, even between two back-to-back passes of a fifth of a second, so whole-file
passes far apart cannot be compared. Instead the file is cut into slices
(:data:`SLICE`), and each round moves one slice by every method, the next
round the next slice, until every method has gone over the file several
times (:data:`ROUNDS`). In a round, the methods a goal compares run back to
back (dd, sync, trio x4 for writes; dd, sync for reads), the others after
them in an order rotated per round, and the whole order is reversed every
other round, so no method always runs first or follows the same neighbour.
A ratio is the median over rounds of the two methods' times for that round's
slice (paired medians); a rate is all the bytes a method moved over all its
time. Buffered + fsync per block moves 1/16 of each slice (1/4 with
``--quick``). The throughput plot is written to ``_build/bench/direct_io.png``.
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
SLICE = {4096: 8 << 20, 65536: 16 << 20, 1 << 20: 32 << 20}  # a slice takes 50-250 ms per direct method
ROUNDS = {4096: 96, 65536: 64, 1 << 20: 192}  # the file 3, 4 and 24 times: 1 MiB reads are the noisiest
_QUICK_SLICE, _QUICK_ROUNDS = 16 << 20, 3  # --quick: the whole (16 MiB) file per pass, 3 passes
_NAME = {4096: "4k", 65536: "64k", 1 << 20: "1m"}
_PAIRED: dict[Op, tuple[Method, ...]] = {"write": ("dd", "sync", "trio x4"), "read": ("dd", "sync")}
_OTHERS: dict[Op, tuple[Method, ...]] = {"write": ("trio x1", "Go", "buffered + fsync", "fsync per block"),
                                         "read": ("trio x1", "trio x4", "Go")}


def _order(rnd: int) -> list[tuple[Method, Op]]:
    """Round ``rnd``'s running order: per op, the paired methods back to back, then the others rotated."""
    order: list[tuple[Method, Op]] = []
    for op in ("write", "read"):
        others = _OTHERS[op][rnd % len(_OTHERS[op]):] + _OTHERS[op][: rnd % len(_OTHERS[op])]
        order += [(method, op) for method in _PAIRED[op] + others]
    return order[::-1] if rnd % 2 else order


def _paired(times: dict[tuple[str, str], list[float]], peer: str, ours: str, op: str) -> tuple[float, str]:
    """Median over rounds of peer_time / our_time (a speed ratio: above 1, ours is faster), and its quartiles."""
    ratios = [p / o for p, o in zip(times[(peer, op)], times[(ours, op)], strict=True)]
    low, _, high = statistics.quantiles(ratios, n=4)
    return statistics.median(ratios), f"{len(ratios)} rounds, quartiles {low:.2f}-{high:.2f}"


def run(quick: bool = False) -> list[Figure]:
    total, share = (16 << 20, 4) if quick else (256 << 20, 16)
    path = scratch_directory() / "bench.bin"
    prepare_file(path, total)
    load = os.getloadavg()[0]
    figures: list[Figure] = []
    rates: dict[tuple[str, str, int], float] = {}
    plan = {b: (_QUICK_SLICE, _QUICK_ROUNDS) if quick else (SLICE[b], ROUNDS[b]) for b in BLOCKS}
    for block, (size, rounds) in plan.items():
        times: dict[tuple[str, str], list[float]] = defaultdict(list)
        moved: dict[tuple[str, str], int] = defaultdict(int)
        for rnd in range(rounds):
            offset = rnd * size % total  # round by round, the slices walk through the file
            for method, op in _order(rnd):
                n = max(block, size // share) if method == "fsync per block" else size
                with paused_gc():
                    times[(method, op)].append(time_pass(method, op, path, block, n, offset))
                moved[(method, op)] += n
        name = _NAME[block]
        for (who, what), runs in times.items():
            rate = moved[(who, what)] / sum(runs) / 1e6
            rates[(who, what, block)] = rate
            key = who.replace(" + ", "_").replace(" ", "_")
            figures.append(Figure(f"directio.mb_s.{what}.{key}.{name}", rate, "MB/s",
                                  f"{who} {what}, {block} B blocks, {moved[(who, what)] >> 20} MiB in {rounds} rounds"))
        goal = 0.9 if block == 4096 else 0.95 if block == 1 << 20 else None
        for op in ("write", "read"):
            ratio, spread = _paired(times, "dd", "sync", op)
            figures.append(Figure(f"directio.{op}_vs_dd_{name}", ratio, "x",
                                  f"support.direct_io sync / dd, O_DIRECT {op}, {spread}, load {load:.1f}", goal=goal))
        ratio, spread = _paired(times, "sync", "trio x4", "write")
        figures.append(Figure(f"directio.trio_vs_sync_{name}", ratio, "x",
                              f"trio API (4 workers) / sync, write, {spread}", goal=0.8 if block == 65536 else None))
        if block == 1 << 20:
            ratio, spread = _paired(times, "Go", "sync", "write")
            figures.append(Figure("directio.vs_go_1m", ratio, "x",
                                  f"support.direct_io sync / Go, write, 1 MiB, {spread}"))
    figures.append(Figure("directio.load_average_1m", load, "", "os.getloadavg() when the run started"))
    out = Path(__file__).resolve().parents[1] / "_build" / "bench" / "direct_io.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    passes = [rounds * size // total for size, rounds in plan.values()]  # times over the whole file
    lo, hi = min(passes), max(passes)
    over = "once" if hi == 1 else f"{hi} times" if lo == hi else f"{lo} to {hi} times"
    title = f"O_DIRECT throughput, {total >> 20} MiB file, each method over it {over}"
    plot_throughput(rates, BLOCKS, title).savefig(out, dpi=120)
    path.unlink()
    return figures
