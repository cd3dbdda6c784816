"""Go's defer, panic, recover and Goexit, as a small interpreter of Go's rules written in Python.

Mental model: a goroutine is a stack of Go frames. Each frame owns a list of
deferred calls, run last-in first-out when the frame ends, whether it returns,
panics or is unwound by ``runtime.Goexit``. A panic is a record (value,
recovered?) pushed on the goroutine's chain of panics; it unwinds frame by
frame, running their deferred calls. A deferred call that calls
:func:`go_recover` *directly* marks the newest panic recovered; when that
deferred call returns, the frame that deferred it returns normally (its
remaining deferred calls still run) and every panic started inside it leaves
the chain. A panic raised inside a deferred call replaces the current one,
which stays on the chain, so the process prints both when it dies.

Every Go call the model should see goes through :func:`go_call`, because the
frames are what make recover's "called directly by a deferred function" rule
work. Python's own exceptions play no part in the rules: the model uses a
private ``BaseException`` to unwind Python's stack alongside its Go stack.
Taught in the chapter ``panics``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

PANIC_NIL = "panic called with nil argument"


class PanicNilError(Exception):
    """What ``recover()`` returns after ``panic(nil)`` since Go 1.21 (``*runtime.PanicNilError``)."""

    def __init__(self) -> None:
        super().__init__(PANIC_NIL)


@dataclass(eq=False)
class _Panic:
    value: object
    depth: int  # stack depth of the Go frame that called panic (or Goexit)
    goexit: bool = False
    recovered: bool = False


class _Unwind(BaseException):  # not an error: the model's stack unwinding
    def __init__(self, record: _Panic) -> None:
        super().__init__(record.value)
        self.record = record


@dataclass(eq=False)
class Frame:
    """One Go function call: its deferred calls and its (named) result, which deferred closures may change."""

    depth: int  # where Go's stack would have it: a panic's deferred calls run above the panicking frame
    run_by: _Panic | None = None  # the panic that called this frame as a deferred call
    result: Any = None
    defers: list[Callable[[], object]] = field(default_factory=list)


@dataclass(frozen=True)
class GoOutcome:
    """How a goroutine run by :func:`run_goroutine` ended: what it printed, and the process's end if it died."""

    stdout: tuple[str, ...]
    crash: tuple[str, ...]  # the lines Go prints on stderr before the goroutine dump, empty if none
    exit_status: int

    def lines(self) -> list[str]:
        """Everything in the order Go's process prints it, then ``exit status N`` as ``go run`` does."""
        tail = [f"exit status {self.exit_status}"] if self.exit_status else []
        return [*self.stdout, *self.crash, *tail]


@dataclass
class _Goroutine:
    out: list[str] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    panics: list[_Panic] = field(default_factory=list)


_CURRENT: ContextVar[_Goroutine | None] = ContextVar("go_model_goroutine", default=None)


def _g() -> _Goroutine:
    g = _CURRENT.get()
    if g is None:
        raise RuntimeError("the Go model's functions run only inside run_goroutine()")
    return g


def go_format(value: object) -> str:
    """A value as ``fmt.Println`` prints it: ``<nil>``, ``true``/``false``, numbers, strings, errors."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def go_print(*values: object) -> None:
    """``fmt.Println(values...)``: one line of the goroutine's output."""
    _g().out.append(" ".join(go_format(v) for v in values))


def current_frame() -> Frame:
    """The frame of the running Go function, so a deferred closure can set its named result."""
    return _g().frames[-1]


def go_defer(fn: Callable[..., object], *args: object) -> None:
    """``defer fn(args...)``: the arguments are evaluated now, the call runs when the frame ends."""
    if not callable(fn):
        raise TypeError(f"go_defer needs a callable, got {fn!r}")
    if fn is go_recover:
        current_frame().defers.append(go_recover)  # recover itself deferred: called by no deferred function
    else:
        current_frame().defers.append(lambda: fn(*args))


def go_panic(value: object) -> None:
    """``panic(value)``: start unwinding; ``None`` becomes a :class:`PanicNilError`, as in Go 1.21+."""
    g = _g()
    record = _Panic(PanicNilError() if value is None else value, g.frames[-1].depth)
    g.panics.append(record)
    raise _Unwind(record)


def go_exit() -> None:
    """``runtime.Goexit()``: run every deferred call of the goroutine, then end it; recover cannot stop it."""
    g = _g()
    record = _Panic(None, g.frames[-1].depth, goexit=True)
    g.panics.append(record)
    raise _Unwind(record)


def go_recover() -> object:
    """``recover()``: the newest panic's value, only when called directly by a deferred call that it ran."""
    g = _g()
    caller = g.frames[-1] if g.frames else None
    p = g.panics[-1] if g.panics else None
    if p is None or p.goexit or p.recovered or caller is None or caller.run_by is not p:
        return None
    p.recovered = True
    return p.value


@contextmanager
def _frame(g: _Goroutine, depth: int, run_by: _Panic | None) -> Iterator[Frame]:
    frame = Frame(depth, run_by)
    g.frames.append(frame)
    try:
        yield frame
    finally:
        g.frames.pop()


def _recovered_into(g: _Goroutine, frame: Frame) -> _Unwind | None:
    """Drop the panics started inside ``frame``; a pending Goexit cannot be jumped past, so it resumes."""
    while g.panics and g.panics[-1].depth >= frame.depth:
        if g.panics[-1].goexit:
            return _Unwind(g.panics[-1])
        g.panics.pop()
    return None


def go_call(fn: Callable[..., Any], *args: Any) -> Any:
    """Call ``fn(*args)`` as a Go function: a new frame, its deferred calls run when it ends, in LIFO order.

    Returns the frame's result: ``fn``'s return value, as changed by its
    deferred calls, or whatever they left in ``current_frame().result`` when a
    recovered panic ended it.
    """
    g = _g()
    return _invoke(g, lambda: fn(*args), g.frames[-1].depth + 1 if g.frames else 0, None)


def _invoke(g: _Goroutine, fn: Callable[[], Any], depth: int, run_by: _Panic | None) -> Any:
    with _frame(g, depth, run_by) as frame:
        unwinding: _Unwind | None = None
        try:
            frame.result = fn()
        except _Unwind as exc:
            unwinding = exc
        while frame.defers:
            deferred = frame.defers.pop()
            # Go runs a panic's deferred calls on top of the frames it unwinds (they are still on the stack).
            by = unwinding.record if unwinding is not None else None
            try:
                if deferred is go_recover:
                    deferred()
                else:
                    _invoke(g, deferred, (by.depth if by is not None else frame.depth) + 1, by)
            except _Unwind as exc:
                unwinding = exc  # a panic in a deferred call replaces the current one
            if unwinding is not None and unwinding.record.recovered and not unwinding.record.goexit:
                unwinding = _recovered_into(g, frame)
        if unwinding is not None:
            raise unwinding
        return frame.result


def _crash_lines(panics: list[_Panic]) -> list[str]:
    """What Go's ``printpanics`` prints for the chain (oldest first), after marking re-panicked values."""
    repanicked = {id(p) for prev, p in itertools.pairwise(panics) if prev.value is p.value}
    lines: list[str] = []
    for i, p in enumerate(panics):
        if p.goexit or id(p) in repanicked:
            continue
        mark = " [recovered, repanicked]" if p.recovered and i + 1 < len(panics) and \
            panics[i + 1].value is p.value else (" [recovered]" if p.recovered else "")
        indent = "\t" if lines else ""
        lines.append(f"{indent}panic: {go_format(p.value)}{mark}")
    return lines


MAIN_GOEXIT = "fatal error: no goroutines (main called runtime.Goexit) - deadlock!"


def run_goroutine(fn: Callable[[], object], *, main: bool = False) -> GoOutcome:
    """Run ``fn`` as a goroutine's body; an unrecovered panic ends the "process" (status 2) as Go's does.

    With ``main=True`` it is the main goroutine: a ``Goexit`` there leaves a
    process with no goroutine to run, which Go reports as a fatal deadlock.
    """
    g = _Goroutine()
    token = _CURRENT.set(g)
    try:
        go_call(fn)
    except _Unwind as exc:
        if not exc.record.goexit:
            return GoOutcome(tuple(g.out), tuple(_crash_lines(g.panics)), 2)
        if main:
            return GoOutcome(tuple(g.out), (MAIN_GOEXIT,), 2)
    finally:
        _CURRENT.reset(token)
    return GoOutcome(tuple(g.out), (), 0)
