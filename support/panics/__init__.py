"""Panics beside exceptions: a model of Go's defer/panic/recover, its differential test, signals, stacks.

Mental model: :mod:`._model` is Go's unwinding rules as a small Python
interpreter (frames with deferred calls, a chain of panic records);
:mod:`._scenarios` and :mod:`._programs` are programs written for it and for
Go alike, and :mod:`._differential` compiles the Go side and compares. The
other modules look at the real things: the Go toolchain's machine code and
crash reports (:mod:`._gotools`), child processes that segfault or take a
signal (:mod:`._children`), tracebacks without paths (:mod:`._tracebacks`),
and what raising costs (:mod:`._measure`, :mod:`._plot`).
Taught in the chapter ``panics``.
"""

from support.panics._children import (
    KEYBOARD_INTERRUPT,
    SEGFAULT,
    SIGNAL_STREAM,
    ChildRun,
    decode_signal_mask,
    faulthandler_summary,
    go_signal_masks,
    parse_signal_masks,
    python_signal_masks,
    run_python_child,
)
from support.panics._differential import (
    Agreement,
    Disagreement,
    build_programs,
    check_against_go,
    go_lines,
    go_run_lines,
)
from support.panics._gotools import compile_go_snippet, go_crash_report, go_disassemble, go_runtime_definitions
from support.panics._measure import RAISE_CONTENDERS, RaiseCost, go_panic_costs, measure_raise_costs
from support.panics._model import (
    MAIN_GOEXIT,
    PANIC_NIL,
    Frame,
    GoOutcome,
    PanicNilError,
    current_frame,
    go_call,
    go_defer,
    go_exit,
    go_format,
    go_panic,
    go_print,
    go_recover,
    run_goroutine,
)
from support.panics._plot import plot_raise_costs
from support.panics._programs import (
    Call,
    Defer,
    Goexit,
    Panic,
    Print,
    Program,
    Recover,
    Repanic,
    random_program,
    render_go_function,
    render_go_main,
    run_program,
)
from support.panics._scenarios import SCENARIOS, go_scenario_lines, run_scenario
from support.panics._tracebacks import exception_summary

__all__ = [
    "KEYBOARD_INTERRUPT",
    "MAIN_GOEXIT",
    "PANIC_NIL",
    "RAISE_CONTENDERS",
    "SCENARIOS",
    "SEGFAULT",
    "SIGNAL_STREAM",
    "Agreement",
    "Call",
    "ChildRun",
    "Defer",
    "Disagreement",
    "Frame",
    "GoOutcome",
    "Goexit",
    "Panic",
    "PanicNilError",
    "Print",
    "Program",
    "RaiseCost",
    "Recover",
    "Repanic",
    "build_programs",
    "check_against_go",
    "compile_go_snippet",
    "current_frame",
    "decode_signal_mask",
    "exception_summary",
    "faulthandler_summary",
    "go_call",
    "go_crash_report",
    "go_defer",
    "go_disassemble",
    "go_exit",
    "go_format",
    "go_lines",
    "go_panic",
    "go_panic_costs",
    "go_print",
    "go_recover",
    "go_run_lines",
    "go_runtime_definitions",
    "go_scenario_lines",
    "go_signal_masks",
    "measure_raise_costs",
    "parse_signal_masks",
    "plot_raise_costs",
    "python_signal_masks",
    "random_program",
    "render_go_function",
    "render_go_main",
    "run_goroutine",
    "run_program",
    "run_python_child",
    "run_scenario",
]
