"""Pictures of timer heaps: the tree drawn level by level, each node coloured by its timer's state.

Mental model: take :meth:`TimerHeap.nodes` snapshots before and after an
operation and draw them side by side. Each node shows the timer's name and
the time its *entry* is keyed on, which is stale for a modified timer until
``adjust`` or ``clean`` re-keys it. Taught in the chapter ``timer_heap``.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from support.timer_heap._timers import HeapNode, TimerState

__all__ = ["STATE_COLOURS", "plot_timer_heaps"]

STATE_COLOURS = {
    TimerState.WAITING: "#59a14f",
    TimerState.DELETED: "#bab0ac",
    TimerState.MODIFIED_EARLIER: "#4e79a7",
    TimerState.MODIFIED_LATER: "#f28e2b",
    TimerState.REMOVED: "#ffffff",
    TimerState.NO_STATUS: "#ffffff",
}


def _positions(count: int, arity: int) -> list[tuple[float, float]]:
    """x in [0, 1] so that each subtree sits under its parent; y is minus the depth."""
    out: list[tuple[float, float]] = []
    level_start, level_size, depth = 0, 1, 0
    while level_start < count:
        for j in range(min(level_size, count - level_start)):
            out.append(((j + 0.5) / level_size, -depth))
        level_start += level_size
        level_size *= arity
        depth += 1
    return out


def _draw(ax: Axes, nodes: Sequence[HeapNode], arity: int, title: str) -> None:
    xy = _positions(len(nodes), arity)
    for node in nodes:
        if node.parent is not None:
            (x0, y0), (x1, y1) = xy[node.parent], xy[node.index]
            ax.plot([x0, x1], [y0, y1], color="#888888", linewidth=0.8, zorder=1)
    for node in nodes:
        x, y = xy[node.index]
        ax.scatter([x], [y], s=700, color=STATE_COLOURS[node.state], edgecolors="black", zorder=2)
        when = "inf" if node.when == float("inf") else f"{node.when:g}"
        ax.text(x, y, f"{node.name}\n{when}", ha="center", va="center", fontsize=7, zorder=3)
    ax.set_title(title, fontsize=9)
    ax.set_xlim(-0.02, 1.02)
    depth = -min((y for _, y in xy), default=0)
    ax.set_ylim(-depth - 0.6, 0.6)
    ax.axis("off")


def plot_timer_heaps(snapshots: Sequence[tuple[str, Sequence[HeapNode]]], arity: int, *, title: str = "") -> Figure:
    """Draw each ``(caption, heap.nodes())`` snapshot as a tree, left to right, with a legend of states."""
    if not snapshots:
        raise ValueError("plot_timer_heaps needs at least one (caption, nodes) snapshot")
    fig = Figure(figsize=(3.6 * len(snapshots), 3.0), layout="constrained")
    axes = fig.subplots(1, len(snapshots), squeeze=False)[0]
    for ax, (caption, nodes) in zip(axes, snapshots, strict=True):
        _draw(ax, nodes, arity, caption)
    shown = [TimerState.WAITING, TimerState.DELETED, TimerState.MODIFIED_EARLIER, TimerState.MODIFIED_LATER]
    handles = [Patch(facecolor=STATE_COLOURS[s], edgecolor="black", label=s.value) for s in shown]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
