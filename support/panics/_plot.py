"""Draw what raising through N frames costs, one line per contender, on log-log axes.

Taught in the chapter ``panics``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from support.panics._measure import RAISE_CONTENDERS, RaiseCost

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def plot_raise_costs(costs: Sequence[RaiseCost]) -> Figure:
    """Microseconds per raise-and-catch against the number of frames, for each contender measured."""
    from matplotlib.figure import Figure  # here, so that importing support.panics does not load matplotlib
    from matplotlib.ticker import NullLocator

    if not costs:
        raise ValueError("plot_raise_costs needs at least one RaiseCost")
    fig = Figure(figsize=(7, 3.2), layout="constrained")
    ax = fig.subplots()
    for contender in [c for c in RAISE_CONTENDERS if any(x.contender == c for x in costs)]:
        points = sorted((x.depth, x.seconds * 1e6) for x in costs if x.contender == contender)
        ax.plot([d for d, _ in points], [us for _, us in points], marker="o", label=contender)
    ax.set(xscale="log", yscale="log", xlabel="frames between raise and catch", ylabel="µs per operation")
    depths = sorted({x.depth for x in costs})
    ax.set_xticks(depths, [str(d) for d in depths])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.label.set_fontsize(11)
    ax.yaxis.label.set_fontsize(11)
    ax.tick_params(labelsize=10)
    fig.legend(loc="outside right upper", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    return fig
