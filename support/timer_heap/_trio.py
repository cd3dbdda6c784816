"""trio's own timer heap, looked at: the run loop's heap of cancel-scope deadlines.

Mental model: trio keeps one ``heapq`` of ``(deadline, id(scope), scope)``
tuples for the whole run. Setting or leaving a deadline never removes an entry;
it pushes a fresh one (or none) and lowers an ``active`` count, so old entries
go stale. Stale entries are skipped when they reach the top, and the whole heap
is pruned when ``len(heap) > 2 * active + 1000`` (trio 0.35,
``trio/_core/_run.py``, class ``Deadlines``). This reads those two numbers; it
relies on trio's private ``GLOBAL_RUN_CONTEXT``, which is why trio is pinned.
Taught in the chapter ``timer_heap``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from trio._core import _run as _trio_run

__all__ = ["DEADLINE_PRUNE_MIN", "DeadlineHeapStatistics", "trio_deadline_statistics"]

DEADLINE_PRUNE_MIN: Final[int] = _trio_run.DEADLINE_HEAP_MIN_PRUNE_THRESHOLD


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
        runner = _trio_run.GLOBAL_RUN_CONTEXT.runner
    except AttributeError:
        raise RuntimeError("trio_deadline_statistics() must be called from inside a trio run") from None
    deadlines = runner.deadlines
    return DeadlineHeapStatistics(len(deadlines._heap), deadlines._active)
