"""What the kernel says about one file: its direct-I/O alignment (``statx``) and its page cache (``cachestat``).

Mental model: the page cache is per file. ``cachestat(2)`` (Linux 6.5+) counts
a file's pages that are in memory, and how many of those are dirty (written
but not yet on the device). On an older kernel, ``mincore(2)`` on a shared
mapping of the file says which pages are resident, but not which are dirty.
``statx(2)`` with ``STATX_DIOALIGN`` (Linux 6.1+) tells how a file system
wants direct I/O aligned: the buffer's address (``memory``) and the file
offset and length (``offset``). Where the kernel or the file system does not
say, the block device's logical block size is the rule the kernel applies.
Every result names the source it came from. Called through :mod:`ctypes`, no
compiler needed. Taught in the chapter ``direct_io``.
"""

from __future__ import annotations

import ctypes
import errno
import mmap
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["Alignment", "PageCache", "dio_alignment", "page_cache"]

_LIBC = ctypes.CDLL(None, use_errno=True)
_AT_FDCWD = -100
_STATX_DIOALIGN = 0x2000
_CACHESTAT = {"x86_64": 451, "aarch64": 451, "riscv64": 451, "ppc64le": 451, "s390x": 451}
PAGE = mmap.PAGESIZE


class _Timestamp(ctypes.Structure):
    _fields_ = [("sec", ctypes.c_int64), ("nsec", ctypes.c_uint32), ("_pad", ctypes.c_int32)]


class _Statx(ctypes.Structure):  # struct statx, include/uapi/linux/stat.h (256 bytes)
    _fields_ = [
        ("mask", ctypes.c_uint32), ("blksize", ctypes.c_uint32), ("attributes", ctypes.c_uint64),
        ("nlink", ctypes.c_uint32), ("uid", ctypes.c_uint32), ("gid", ctypes.c_uint32),
        ("mode", ctypes.c_uint16), ("_pad1", ctypes.c_uint16), ("ino", ctypes.c_uint64),
        ("size", ctypes.c_uint64), ("blocks", ctypes.c_uint64), ("attributes_mask", ctypes.c_uint64),
        ("atime", _Timestamp), ("btime", _Timestamp), ("ctime", _Timestamp), ("mtime", _Timestamp),
        ("rdev_major", ctypes.c_uint32), ("rdev_minor", ctypes.c_uint32),
        ("dev_major", ctypes.c_uint32), ("dev_minor", ctypes.c_uint32), ("mnt_id", ctypes.c_uint64),
        ("dio_mem_align", ctypes.c_uint32), ("dio_offset_align", ctypes.c_uint32), ("_spare", ctypes.c_uint64 * 12),
    ]


class _CachestatRange(ctypes.Structure):
    _fields_ = [("off", ctypes.c_uint64), ("len", ctypes.c_uint64)]


class _Cachestat(ctypes.Structure):  # struct cachestat, include/uapi/linux/mman.h
    _fields_ = [(n, ctypes.c_uint64) for n in ("cache", "dirty", "writeback", "evicted", "recently_evicted")]


@dataclass(frozen=True)
class Alignment:
    """How direct I/O on one file must be aligned, in bytes, and where the figures came from.

    ``memory`` applies to the buffer's address, ``offset`` to the file offset
    and to the length. ``source`` is ``"statx"`` or ``"block device"``;
    ``reported`` is False when the file system gave no direct-I/O alignment.
    """

    memory: int
    offset: int
    source: Literal["statx", "block device"]
    reported: bool


@dataclass(frozen=True)
class PageCache:
    """One file's pages in the page cache: ``cached`` of ``pages``; ``dirty`` is None when the source cannot tell."""

    pages: int
    cached: int
    dirty: int | None
    source: Literal["cachestat", "mincore"]


def _statx(path: Path) -> _Statx:
    buf = _Statx()
    if _LIBC.statx(_AT_FDCWD, os.fsencode(path), 0, _STATX_DIOALIGN, ctypes.byref(buf)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(path))
    return buf


def _block_device_size(major: int, minor: int) -> int | None:
    base = Path(f"/sys/dev/block/{major}:{minor}")
    for candidate in (base / "queue" / "logical_block_size", base / ".." / "queue" / "logical_block_size"):
        try:
            return int(candidate.read_text())
        except (OSError, ValueError):
            continue
    return None


def dio_alignment(path: str | os.PathLike[str]) -> Alignment:
    """The alignment direct I/O on ``path`` needs: ``statx`` ``STATX_DIOALIGN``, else the logical block size.

    A file system that does not report ``STATX_DIOALIGN`` may still accept
    ``O_DIRECT`` (tmpfs does, and then ignores it): ``reported`` is then
    False and the figures are the block device's (or 512 where there is none).
    """
    p = Path(path)
    st = _statx(p)
    if st.mask & _STATX_DIOALIGN and st.dio_offset_align:
        return Alignment(int(st.dio_mem_align), int(st.dio_offset_align), "statx", True)
    size = _block_device_size(int(st.dev_major), int(st.dev_minor)) or 512
    return Alignment(size, size, "block device", bool(st.mask & _STATX_DIOALIGN))


def _cachestat(fd: int) -> PageCache | None:
    number = _CACHESTAT.get(platform.machine())
    if number is None:
        return None
    out, whole = _Cachestat(), _CachestatRange(0, 0)  # len 0: to the end of the file
    if _LIBC.syscall(number, fd, ctypes.byref(whole), ctypes.byref(out), 0) != 0:
        code = ctypes.get_errno()
        if code in (errno.ENOSYS, errno.EPERM):  # an older kernel, or a seccomp filter that forbids it
            return None
        raise OSError(code, os.strerror(code))
    return PageCache(-(-os.fstat(fd).st_size // PAGE), int(out.cache), int(out.dirty), "cachestat")


def _mincore(fd: int) -> PageCache:
    size = os.fstat(fd).st_size
    pages = -(-size // PAGE)
    if pages == 0:
        return PageCache(0, 0, None, "mincore")
    # A private writable mapping lets ctypes borrow its address; no page is touched, so none is faulted in.
    with mmap.mmap(fd, size, access=mmap.ACCESS_COPY) as mapping:
        anchor = ctypes.c_char.from_buffer(mapping)
        vec = (ctypes.c_ubyte * pages)()
        result = _LIBC.mincore(ctypes.c_void_p(ctypes.addressof(anchor)), ctypes.c_size_t(size), vec)
        code = ctypes.get_errno()
        del anchor  # release the export before the mapping closes
    if result != 0:
        raise OSError(code, os.strerror(code))
    return PageCache(pages, sum(b & 1 for b in vec), None, "mincore")


def page_cache(path: str | os.PathLike[str], *, source: Literal["auto", "cachestat", "mincore"] = "auto") -> PageCache:
    """How much of ``path`` is in the page cache, per file: ``cachestat(2)``, else ``mincore(2)`` (resident only).

    ``source="mincore"`` forces the fallback (the tests use it); ``"cachestat"``
    raises :class:`OSError` where the kernel has no ``cachestat``.
    """
    if source not in ("auto", "cachestat", "mincore"):
        raise ValueError(f"source must be 'auto', 'cachestat' or 'mincore', got {source!r}")
    fd = os.open(path, os.O_RDONLY)
    try:
        if source != "mincore":
            found = _cachestat(fd)
            if found is not None:
                return found
            if source == "cachestat":
                raise OSError(errno.ENOSYS, "this kernel has no cachestat(2) (Linux 6.5+)")
        return _mincore(fd)
    finally:
        os.close(fd)
