"""Panics beside exceptions: a model of Go's defer/panic/recover, its differential test, signals, stacks.

Taught in the chapter ``panics``.
"""

from support.panics._model import (
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
from support.panics._scenarios import SCENARIOS, run_scenario

__all__ = [
    "PANIC_NIL",
    "SCENARIOS",
    "Frame",
    "GoOutcome",
    "PanicNilError",
    "current_frame",
    "go_call",
    "go_defer",
    "go_exit",
    "go_format",
    "go_panic",
    "go_print",
    "go_recover",
    "run_goroutine",
    "run_scenario",
]
