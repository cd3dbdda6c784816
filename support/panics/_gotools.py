"""Look inside the Go side: a function's machine code, a crash's report, where the runtime defines a name.

Mental model: the chapter makes claims about what the Go compiler and runtime
do (a check before each integer division, a signal handler turned into a
panic); these helpers ask the pinned toolchain itself, so the claims are
re-checked whenever the chapter runs.
Taught in the chapter ``panics``.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from support.golang import GO_MODULE, GoError, build_go, go_command, go_env

_OBJDUMP = re.compile(r"^\s+(\S+:\d+)\s+0x([0-9a-f]+)\s+[0-9a-f]+\s+(.+?)\s*$")
_HEX = re.compile(r"0x([0-9a-f]+)")
_GOROUTINE = re.compile(r"goroutine \d+")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,16}")


def go_disassemble(program: str, function: str) -> list[str]:
    """``go tool objdump`` of one function of a book program, as ``file:line  +offset  instruction``.

    Jump targets inside the function are written as offsets (``JE +0x1d``),
    like a debugger's ``disassemble``, so the listing reads without the
    absolute addresses the linker chose.
    """
    if not re.fullmatch(r"[\w.]+", function):
        raise ValueError(f"not a Go function name: {function!r}")
    binary = build_go(program)
    result = subprocess.run([str(go_command()), "tool", "objdump", "-s", f"^{re.escape(function)}$", str(binary)],
                            env=go_env(), text=True, capture_output=True)
    rows = [m.groups() for m in map(_OBJDUMP.match, result.stdout.splitlines()) if m]
    if result.returncode != 0 or not rows:
        raise GoError(f"objdump found no function {function} in {program}:\n{result.stderr}")
    start = int(rows[0][1], 16)
    end = int(rows[-1][1], 16)

    def relative(m: re.Match[str]) -> str:
        address = int(m[1], 16)
        return f"+{address - start:#x}" if start <= address <= end else m[0]
    return [f"{where:11} +{int(addr, 16) - start:#05x}  {_HEX.sub(relative, text)}" for where, addr, text in rows]


def go_crash_report(program: str, *, env: Mapping[str, str] | None = None, args: Sequence[str] = ()) -> str:
    """Run a book program that is expected to crash; return what it printed, ids and addresses masked.

    Goroutine ids depend on what the runtime started first and addresses on
    the heap, so ``goroutine 7`` becomes ``goroutine N`` and long hex numbers
    ``0xADDRESS``; nothing else changes. Raises :class:`GoError` unless the
    program exits with Go's status for an unrecovered panic, 2.
    """
    binary = build_go(program)
    result = subprocess.run([str(binary), *args], cwd=GO_MODULE, env=go_env(env), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    if result.returncode != 2:
        raise GoError(f"{program} exited with status {result.returncode}, not 2:\n{result.stdout}")
    return _ADDRESS.sub("0xADDRESS", _GOROUTINE.sub("goroutine N", result.stdout))


@functools.cache
def _runtime_files() -> tuple[Path, ...]:
    """The runtime's source files that the toolchain compiles for this machine (``go list``)."""
    result = subprocess.run([str(go_command()), "list", "-f", "{{.Dir}}\n{{join .GoFiles \"\\n\"}}\n"
                             "{{join .SFiles \"\\n\"}}", "runtime"], env=go_env(), text=True, capture_output=True)
    if result.returncode != 0:
        raise GoError(f"go list runtime failed:\n{result.stderr}")
    directory, *names = [line for line in result.stdout.splitlines() if line]
    return tuple(Path(directory) / name for name in names)


def go_runtime_definitions(names: Sequence[str]) -> dict[str, str]:
    """Which file of the pinned Go runtime defines each function (Go ``func`` or assembly ``TEXT``)."""
    files = _runtime_files()
    found: dict[str, str] = {}
    for name in names:
        pattern = re.compile(rf"^(func (\([^)]*\) )?{re.escape(name)}\(|TEXT runtime·{re.escape(name)}\()",
                             re.MULTILINE)
        hits = [f.name for f in files if pattern.search(f.read_text(encoding="utf-8", errors="replace"))]
        found[name] = ", ".join(hits) if hits else "(not found)"
    return found


def compile_go_snippet(source: str) -> str:
    """Build ``source`` as the only file of a scratch module outside the repository; return Go's message.

    For snippets that are not programs at all (no ``package`` clause), which
    cannot live in the book's Go module: ``gofmt`` could not even parse them.
    Returns ``""`` if the snippet builds.
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, got {type(source).__name__}")
    with tempfile.TemporaryDirectory(prefix="book-snippet-") as scratch:
        Path(scratch, "go.mod").write_text("module snippet\n\ngo 1.26\n")
        Path(scratch, "main.go").write_text(source)
        result = subprocess.run([str(go_command()), "build", "-o", os.devnull, "."], cwd=scratch, env=go_env(),
                                text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return "" if result.returncode == 0 else result.stdout
