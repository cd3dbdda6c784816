"""Go's concurrency patterns rebuilt with trio: the library behind the book's chapters.

Import from here, not from the modules: ``from support import run, Trace, plot_timeline``.
"""

from support.pipelines import Pipeline, Stage, collect, measure_pipelines, open_pipeline, run_stage, stage
from support.runtime import Deadlock, log, run
from support.timeline import plot_timeline
from support.timer_heap import (
    DeadlineHeapStatistics,
    HeapNode,
    Timer,
    TimerHeap,
    TimerHeapStatistics,
    TimerRuntime,
    TimerState,
    heap_pop,
    heap_push,
    plot_timer_heaps,
    trio_deadline_statistics,
)
from support.trace import Span, TaskLife, Trace

__all__ = [
    "DeadlineHeapStatistics",
    "Deadlock",
    "HeapNode",
    "Pipeline",
    "Span",
    "Stage",
    "TaskLife",
    "Timer",
    "TimerHeap",
    "TimerHeapStatistics",
    "TimerRuntime",
    "TimerState",
    "Trace",
    "collect",
    "heap_pop",
    "heap_push",
    "log",
    "measure_pipelines",
    "open_pipeline",
    "plot_timeline",
    "plot_timer_heaps",
    "run",
    "run_stage",
    "stage",
    "trio_deadline_statistics",
]
