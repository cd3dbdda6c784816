"""A file opened with ``O_DIRECT``: whole aligned blocks in and out, each rule checked before the syscall.

Mental model: the kernel refuses direct I/O that breaks any of three rules
with one bare ``EINVAL``, and leaves you to guess which. :class:`DirectFile`
knows the file's :class:`Alignment` (from ``statx``) and checks the buffer's
address, the file offset and the length *before* calling ``pwrite`` or
``preadv``, so a broken rule is an :class:`AlignmentError` that names it.
The buffer goes to the kernel as it is (no copy), so use
:func:`aligned_block` for it. In the spirit of ``ncw/directio`` (``OpenFile``,
``AlignedBlock``), with offsets explicit, as ``pread``/``pwrite`` have them.
Taught in the chapter ``direct_io``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Literal

from support.direct_io._buffers import address_of
from support.direct_io._kernel import Alignment, dio_alignment

__all__ = ["AlignmentError", "DirectFile", "DirectFileStatistics", "Rule", "open_direct"]

Rule = Literal["buffer address", "file offset", "length"]
_MODES = {"r": os.O_RDONLY, "w": os.O_WRONLY, "rw": os.O_RDWR}


class AlignmentError(ValueError):
    """Direct I/O that breaks one of the three alignment rules, caught before the kernel's bare ``EINVAL``."""

    def __init__(self, rule: Rule, value: int, align: int) -> None:
        self.rule, self.value, self.align = rule, value, align
        off = value % align
        shown = f"{off} byte{'s' * (off != 1)} off" if rule == "buffer address" else str(value)  # an address varies
        super().__init__(f"O_DIRECT needs the {rule} aligned to {align} bytes: it is {shown}")


@dataclass(frozen=True)
class DirectFileStatistics:
    """Whole transfers that completed: an ``*_at`` call, or one block of a ``*_blocks`` call (failures: none)."""

    blocks_written: int
    bytes_written: int
    blocks_read: int
    bytes_read: int


class DirectFile:
    """An open ``O_DIRECT`` file descriptor and its alignment; use :func:`open_direct` to make one.

    :meth:`write_at` writes all of a buffer or raises; :meth:`read_at` fills a
    buffer and returns how much it read (less only at the end of the file).
    Both are safe to call from several threads at once (``pwrite``/``preadv``
    carry their own offset), which is what the trio API does.
    """

    def __init__(self, fd: int, path: Path, alignment: Alignment) -> None:
        self._fd, self.path, self.alignment = fd, path, alignment
        self._lock = threading.Lock()
        self._counts = [0, 0, 0, 0]

    def fileno(self) -> int:
        if self._fd < 0:
            raise ValueError(f"{self.path.name} is closed")
        return self._fd

    def check(self, offset: int, buffer: memoryview | bytearray) -> memoryview:
        """Raise :class:`AlignmentError` for the first broken rule; return the buffer as a byte view."""
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise TypeError(f"offset must be an int, got {type(offset).__name__}")
        if offset < 0:
            raise ValueError(f"offset must not be negative, got {offset}")
        view = memoryview(buffer).cast("B") if isinstance(buffer, (memoryview, bytearray)) else None
        if view is None:
            raise TypeError(f"buffer must be a writable memoryview or bytearray, got {type(buffer).__name__}")
        a = self.alignment
        if view.nbytes == 0 or view.nbytes % a.offset:
            raise AlignmentError("length", view.nbytes, a.offset)
        if offset % a.offset:
            raise AlignmentError("file offset", offset, a.offset)
        if address_of(view) % a.memory:
            raise AlignmentError("buffer address", address_of(view), a.memory)
        return view

    def _count(self, slot: int, blocks: int, n: int) -> None:
        with self._lock:
            self._counts[slot] += blocks
            self._counts[slot + 1] += n

    def _write_all(self, fd: int, view: memoryview, offset: int) -> int:
        done = 0
        while done < view.nbytes:  # a short direct write (a signal, a full disk) is resumed, still aligned
            n = os.pwrite(fd, view[done:], offset + done)
            if n <= 0 or n % self.alignment.offset:
                raise OSError(f"pwrite wrote {n} of {view.nbytes - done} bytes at {offset + done}: not a whole block")
            done += n
        return done

    def _read_all(self, fd: int, view: memoryview, offset: int) -> int:
        done = 0
        while done < view.nbytes:
            n = os.preadv(fd, [view[done:]], offset + done)
            done += n
            if n == 0 or n % self.alignment.offset:  # the end of the file: the kernel stops at its size
                break
        return done

    def check_blocks(self, offset: int, buffer: memoryview | bytearray, block: int) -> memoryview:
        """:meth:`check`, and that ``block`` cuts the buffer into parts that are each aligned."""
        view = self.check(offset, buffer)
        a = self.alignment
        if (isinstance(block, bool) or not isinstance(block, int) or block < 1 or view.nbytes % block
                or block % a.offset or block % a.memory):
            raise ValueError(f"block must divide the buffer's {view.nbytes} bytes and be a multiple of "
                             f"{max(a.offset, a.memory)} (so every block stays aligned), got {block!r}")
        return view

    def write_at(self, offset: int, buffer: memoryview | bytearray) -> int:
        """Write all of ``buffer`` at ``offset`` with ``pwrite``, bypassing the page cache; return its length."""
        view = self.check(offset, buffer)
        done = self._write_all(self.fileno(), view, offset)
        self._count(0, 1, done)
        return done

    def read_at(self, offset: int, buffer: memoryview | bytearray) -> int:
        """Read into ``buffer`` from ``offset`` with ``preadv``; return the bytes read (fewer only at end of file)."""
        view = self.check(offset, buffer)
        done = self._read_all(self.fileno(), view, offset)
        self._count(2, 1, done)
        return done

    def write_blocks(self, offset: int, buffer: memoryview | bytearray, block: int) -> int:
        """Write ``buffer`` at ``offset`` as one ``block``-byte ``pwrite`` per block, checked once; return bytes.

        The rules are checked for the whole buffer, and ``block`` keeps every
        part aligned, so the loop makes system calls and nothing else. If one
        fails, the blocks before it are counted and the error is raised.
        """
        view = self.check_blocks(offset, buffer, block)
        fd, write, done = self.fileno(), os.pwrite, 0  # one buffer: a little cheaper than pwritev
        try:
            for done in range(0, view.nbytes, block):  # done: the bytes written before this block
                if write(fd, view[done : done + block], offset + done) != block:
                    self._write_all(fd, view[done : done + block], offset + done)  # never seen; finishes it
            done = view.nbytes
        finally:
            self._count(0, done // block, done)
        return done

    def read_blocks(self, offset: int, buffer: memoryview | bytearray, block: int) -> int:
        """Fill ``buffer`` from ``offset`` with one ``block``-byte ``preadv`` per block; return bytes read."""
        view = self.check_blocks(offset, buffer, block)
        fd, read, done, blocks = self.fileno(), os.preadv, 0, -1
        try:
            for done in range(0, view.nbytes, block):  # done: the bytes read before this block
                n = read(fd, [view[done : done + block]], offset + done)
                if n != block:  # the end of the file: finish an aligned short read, then stop
                    if n and n % self.alignment.offset == 0:
                        n += self._read_all(fd, view[done + n : done + block], offset + done + n)
                    blocks, done = done // block + (n > 0), done + n  # a block read, if any of it was
                    break
            else:
                blocks, done = view.nbytes // block, view.nbytes
        finally:
            self._count(2, done // block if blocks < 0 else blocks, done)  # blocks < 0: a syscall raised
        return done

    def statistics(self) -> DirectFileStatistics:
        with self._lock:
            return DirectFileStatistics(*self._counts)

    def close(self) -> None:
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)

    def __enter__(self) -> DirectFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def open_direct(path: str | os.PathLike[str], mode: Literal["r", "w", "rw"] = "r", *, create: bool = False,
                truncate: bool = False, perm: int = 0o600, align: int | None = None) -> DirectFile:
    """Open ``path`` with ``O_DIRECT`` and learn its alignment; ``create`` makes it with mode ``perm``.

    Raises :class:`OSError` (``EINVAL``) where the file system refuses
    ``O_DIRECT`` at open. A file system that accepts it and then ignores it
    (tmpfs) is not caught here: :func:`probe_direct_io` tests behaviour.
    ``align`` raises both rules to at least that many bytes (4096 keeps a
    program right on any disk, as ``ncw/directio`` does with its ``BlockSize``).
    """
    if mode not in _MODES:
        raise ValueError(f"mode must be 'r', 'w' or 'rw', got {mode!r}")
    if isinstance(perm, bool) or not isinstance(perm, int) or not 0 <= perm <= 0o777:
        raise ValueError(f"perm must be a permission mode from 0o000 to 0o777, got {perm!r}")
    if align is not None and (isinstance(align, bool) or not isinstance(align, int) or align < 1
                              or align & (align - 1)):
        raise ValueError(f"align must be a power of two, got {align!r}")
    if (create or truncate) and mode == "r":
        raise ValueError("create and truncate need mode 'w' or 'rw'")
    flags = _MODES[mode] | os.O_DIRECT | os.O_CLOEXEC | (os.O_CREAT if create else 0) | (os.O_TRUNC if truncate else 0)
    p = Path(path)
    fd = os.open(p, flags, perm)
    try:
        found = dio_alignment(p)
        if align is not None:
            found = replace(found, memory=max(found.memory, align), offset=max(found.offset, align))
        return DirectFile(fd, p, found)
    except BaseException:
        os.close(fd)
        raise
