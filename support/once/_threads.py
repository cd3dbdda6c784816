"""Go's ``sync.Once``, version by version, with :mod:`threading`: the evolution in Python.

Mental model: each class is one step of the notes' evolution of Go's
``Once``, written for threads. Python has no user-level atomics: under the
GIL an attribute read or write is already indivisible, so Go's versions 2-4
(``AddInt32``, ``LoadUint32``, CAS, ``StoreUint32``) collapse into one plain
flag here; what survives is the *shape*: a lock on every call, or a fast path
that reads a flag and a slow path that takes the lock and checks again.

* :class:`LockedOnce` is version 1: the lock on every call.
* :class:`UncheckedOnce` has the fast path but not the double check: the
  g1/g2 race runs ``f`` twice.
* :class:`ThreadOnce` is the final version: fast path, slow path in its own
  method, the flag set in ``finally`` (Go's deferred store: ``f`` raising
  still counts as done). CPython inlines nothing, but its specialising
  interpreter (3.11+) makes the fast path one cheap method call: rebinding
  ``do`` per instance to a C-level callable was measured and is *slower*
  (an instance attribute that shadows a method defeats the specialisation).

``do(f)`` returns ``f``'s result (like Go's ``sync.OnceValue``), or ``None``
if ``f`` raised. Each takes a ``gap`` callable, run between the fast path and
the lock, so a test can force an interleaving. Taught in the chapter ``once``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Gap = Callable[[], object]


def _no_gap() -> None:
    return None


class LockedOnce:
    """Version 1: every call takes the lock, checks the flag, and runs ``f`` if it is the first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = False
        self._value: Any = None

    def do(self, f: Callable[[], Any], gap: Gap = _no_gap) -> Any:
        gap()
        with self._lock:
            if not self._done:
                self._done = True
                self._value = f()
            return self._value


class UncheckedOnce:
    """The fast path without the double check: two callers past the flag both run ``f``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = False
        self._value: Any = None

    def do(self, f: Callable[[], Any], gap: Gap = _no_gap) -> Any:
        if self._done:
            return self._value
        gap()
        with self._lock:
            try:
                self._value = f()  # no second look at _done: the bug
            finally:
                self._done = True
            return self._value


class ThreadOnce:
    """The final version: a fast path that reads one flag, a slow path that locks and checks again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = False
        self._value: Any = None

    def do(self, f: Callable[[], Any], gap: Gap = _no_gap) -> Any:
        if self._done:
            return self._value
        return self._do_slow(f, gap)

    def _do_slow(self, f: Callable[[], Any], gap: Gap) -> Any:
        gap()
        with self._lock:
            if not self._done:  # the double check
                try:
                    self._value = f()
                finally:
                    self._done = True  # Go's deferred store: done even if f raised
            return self._value

    @property
    def done(self) -> bool:
        """Whether ``f`` has run (returned or raised)."""
        return self._done


ThreadOnceLike = LockedOnce | UncheckedOnce | ThreadOnce


def replay_g1_g2_threads(once: ThreadOnceLike) -> int:
    """Force the notes' g1/g2 interleaving with two real threads and return how often ``f`` ran.

    g2 passes the fast path and stops in the gap; g1 then runs ``do`` to the
    end; then g2 goes on. Barriers are :class:`threading.Event`, so the order
    is the same every time. Taught in the chapter ``once``.
    """
    runs = 0
    lock = threading.Lock()

    def f() -> None:
        nonlocal runs
        with lock:
            runs += 1

    in_gap, g1_done = threading.Event(), threading.Event()

    def g2_gap() -> None:
        in_gap.set()
        if not g1_done.wait(timeout=10):
            raise RuntimeError("g1 never finished")

    g2 = threading.Thread(target=once.do, args=(f, g2_gap), name="g2")
    g2.start()
    if not in_gap.wait(timeout=10):
        raise RuntimeError("g2 never reached the gap")
    g1 = threading.Thread(target=once.do, args=(f,), name="g1")
    g1.start()
    g1.join()
    g1_done.set()
    g2.join()
    return runs
