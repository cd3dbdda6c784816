"""Random Go programs of defers, recovers, re-panics and Goexits, rendered as Go source and run by the model.

Mental model: a program is a tuple of statements, a tiny AST. One renderer
turns it into a Go function, one interpreter runs it on the Go model
(:mod:`support.panics._model`). If the model follows Go's rules, the compiled
Go program and the interpreter print the same lines; :mod:`._differential`
checks that on many random programs. Every panic value is a distinct label,
so only a re-panic of a recovered value (the same interface value in Go,
the same object in Python) counts as "repanicked".
Taught in the chapter ``panics``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from support.panics._model import GoOutcome, go_call, go_defer, go_exit, go_panic, go_print, go_recover, run_goroutine


@dataclass(frozen=True)
class Print:
    """``fmt.Println("label")``."""

    label: str


@dataclass(frozen=True)
class Panic:
    """``panic("label")``."""

    label: str


@dataclass(frozen=True)
class Recover:
    """``fmt.Println("label:", recover())``."""

    label: str


@dataclass(frozen=True)
class Repanic:
    """``if r := recover(); r != nil { fmt.Println("label:", r); panic(r) }``."""

    label: str


@dataclass(frozen=True)
class Goexit:
    """``runtime.Goexit()``."""


@dataclass(frozen=True)
class Defer:
    """``defer func() { body }()``."""

    body: tuple[Stmt, ...]


@dataclass(frozen=True)
class Call:
    """``func() { body }()``: a call, so a new frame."""

    body: tuple[Stmt, ...]


Stmt = Print | Panic | Recover | Repanic | Goexit | Defer | Call
Program = tuple[Stmt, ...]


def _go_lines(body: Program, indent: int) -> list[str]:
    pad = "\t" * indent
    lines: list[str] = []
    for s in body:
        if isinstance(s, Print):
            lines.append(f'{pad}fmt.Println("{s.label}")')
        elif isinstance(s, Panic):
            lines.append(f'{pad}panic("{s.label}")')
        elif isinstance(s, Recover):
            lines.append(f'{pad}fmt.Println("{s.label}:", recover())')
        elif isinstance(s, Repanic):
            lines += [f"{pad}if r := recover(); r != nil {{", f'{pad}\tfmt.Println("{s.label}:", r)',
                      f"{pad}\tpanic(r)", f"{pad}}}"]
        elif isinstance(s, Goexit):
            lines.append(f"{pad}runtime.Goexit()")
        else:
            opening = "defer func() {" if isinstance(s, Defer) else "func() {"
            lines += [pad + opening, *_go_lines(s.body, indent + 1), pad + "}()"]
    return lines


def render_go_function(name: str, program: Program) -> str:
    """The program as a Go function ``func name() { … }``."""
    return "\n".join([f"func {name}() {{", *_go_lines(program, 1), "}"])


def render_go_main(programs: list[Program]) -> str:
    """One Go ``main`` package holding every program as ``caseN``; it runs the cases named by its arguments.

    Each case runs in the main goroutine, after a line ``== case N``, and
    prints ``(main returned)`` if its body returns. (Not in a goroutine of its
    own: ``main`` waiting on a ``done`` channel closed by a deferred call could
    return while the goroutine's panic is still being printed, and the
    process would exit 0 without a word.)
    """
    functions = "\n\n".join(render_go_function(f"case{i}", p) for i, p in enumerate(programs))
    table = "\n".join(f"\tcase{i}," for i in range(len(programs)))
    return f"""package main

import (
\t"fmt"
\t"os"
\t"runtime"
\t"strconv"
)

var _ = runtime.Goexit

{functions}

var cases = []func(){{
{table}
}}

func main() {{
\tfor _, arg := range os.Args[1:] {{
\t\tn, err := strconv.Atoi(arg)
\t\tif err != nil {{
\t\t\tpanic(err)
\t\t}}
\t\tfmt.Println("== case", n)
\t\tcases[n]()
\t\tfmt.Println("(main returned)")
\t}}
}}
"""


def _run(body: Program) -> None:
    for s in body:
        if isinstance(s, Print):
            go_print(s.label)
        elif isinstance(s, Panic):
            go_panic(s.label)
        elif isinstance(s, Recover):
            go_print(f"{s.label}:", go_recover())
        elif isinstance(s, Repanic):
            r = go_recover()
            if r is not None:
                go_print(f"{s.label}:", r)
                go_panic(r)
        elif isinstance(s, Goexit):
            go_exit()
        elif isinstance(s, Defer):
            go_defer(_run, s.body)
        else:
            go_call(_run, s.body)


def run_program(program: Program, case: int = 0) -> GoOutcome:
    """Run the program on the Go model, wrapped as :func:`render_go_main` wraps case ``case``."""
    def main() -> None:
        go_call(_run, program)
        go_print("(main returned)")
    outcome = run_goroutine(main, main=True)
    return GoOutcome((f"== case {case}", *outcome.stdout), outcome.crash, outcome.exit_status)


def random_program(rng: random.Random, *, size: int = 8, depth: int = 3) -> Program:
    """A random program of at most about ``size`` statements, nested at most ``depth`` deep.

    Deferred blocks recover, re-panic and panic often, so most programs
    exercise the interesting rules: nested panics, recovered-then-panicked
    chains, Goexit under panics.
    """
    counter = iter(range(1, 10_000))

    def label(kind: str) -> str:
        return f"{kind}{next(counter)}"

    def block(budget: int, level: int, deferred: bool) -> tuple[Stmt, ...]:
        stmts: list[Stmt] = []
        for _ in range(rng.randint(1, max(1, budget))):
            roll = rng.random()
            if level < depth and roll < 0.3:
                body = block(budget // 2, level + 1, deferred=True)
                stmts.append(Defer(body))
            elif level < depth and roll < 0.4:
                stmts.append(Call(block(budget // 2, level + 1, deferred=False)))
            elif roll < (0.6 if deferred else 0.45):
                stmts.append(Recover(label("r")))
            elif roll < (0.7 if deferred else 0.5):
                stmts.append(Repanic(label("x")))
            elif roll < 0.85:
                stmts.append(Panic(label("p")))
                break  # nothing after a panic would run
            elif roll < 0.9:
                stmts.append(Goexit())
                break
            else:
                stmts.append(Print(label("s")))
        return tuple(stmts)

    return block(size, 0, deferred=False)
