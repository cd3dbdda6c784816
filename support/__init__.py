"""Go's concurrency patterns rebuilt with trio: the library behind the book's chapters.

Import from here, not from the modules: ``from support import run, Trace, plot_timeline``.

Names load on first use (PEP 562), so a process that needs only the worker
pool's server or load generator does not pay for matplotlib. Inside Jupyter
the timeline module loads at once, because it teaches IPython to show a
matplotlib ``Figure`` returned by a cell.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from support.direct_io import (
        Alignment as Alignment,
        AlignmentError as AlignmentError,
        AsyncDirectFile as AsyncDirectFile,
        DirectFile as DirectFile,
        DirectFileStatistics as DirectFileStatistics,
        DirectIOSupport as DirectIOSupport,
        DirectIOUnsupported as DirectIOUnsupported,
        PageCache as PageCache,
        address_of as address_of,
        aligned_block as aligned_block,
        dio_alignment as dio_alignment,
        file_system_type as file_system_type,
        open_direct as open_direct,
        open_direct_async as open_direct_async,
        page_cache as page_cache,
        plot_throughput as plot_throughput,
        prepare_file as prepare_file,
        probe_direct_io as probe_direct_io,
        read_file as read_file,
        require_chapter_kernel as require_chapter_kernel,
        scratch_directory as scratch_directory,
        time_pass as time_pass,
        write_file as write_file,
    )
    from support.golang import (
        GoError as GoError,
        GoRun as GoRun,
        build_go as build_go,
        go_command as go_command,
        go_env as go_env,
        race_summary as race_summary,
        run_go as run_go,
        run_go_tests as run_go_tests,
        show_go as show_go,
    )
    from support.limiting import (
        APPROACHES as APPROACHES,
        LimitStatistics as LimitStatistics,
        MemoryUse as MemoryUse,
        TaskCensus as TaskCensus,
        TaskCensusStatistics as TaskCensusStatistics,
        WorkerPool as WorkerPool,
        WorkerPoolStatistics as WorkerPoolStatistics,
        bytes_per_parked_task as bytes_per_parked_task,
        measure_in_child as measure_in_child,
        measure_memory as measure_memory,
        open_worker_pool as open_worker_pool,
        plot_memory as plot_memory,
        plot_tasks_alive as plot_tasks_alive,
        run_limited as run_limited,
        tasks_per_second as tasks_per_second,
    )
    from support.once import (
        FAST_PATHS as FAST_PATHS,
        UNROLL as UNROLL,
        AsyncOnce as AsyncOnce,
        LockedOnce as LockedOnce,
        NaiveAsyncOnce as NaiveAsyncOnce,
        OnceFailedError as OnceFailedError,
        OnceStatistics as OnceStatistics,
        ThreadOnce as ThreadOnce,
        UncheckedOnce as UncheckedOnce,
        count_runs as count_runs,
        inlining_decisions as inlining_decisions,
        measure_contention as measure_contention,
        measure_fast_paths as measure_fast_paths,
        measure_loop as measure_loop,
        paired_ratio as paired_ratio,
        replay_g1_g2_tasks as replay_g1_g2_tasks,
        replay_g1_g2_threads as replay_g1_g2_threads,
        std_once_source as std_once_source,
        with_gap as with_gap,
    )
    from support.options import (
        Connection as Connection,
        Option as Option,
        OptionError as OptionError,
        ServerConfig as ServerConfig,
        ServerOptions as ServerOptions,
        configure_server as configure_server,
        forward_server_options as forward_server_options,
        mypy_verdicts as mypy_verdicts,
        new_server as new_server,
        open_connection as open_connection,
        with_cache as with_cache,
        with_logger as with_logger,
        with_read_timeout as with_read_timeout,
    )
    from support.panics import (
        KEYBOARD_INTERRUPT as KEYBOARD_INTERRUPT,
        SCENARIOS as SCENARIOS,
        SEGFAULT as SEGFAULT,
        SIGNAL_STREAM as SIGNAL_STREAM,
        GoOutcome as GoOutcome,
        check_against_go as check_against_go,
        compile_go_snippet as compile_go_snippet,
        current_frame as current_frame,
        exception_summary as exception_summary,
        faulthandler_summary as faulthandler_summary,
        go_call as go_call,
        go_crash_report as go_crash_report,
        go_defer as go_defer,
        go_disassemble as go_disassemble,
        go_exit as go_exit,
        go_lines as go_lines,
        go_panic as go_panic,
        go_print as go_print,
        go_recover as go_recover,
        go_run_lines as go_run_lines,
        go_runtime_definitions as go_runtime_definitions,
        go_scenario_lines as go_scenario_lines,
        go_signal_masks as go_signal_masks,
        measure_raise_costs as measure_raise_costs,
        parse_signal_masks as parse_signal_masks,
        plot_raise_costs as plot_raise_costs,
        python_signal_masks as python_signal_masks,
        random_program as random_program,
        render_go_function as render_go_function,
        run_goroutine as run_goroutine,
        run_program as run_program,
        run_python_child as run_python_child,
        run_scenario as run_scenario,
    )
    from support.pipelines import (
        Pipeline as Pipeline,
        Stage as Stage,
        collect as collect,
        measure_pipelines as measure_pipelines,
        open_pipeline as open_pipeline,
        run_stage as run_stage,
        stage as stage,
    )
    from support.runtime import (
        Deadlock as Deadlock,
        log as log,
        run as run,
    )
    from support.scheduling import (
        LATENESS_CONTENDERS as LATENESS_CONTENDERS,
        CalendarRule as CalendarRule,
        Lateness as Lateness,
        ScheduleError as ScheduleError,
        WallClock as WallClock,
        every as every,
        measure_lateness as measure_lateness,
        on_calendar as on_calendar,
        resolve_wall_time as resolve_wall_time,
        roll_forward as roll_forward,
        wait_until as wait_until,
        zone as zone,
    )
    from support.timeline import (
        plot_timeline as plot_timeline,
    )
    from support.timer_heap import (
        DeadlineHeapStatistics as DeadlineHeapStatistics,
        HeapNode as HeapNode,
        Timer as Timer,
        TimerHeap as TimerHeap,
        TimerHeapMeasurement as TimerHeapMeasurement,
        TimerHeapStatistics as TimerHeapStatistics,
        TimerRuntime as TimerRuntime,
        TimerState as TimerState,
        heap_pop as heap_pop,
        heap_push as heap_push,
        measure_timer_heap as measure_timer_heap,
        open_timer_runtime as open_timer_runtime,
        plot_measured as plot_measured,
        plot_timer_heaps as plot_timer_heaps,
        replay_afterfunc as replay_afterfunc,
        trio_deadline_statistics as trio_deadline_statistics,
    )
    from support.trace import (
        Span as Span,
        TaskLife as TaskLife,
        Trace as Trace,
    )
    from support.worker_pool import (
        BurstResult as BurstResult,
        DirectoryStore as DirectoryStore,
        LoadSpec as LoadSpec,
        ServiceRun as ServiceRun,
        Settings as Settings,
        SettingsError as SettingsError,
        canonical_payload as canonical_payload,
        h2_early_answer as h2_early_answer,
        measure_service as measure_service,
        object_name as object_name,
        open_dispatcher as open_dispatcher,
        open_load as open_load,
        open_payload_server as open_payload_server,
        request_body as request_body,
        run_burst as run_burst,
        send_payloads as send_payloads,
        spawn_go_server as spawn_go_server,
        spawn_server as spawn_server,
        try_gates as try_gates,
        websocket_then_byte as websocket_then_byte,
    )


def _read_exports() -> dict[str, str]:
    """Map each public name to its module, read from the ``TYPE_CHECKING`` block above.

    That block is the one place a name is declared (``from support.x import (Name as Name)``),
    so type checkers, ``__all__`` and the lazy loader cannot disagree.
    """
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    exports: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom) and stmt.module is not None:
                    for alias in stmt.names:
                        exports[alias.asname or alias.name] = stmt.module
    return exports


_WHERE = _read_exports()
__all__ = sorted(_WHERE)  # derived from the TYPE_CHECKING block, the single declaration


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
