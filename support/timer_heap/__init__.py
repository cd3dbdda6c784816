"""Go's runtime timer heap (Go 1.14 to 1.22) rebuilt in Python: d-ary heaps per P, lazy Stop and Reset.

Mental model: see :mod:`support.timer_heap._timers`. A :class:`TimerRuntime`
owns one clock and ``procs`` :class:`TimerHeap` s; ``stop``/``reset`` only mark
a timer, and the heap is fixed when time is checked. ``heap_push``/``heap_pop``
are the d-ary list primitives underneath; ``plot_timer_heaps`` draws heaps
coloured by state; ``measure_timer_heap`` is the one home of the
measuring code (chapter and benchmark); ``replay_afterfunc`` replays the calls
that Go's replay program runs. Taught in the chapter ``timer_heap``.
"""

from support.timer_heap._dary import heap_pop, heap_push, heap_replace, heapify, is_heap
from support.timer_heap._measure import HeapqTimers, TimerHeapMeasurement, measure_timer_heap, stress_41699
from support.timer_heap._plot import STATE_COLOURS, plot_measured, plot_timer_heaps
from support.timer_heap._replay import replay_afterfunc
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
    "HeapqTimers",
    "Timer",
    "TimerHeap",
    "TimerHeapMeasurement",
    "TimerHeapStatistics",
    "TimerRuntime",
    "TimerState",
    "heap_pop",
    "heap_push",
    "heap_replace",
    "heapify",
    "is_heap",
    "measure_timer_heap",
    "open_timer_runtime",
    "plot_measured",
    "plot_timer_heaps",
    "replay_afterfunc",
    "stress_41699",
    "trio_deadline_statistics",
]
