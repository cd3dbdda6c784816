"""Run a trio program the way this book needs it: in virtual time, in a fixed order, watched for deadlock.

Mental model: :func:`run` is :func:`trio.run` with three changes.

* **Virtual time.** The clock is a :class:`trio.testing.MockClock` that jumps
  straight to the next deadline whenever every task is blocked. A 3-second
  ``trio.sleep`` costs nothing and wakes at exactly ``3.0``.
* **A fixed schedule.** trio randomly reverses each batch of runnable tasks
  and breaks equal deadlines by ``id()``. :func:`run` switches trio into the
  deterministic mode it uses under Hypothesis: each batch is sorted by task
  creation order and then ordered by a seeded generator. ``schedule="fifo"``
  runs each batch oldest task first; ``schedule="seeded"`` shuffles it with
  ``seed``, so a race can be shown in one chosen interleaving.
* **Deadlock detection.** When every task is blocked and nothing can wake
  them (no deadline, no task waiting for I/O or for a worker thread), the run
  is cancelled and :class:`Deadlock` is raised with Go's words and a list of
  every blocked task and the line where it waits.

What the fixed schedule guarantees: the same program with the same inputs
produces the same steps, in the same order, at the same virtual times, on
every run and every machine, with the trio version pinned in
``requirements.txt``. What it does not guarantee: an order that depends on
real I/O, worker threads or the real clock; an order that the program itself
derives from ``id()``, ``hash()`` of objects, or an unseeded ``random``; the
same order under another trio release. Deterministic scheduling relies on
a private trio switch (see :mod:`support._trio_internals`), which is why trio
is pinned exactly.

Several :func:`run` calls must not overlap in different threads: the switch is
process-wide. Taught in the chapter ``reading``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final, Literal, TypeVar

import trio
import trio.testing

from support._frames import WaitPoint, wait_point
from support._trio_internals import deterministic_scheduling, install_idle_hook
from support.trace import Trace, task_label, unique_labels

__all__ = ["Deadlock", "log", "run"]

T = TypeVar("T")
Clock = Literal["virtual", "real"]
Schedule = Literal["fifo", "seeded"]

# In real time the deadlock check runs after this many real seconds of idleness.
_REAL_IDLE_CHECK: Final = 0.05


class Deadlock(RuntimeError):
    """Every task was blocked and nothing could wake one: Go's ``all goroutines are asleep``.

    ``tasks`` holds each blocked task's name and :class:`~support._frames.WaitPoint`, in spawn order.
    """

    def __init__(self, tasks: Sequence[tuple[str, WaitPoint]]) -> None:
        self.tasks = tuple(tasks)
        lines = [f"fatal error: all tasks are asleep - deadlock! ({len(self.tasks)} blocked)"]
        for name, point in self.tasks:
            lines.append("")
            lines.append(f"task {name!r} [blocked in {point.operation}]:")
            lines.extend(f"    {frame}" for frame in point.frames)
        super().__init__("\n".join(lines))


class _Order(random.Random):
    """Stands in for trio's scheduler RNG while :func:`run` is active."""

    def __init__(self, schedule: Schedule, seed: int) -> None:
        super().__init__(seed)
        self._fifo = schedule == "fifo"

    def shuffle(self, x: Any) -> None:
        # trio sorts the batch by creation order and pops from the end.
        if self._fifo:
            x.reverse()
        else:
            super().shuffle(x)


def _watching_clock(virtual: bool, on_stuck: Callable[[], bool]) -> trio.testing.MockClock:
    """A MockClock whose idle hook also checks for deadlock.

    trio calls the clock's idle hook when every task has been blocked for
    ``autojump_threshold`` real seconds. In virtual time it jumps to the next
    deadline; in real time (``rate=1``) it never jumps, it only checks.
    ``on_stuck`` returns True while something outside the tasks (I/O, a worker
    thread) may still wake one; virtual time then checks every few real
    milliseconds instead of spinning.
    """
    idle = 0.0 if virtual else _REAL_IDLE_CHECK
    clock = trio.testing.MockClock(rate=0.0 if virtual else 1.0, autojump_threshold=idle)

    def on_idle() -> None:
        if math.isinf(trio.lowlevel.current_statistics().seconds_to_next_deadline):
            if on_stuck() and virtual:
                clock.autojump_threshold = _REAL_IDLE_CHECK / 10
            return
        if clock.autojump_threshold != idle:
            clock.autojump_threshold = idle
        if virtual:
            jump()

    jump = install_idle_hook(clock, on_idle)
    return clock


def _descendants(task: trio.lowlevel.Task) -> list[trio.lowlevel.Task]:
    found = [task]
    for nursery in task.child_nurseries:
        for child in nursery.child_tasks:
            found.extend(_descendants(child))
    return found


class _Runner:
    def __init__(self, main_name: str) -> None:
        self.main_name = main_name
        self.root: trio.lowlevel.Task | None = None
        self.scope = trio.CancelScope()
        self.deadlock: Deadlock | None = None
        self.order: dict[trio.lowlevel.Task, int] = {}

    def on_stuck(self) -> bool:
        """Every task is blocked and no deadline is pending: report a deadlock, or return True if not one."""
        if self.root is None or self.deadlock is not None:
            return False
        if trio.lowlevel.current_statistics().run_sync_soon_queue_size:
            return True
        tasks = sorted(_descendants(self.root), key=lambda t: self.order.get(t, 0))
        points = [(t, wait_point(t)) for t in tasks]
        if any(p.outside for _, p in points):
            return True  # I/O or a worker thread may still wake someone
        names = unique_labels([self.main_name if t is self.root else task_label(t.name) for t, _ in points])
        self.deadlock = Deadlock([(n, p) for n, (_, p) in zip(names, points, strict=True)])
        self.scope.cancel()
        return False


class _SpawnOrder(trio.abc.Instrument):
    def __init__(self, order: dict[trio.lowlevel.Task, int]) -> None:
        self._order = order
        self._next = 0

    def task_spawned(self, task: trio.lowlevel.Task) -> None:
        self._order[task] = self._next
        self._next += 1

    def task_exited(self, task: trio.lowlevel.Task) -> None:
        self._order.pop(task, None)  # only live tasks can appear in a deadlock report


def run(
    main: Callable[..., Awaitable[T]],
    *args: object,
    clock: Clock = "virtual",
    schedule: Schedule = "fifo",
    seed: int = 0,
    trace: Trace | None = None,
    instruments: Sequence[trio.abc.Instrument] = (),
) -> T:
    """Run ``main(*args)`` under trio in virtual (or real) time with a fixed schedule.

    >>> async def hello() -> float:
    ...     await trio.sleep(3)
    ...     return trio.current_time()
    >>> run(hello)
    3.0

    Arguments:
      clock: ``"virtual"`` (default) jumps over sleeps; ``"real"`` runs on the
        wall clock, starting at 0.
      schedule: ``"fifo"`` or ``"seeded"``, see the module docstring.
      seed: the seed for ``schedule="seeded"``.
      trace: a :class:`~support.trace.Trace` to record every task's life.
      instruments: more trio instruments.

    Raises :class:`Deadlock` when the program can never continue. Other
    exceptions propagate unchanged, for example an ``ExceptionGroup`` from a
    nursery. Taught in the chapter ``reading``.
    """
    if clock not in ("virtual", "real"):
        raise ValueError(f"clock must be 'virtual' or 'real', not {clock!r}")
    if schedule not in ("fifo", "seeded"):
        raise ValueError(f"schedule must be 'fifo' or 'seeded', not {schedule!r}")
    runner = _Runner(getattr(main, "__name__", "main"))
    watching = _watching_clock(clock == "virtual", runner.on_stuck)
    all_instruments: list[trio.abc.Instrument] = [_SpawnOrder(runner.order), *instruments]
    if trace is not None:
        all_instruments.append(trace)

    async def _root() -> T:
        runner.root = trio.lowlevel.current_task()
        if trace is not None:
            trace.rename(runner.root, runner.main_name)
        with runner.scope:
            result = await main(*args)
        if runner.deadlock is not None:  # even if main swallowed the cancellation and returned
            raise runner.deadlock
        return result

    with deterministic_scheduling(_Order(schedule, seed)):
        return trio.run(_root, clock=watching, instruments=all_instruments, strict_exception_groups=True)


def log(*parts: object) -> None:
    """Print ``parts`` after the current trio time, like Go's ``log.Println`` prints a timestamp.

    In virtual time the stamp is exact, so the output is the same on every run.
    Taught in the chapter ``reading``.
    """
    print(f"[{trio.current_time():7.3f}s]", *parts)



