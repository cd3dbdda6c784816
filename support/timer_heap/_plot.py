"""Pictures of timer heaps: the tree drawn level by level, each node coloured by its timer's state.

Mental model: take :meth:`TimerHeap.nodes` snapshots before and after an
operation and draw them side by side. Each node shows the timer's name and
the time its *entry* is keyed on, which is stale for a modified timer until
``adjust`` or ``clean`` re-keys it. ``plot_measured`` draws a
:class:`TimerHeapMeasurement`. Taught in the chapter ``timer_heap``.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from support.timer_heap._measure import TimerHeapMeasurement
from support.timer_heap._timers import HeapNode, TimerState

__all__ = ["STATE_COLOURS", "plot_measured", "plot_timer_heaps"]

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


def _levels(count: int, arity: int) -> int:
    """How many levels a heap of ``count`` entries has."""
    levels, size = 0, 0
    while size < count:
        size += arity**levels
        levels += 1
    return levels


def _draw(ax: Axes, nodes: Sequence[HeapNode], arity: int, title: str) -> None:
    xy, _ = _positions(len(nodes), arity)
    for node in nodes:
        if node.parent is not None:
            (x0, y0), (x1, y1) = xy[node.parent], xy[node.index]
            ax.plot([x0, x1], [y0, y1], color="#888888", linewidth=1, zorder=1)
    for node in nodes:
        x, y = xy[node.index]
        ax.scatter([x], [y], s=1000, color=STATE_COLOURS[node.state], edgecolors="black", zorder=2)
        when = "inf" if node.when == float("inf") else f"{node.when:g}"
        ax.text(x, y, f"{node.name}\n{when}", ha="center", va="center", fontsize=10, zorder=3)
    ax.set_title(title, fontsize=11)
    ax.set_xlim(-0.1, 1.1)
    depth = -min((y for _, y in xy), default=0)
    ax.set_ylim(-depth - 0.5, 0.5)
    ax.axis("off")


def plot_timer_heaps(snapshots: Sequence[tuple[str, Sequence[HeapNode]]], arity: int, *, title: str = "") -> Figure:
    """Draw each ``(caption, heap.nodes())`` snapshot as a tree, two to a row, with a legend of states.

    The figure is 7 inches wide whatever the number of snapshots, so that
    labels (10 pt) stay legible at the book's page width.
    """
    if not snapshots:
        raise ValueError("plot_timer_heaps needs at least one (caption, nodes) snapshot")
    cols = min(2, len(snapshots))
    rows = -(-len(snapshots) // cols)
    depth = max(_levels(len(nodes), arity) for _, nodes in snapshots)
    fig = Figure(figsize=(7, rows * (0.75 * depth + 0.7) + 0.5), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, (caption, nodes) in zip(axes, snapshots, strict=False):
        _draw(ax, nodes, arity, caption)
    for ax in axes[len(snapshots):]:
        ax.axis("off")
    shown = [TimerState.WAITING, TimerState.DELETED, TimerState.MODIFIED_EARLIER, TimerState.MODIFIED_LATER]
    handles = [Patch(facecolor=STATE_COLOURS[s], edgecolor="black", label=s.value) for s in shown]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=10)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def plot_measured(m: TimerHeapMeasurement) -> Figure:
    """Two panels, legends below them: µs per timer call by arity, and held-heap pop+push rates by size."""
    fig = Figure(figsize=(7, 4.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    arities = [k for k in m.phases_us if k != "heapq"]
    for phase in ("schedule", "stop", "reset", "fire"):
        left.plot([int(k[-1]) for k in arities], [m.phases_us[k][phase] for k in arities], marker="o", label=phase)
    left.set_xticks([int(k[-1]) for k in arities])
    left.set_xlabel("arity", fontsize=10)
    left.set_ylabel("µs per timer call", fontsize=10)
    left.set_yscale("log")
    left.set_title(f"TimerRuntime, {m.n:,} timers", fontsize=11)
    left.legend(fontsize=10, ncols=2, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    for kind, rates in m.hold_rates.items():
        right.plot(m.hold_sizes, rates, marker="o", label=kind)
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("heap size", fontsize=10)
    right.set_ylabel("pop+push pairs / s", fontsize=10)
    right.set_title("Heap held at a fixed size", fontsize=11)
    right.legend(fontsize=10, ncols=2, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    for ax in (left, right):
        ax.tick_params(labelsize=10)
    return fig
