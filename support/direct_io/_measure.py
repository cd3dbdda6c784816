"""Time one pass over a file by each method the chapter compares: dd, this library (sync, trio), Go, buffered.

Mental model: every method moves ``total`` bytes in ``block``-sized
transfers at increasing offsets of one existing file, and is timed the way dd
times itself: from after ``open`` to the end of the loop (for the buffered
methods, to the end of the last ``fsync``, since that is when the data is on
the device). dd and Go run as their own processes and report their own
seconds; the Python methods are timed in this process. ``benchmarks/direct_io.py``
pairs the runs and takes medians; the chapter runs a short version and plots it.
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


def _dd(op: Op, path: Path, block: int, total: int) -> float:
    count = str(total // block)
    files = (["if=/dev/zero", f"of={path}", "oflag=direct", "conv=notrunc"] if op == "write"
             else [f"if={path}", "of=/dev/null", "iflag=direct"])
    result = subprocess.run(["dd", *files, f"bs={block}", f"count={count}"], env={**os.environ, "LC_ALL": "C"},
                            text=True, capture_output=True, check=False)
    found = _DD_SECONDS.search(result.stderr)
    if result.returncode != 0 or found is None:
        raise OSError(f"dd {op} failed (status {result.returncode}): {result.stderr.strip()}")
    return float(found[1])


@functools.cache
def _go_binary() -> Path:
    return build_go("direct_io/bench")  # once per process: each `go build` costs a fraction of a second


def _go(op: Op, path: Path, block: int, total: int) -> float:
    binary = _go_binary()
    cmd = [str(binary), "-file", str(path), "-bs", str(block), "-size", str(total), "-op", op]
    result = subprocess.run(cmd, cwd=GO_MODULE, env=go_env(), text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, check=False)
    found = _GO_SECONDS.search(result.stdout)
    if result.returncode != 0 or found is None:
        raise GoError(f"direct_io/bench {op} failed (status {result.returncode}): {result.stdout}")
    return float(found[1])


def _sync(op: Op, path: Path, block: int, total: int) -> float:
    run = block * max(1, (1 << 20) // block)  # about 1 MiB per call, still one block per system call
    buf = aligned_block(min(run, total))
    buf[:] = b"\x5a" * len(buf)
    with open_direct(path, "rw") as f:
        move = f.write_blocks if op == "write" else f.read_blocks
        start = time.perf_counter()
        for offset in range(0, total, len(buf)):
            move(offset, buf[: min(len(buf), total - offset)], block)
        return time.perf_counter() - start


def _trio(op: Op, path: Path, block: int, total: int, tasks: int) -> float:
    async def main() -> float:
        async with open_direct_async(path, "rw", workers=tasks) as f:
            start = trio.current_time()
            await (write_file if op == "write" else read_file)(f, total, block, tasks=tasks)
            return trio.current_time() - start

    return trio.run(main)


def _buffered(path: Path, block: int, total: int, every_block: bool) -> float:
    buf = b"\x5a" * block
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        start = time.perf_counter()
        for offset in range(0, total, block):
            os.pwrite(fd, buf, offset)
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


def time_pass(method: Method, op: Op, path: Path, block: int, total: int) -> float:
    """Seconds for one ``op`` pass of ``total`` bytes in ``block``-byte transfers over the existing ``path``.

    The file's cached pages are dropped first (untimed), so each pass starts alike.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if op not in ("write", "read"):
        raise ValueError(f"op must be 'write' or 'read', got {op!r}")
    if block < 4096 or block % 4096 or total % block or total < block:
        raise ValueError(f"block ({block}) must be a multiple of 4096 and total ({total}) a whole number of blocks")
    if method in ("buffered + fsync", "fsync per block") and op == "read":
        raise ValueError(f"{method!r} is a write method")
    _drop_cache(path)
    if method in ("buffered + fsync", "fsync per block"):
        return _buffered(path, block, total, method == "fsync per block")
    if method == "dd":
        return _dd(op, path, block, total)
    if method == "Go":
        return _go(op, path, block, total)
    if method == "sync":
        return _sync(op, path, block, total)
    return _trio(op, path, block, total, 4 if method == "trio x4" else 1)


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
