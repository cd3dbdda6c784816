"""The differential test: random programs compiled by Go and run by the model must print the same lines.

Mental model: render every program as ``caseN`` of one Go file, build it once,
then ask the model which cases end in a crash. The cases that do not are run
together in one process (one line ``== case N`` before each); an unrecovered
panic ends a process, so each crashing case runs alone, from the same binary,
with its number as argument. Go's side of a crash is what it prints before
the goroutine dump (the ``panic:`` lines) and its exit status.
Taught in the chapter ``panics``.
"""

from __future__ import annotations

import hashlib
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from support.golang import ROOT, GoError, GoRun, go_command, go_env
from support.panics._programs import Program, render_go_main, run_program

_WORK = ROOT / "_build" / "panics"


@dataclass(frozen=True)
class Disagreement:
    """One program on which the model and Go differ, with both outputs."""

    case: int
    model: tuple[str, ...]
    go: tuple[str, ...]


@dataclass(frozen=True)
class Agreement:
    """How many programs the model and Go agreed on, and the ones they did not."""

    programs: int
    crashing: int
    disagreements: tuple[Disagreement, ...]

    @property
    def rate(self) -> float:
        """The fraction of programs on which both printed the same lines (1.0 is the goal)."""
        return 1 - len(self.disagreements) / self.programs if self.programs else 1.0


def go_lines(stdout: str, stderr: str, status: int) -> list[str]:
    """What a Go process printed, as the model reports it: stdout, the ``panic:`` head of stderr, the status."""
    head = stderr.split("\n\n", 1)[0].splitlines() if stderr else []
    return [*stdout.splitlines(), *head, *([f"exit status {status}"] if status else [])]


def go_run_lines(run: GoRun) -> list[str]:
    """:func:`go_lines` for a :class:`~support.golang.GoRun`, whose stdout and stderr come merged.

    Cuts at the first empty line after a ``panic:`` or ``fatal error:`` line: the goroutine dump follows it.
    """
    lines = run.output.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(("panic: ", "fatal error: ")):
            rest = lines[i:]
            lines = lines[:i] + rest[: rest.index("")] if "" in rest else lines
            break
    return [*lines, *([f"exit status {run.exit_status}"] if run.exit_status else [])]


def build_programs(programs: list[Program]) -> Path:
    """Write the programs as one Go module under ``_build/panics`` and build it; the binary is cached by content."""
    source = render_go_main(programs)
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    work = _WORK / digest
    binary = work / "cases"
    if binary.exists():
        return binary
    work.mkdir(parents=True, exist_ok=True)
    (work / "go.mod").write_text("module cases\n\ngo 1.26\n")
    (work / "main.go").write_text(source)
    result = subprocess.run([str(go_command()), "build", "-o", str(binary), "."], cwd=work, env=go_env(),
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise GoError(f"the generated programs did not build:\n{result.stdout}")
    return binary


def _run(binary: Path, cases: list[int]) -> list[str]:
    result = subprocess.run([str(binary), *map(str, cases)], env=go_env(), text=True, capture_output=True,
                            timeout=120)
    return go_lines(result.stdout, result.stderr, result.returncode)


def check_against_go(programs: list[Program], *, jobs: int = 2) -> Agreement:
    """Run every program in Go and in the model; return how many agree (see the module's docstring)."""
    if not programs:
        raise ValueError("check_against_go needs at least one program")
    binary = build_programs(programs)
    outcomes = [run_program(p, i) for i, p in enumerate(programs)]
    calm = [i for i, o in enumerate(outcomes) if o.exit_status == 0]
    crashing = [i for i, o in enumerate(outcomes) if o.exit_status != 0]
    go: dict[int, list[str]] = {}
    together = _run(binary, calm) if calm else []
    if together == [line for i in calm for line in outcomes[i].lines()]:
        go.update({i: outcomes[i].lines() for i in calm})
    else:  # find out which cases differ: run them alone
        crashing = crashing + calm
    with ThreadPoolExecutor(jobs) as pool:
        for i, lines in zip(crashing, pool.map(lambda i: _run(binary, [i]), crashing), strict=True):
            go[i] = lines
    wrong = tuple(Disagreement(i, tuple(outcomes[i].lines()), tuple(go[i]))
                  for i in range(len(programs)) if go[i] != outcomes[i].lines())
    return Agreement(len(programs), sum(o.exit_status != 0 for o in outcomes), wrong)
