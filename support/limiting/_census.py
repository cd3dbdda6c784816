"""Count the trio tasks alive, as ``runtime.NumGoroutine()`` counts goroutines, minus a baseline.

Mental model: :class:`TaskCensus` is a trio instrument (public API:
``trio.abc.Instrument``). From the moment it is added it counts every task
spawned and every task that exits, so ``alive`` is the number of tasks
started since then and still running: Go's ``NumGoroutine() - base``, but
exact, because trio runs one task at a time. It keeps the most alive at once
and a timeline of the count, one point per instant of trio's clock, for a
"tasks alive over time" plot.

Taught in the chapter ``limiting``.
"""

from __future__ import annotations

from dataclasses import dataclass

import trio


@dataclass(frozen=True)
class TaskCensusStatistics:
    """A snapshot: tasks alive now, the most alive at once, and how many were spawned in all."""

    alive: int
    most_alive: int
    spawned: int


class TaskCensus(trio.abc.Instrument):
    """A trio instrument counting tasks alive since it was added.

    >>> census = TaskCensus()
    >>> # trio.lowlevel.add_instrument(census) ... census.statistics().most_alive
    """

    def __init__(self, *, timeline: bool = True) -> None:
        self._record = timeline  # off when the census's own memory must not count (memory measurements)
        self._alive = 0
        self._most = 0
        self._spawned = 0
        self._tracked: set[trio.lowlevel.Task] = set()
        self._points: dict[float, int] = {}

    def _mark(self) -> None:
        if not self._record:
            return
        self._points[trio.current_time()] = self._alive  # the count once the instant is over

    def task_spawned(self, task: trio.lowlevel.Task) -> None:
        self._tracked.add(task)
        self._spawned += 1
        self._alive += 1
        self._most = max(self._most, self._alive)
        self._mark()

    def task_exited(self, task: trio.lowlevel.Task) -> None:
        if task in self._tracked:  # a task that was alive before the census began is not counted
            self._tracked.discard(task)
            self._alive -= 1
            self._mark()

    def statistics(self) -> TaskCensusStatistics:
        """The counts now, as a frozen record."""
        return TaskCensusStatistics(self._alive, self._most, self._spawned)

    def timeline(self) -> tuple[tuple[float, int], ...]:
        """``(time, tasks alive after that instant)`` for each instant of trio's clock at which the count changed.

        In virtual time many tasks start and end at one instant; the point is
        the count those changes leave behind (``most_alive`` keeps the peak).
        """
        return tuple(sorted(self._points.items()))
