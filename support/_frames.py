"""Where is a blocked task waiting? Walk its coroutine chain and name the spot.

Go prints each goroutine's stack in a deadlock report. A trio task has no
thread stack while it is blocked, but its coroutine still holds the chain of
awaits, from the task's own function down to the trio primitive that parked
it. This module walks that chain, keeps the frames that belong to the reader's
code, and names the trio operation the task is parked in.

Taught in the chapter ``reading``.
"""

from __future__ import annotations

import functools
import gc
import re
import types
from collections.abc import AsyncGenerator, Iterator
from dataclasses import dataclass
from pathlib import Path

import trio

from support._trio_internals import OUTSIDE_WAKERS, TRIO_SOURCE_DIR as _TRIO_DIR

_HIDDEN_DIRS = (
    _TRIO_DIR,
    str(Path(types.__file__).resolve().parent),  # the standard library: contextlib, asyncio
)
_HIDDEN_FILES = {str(Path(__file__).resolve().parent / "runtime.py")}
_PROJECT = Path(__file__).resolve().parent.parent
_SITE = re.compile(r".*/site-packages/")
_IPYKERNEL_CELL = re.compile(r".*/ipykernel_\d+/\d+\.py$")


async def _agen() -> AsyncGenerator[None, None]:
    yield


def _step_types() -> tuple[type, ...]:
    gen = _agen()
    steps = (gen.asend(None), gen.athrow(GeneratorExit))
    for step in steps:
        step.close()  # never awaited: close them, or Python warns
    return tuple(type(step) for step in steps)


#: The awaitables ``anext(gen)``/``gen.athrow(...)`` return (``async_generator_asend``/``_athrow``).
_ASYNC_GEN_STEPS = _step_types()


@dataclass(frozen=True)
class Frame:
    """One frame of the reader's code on a task's await chain."""

    function: str
    filename: str
    lineno: int

    def __str__(self) -> str:
        return f"{self.function}() at {self.filename}:{self.lineno}"


@dataclass(frozen=True)
class WaitPoint:
    """What a blocked task is waiting in: the trio operation and the reader's frames (innermost first)."""

    operation: str
    frames: tuple[Frame, ...]
    trio_calls: tuple[str, ...] = ()

    @property
    def outside(self) -> bool:
        """True when something outside trio's tasks can wake it: I/O readiness or a worker thread."""
        return any(w in c for c in self.trio_calls for w in OUTSIDE_WAKERS)


def display_filename(filename: str) -> str:
    """A file name that reads the same on every machine and every run.

    Notebook cells become ``<cell>`` (IPython names them after a temporary
    directory and, when run by nbval, after no execution count at all), project
    files become project-relative, installed packages drop their site-packages
    prefix.
    """
    if _IPYKERNEL_CELL.match(filename):
        return "<cell>"
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(_PROJECT))
    except (ValueError, OSError):
        pass
    return _SITE.sub("", filename)


def _chain(task: trio.lowlevel.Task) -> Iterator[types.FrameType]:
    """The frames on ``task``'s await chain, outermost first, produced lazily."""
    obj: object = task.coro
    while obj is not None:
        frame = getattr(obj, "cr_frame", None) or getattr(obj, "gi_frame", None) or getattr(obj, "ag_frame", None)
        if frame is not None:
            yield frame
        nxt = getattr(obj, "cr_await", None) or getattr(obj, "gi_yieldfrom", None) or getattr(obj, "ag_await", None)
        if nxt is None and isinstance(obj, _ASYNC_GEN_STEPS):
            # ``await anext(gen)`` (an @asynccontextmanager's __aexit__ does it) awaits an
            # ``async_generator_asend`` object, which names no attribute for its generator;
            # the garbage collector's view of it does, so the walk goes on into the generator.
            nxt = next((r for r in gc.get_referents(obj) if isinstance(r, types.AsyncGeneratorType)), None)
        obj = nxt


@functools.lru_cache(maxsize=4096)
def _hidden(filename: str) -> bool:
    resolved = str(Path(filename).resolve()) if not filename.startswith("<") else filename
    return resolved in _HIDDEN_FILES or resolved.startswith(_HIDDEN_DIRS)


def operation(task: trio.lowlevel.Task) -> str:
    """Just the name of the trio operation ``task`` is parked in: the cheap part of :func:`wait_point`."""
    for frame in _chain(task):
        if frame.f_code.co_filename.startswith(_TRIO_DIR):
            return frame.f_code.co_qualname
    return "?"


def wait_point(task: trio.lowlevel.Task) -> WaitPoint:
    """Name the trio operation ``task`` is parked in, and the reader's frames that led there."""
    frames = list(_chain(task))
    calls = tuple(f.f_code.co_qualname for f in frames if f.f_code.co_filename.startswith(_TRIO_DIR))
    operation = calls[0] if calls else "?"
    mine = [
        Frame(f.f_code.co_qualname, display_filename(f.f_code.co_filename), f.f_lineno)
        for f in frames
        if not _hidden(f.f_code.co_filename)
    ]
    return WaitPoint(operation, tuple(reversed(mine)), calls)
