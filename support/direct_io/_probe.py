"""Does a directory's file system really do direct I/O? Probe its behaviour, not just ``open``.

Mental model: some file systems refuse ``O_DIRECT`` at ``open`` (``EINVAL``);
worse, tmpfs on Linux 6.6+ accepts it, ignores the alignment rules and keeps
every page cached, so a program "using direct I/O" there measures memory.
:func:`probe_direct_io` writes one file three ways and asks: does ``open``
accept ``O_DIRECT``, does ``statx`` report ``STATX_DIOALIGN``, does a
deliberately misaligned write get ``EINVAL``, and are the pages of an aligned
direct write left out of the page cache? Only all four together are real
direct I/O. :func:`scratch_directory` picks where the chapter writes: the
system's temporary directory if it passes, else ``_build/direct_io`` under the
project, else it raises :class:`DirectIOUnsupported` saying why.
Taught in the chapter ``direct_io``.
"""

from __future__ import annotations

import atexit
import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from support.direct_io._buffers import aligned_block
from support.direct_io._kernel import dio_alignment, page_cache

__all__ = ["DirectIOSupport", "DirectIOUnsupported", "file_system_type", "probe_direct_io", "require_chapter_kernel",
           "scratch_directory"]

_PROJECT_SCRATCH = Path(__file__).resolve().parents[2] / "_build" / "direct_io"


class DirectIOUnsupported(OSError):
    """No directory available here does real direct I/O; the message says what each one did."""


@dataclass(frozen=True)
class DirectIOSupport:
    """What one directory's file system did when probed. ``real`` is True only if it did all four."""

    file_system: str
    opens: bool
    reports_alignment: bool
    rejects_misaligned: bool
    bypasses_cache: bool

    @property
    def real(self) -> bool:
        return self.opens and self.reports_alignment and self.rejects_misaligned and self.bypasses_cache

    def verdict(self) -> str:
        """One sentence: what failed, or that direct I/O is real."""
        if not self.opens:
            return f"{self.file_system} refuses O_DIRECT at open"
        failed = [text for ok, text in ((self.reports_alignment, "reports no STATX_DIOALIGN"),
                                        (self.rejects_misaligned, "accepts a misaligned write"),
                                        (self.bypasses_cache, "keeps direct writes in the page cache")) if not ok]
        if failed:
            return f"{self.file_system} accepts O_DIRECT but " + ", ".join(failed) + ": not real direct I/O"
        return f"{self.file_system} does real direct I/O"


def file_system_type(path: str | os.PathLike[str]) -> str:
    """The type of the file system holding ``path`` (``ext4``, ``tmpfs``, …), from ``/proc/self/mountinfo``."""
    dev = os.stat(path).st_dev
    wanted = f"{os.major(dev)}:{os.minor(dev)}"
    with open("/proc/self/mountinfo", encoding="utf-8") as mounts:
        for line in mounts:
            fields = line.split()
            if fields[2] == wanted:
                return fields[fields.index("-") + 1]
    return "unknown"


def probe_direct_io(directory: str | os.PathLike[str]) -> DirectIOSupport:
    """Write a small probe file in ``directory`` with ``O_DIRECT`` and report what the file system did."""
    d = Path(directory)
    if not d.is_dir():
        raise ValueError(f"not a directory: {d}")
    kind = file_system_type(d)
    fd, name = tempfile.mkstemp(prefix=".probe-", dir=d)
    os.close(fd)
    try:
        try:
            fd = os.open(name, os.O_RDWR | os.O_DIRECT)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            return DirectIOSupport(kind, False, False, False, False)
        try:
            align = dio_alignment(name)
            block = aligned_block(4 * 4096, 4096)
            try:
                os.pwritev(fd, [block[1 : 1 + 4096]], 0)  # the buffer's address is 1 byte past a boundary
                rejects = False
            except OSError as exc:
                if exc.errno != errno.EINVAL:
                    raise
                rejects = True
            os.pwritev(fd, [block], 0)
            bypasses = page_cache(name).cached == 0
        finally:
            os.close(fd)
        return DirectIOSupport(kind, True, align.reported, rejects, bypasses)
    finally:
        os.unlink(name)


def scratch_directory(candidates: tuple[Path, ...] | None = None) -> Path:
    """A fresh temporary directory on a file system that really does direct I/O; removed when Python exits.

    Tries the system's temporary directory, then ``_build/direct_io`` in the
    project. Raises :class:`DirectIOUnsupported` naming what each did.
    """
    places = candidates if candidates is not None else (Path(tempfile.gettempdir()), _PROJECT_SCRATCH)
    seen = []
    for place in places:
        place.mkdir(parents=True, exist_ok=True)
        found = probe_direct_io(place)
        if found.real:
            made = Path(tempfile.mkdtemp(prefix="direct_io-", dir=place))
            atexit.register(shutil.rmtree, made, ignore_errors=True)
            return made
        seen.append(f"{place}: {found.verdict()}")
    raise DirectIOUnsupported(
        "the direct_io chapter needs a directory on a file system that does real direct I/O "
        "(ext4 or xfs on a block device; not tmpfs, overlayfs or a network file system). Tried: "
        + "; ".join(seen))


def require_chapter_kernel(shm: str | os.PathLike[str] = "/dev/shm") -> None:
    """Raise :class:`DirectIOUnsupported` unless this kernel shows what the chapter shows (Linux 6.6+).

    The chapter prints per-file dirtiness, which only ``cachestat(2)`` (6.5)
    reports, and uses a tmpfs that accepts ``O_DIRECT`` (6.6) as its
    counter-example. On an older kernel, or in a sandbox that blocks the
    system call, its outputs would differ; this stops it first, saying why.
    """
    missing = []
    try:
        page_cache(__file__, source="cachestat")
    except OSError as exc:
        missing.append(f"cachestat(2) failed ({errno.errorcode.get(exc.errno or 0, exc.errno)}): Linux 6.5+, "
                       "not blocked by a seccomp filter")
    place = Path(shm)
    found = probe_direct_io(place) if place.is_dir() else None
    if found is None or found.file_system != "tmpfs" or not found.opens:
        what = "missing" if found is None else found.verdict()
        missing.append(f"a tmpfs at {place} that accepts O_DIRECT (Linux 6.6+); here: {what}")
    if missing:
        raise DirectIOUnsupported("the direct_io chapter needs " + "; and ".join(missing))
