"""Ask Go's compiler and Go's benchmark harness about the book's Once programs.

Mental model: the last step of Once's evolution exists for the inliner, so
:func:`inlining_decisions` builds a program with ``-gcflags=-m`` and keeps
the compiler's verdicts on ``Once``'s methods; :func:`go_once_ns_per_call`
runs ``once/bench`` (``sync.Once.Do`` after done, under
``testing.Benchmark``) for ``book bench once``. Taught in the chapter ``once``.
"""

from __future__ import annotations

import os
import re
import subprocess

from support.golang import GO_MODULE, GoError, build_go, go_command, go_env

_VERDICT = re.compile(r"^\S*main\.go:\d+:\d+: ((?:can inline|cannot inline) \(\*Once\)\.(?:Do|doSlow)(?![.\w]).*)$",
                      re.MULTILINE)
_NS = re.compile(r"^ns/op (\d+(?:\.\d+)?) \(N=(\d+)\)$", re.MULTILINE)


def inlining_decisions(*programs: str) -> dict[str, list[str]]:
    """The compiler's inlining verdicts on ``(*Once)`` methods of each ``chapters/go/PROGRAM``, sorted.

    One ``go build -gcflags=-m=2`` over all the packages: given several, Go
    compiles them and discards the results, so nothing is linked. Cost figures
    ("with cost 12") are dropped: they change between Go releases.
    """
    if not programs:
        raise ValueError("name at least one program")
    for program in programs:
        if not (GO_MODULE / program / "main.go").is_file():
            raise GoError(f"no Go program {program!r}")
    # One package would be linked into the current directory: send that binary nowhere.
    output = ["-o", os.devnull] if len(programs) == 1 else []
    result = subprocess.run([str(go_command()), "build", "-gcflags=-m=2", *output, *(f"./{p}" for p in programs)],
                            cwd=GO_MODULE,
                            env=go_env(), text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise GoError(f"go build -gcflags=-m=2 {' '.join(programs)} failed:\n{result.stdout}")
    verdicts: dict[str, list[str]] = {}
    for program in programs:
        block = result.stdout.split(f"# gotrio/{program}\n", 1)[-1].split("\n# ", 1)[0]
        if f"# gotrio/{program}\n" not in result.stdout:
            raise GoError(f"go build printed nothing for {program}:\n{result.stdout}")
        found = (re.sub(r" with cost \d+ as:.*|: function too complex: cost \d+ exceeds budget \d+", "", v)
                 for v in _VERDICT.findall(block))
        verdicts[program] = sorted(set(found))
    return verdicts


def go_once_ns_per_call(timeout: float = 120.0) -> float:
    """Nanoseconds per ``sync.Once.Do`` call after done, from ``testing.Benchmark`` in ``once/bench``."""
    binary = build_go("once/bench")
    try:
        result = subprocess.run([str(binary), "-time"], cwd=GO_MODULE, env=go_env(), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise GoError(f"once/bench did not finish within {timeout:g} s") from exc
    found = _NS.search(result.stdout)
    if result.returncode != 0 or found is None or "f ran 1 time(s)" not in result.stdout:
        raise GoError(f"once/bench failed (status {result.returncode}):\n{result.stdout}")
    return float(found[1])


def std_once_source() -> str:
    """``Do`` and ``doSlow`` from the installed toolchain's ``src/sync/once.go``, comments and blank lines dropped."""
    path = go_command().parent.parent / "src" / "sync" / "once.go"
    text = path.read_text(encoding="utf-8")
    start = text.index("func (o *Once) Do(")
    code = [line for line in text[start:].splitlines() if line.strip() and not line.strip().startswith("//")]
    return "\n".join(code).replace("\t", "    ") + "\n"
