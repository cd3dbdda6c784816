"""Direct I/O from trio: each block's syscall in a worker thread, bounded by a ``CapacityLimiter``.

Mental model: a file's ``pwritev`` cannot be waited for by trio's event loop
(epoll reports a regular file as always ready), so it blocks whichever thread
makes it. :class:`AsyncDirectFile` checks the alignment rules in the trio
task (an :class:`AlignmentError` costs no thread), then hands the syscall to
``trio.to_thread.run_sync``: the thread blocks, the run loop keeps running
other tasks. The limiter bounds how many syscalls are in flight; one
hand-off costs tens of microseconds, so one task writing 4 KiB blocks goes
slower than a plain loop, and several tasks writing different blocks at once
win it back. Cancellation does not abandon a syscall in flight: the block is
written (and counted) before ``Cancelled`` is raised, so every block counted
in :meth:`statistics` is whole on the device, and no partial block is
counted. Taught in the chapter ``direct_io``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

import trio

from support.direct_io._buffers import aligned_block
from support.direct_io._file import DirectFile, DirectFileStatistics, open_direct

__all__ = ["AsyncDirectFile", "open_direct_async", "write_file"]


class AsyncDirectFile:
    """The trio face of a :class:`DirectFile`: ``await write_at``/``read_at``, in worker threads."""

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

    def statistics(self) -> DirectFileStatistics:
        return self.file.statistics()


@asynccontextmanager
async def open_direct_async(path: str | os.PathLike[str], mode: Literal["r", "w", "rw"] = "r", *,
                            create: bool = False, truncate: bool = False, perm: int = 0o600,
                            workers: int = 1) -> AsyncIterator[AsyncDirectFile]:
    """Open ``path`` with ``O_DIRECT`` (in a thread: ``open`` may block too), at most ``workers`` syscalls at once."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive int, got {workers!r}")
    file = await trio.to_thread.run_sync(lambda: open_direct(path, mode, create=create, truncate=truncate,
                                                             perm=perm))
    try:
        yield AsyncDirectFile(file, trio.CapacityLimiter(workers))
    finally:
        file.close()


async def write_file(file: AsyncDirectFile, total: int, block: int, *, tasks: int = 1, fill: int = 0x5A) -> None:
    """Write ``total`` bytes in ``block``-sized writes from ``tasks`` tasks (task k writes blocks k, k+tasks, …).

    Each task owns one aligned buffer, filled with ``fill`` (the block's
    index in its first 8 bytes, so a reader can tell blocks apart).
    """
    if block < 1 or total % block:
        raise ValueError(f"total ({total}) must be a whole number of blocks of {block} bytes")
    if isinstance(tasks, bool) or not isinstance(tasks, int) or tasks < 1:
        raise ValueError(f"tasks must be a positive int, got {tasks!r}")
    count = total // block

    async def writer(first: int) -> None:
        buf = aligned_block(block, max(file.file.alignment.memory, 1), how="slice")
        buf[:] = bytes([fill]) * block
        for index in range(first, count, tasks):
            buf[:8] = index.to_bytes(8, "little")
            await file.write_at(index * block, buf)

    async with trio.open_nursery() as nursery:
        for k in range(min(tasks, count)):
            nursery.start_soon(writer, k)
