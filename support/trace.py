"""Record each task's life, the way ``go tool trace`` records goroutines.

Mental model: a :class:`Trace` is a trio instrument. Pass it to
:func:`support.run` (or to ``trio.run(..., instruments=[trace])``) and it
writes down, for every task, when it was spawned, each step it ran, each
stretch it spent blocked (and in which trio operation), and when it exited.
All times are trio's clock, so under virtual time they are exact and repeat
on every run. :func:`support.plot_timeline` draws it; :meth:`Trace.table`
prints it, so that nbval checks the numbers behind every plot.

Taught in the chapter ``reading``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import trio

from support._frames import operation
from support._trio_internals import OPERATION_KINDS, is_system_task

__all__ = ["Span", "TaskLife", "Trace"]

CATEGORIES = ("sleep", "send", "receive", "acquire", "wait", "join", "other")


def task_label(trio_name: str) -> str:
    """A short, readable task name: ``"mod.outer.<locals>.worker"`` becomes ``"worker"``."""
    parts = [p for p in trio_name.split(".") if p and p != "<locals>"]
    return parts[-1] if parts else trio_name


def category(operation: str) -> str:
    """Group a trio operation name (``"MemorySendChannel.send"``) into a timeline colour."""
    low = operation.lower()
    for key, words in OPERATION_KINDS:
        if any(w in low for w in words):
            return key
    return "other"


def unique_labels(names: list[str]) -> list[str]:
    """Number repeated names in order: ``["w", "w", "m"]`` becomes ``["w-1", "w-2", "m"]``."""
    totals = Counter(names)
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        if totals[name] > 1:
            seen[name] += 1
            out.append(f"{name}-{seen[name]}")
        else:
            out.append(name)
    return out


@dataclass(frozen=True)
class Span:
    """A stretch of time ``[start, end]`` a task spent blocked in ``operation``."""

    start: float
    end: float
    operation: str

    @property
    def category(self) -> str:
        return category(self.operation)


@dataclass
class TaskLife:
    """Everything recorded about one task. ``exited`` is ``None`` while it runs."""

    name: str
    spawned: float
    exited: float | None = None
    steps: list[tuple[float, float]] = field(default_factory=list)
    blocked: list[Span] = field(default_factory=list)
    _block_start: float | None = None
    _block_op: str = ""
    _step_start: float = 0.0


class Trace(trio.abc.Instrument):
    """A trio instrument that records every task's life in trio's clock.

    >>> trace = Trace()
    >>> # support.run(main, trace=trace); print(trace.table()); plot_timeline(trace)

    Tasks whose trio name starts with ``<`` (trio's own system tasks) are left out.
    """

    def __init__(self) -> None:
        self._lives: list[TaskLife] = []
        self._by_task: dict[trio.lowlevel.Task, TaskLife] = {}

    # -- the instrument hooks -------------------------------------------------
    def task_spawned(self, task: trio.lowlevel.Task) -> None:
        if is_system_task(task.name):
            return
        life = TaskLife(task_label(task.name), trio.current_time())
        self._lives.append(life)
        self._by_task[task] = life

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        life = self._by_task.get(task)
        if life is None:
            return
        now = trio.current_time()
        if life._block_start is not None:
            life.blocked.append(Span(life._block_start, now, life._block_op))
            life._block_start = None
        life._step_start = now

    def after_task_step(self, task: trio.lowlevel.Task) -> None:
        life = self._by_task.get(task)
        if life is None:
            return
        now = trio.current_time()
        life.steps.append((life._step_start, now))
        life._block_start = now
        life._block_op = operation(task)

    def task_exited(self, task: trio.lowlevel.Task) -> None:
        # trio calls this inside the task's last step, before after_task_step: record that step here.
        life = self._by_task.pop(task, None)
        if life is not None:
            life.exited = trio.current_time()
            life.steps.append((life._step_start, life.exited))

    # -- reading it -------------------------------------------------------------
    def rename(self, task: trio.lowlevel.Task, name: str) -> None:
        """Show ``task`` as ``name`` (``support.run`` names its root task after ``main``)."""
        life = self._by_task.get(task)
        if life is not None:
            life.name = name

    @property
    def tasks(self) -> list[TaskLife]:
        """Every recorded task in spawn order, with repeated names numbered (``worker-1``, ``worker-2``)."""
        lives = [TaskLife(n, lf.spawned, lf.exited, list(lf.steps), list(lf.blocked))
                 for n, lf in zip(unique_labels([lf.name for lf in self._lives]), self._lives, strict=True)]
        return lives

    def end_time(self) -> float:
        """The last time anything was recorded (0.0 for an empty trace)."""
        ends = [t.exited for t in self._lives if t.exited is not None]
        ends += [s[1] for t in self._lives for s in t.steps]
        return max(ends, default=0.0)

    def table(self, digits: int = 1) -> str:
        """One line per task: spawned, exited, steps, and time blocked per category."""
        rows = [("task", "spawned", "exited", "steps", "blocked")]
        for life in self.tasks:
            totals: dict[str, float] = dict.fromkeys(CATEGORIES, 0.0)
            for span in life.blocked:
                totals[span.category] += span.end - span.start
            blocked = ", ".join(f"{c} {totals[c]:.{digits}f}s" for c in CATEGORIES if totals[c] > 0) or "-"
            exited = "-" if life.exited is None else f"{life.exited:.{digits}f}"
            rows.append((life.name, f"{life.spawned:.{digits}f}", exited, str(len(life.steps)), blocked))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = []
        for r in rows:
            cells = [r[0].ljust(widths[0])] + [r[i].rjust(widths[i]) for i in range(1, 4)]
            lines.append("  ".join([*cells, r[4]]).rstrip())
        return "\n".join(lines)
