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


def _positions(count: int, arity: int) -> tuple[list[tuple[float, float]], int]:
    """Leaves spread evenly left to right in depth-first order, each parent centred over its children.

    Returns the (x, y) of every slot, x in [0, 1] and y minus the depth, and the number of leaves.
    """
    xs, ys = [0.0] * count, [0.0] * count
    leaves = 0

    def place(i: int, depth: int) -> None:
        nonlocal leaves
        ys[i] = -depth
        kids = range(arity * i + 1, min(arity * i + arity + 1, count))
        if not kids:
            xs[i] = leaves
            leaves += 1
            return
        for kid in kids:
            place(kid, depth + 1)
        xs[i] = (xs[kids[0]] + xs[kids[-1]]) / 2

    if count:
        place(0, 0)
    span = max(leaves - 1, 1)
    return [((x / span) if leaves > 1 else 0.5, y) for x, y in zip(xs, ys, strict=True)], leaves


def _draw(ax: Axes, nodes: Sequence[HeapNode], arity: int, title: str) -> None:
    xy, _ = _positions(len(nodes), arity)
    for node in nodes:
        if node.parent is not None:
            (x0, y0), (x1, y1) = xy[node.parent], xy[node.index]
            ax.plot([x0, x1], [y0, y1], color="#888888", linewidth=0.8, zorder=1)
    for node in nodes:
        x, y = xy[node.index]
        ax.scatter([x], [y], s=650, color=STATE_COLOURS[node.state], edgecolors="black", zorder=2)
        when = "inf" if node.when == float("inf") else f"{node.when:g}"
        ax.text(x, y, f"{node.name}\n{when}", ha="center", va="center", fontsize=7, zorder=3)
    ax.set_title(title, fontsize=9)
    ax.set_xlim(-0.08, 1.08)
    depth = -min((y for _, y in xy), default=0)
    ax.set_ylim(-depth - 0.6, 0.6)
    ax.axis("off")


def plot_timer_heaps(snapshots: Sequence[tuple[str, Sequence[HeapNode]]], arity: int, *, title: str = "") -> Figure:
    """Draw each ``(caption, heap.nodes())`` snapshot as a tree, left to right, with a legend of states."""
    if not snapshots:
        raise ValueError("plot_timer_heaps needs at least one (caption, nodes) snapshot")
    widest = max(_positions(len(nodes), arity)[1] for _, nodes in snapshots)
    width = max(6.6, max(3.2, 0.55 * widest) * len(snapshots))  # room for the legend too
    fig = Figure(figsize=(width, 3.0), layout="constrained")
    axes = fig.subplots(1, len(snapshots), squeeze=False)[0]
    for ax, (caption, nodes) in zip(axes, snapshots, strict=True):
        _draw(ax, nodes, arity, caption)
    shown = [TimerState.WAITING, TimerState.DELETED, TimerState.MODIFIED_EARLIER, TimerState.MODIFIED_LATER]
    handles = [Patch(facecolor=STATE_COLOURS[s], edgecolor="black", label=s.value) for s in shown]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
