"""Every use of trio's private names, in one place, each behind a small named function.

Mental model: the book leans on a handful of trio internals that trio does not
promise to keep: the deterministic-scheduling switch its Hypothesis plugin
uses, the idle hook of :class:`trio.testing.MockClock`, the sizes of the run's
deadline heap, and the names of trio's own frames and operations. Everything
else in ``support`` calls the functions here and never touches ``trio._core``
(a ruff ``banned-api`` rule in ``pyproject.toml`` enforces it), so a trio
upgrade that moves one of them fails one named test in
``tests/test_trio_internals.py`` instead of changing notebook outputs.
trio is pinned exactly in ``requirements.txt`` for the same reason.

What is relied on, as of trio 0.35 (``trio/_core/_run.py``):

* ``_ALLOW_DETERMINISTIC_SCHEDULING`` and ``_r``: when the switch is on, each
  batch of runnable tasks is sorted by creation order and then handed to
  ``_r.shuffle``; otherwise it is reversed at random (``_r.random() < 0.5``).
  trio's Hypothesis plugin turns the switch on for good once hypothesis is
  imported; :func:`deterministic_scheduling` restores whatever it found.
* ``MockClock._autojump()``: called by the run loop once every task has been
  blocked for ``autojump_threshold`` real seconds.
* ``GLOBAL_RUN_CONTEXT.runner.deadlines``: a ``heapq`` list ``_heap`` of
  ``(deadline, id, scope)`` entries and an ``_active`` count; pruned when
  ``len(_heap) > 2 * _active + DEADLINE_HEAP_MIN_PRUNE_THRESHOLD``.
* trio's source directory (frames in it are trio's, not the reader's), and the
  substrings of its frame names that mean "waiting for I/O or a thread" and
  that say which kind of operation a task is blocked in.

Taught in the chapter ``reading``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import trio
import trio.testing
from trio._core import _run as _trio_run

__all__ = [
    "DEADLINE_HEAP_MIN_PRUNE",
    "OPERATION_KINDS",
    "OUTSIDE_WAKERS",
    "TRIO_SOURCE_DIR",
    "deadline_heap_sizes",
    "deterministic_scheduling",
    "install_idle_hook",
    "is_system_task",
]

#: trio prunes its deadline heap once it holds more than ``2 * active + DEADLINE_HEAP_MIN_PRUNE`` entries.
DEADLINE_HEAP_MIN_PRUNE: Final[int] = _trio_run.DEADLINE_HEAP_MIN_PRUNE_THRESHOLD

#: The directory of trio's source: a frame whose file is under it is trio's, not the reader's.
TRIO_SOURCE_DIR: Final[str] = str(Path(trio.__file__).resolve().parent)

#: Substrings of trio frame names (``co_qualname``) that mean something outside the tasks can wake one.
OUTSIDE_WAKERS: Final[tuple[str, ...]] = ("wait_readable", "wait_writable", "thread")

#: Kinds of blocking operation, each with the substrings of trio operation names (lower case) that
#: belong to it, checked in this order; a name that matches none is ``"other"``.
OPERATION_KINDS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("sleep", ("sleep",)),
    ("send", ("send",)),
    ("receive", ("receive",)),
    ("acquire", ("acquire", "lock", "semaphore", "limiter", "asynccontextmanagermixin")),  # `async with lock:`
    ("join", ("nursery", "aexit")),
    ("wait", ("wait", "event", "park")),
)


def is_system_task(name: str) -> bool:
    """True for trio's own tasks (``<init>``, ``<TrioToken.run_sync_soon task>``): their names start with ``<``."""
    return name.startswith("<")


@contextmanager
def deterministic_scheduling(order: random.Random) -> Iterator[None]:
    """While the block runs, trio sorts each batch of runnable tasks by creation order and calls ``order.shuffle``.

    The switch is process-wide: two blocks must not overlap in different threads.
    """
    saved = (_trio_run._ALLOW_DETERMINISTIC_SCHEDULING, _trio_run._r)
    _trio_run._ALLOW_DETERMINISTIC_SCHEDULING = True  # type: ignore[misc]
    _trio_run._r = order
    try:
        yield
    finally:
        _trio_run._ALLOW_DETERMINISTIC_SCHEDULING, _trio_run._r = saved  # type: ignore[misc]


def install_idle_hook(clock: trio.testing.MockClock, hook: Callable[[], None]) -> Callable[[], None]:
    """Make ``hook`` what trio calls when every task has been idle for ``clock.autojump_threshold``.

    Returns the clock's own jump (to the next deadline), for the hook to call
    when it wants the usual behaviour. MockClock is final, so the hook is set
    on the instance.
    """
    jump = clock._autojump
    clock._autojump = hook  # type: ignore[method-assign]
    return jump


def deadline_heap_sizes() -> tuple[int, int]:
    """``(entries, active)`` of the current run's deadline heap; the difference is stale entries.

    Raises ``RuntimeError`` outside a trio run.
    """
    try:
        runner = _trio_run.GLOBAL_RUN_CONTEXT.runner
    except AttributeError:
        raise RuntimeError("the deadline heap can only be read from inside a trio run") from None
    deadlines = runner.deadlines
    return len(deadlines._heap), deadlines._active
