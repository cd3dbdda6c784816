"""trio and timer heaps: a TimerRuntime driven by trio's clock, and trio's own heap of deadlines, looked at.

:func:`open_timer_runtime` runs a :class:`TimerRuntime` inside a trio program:
one background task sleeps until the runtime's next deadline (or until a
deadline is set), then advances the runtime to trio's clock, which fires what
is due. Under :func:`support.run` that clock is virtual, so timers fire at
exact times. Callbacks are plain functions that run in that task; to wake a
trio task, set a :class:`trio.Event` or ``send_nowait`` on a channel.

Mental model: trio keeps one ``heapq`` of ``(deadline, id(scope), scope)``
tuples for the whole run. Setting or leaving a deadline never removes an entry;
it pushes a fresh one (or none) and lowers an ``active`` count, so old entries
go stale. Stale entries are skipped when they reach the top, and the whole heap
is pruned when ``len(heap) > 2 * active + 1000`` (trio 0.35, class
``Deadlines`` of its run loop). This reads those two numbers through
:mod:`support._trio_internals`; they are private, which is why trio is pinned.
Taught in the chapter ``timer_heap``.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Final

import trio

from support._trio_internals import DEADLINE_HEAP_MIN_PRUNE, deadline_heap_sizes
from support.timer_heap._timers import TimerRuntime

__all__ = ["DEADLINE_PRUNE_MIN", "DeadlineHeapStatistics", "open_timer_runtime", "trio_deadline_statistics"]

DEADLINE_PRUNE_MIN: Final[int] = DEADLINE_HEAP_MIN_PRUNE


@dataclass(frozen=True)
class DeadlineHeapStatistics:
    """The size of trio's deadline heap and how many of its entries are live; the rest are stale."""

    entries: int
    active: int

    @property
    def stale(self) -> int:
        return self.entries - self.active

    @property
    def prune_above(self) -> int:
        """The heap is pruned at the next scheduler tick once ``entries`` exceeds this."""
        return 2 * self.active + DEADLINE_PRUNE_MIN


def trio_deadline_statistics() -> DeadlineHeapStatistics:
    """The current trio run's deadline heap; call it from inside ``trio.run`` (or :func:`support.run`)."""
    try:
        entries, active = deadline_heap_sizes()
    except RuntimeError:
        raise RuntimeError("trio_deadline_statistics() must be called from inside a trio run") from None
    return DeadlineHeapStatistics(entries, active)


@asynccontextmanager
async def open_timer_runtime(procs: int = 1, arity: int = 4) -> AsyncIterator[TimerRuntime]:
    """A :class:`TimerRuntime` whose clock is trio's, fired by a background task until the block exits.

    The runtime's time 0 is trio's time on entry. Leaving the block stops the
    driver; timers still pending then never fire. An exception raised by a
    callback ends the block with that exception.
    """
    runtime = TimerRuntime(procs=procs, arity=arity)
    base = trio.current_time()
    wake = trio.Event()

    def set_wake() -> None:
        wake.set()

    async def drive() -> None:
        nonlocal wake
        while True:
            wake = trio.Event()
            due = runtime.next_deadline()
            with trio.move_on_at(base + due if due != math.inf else math.inf) as sleep:
                await wake.wait()
            now = runtime.now  # caught up with trio's clock
            if sleep.cancelled_caught:
                now = max(now, due)  # float rounding must not leave the due timer just short of its time
            runtime.advance_to(now)

    runtime._wake = set_wake
    runtime._clock = lambda: trio.current_time() - base
    try:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(drive, name="timer-runtime")
            yield runtime
            nursery.cancel_scope.cancel()
    finally:
        runtime._wake = runtime._clock = None
