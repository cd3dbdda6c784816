"""Go's runtime timer heap (Go 1.14 to 1.22) rebuilt in Python: d-ary heaps per P, lazy Stop and Reset.

Mental model: see :mod:`support.timer_heap._timers`. A :class:`TimerRuntime`
owns one clock and ``procs`` :class:`TimerHeap` s; ``stop``/``reset`` only mark
a timer, and the heap is fixed when time is checked. ``heap_push``/``heap_pop``
are the d-ary list primitives underneath; ``plot_timer_heaps`` draws heaps
coloured by state. Taught in the chapter ``timer_heap``.
"""

from support.timer_heap._dary import heap_pop, heap_push, heap_replace, heapify, is_heap
from support.timer_heap._plot import STATE_COLOURS, plot_timer_heaps
from support.timer_heap._timers import (
    MAX_WHEN_NS,
    HeapNode,
    Timer,
    TimerHeap,
    TimerHeapStatistics,
    TimerRuntime,
    TimerState,
)
from support.timer_heap._trio import (
    DEADLINE_PRUNE_MIN,
    DeadlineHeapStatistics,
    open_timer_runtime,
    trio_deadline_statistics,
)

__all__ = [
    "DEADLINE_PRUNE_MIN",
    "MAX_WHEN_NS",
    "STATE_COLOURS",
    "DeadlineHeapStatistics",
    "HeapNode",
    "Timer",
    "TimerHeap",
    "TimerHeapStatistics",
    "TimerRuntime",
    "TimerState",
    "heap_pop",
    "heap_push",
    "heap_replace",
    "heapify",
    "is_heap",
    "open_timer_runtime",
    "plot_timer_heaps",
    "trio_deadline_statistics",
]
