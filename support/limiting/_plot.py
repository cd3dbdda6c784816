"""Draw what :mod:`support.limiting` measured: tasks alive over time, and memory against tasks.

Taught in the chapter ``limiting``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from support.limiting._approaches import LimitStatistics
from support.limiting._memory import MemoryUse

_STYLES = ("-", "--", "-.", ":")  # lines that coincide (two bounded runs) stay visible

if TYPE_CHECKING:  # matplotlib loads on the first plot, not in every process that imports support.limiting
    from matplotlib.figure import Figure


def plot_tasks_alive(runs: Sequence[LimitStatistics], *, title: str = "") -> Figure:
    """One step line per run: the tasks alive (census count) against trio time, log scale if counts differ a lot."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 3.2), layout="constrained")
    ax = fig.add_subplot()
    for stats, style in zip(runs, itertools.cycle(_STYLES), strict=False):
        times = [t for t, _ in stats.timeline]
        alive = [n for _, n in stats.timeline]
        ax.step(times, alive, where="post", label=f"{stats.approach} (most {stats.most_alive:,})", linewidth=1.8,
                linestyle=style)
    counts = [n for stats in runs for _, n in stats.timeline if n > 0]
    if counts and max(counts) > 50 * min(counts):
        ax.set_yscale("symlog", linthresh=10)
    ax.set_xlabel("trio time (s)", fontsize=11)
    ax.set_ylabel("tasks alive", fontsize=11)
    ax.tick_params(labelsize=10)
    ax.grid(linestyle=":", linewidth=0.6)
    ax.legend(fontsize=10)
    if title:
        ax.set_title(title, fontsize=11)
    return fig


def plot_memory(uses: Sequence[MemoryUse], *, title: str = "") -> Figure:
    """Peak traced memory (MiB above the baseline) against the number of tasks, one line per approach."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 3.2), layout="constrained")
    ax = fig.add_subplot()
    approaches = dict.fromkeys(u.approach for u in uses)
    for approach, style in zip(approaches, itertools.cycle(_STYLES), strict=False):
        mine = sorted((u for u in uses if u.approach == approach), key=lambda u: u.tasks)
        ax.plot([u.tasks for u in mine], [u.peak_bytes / 2**20 for u in mine], marker="o", label=approach,
                linestyle=style, linewidth=1.8)
    ax.set_xscale("log")
    ax.set_xlabel("tasks", fontsize=11)
    ax.set_ylabel("peak MiB above baseline", fontsize=11)
    ax.tick_params(labelsize=10)
    ax.grid(linestyle=":", linewidth=0.6)
    ax.legend(fontsize=10)
    if title:
        ax.set_title(title, fontsize=11)
    return fig
