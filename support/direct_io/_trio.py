"""Direct I/O from trio: each block's syscall in a worker thread, bounded by a ``CapacityLimiter``.

Mental model: a file's ``pwrite`` cannot be waited for by trio's event loop
(epoll refuses regular files), so it blocks whichever thread makes it.
:class:`AsyncDirectFile` checks the alignment rules in the trio task (an
:class:`AlignmentError` costs no thread), then hands the syscall to
``trio.to_thread.run_sync``: the thread blocks, the run loop keeps running
other tasks. The limiter bounds how many threads are in flight. One hand-off
costs tens of microseconds, as much as a 64 KiB direct write, so
:meth:`AsyncDirectFile.write_blocks` hands a thread a *run* of blocks (still
one syscall per block) and :func:`write_file` gives each task runs of about
1 MiB. Cancellation does not abandon a thread in flight: its blocks are
written (and counted) before ``Cancelled`` is raised, so every block counted
in :meth:`statistics` is whole on the device, and no partial block is
counted. The file's size is then the end of the highest block written.
Taught in the chapter ``direct_io``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

import trio

from support.direct_io._buffers import aligned_block
from support.direct_io._file import DirectFile, DirectFileStatistics, open_direct

__all__ = ["AsyncDirectFile", "open_direct_async", "read_file", "write_file"]


class AsyncDirectFile:
    """The trio face of a :class:`DirectFile`: ``await write_at``/``read_at``, in worker threads.

    ``write_blocks``/``read_blocks`` move a buffer as consecutive ``block``-byte
    syscalls in one hand-off; ``write_at``/``read_at`` are one syscall each.
    """

    def __init__(self, file: DirectFile, limiter: trio.CapacityLimiter) -> None:
        self.file, self.limiter = file, limiter

    async def write_at(self, offset: int, buffer: memoryview | bytearray) -> int:
        """Check the rules here, then write all of ``buffer`` at ``offset`` in a worker thread."""
        view = self.file.check(offset, buffer)
        return await trio.to_thread.run_sync(self.file.write_at, offset, view, limiter=self.limiter)

    async def read_at(self, offset: int, buffer: memoryview | bytearray) -> int:
        """Check the rules here, then fill ``buffer`` from ``offset`` in a worker thread."""
        view = self.file.check(offset, buffer)
        return await trio.to_thread.run_sync(self.file.read_at, offset, view, limiter=self.limiter)

    async def write_blocks(self, offset: int, buffer: memoryview | bytearray, block: int) -> int:
        """Write ``buffer`` at ``offset`` as ``block``-byte syscalls, all in one worker thread; return bytes written."""
        view = self.file.check_blocks(offset, buffer, block)  # checked here, in the task, before any hand-off
        return await trio.to_thread.run_sync(self.file.write_blocks, offset, view, block, limiter=self.limiter)

    async def read_blocks(self, offset: int, buffer: memoryview | bytearray, block: int) -> int:
        """Fill ``buffer`` from ``offset`` as ``block``-byte syscalls in one worker thread; return bytes read."""
        view = self.file.check_blocks(offset, buffer, block)
        return await trio.to_thread.run_sync(self.file.read_blocks, offset, view, block, limiter=self.limiter)

    def statistics(self) -> DirectFileStatistics:
        return self.file.statistics()


@asynccontextmanager
async def open_direct_async(path: str | os.PathLike[str], mode: Literal["r", "w", "rw"] = "r", *,
                            create: bool = False, truncate: bool = False, perm: int = 0o600,
                            workers: int = 1, align: int | None = None) -> AsyncIterator[AsyncDirectFile]:
    """Open ``path`` with ``O_DIRECT`` (in a thread: ``open`` may block too), at most ``workers`` threads at once."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive int, got {workers!r}")
    file = await trio.to_thread.run_sync(lambda: open_direct(path, mode, create=create, truncate=truncate,
                                                             perm=perm, align=align))
    try:
        yield AsyncDirectFile(file, trio.CapacityLimiter(workers))
    finally:
        file.close()


def _plan(total: int, block: int, tasks: int, run: int | None, offset: int) -> tuple[int, int]:
    if isinstance(block, bool) or not isinstance(block, int) or block < 1 or total % block:
        raise ValueError(f"total ({total}) must be a whole number of blocks of {block} bytes")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0 or offset % block:
        raise ValueError(f"offset ({offset!r}) must be a whole number of blocks of {block} bytes")
    if isinstance(tasks, bool) or not isinstance(tasks, int) or tasks < 1:
        raise ValueError(f"tasks must be a positive int, got {tasks!r}")
    per = max(1, (1 << 20) // block) if run is None else run
    if isinstance(per, bool) or not isinstance(per, int) or per < 1:
        raise ValueError(f"run must be a positive int (blocks per hand-off), got {run!r}")
    return total // block, per


async def write_file(file: AsyncDirectFile, total: int, block: int, *, tasks: int = 1, run: int | None = None,
                     fill: int = 0x5A, offset: int = 0) -> None:
    """Write ``total`` bytes from ``offset`` as ``block``-byte syscalls from ``tasks`` tasks, ``run`` per hand-off.

    Runs are dealt out round-robin (task k writes runs k, k+tasks, …); ``run``
    defaults to about 1 MiB of blocks. Each block holds ``fill`` bytes with its
    index in the file in the first 8, so a reader can tell blocks apart.
    """
    count, per = _plan(total, block, tasks, run, offset)
    runs, first_block = -(-count // per), offset // block

    async def writer(first: int) -> None:
        buf = aligned_block(per * block, max(file.file.alignment.memory, 1), how="slice")
        buf[:] = bytes([fill]) * len(buf)
        for r in range(first, runs, tasks):
            n = min(per, count - r * per)
            for i in range(n):
                buf[i * block : i * block + 8] = (first_block + r * per + i).to_bytes(8, "little")
            await file.write_blocks(offset + r * per * block, buf[: n * block], block)

    async with trio.open_nursery() as nursery:
        for k in range(min(tasks, runs)):
            nursery.start_soon(writer, k)


async def read_file(file: AsyncDirectFile, total: int, block: int, *, tasks: int = 1, run: int | None = None,
                    offset: int = 0) -> int:
    """Read ``total`` bytes from ``offset`` in ``block``-byte syscalls, split as :func:`write_file` splits them.

    Returns the bytes read. The buffers are reused, so this measures the
    transfer, not what was read.
    """
    count, per = _plan(total, block, tasks, run, offset)
    runs, done = -(-count // per), 0

    async def reader(first: int) -> None:
        nonlocal done
        buf = aligned_block(per * block, max(file.file.alignment.memory, 1), how="slice")
        for r in range(first, runs, tasks):
            n = min(per, count - r * per)
            done += await file.read_blocks(offset + r * per * block, buf[: n * block], block)

    async with trio.open_nursery() as nursery:
        for k in range(min(tasks, runs)):
            nursery.start_soon(reader, k)
    return done
