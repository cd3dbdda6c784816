"""An async Once for trio: the first caller runs the function, everyone else waits for its outcome.

Mental model: :class:`AsyncOnce` is Go's ``sync.Once`` (with ``OnceValue``'s
result) for trio tasks. ``await once.do(fn, *args)``: if the value is
there, return it; if another task is running ``fn``, wait on a
:class:`trio.Event` (no polling) and look again; otherwise become the
runner. There is no lock and no double check to get wrong: trio switches
tasks only at an ``await``, and nothing between the look at the state and
taking the runner's role awaits.

What happens when the runner does not return a value:

* **It is cancelled** (its own cancel scope, not ``fn``'s doing): nothing
  is recorded. The runner's ``Cancelled`` propagates, and one waiting task
  becomes the next runner. A waiter that is cancelled simply stops waiting.
* **``fn`` raises an ``Exception``**: the *policy* decides.
  ``policy="done"`` is Go's choice (the deferred store): the call counts,
  the runner gets the exception, and every other caller, now and later, gets
  :class:`OnceFailedError` chained to it (``from``). ``policy="retry"``
  records nothing: the runner gets the exception, and a waiting or later
  caller runs ``fn`` again (what ``functools.cache`` and a lazily-set
  attribute do).
* A ``BaseException`` that is not an ``Exception`` (``KeyboardInterrupt``)
  is treated like cancellation.

``do`` always checkpoints (trio's rule for async functions), so a hot loop
over it yields; :meth:`AsyncOnce.get_nowait` is the synchronous fast path,
raising :class:`trio.WouldBlock` until the value exists. With
``task_status`` it works under ``nursery.start``: ``value = await
nursery.start(once.do, fn)``. :meth:`AsyncOnce.statistics` returns a frozen
:class:`OnceStatistics`. Taught in the chapter ``once``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import trio

T = TypeVar("T")
Policy = Literal["done", "retry"]
_POLICIES: tuple[Policy, ...] = ("done", "retry")


class OnceFailedError(RuntimeError):
    """The once-only call raised under ``policy="done"``; ``__cause__`` is that exception."""


@dataclass(frozen=True)
class OnceStatistics:
    """A snapshot of an :class:`AsyncOnce`.

    ``state`` is ``"idle"``, ``"running"``, ``"done"`` or ``"failed"``;
    ``runs`` counts calls of ``fn`` started, ``failures`` those that raised,
    ``cancelled`` runs abandoned by cancellation, ``waiting`` the tasks
    blocked in :meth:`AsyncOnce.do` now.
    """

    state: str
    runs: int
    failures: int
    cancelled: int
    waiting: int


class AsyncOnce(Generic[T]):
    """Run an async function once for many trio tasks; see the module docstring for the rules."""

    def __init__(self, *, policy: Policy = "done") -> None:
        if policy not in _POLICIES:
            raise ValueError(f"policy must be one of {_POLICIES}, got {policy!r}")
        self._policy = policy
        self._state = "idle"
        self._value: T | None = None
        self._error: BaseException | None = None
        self._finished = trio.Event()
        self._runs = self._failures = self._cancelled = self._waiting = 0

    @property
    def policy(self) -> Policy:
        return self._policy

    def get_nowait(self) -> T:
        """The value, without blocking; :class:`trio.WouldBlock` if no run has returned yet."""
        if self._state == "done":
            return self._value  # type: ignore[return-value]  # set with the state
        if self._state == "failed":
            raise OnceFailedError("the once-only call failed") from self._error
        raise trio.WouldBlock

    async def do(self, fn: Callable[..., Awaitable[T]], *args: Any,
                 task_status: trio.TaskStatus[T] = trio.TASK_STATUS_IGNORED) -> T:
        """Return ``fn(*args)``'s value, running it only if no task has (or is)."""
        if not callable(fn):
            raise TypeError(f"fn must be an async function, got {fn!r}")
        await trio.lowlevel.checkpoint()
        while self._state == "running":
            finished = self._finished
            self._waiting += 1
            try:
                await finished.wait()
            finally:
                self._waiting -= 1
        if self._state != "idle":
            value = self.get_nowait()
            task_status.started(value)
            return value
        self._state, self._finished = "running", trio.Event()
        self._runs += 1
        try:
            value = await fn(*args)
        except Exception as exc:
            self._failures += 1
            if self._policy == "done":
                self._state, self._error = "failed", exc
            else:
                self._state = "idle"
            raise
        except BaseException:
            self._cancelled += 1
            self._state = "idle"
            raise
        else:
            self._state, self._value = "done", value
        finally:
            self._finished.set()
        task_status.started(value)
        return value

    def statistics(self) -> OnceStatistics:
        """A frozen snapshot: state, runs, failures, cancelled runs, tasks waiting."""
        return OnceStatistics(self._state, self._runs, self._failures, self._cancelled, self._waiting)


class NaiveAsyncOnce(Generic[T]):
    """The async port of the missing double check: a flag, then a :class:`trio.Lock`, then ``fn``.

    A task that saw the flag unset and then waited on the lock runs ``fn``
    again once it gets the lock; ``double_check=True`` adds the second look
    that fixes it. ``gap`` (awaited between flag and lock) lets
    a replay force the interleaving. Taught in the chapter ``once``.
    """

    def __init__(self, *, double_check: bool = False) -> None:
        self._lock = trio.Lock()
        self._done = False
        self._value: T | None = None
        self._double_check = double_check

    async def do(self, fn: Callable[[], Awaitable[T]],
                 gap: Callable[[], Awaitable[object]] = trio.lowlevel.checkpoint) -> T:
        if self._done:
            return self._value  # type: ignore[return-value]  # set with the flag
        await gap()
        async with self._lock:
            if not (self._double_check and self._done):  # without the second look: the bug
                self._value = await fn()
                self._done = True
        return self._value
