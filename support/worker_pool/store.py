"""A directory that plays S3: content-addressed, atomic, with a latency you choose.

Mental model: ``put(content)`` waits ``latency`` seconds (the round trip to a
remote store), then writes ``content`` to a temporary file in the store's own
directory and renames it to the SHA-256 of the content. A rename within one
directory is atomic, so a reader sees either no object or the whole object,
never half of one, even if the writer dies mid-write. The name comes from the
bytes alone, never from the request, so nothing a client sends can choose a
path, and storing the same bytes twice leaves one object.

Atomic is not durable. With ``durable=True`` each write also ``fsync``-s the
file before the rename and the directory after it, so an object that ``put``
returned survives a ``kill -9`` and a power cut. A process killed mid-write
leaves a temporary file behind; :meth:`DirectoryStore.sweep` removes those,
and the server calls it before it binds.

The write itself is a few system calls on a local file (15-50 µs measured
here), cheaper than a round trip through a worker thread (~130 µs), so it runs
inline on the trio thread; pass ``offload=True`` for a slow disk.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import json.encoder
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import trio

_TEMP_SUFFIX: Final = ".tmp"
_ENCODER: Final = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


# json's C encoder, made once: JSONEncoder.encode builds a new one on every call, which was
# about a third of the time of encoding one small payload (measured in the chapter's closing note).
_MAKE: Final = getattr(json.encoder, "c_make_encoder", None)  # None where json has no C speedups
_C_ENCODE: Final = (
    _MAKE(None, None, json.encoder.encode_basestring_ascii, None, ":", ",", True, False, False) if _MAKE else None
)


def canonical_payload(payload: object) -> bytes:
    """The stored bytes of one JSON payload: sorted keys, no spaces, ASCII only.

    Two payloads that are equal as JSON get the same bytes and so the same name.
    Raises ``ValueError`` for NaN or infinity, which JSON cannot carry, and
    ``RecursionError`` for nesting too deep to encode.
    """
    if _C_ENCODE is None or not isinstance(payload, dict):
        return _ENCODER.encode(payload).encode("ascii")
    return "".join(_C_ENCODE(payload, 0)).encode("ascii")


def object_name(content: bytes) -> str:
    """The name an object gets in the store: the SHA-256 of its bytes, in hex."""
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class StoreStatistics:
    """Counters of a :class:`DirectoryStore` since it was opened."""

    written: int


@dataclass(frozen=True)
class StoreCheck:
    """What :meth:`DirectoryStore.check` found on disk."""

    objects: int
    corrupt: tuple[str, ...]
    temp_files: tuple[str, ...]
    strangers: tuple[str, ...]

    @property
    def clean(self) -> bool:
        """True when every file is a whole object under its own hash, and nothing else is there."""
        return not (self.corrupt or self.temp_files or self.strangers)


class DirectoryStore:
    """Objects in one directory, each named by the SHA-256 of its bytes.

    ``latency`` (seconds) is slept before each write, so a slow upstream can be
    injected; under :func:`support.run`'s virtual clock it costs nothing.
    """

    def __init__(
        self, root: str | os.PathLike[str], *, latency: float = 0.0, offload: bool = False, durable: bool = False
    ) -> None:
        if isinstance(latency, bool) or not isinstance(latency, int | float) or not 0 <= latency < math.inf:
            raise ValueError(f"latency must be a finite number of seconds >= 0, got {latency!r}")
        self.durable = durable
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._dir = os.fspath(self.root)
        self._pid = os.getpid()
        self.latency = latency
        self.offload = offload
        self._tmp_ids = itertools.count()
        self._written = 0

    async def put(self, content: bytes) -> str:
        """Wait ``latency``, store ``content`` atomically and return its name."""
        if self.latency > 0:
            await trio.sleep(self.latency)
        else:
            await trio.lowlevel.checkpoint()
        if self.offload:
            return await trio.to_thread.run_sync(self.write, content)
        return self.write(content)

    def write(self, content: bytes) -> str:
        """Store ``content`` now, without the latency: temp file, then rename. Returns the name.

        Writing bytes that are already stored replaces the object with identical bytes, atomically.
        """
        name = object_name(content)
        temp = f"{self._dir}/.{name}.{self._pid}.{next(self._tmp_ids)}{_TEMP_SUFFIX}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            try:
                view = memoryview(content)
                while view:
                    view = view[os.write(fd, view) :]
                if self.durable:
                    os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp, f"{self._dir}/{name}")
            if self.durable:
                self._sync_directory()
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
        self._written += 1
        return name

    def _sync_directory(self) -> None:
        fd = os.open(self._dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def sweep(self) -> int:
        """Remove the temporary files a killed writer left behind; return how many there were.

        Call it only while no writer uses the directory (the server does, before it binds).
        """
        swept = 0
        for entry in os.scandir(self.root):
            if entry.name.startswith(".") and entry.name.endswith(_TEMP_SUFFIX):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    swept += 1
        return swept

    def get(self, name: str) -> bytes:
        """The bytes stored under ``name``; ``KeyError`` if there is no such object."""
        if len(name) != 64 or not all(c in "0123456789abcdef" for c in name):
            raise KeyError(f"not an object name: {name!r}")
        try:
            return (self.root / name).read_bytes()
        except FileNotFoundError:
            raise KeyError(name) from None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and len(name) == 64 and (self.root / name).exists()

    def names(self) -> set[str]:
        """The names of every whole object (temporary files are not objects)."""
        return {entry.name for entry in os.scandir(self.root) if not entry.name.startswith(".")}

    def check(self, *, contents: bool = True) -> StoreCheck:
        """List the directory and check every object's bytes hash to its name (``contents=False`` skips that)."""
        objects, corrupt, temps, strangers = 0, [], [], []
        for entry in os.scandir(self.root):
            if entry.name.endswith(_TEMP_SUFFIX) and entry.name.startswith("."):
                temps.append(entry.name)
            elif len(entry.name) != 64 or not entry.is_file():
                strangers.append(entry.name)
            else:
                objects += 1
                if contents and object_name(Path(entry.path).read_bytes()) != entry.name:
                    corrupt.append(entry.name)
        return StoreCheck(objects, tuple(sorted(corrupt)), tuple(sorted(temps)), tuple(sorted(strangers)))

    def statistics(self) -> StoreStatistics:
        """Objects written by this store object (rewrites of the same bytes count again)."""
        return StoreStatistics(written=self._written)
