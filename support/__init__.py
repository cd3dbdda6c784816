"""Go's concurrency patterns rebuilt with trio: the library behind the book's chapters.

Import from here, not from the modules: ``from support import run, Trace, plot_timeline``.

Names load on first use (PEP 562), so a process that needs only the worker
pool's server or load generator does not pay for matplotlib. Inside Jupyter
the timeline module loads at once, because it teaches IPython to show a
matplotlib ``Figure`` returned by a cell.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from support.golang import (
        GoError,
        GoRun,
        build_go,
        go_command,
        go_env,
        run_go,
        show_go,
    )
    from support.options import (
        Connection,
        Option,
        OptionError,
        ServerConfig,
        ServerOptions,
        configure_server,
        forward_server_options,
        mypy_verdicts,
        new_server,
        open_connection,
        with_cache,
        with_logger,
        with_read_timeout,
    )
    from support.pipelines import (
        Pipeline,
        Stage,
        collect,
        measure_pipelines,
        open_pipeline,
        run_stage,
        stage,
    )
    from support.runtime import (
        Deadlock,
        log,
        run,
    )
    from support.scheduling import (
        LATENESS_CONTENDERS,
        CalendarRule,
        Lateness,
        ScheduleError,
        WallClock,
        every,
        measure_lateness,
        on_calendar,
        resolve_wall_time,
        roll_forward,
        wait_until,
        zone,
    )
    from support.timeline import (
        plot_timeline,
    )
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
    from support.trace import (
        Span,
        TaskLife,
        Trace,
    )
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

_WHERE = {
    "BurstResult": "support.worker_pool",
    "CalendarRule": "support.scheduling",
    "Connection": "support.options",
    "DeadlineHeapStatistics": "support.timer_heap",
    "Deadlock": "support.runtime",
    "DirectoryStore": "support.worker_pool",
    "GoError": "support.golang",
    "GoRun": "support.golang",
    "HeapNode": "support.timer_heap",
    "LATENESS_CONTENDERS": "support.scheduling",
    "Lateness": "support.scheduling",
    "Option": "support.options",
    "OptionError": "support.options",
    "Pipeline": "support.pipelines",
    "ScheduleError": "support.scheduling",
    "ServerConfig": "support.options",
    "ServerOptions": "support.options",
    "ServiceRun": "support.worker_pool",
    "Settings": "support.worker_pool",
    "SettingsError": "support.worker_pool",
    "Span": "support.trace",
    "Stage": "support.pipelines",
    "TaskLife": "support.trace",
    "Timer": "support.timer_heap",
    "TimerHeap": "support.timer_heap",
    "TimerHeapStatistics": "support.timer_heap",
    "TimerRuntime": "support.timer_heap",
    "TimerState": "support.timer_heap",
    "Trace": "support.trace",
    "WallClock": "support.scheduling",
    "build_go": "support.golang",
    "canonical_payload": "support.worker_pool",
    "collect": "support.pipelines",
    "configure_server": "support.options",
    "every": "support.scheduling",
    "forward_server_options": "support.options",
    "go_command": "support.golang",
    "go_env": "support.golang",
    "heap_pop": "support.timer_heap",
    "heap_push": "support.timer_heap",
    "log": "support.runtime",
    "measure_lateness": "support.scheduling",
    "measure_pipelines": "support.pipelines",
    "measure_service": "support.worker_pool",
    "mypy_verdicts": "support.options",
    "new_server": "support.options",
    "object_name": "support.worker_pool",
    "on_calendar": "support.scheduling",
    "open_connection": "support.options",
    "open_dispatcher": "support.worker_pool",
    "open_payload_server": "support.worker_pool",
    "open_pipeline": "support.pipelines",
    "open_timer_runtime": "support.timer_heap",
    "plot_timeline": "support.timeline",
    "plot_timer_heaps": "support.timer_heap",
    "resolve_wall_time": "support.scheduling",
    "roll_forward": "support.scheduling",
    "run": "support.runtime",
    "run_burst": "support.worker_pool",
    "run_go": "support.golang",
    "run_stage": "support.pipelines",
    "show_go": "support.golang",
    "spawn_server": "support.worker_pool",
    "stage": "support.pipelines",
    "start_load": "support.worker_pool",
    "trio_deadline_statistics": "support.timer_heap",
    "wait_until": "support.scheduling",
    "with_cache": "support.options",
    "with_logger": "support.options",
    "with_read_timeout": "support.options",
    "zone": "support.scheduling",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'support' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


if "IPython" in sys.modules:
    importlib.import_module("support.timeline")

__all__ = [
    "LATENESS_CONTENDERS",
    "BurstResult",
    "CalendarRule",
    "Connection",
    "DeadlineHeapStatistics",
    "Deadlock",
    "DirectoryStore",
    "GoError",
    "GoRun",
    "HeapNode",
    "Lateness",
    "Option",
    "OptionError",
    "Pipeline",
    "ScheduleError",
    "ServerConfig",
    "ServerOptions",
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
    "WallClock",
    "build_go",
    "canonical_payload",
    "collect",
    "configure_server",
    "every",
    "forward_server_options",
    "go_command",
    "go_env",
    "heap_pop",
    "heap_push",
    "log",
    "measure_lateness",
    "measure_pipelines",
    "measure_service",
    "mypy_verdicts",
    "new_server",
    "object_name",
    "on_calendar",
    "open_connection",
    "open_dispatcher",
    "open_payload_server",
    "open_pipeline",
    "open_timer_runtime",
    "plot_timeline",
    "plot_timer_heaps",
    "resolve_wall_time",
    "roll_forward",
    "run",
    "run_burst",
    "run_go",
    "run_stage",
    "show_go",
    "spawn_server",
    "stage",
    "start_load",
    "trio_deadline_statistics",
    "wait_until",
    "with_cache",
    "with_logger",
    "with_read_timeout",
    "zone",
]
