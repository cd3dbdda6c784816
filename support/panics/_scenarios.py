"""The chapter's table of defer/panic/recover scenarios, written against the Go model.

Mental model: each function here is the Python twin of the function of the
same name in ``chapters/go/panics/scenarios/main.go``, line for line, with
``go_defer``/``go_panic``/``go_recover``/``go_exit`` for Go's keywords and
``go_call`` for every call Go makes. :func:`run_scenario` runs it the way the
Go program's ``main`` does (in the main goroutine, then ``(main returned)``
if its body returns), so both print the same lines.
Taught in the chapter ``panics``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence

from support.golang import GO_MODULE, build_go, go_env
from support.panics._differential import go_lines
from support.panics._model import (
    GoOutcome,
    current_frame,
    go_call,
    go_defer,
    go_exit,
    go_panic,
    go_print,
    go_recover,
    run_goroutine,
)


def _lifo() -> None:
    for i in range(1, 4):
        go_defer(go_print, "deferred", i)
    go_print("returning")


def _args_now() -> None:
    x = 1
    go_defer(go_print, "deferred x =", x)
    x = 2
    go_print("x =", x)


def _unrecovered() -> None:
    go_defer(go_print, "deferred call runs")
    go_panic("boom")


def _recovered() -> None:
    def inner() -> None:
        go_defer(lambda: go_print("recovered:", go_recover()))
        go_panic("boom")
    go_call(inner)
    go_print("caller goes on")


def _no_panic() -> None:
    go_defer(lambda: go_print("deferred:", go_recover()))
    go_print("outside:", go_recover())


def _helper() -> None:
    go_print("helper:", go_recover())


def _indirect() -> None:
    go_defer(lambda: go_call(_helper))
    go_panic("boom")


def _defer_recover() -> None:
    go_defer(go_recover)
    go_panic("boom")


def _nested() -> None:
    go_defer(lambda: go_panic("second"))
    go_panic("first")


def _after_recover() -> None:
    def deferred() -> None:
        go_recover()
        go_panic("second")
    go_defer(deferred)
    go_panic("first")


def _repanic() -> None:
    go_defer(lambda: go_panic(go_recover()))
    go_panic("first")


def _outer() -> None:
    def inner() -> None:
        go_defer(lambda: go_panic("second"))
        go_panic("first")
    go_defer(lambda: go_print("recovered:", go_recover()))
    go_call(inner)


def _parse(s: str) -> tuple[int, object]:
    frame = current_frame()  # the named results (n, err) live in the frame

    def deferred() -> None:
        r = go_recover()
        if r is not None:
            frame.result = (-1, f'parse "{s}": {r}')
    go_defer(deferred)
    if s == "":
        go_panic("empty input")
    return len(s), None


def _named() -> None:
    go_print(*go_call(_parse, "gopher"))
    go_print(*go_call(_parse, ""))


def _goexit() -> None:
    go_defer(go_print, "deferred call runs")
    go_defer(lambda: go_print("recover:", go_recover()))
    go_exit()


def _goexit_panic() -> None:
    go_defer(lambda: go_print("recovered:", go_recover()))
    go_defer(lambda: go_panic("during Goexit"))
    go_exit()


def _panic_nil() -> None:
    def deferred() -> None:
        r = go_recover()
        go_print("recovered:", r, "| is nil:", r is None)
    go_defer(deferred)
    go_panic(None)


class _PathError(Exception):
    """A Go ``error`` value: Go prints ``Error()``, the model prints ``str()``."""


def _error_value() -> None:
    go_panic(_PathError("open book.toml: file does not exist"))


SCENARIOS: dict[str, tuple[str, Callable[[], None]]] = {
    "lifo": ("deferred calls run last in, first out", _lifo),
    "args_now": ("a deferred call's arguments are evaluated at defer", _args_now),
    "unrecovered": ("a panic runs the deferred calls, then kills", _unrecovered),
    "recovered": ("recover in a deferred call stops the panic", _recovered),
    "no_panic": ("recover returns nil when nothing panics", _no_panic),
    "indirect": ("recover called by a helper returns nil", _indirect),
    "defer_recover": ("defer recover() does not recover", _defer_recover),
    "nested": ("a panic in a deferred call replaces the first", _nested),
    "after_recover": ("a new panic after a recover", _after_recover),
    "repanic": ("re-panicking the recovered value", _repanic),
    "outer": ("an outer frame recovers the newest panic", _outer),
    "named": ("a deferred closure sets the named results", _named),
    "goexit": ("Goexit runs the deferred calls; recover is nil", _goexit),
    "goexit_panic": ("a recovered panic cannot stop a Goexit", _goexit_panic),
    "panic_nil": ("panic(nil) recovers as a *runtime.PanicNilError", _panic_nil),
    "error_value": ("an error value is printed with Error()", _error_value),
}


def run_scenario(name: str) -> GoOutcome:
    """Run one scenario of :data:`SCENARIOS` in the Go model, wrapped as the Go program's ``main`` wraps it."""
    if not isinstance(name, str):
        raise TypeError(f"a scenario name is a str, got {type(name).__name__}")
    if name not in SCENARIOS:
        raise ValueError(f"no scenario {name!r}; the scenarios are {', '.join(sorted(SCENARIOS))}")
    body = SCENARIOS[name][1]

    def main() -> None:
        go_call(body)
        go_print("(main returned)")
    return run_goroutine(main, main=True)


def go_scenario_lines(names: Sequence[str]) -> dict[str, list[str]]:
    """Run each named scenario as a process of ``panics/scenarios`` (built once); Go's lines for each.

    The lines are what :meth:`GoOutcome.lines` gives for the model: stdout, the
    ``panic:`` lines of stderr (the goroutine dump after them is left out), and
    ``exit status N`` unless it is 0.
    """
    for name in names:
        if name not in SCENARIOS:
            raise ValueError(f"no scenario {name!r}; the scenarios are {', '.join(sorted(SCENARIOS))}")
    binary = build_go("panics/scenarios")
    found = {}
    for name in names:
        result = subprocess.run([str(binary), name], cwd=GO_MODULE, env=go_env(), text=True, capture_output=True,
                                timeout=60)
        found[name] = go_lines(result.stdout, result.stderr, result.returncode)
    return found
