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
    open_timer_runtime,
    plot_timer_heaps,
    trio_deadline_statistics,
)
from support.trace import Span, TaskLife, Trace
from support.worker_pool import (
    BurstResult,
    DirectoryStore,
    ServiceRun,
    Settings,
    SettingsError,
    canonical_payload,
    measure_service,
    object_name,
    open_dispatcher,
    open_payload_server,
    run_burst,
    spawn_server,
    start_load,
)

__all__ = [
    "BurstResult",
    "DeadlineHeapStatistics",
    "Deadlock",
    "DirectoryStore",
    "HeapNode",
    "Pipeline",
    "ServiceRun",
    "Settings",
    "SettingsError",
    "Span",
    "Stage",
    "TaskLife",
    "Timer",
    "TimerHeap",
    "TimerHeapStatistics",
    "TimerRuntime",
    "TimerState",
    "Trace",
    "canonical_payload",
    "collect",
    "heap_pop",
    "heap_push",
    "log",
    "measure_pipelines",
    "measure_service",
    "object_name",
    "open_dispatcher",
    "open_payload_server",
    "open_pipeline",
    "open_timer_runtime",
    "plot_timeline",
    "plot_timer_heaps",
    "run",
    "run_burst",
    "run_stage",
    "spawn_server",
    "stage",
    "start_load",
    "trio_deadline_statistics",
]
