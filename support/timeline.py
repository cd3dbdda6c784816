"""Draw a :class:`~support.trace.Trace` as a timeline: one row per task, time left to right.

Mental model: a Gantt chart of tasks. A thin line spans each task's life; a
coloured bar shows each stretch it spent blocked, coloured by what it waited
for (sleep, send, receive, a lock or semaphore, an event, its children); a
black tick marks each step it ran. Under virtual time a step takes no time,
so everything a task does happens at the ticks.

Taught in the chapter ``reading``; every chapter uses it.
"""

from __future__ import annotations

import sys

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from support.trace import CATEGORIES, Trace

__all__ = ["plot_timeline"]

COLOURS = {
    "sleep": "#bdbdbd",
    "send": "#f28e2b",
    "receive": "#4e79a7",
    "acquire": "#b07aa1",
    "wait": "#59a14f",
    "join": "#edc948",
    "other": "#e15759",
}
_BAR = 0.6


def _display_figures_in_jupyter() -> None:
    """Let a returned ``Figure`` show as a PNG in Jupyter without pyplot's global state."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        from IPython.core.pylabtools import select_figure_formats

        select_figure_formats(shell, {"png"})  # type: ignore[no-untyped-call]  # IPython ships no hints here


_display_figures_in_jupyter()


def plot_timeline(trace: Trace, *, title: str = "", ax: Axes | None = None, width: float = 8.0) -> Figure:
    """Draw ``trace`` and return the figure (an empty trace draws an empty, labelled chart).

    ``ax`` draws into an existing axes instead of a new figure. Uses
    ``broken_barh`` per task and colour, so 10k spans draw in well under a second.
    """
    tasks = trace.tasks
    if ax is None:
        fig = Figure(figsize=(width, 1.2 + 0.35 * max(len(tasks), 1)), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.get_figure()  # type: ignore[assignment]
    end = trace.end_time()
    used: set[str] = set()
    for row, life in enumerate(tasks):
        y = len(tasks) - 1 - row
        stop = life.exited if life.exited is not None else end
        ax.plot([life.spawned, stop], [y, y], color="#555555", linewidth=0.8, zorder=1)
        for cat in CATEGORIES:
            bars = [(s.start, s.end - s.start) for s in life.blocked if s.category == cat and s.end > s.start]
            if bars:
                used.add(cat)
                ax.broken_barh(bars, (y - _BAR / 2, _BAR), facecolors=COLOURS[cat], zorder=2)
        if life.steps:
            ax.scatter([s for s, _ in life.steps], [y] * len(life.steps), marker="|", s=90, color="black",
                       linewidths=1.0, zorder=3)
    ax.set_yticks(range(len(tasks)), [life.name for life in reversed(tasks)])
    ax.set_ylim(-0.8, max(len(tasks), 1) - 0.2)
    ax.set_xlim(left=0.0, right=max(end * 1.02, 1e-9))
    ax.set_xlabel("trio time (s)")
    ax.grid(axis="x", linestyle=":", linewidth=0.6)
    if title:
        ax.set_title(title)
    handles = [Patch(facecolor=COLOURS[c], label=f"blocked: {c}") for c in CATEGORIES if c in used]
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4), frameon=False,
                   fontsize="small")
    return fig
