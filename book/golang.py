"""The checks ``book test`` runs over the book's Go module, ``chapters/go``.

* ``gofmt -l`` lists no file, and ``go vet ./...`` is clean (errata, behind
  ``//go:build erratum``, are outside both: they must not compile).
* Every program directory is shown by its chapter: ``chapters/go/STEM/STEP``
  appears as ``show_go("STEM/STEP"`` in ``chapters/STEM.ipynb``. A Go program
  no notebook runs would never be verified.

Running the programs and comparing their output is nbval's job: the notebooks
call ``support.show_go``, and nbval runs with ``BOOK_GO_RECHECK=1`` so every
run is repeated under several ``GOMAXPROCS`` values.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from book.project import CHAPTERS

__all__ = ["GO_MODULE", "check", "programs", "sources"]

GO_MODULE = CHAPTERS / "go"


def sources() -> list[Path]:
    """Every file of the Go module: a change to any of them makes the chapters unverified."""
    if not GO_MODULE.exists():
        return []
    return sorted(p for p in GO_MODULE.rglob("*") if p.is_file() and p.suffix in (".go", ".mod", ".sum"))


def programs() -> list[str]:
    """``STEM/STEP`` for every directory of the module that holds Go files."""
    return sorted({str(p.parent.relative_to(GO_MODULE)) for p in GO_MODULE.rglob("*.go")})


def _go(*args: str) -> subprocess.CompletedProcess[str]:
    from support.golang import go_command, go_env

    tool = "gofmt" if args[0] == "gofmt" else "go"
    cmd = [str(go_command(tool)), *(args[1:] if tool == "gofmt" else args)]
    return subprocess.run(cmd, cwd=GO_MODULE, env=go_env(), text=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)


def check() -> list[str]:
    """Every problem in the Go module, one line each (an empty list when all is well)."""
    if not GO_MODULE.exists():
        return []
    problems: list[str] = []
    fmt = _go("gofmt", "-l", ".")
    if fmt.returncode != 0 or fmt.stdout.strip():
        problems += [f"gofmt: {line} is not gofmt-formatted (run gofmt -w on it)"
                     for line in fmt.stdout.split()]
    vet = _go("vet", "./...")
    if vet.returncode != 0:
        problems.append(f"go vet ./... failed:\n{vet.stdout}")
    shown: dict[str, str] = {}
    for program in programs():
        stem = program.split("/")[0]
        if stem not in shown:
            nb = CHAPTERS / f"{stem}.ipynb"
            shown[stem] = nb.read_text(encoding="utf-8") if nb.exists() else ""
        if not re.search(rf'show_go\(\\?"{re.escape(program)}\\?"', shown[stem]):
            problems.append(f"chapters/go/{program} is not shown by chapters/{stem}.ipynb "
                            f'(call show_go("{program}") there, or delete it)')
    return problems
