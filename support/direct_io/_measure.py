"""Time one pass over a file by each method the chapter compares: dd, this library (sync, trio), Go, buffered.

Mental model: every method moves ``total`` bytes in ``block``-sized
transfers at increasing offsets of one existing file, from ``offset`` on,
and is timed the way dd times itself: from after ``open`` to the end of the
loop (for the buffered methods, to the end of the last ``fsync``, since that
is when the data is on the device). dd and Go run as their own processes and
report their own seconds; the Python methods are timed in this process.
``benchmarks/direct_io.py`` interleaves the methods over slices of a large
file and takes medians; the chapter runs a short version and plots it.
Taught in the chapter ``direct_io``.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import trio

from support.direct_io._buffers import aligned_block
from support.direct_io._file import open_direct
from support.direct_io._trio import open_direct_async, read_file, write_file
from support.golang import GO_MODULE, GoError, build_go, go_env

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["METHODS", "Method", "Op", "plot_throughput", "prepare_file", "time_pass"]

Method = Literal["dd", "sync", "trio x1", "trio x4", "Go", "buffered + fsync", "fsync per block"]
METHODS: tuple[Method, ...] = ("dd", "sync", "trio x1", "trio x4", "Go", "buffered + fsync", "fsync per block")
Op = Literal["write", "read"]
_DD_SECONDS = re.compile(r"copied, ([0-9.e+-]+) s")
_GO_SECONDS = re.compile(r"^seconds ([0-9.]+)$", re.MULTILINE)


def prepare_file(path: Path, total: int) -> None:
    """Create (or overwrite) ``path`` as ``total`` bytes written with O_DIRECT, so reads find real blocks."""
    block = min(total, 1 << 20)
    buf = aligned_block(block)
    buf[:] = b"\x5a" * block
    with open_direct(path, "w", create=True, truncate=True) as f:
        for offset in range(0, total, block):
            f.write_at(offset, buf)


def _dd(op: Op, path: Path, block: int, total: int, offset: int) -> float:
    count, first = str(total // block), offset // block  # dd's seek= and skip= count blocks of bs
    files = (["if=/dev/zero", f"of={path}", "oflag=direct", "conv=notrunc", f"seek={first}"] if op == "write"
             else [f"if={path}", "of=/dev/null", "iflag=direct", f"skip={first}"])
    result = subprocess.run(["dd", *files, f"bs={block}", f"count={count}"], env={**os.environ, "LC_ALL": "C"},
                            text=True, capture_output=True, check=False)
    found = _DD_SECONDS.search(result.stderr)
    if result.returncode != 0 or found is None:
        raise OSError(f"dd {op} failed (status {result.returncode}): {result.stderr.strip()}")
    return float(found[1])


@functools.cache
def _go_binary() -> Path:
    return build_go("direct_io/bench")  # once per process: each `go build` costs a fraction of a second


def _go(op: Op, path: Path, block: int, total: int, offset: int) -> float:
    binary = _go_binary()
    cmd = [str(binary), "-file", str(path), "-bs", str(block), "-size", str(total), "-offset", str(offset),
           "-op", op]
    result = subprocess.run(cmd, cwd=GO_MODULE, env=go_env(), text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, check=False)
    found = _GO_SECONDS.search(result.stdout)
    if result.returncode != 0 or found is None:
        raise GoError(f"direct_io/bench {op} failed (status {result.returncode}): {result.stdout}")
    return float(found[1])


def _sync(op: Op, path: Path, block: int, total: int, offset: int) -> float:
    # Up to 16 blocks per call (at most 1 MiB), still one block per system call. dd and Go reuse one
    # block-sized buffer; at 4 KiB a 64 KiB buffer measured close to that, a 1 MiB one slower.
    buf = aligned_block(min(block * max(1, min(16, (1 << 20) // block)), total))
    buf[:] = b"\x5a" * len(buf)
    with open_direct(path, "rw") as f:
        move = f.write_blocks if op == "write" else f.read_blocks
        start = time.perf_counter()
        for at in range(offset, offset + total, len(buf)):
            move(at, buf[: min(len(buf), offset + total - at)], block)
        return time.perf_counter() - start


def _trio(op: Op, path: Path, block: int, total: int, offset: int, tasks: int) -> float:
    async def main() -> float:
        async with open_direct_async(path, "rw", workers=tasks) as f:
            start = trio.current_time()
            await (write_file if op == "write" else read_file)(f, total, block, tasks=tasks, offset=offset)
            return trio.current_time() - start

    return trio.run(main)


def _buffered(path: Path, block: int, total: int, offset: int, every_block: bool) -> float:
    buf = b"\x5a" * block
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        start = time.perf_counter()
        for at in range(offset, offset + total, block):
            os.pwrite(fd, buf, at)
            if every_block:
                os.fsync(fd)
        os.fsync(fd)
        return time.perf_counter() - start
    finally:
        os.close(fd)


def _drop_cache(path: Path) -> None:
    """Start every pass from the same state: none of the file in the page cache.

    A buffered method leaves the file cached; the next O_DIRECT write would
    then pay to invalidate those pages, and whichever method ran next would
    look slow for a reason that is not its own.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def time_pass(method: Method, op: Op, path: Path, block: int, total: int, offset: int = 0) -> float:
    """Seconds for one ``op`` pass of ``total`` bytes in ``block``-byte transfers over the existing ``path``.

    The pass starts at byte ``offset``, a whole number of blocks. The file's
    cached pages are dropped first (untimed), so each pass starts alike.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if op not in ("write", "read"):
        raise ValueError(f"op must be 'write' or 'read', got {op!r}")
    if block < 4096 or block % 4096 or total % block or total < block:
        raise ValueError(f"block ({block}) must be a multiple of 4096 and total ({total}) a whole number of blocks")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0 or offset % block:
        raise ValueError(f"offset ({offset!r}) must be a whole number of blocks of {block} bytes")
    if method in ("buffered + fsync", "fsync per block") and op == "read":
        raise ValueError(f"{method!r} is a write method")
    _drop_cache(path)
    if method in ("buffered + fsync", "fsync per block"):
        return _buffered(path, block, total, offset, method == "fsync per block")
    if method == "dd":
        return _dd(op, path, block, total, offset)
    if method == "Go":
        return _go(op, path, block, total, offset)
    if method == "sync":
        return _sync(op, path, block, total, offset)
    return _trio(op, path, block, total, offset, 4 if method == "trio x4" else 1)


def plot_throughput(rates: Mapping[tuple[str, str, int], float], blocks: Sequence[int], title: str) -> Figure:
    """MB/s against block size (log-log), writes and reads side by side; ``rates[(method, op, block)]`` in MB/s."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(7, 3.8), sharey=True)
    colours = {method: f"C{i}" for i, method in enumerate(METHODS)}  # one colour per method in both panels
    labels = [f"{b // 1024} KiB" if b < 1 << 20 else f"{b >> 20} MiB" for b in blocks]
    for ax, op in zip(axes, ("write", "read"), strict=True):
        for method in METHODS:
            xs = [b for b in blocks if (method, op, b) in rates]
            if xs:
                ax.plot(xs, [rates[(method, op, b)] for b in xs], marker="o", label=method, color=colours[method])
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(list(blocks), labels)
        ax.set_title(op, fontsize=11)
        ax.set_xlabel("block size", fontsize=11)
        ax.tick_params(labelsize=10)
    axes[0].set_ylabel("MB/s", fontsize=11)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=4, fontsize=10, frameon=False)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.14, 1, 1))
    plt.close(fig)
    return fig
