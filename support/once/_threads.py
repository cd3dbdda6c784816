"""Go's ``sync.Once``, version by version, with :mod:`threading`: the evolution in Python.

Mental model: each class is one step of the notes' evolution of Go's
``Once``, written for threads. Python has no user-level atomics: under the
GIL an attribute read or write is already indivisible, so Go's versions 2-4
(``AddInt32``, ``LoadUint32``, CAS, ``StoreUint32``) collapse into one plain
store here; what survives is the *shape*: a lock on every call, or a fast path
that reads once and a slow path that takes the lock and checks again.

* :class:`LockedOnce` is version 1: the lock on every call.
* :class:`UncheckedOnce` has the fast path but not the double check: the
  g1/g2 race runs ``f`` twice.
* :class:`ThreadOnce` is the final version: fast path, slow path in its own
  method, the value stored in ``finally`` (Go's deferred store: ``f`` raising
  still counts as done).

The done flag of the last two is the value slot itself: ``__slots__`` leaves
``_value`` unset until the slow path stores it, so the fast path is one
attribute read and a return, and only a caller that finds the slot empty
(``AttributeError``) takes the slow path. Since 3.11 a ``try`` costs nothing
until something is raised, and that happens only before ``f`` has run.
Ad-hoc timings on 3.11 (8 threads, the benchmark's loop) put a separate
``_done`` flag (two reads and a branch) about 10 % slower, and rebinding
``do`` per instance to a C-level callable once done (a ``functools.partial``)
about 1.8 times as slow: an instance attribute that shadows a method defeats
3.11's specialisation of the method call. CPython
inlines nothing, but that specialisation makes ``once.do(f)`` on a class
method the cheapest call there is.

``do(f)`` returns ``f``'s result (like Go's ``sync.OnceValue``), or ``None``
if ``f`` raised. The classes carry no test hooks: :func:`replay_g1_g2_threads`
puts its gap (between the fast path and the lock) in a subclass. Taught in
the chapter ``once``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast


class LockedOnce:
    """Version 1: every call takes the lock, checks the flag, and runs ``f`` if it is the first."""

    __slots__ = ("_done", "_lock", "_value")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = False
        self._value: Any = None

    def do(self, f: Callable[[], Any]) -> Any:
        with self._lock:
            if not self._done:
                self._done = True
                self._value = f()
            return self._value


class UncheckedOnce:
    """The fast path without the double check: two callers past the fast path both run ``f``."""

    __slots__ = ("_lock", "_value")
    _value: Any  # unset until f has run: the slot is the done flag

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def do(self, f: Callable[[], Any]) -> Any:
        try:
            return self._value
        except AttributeError:
            return self._do_slow(f)

    def _do_slow(self, f: Callable[[], Any]) -> Any:
        with self._lock:
            value = None
            try:
                value = f()  # no second look at _value: the bug
            finally:
                self._value = value
            return value


class ThreadOnce:
    """The final version: a one-read fast path, a locked double check."""

    __slots__ = ("_lock", "_value")
    _value: Any  # unset until f has run: the slot is the done flag

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def do(self, f: Callable[[], Any]) -> Any:
        try:
            return self._value  # the fast path: one read
        except AttributeError:
            return self._do_slow(f)

    def _do_slow(self, f: Callable[[], Any]) -> Any:
        with self._lock:
            try:
                return self._value  # the double check
            except AttributeError:
                pass
            value = None
            try:
                value = f()
            finally:
                self._value = value  # deferred: done even if f raised
            return value

    @property
    def done(self) -> bool:
        """Whether ``f`` has run (returned or raised)."""
        return hasattr(self, "_value")


ThreadOnceLike = LockedOnce | UncheckedOnce | ThreadOnce


_GAPPED: dict[type[ThreadOnceLike], type[Any]] = {}


def _gapped(cls: type[ThreadOnceLike]) -> type[Any]:
    if cls not in _GAPPED:
        name = "do" if cls is LockedOnce else "_do_slow"
        locked = getattr(cls, name)

        def gapped(self: Any, f: Callable[[], Any]) -> Any:
            self.gap()
            return locked(self, f)

        _GAPPED[cls] = type(f"{cls.__name__}WithGap", (cls,), {"__slots__": ("gap",), name: gapped})
    return _GAPPED[cls]


def with_gap(cls: type[ThreadOnceLike], gap: Callable[[], object]) -> ThreadOnceLike:
    """A fresh ``cls`` Once, of a subclass that calls ``gap()`` between the fast path and the lock.

    The subclass overrides only the method that takes the lock (``_do_slow``,
    or ``do`` for version 1, which has no fast path): the fast path and the
    double check stay the class's own. One subclass per class, made once.
    """
    once = _gapped(cls)()
    once.gap = gap
    return cast("ThreadOnceLike", once)


def replay_g1_g2_threads(cls: type[ThreadOnceLike]) -> int:
    """Force the notes' g1/g2 interleaving with two real threads on a fresh ``cls``; how often did ``f`` run?

    g2 passes the fast path and stops in the gap; g1 then runs ``do`` to the
    end; then g2 goes on. Barriers are :class:`threading.Event`, so the order
    is the same every time. The gap (see :func:`with_gap`) stops only the
    thread named g2. Taught in the chapter ``once``.
    """
    runs = 0
    lock = threading.Lock()

    def f() -> None:
        nonlocal runs
        with lock:
            runs += 1

    in_gap, g1_done = threading.Event(), threading.Event()

    def gap() -> None:
        if threading.current_thread().name != "g2":
            return
        in_gap.set()
        if not g1_done.wait(timeout=10):
            raise RuntimeError("g1 never finished")

    once = with_gap(cls, gap)
    g2 = threading.Thread(target=once.do, args=(f,), name="g2")
    g2.start()
    if not in_gap.wait(timeout=10):
        raise RuntimeError("g2 never reached the gap")
    g1 = threading.Thread(target=once.do, args=(f,), name="g1")
    g1.start()
    g1.join()
    g1_done.set()
    g2.join()
    return runs
