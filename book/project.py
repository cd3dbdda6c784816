"""Where things are, and small helpers every subcommand shares."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import yaml

from book._bootstrap import ROOT, VENV

__all__ = ["BUILD", "CHAPTERS", "PYPROJECT", "ROOT", "SANITIZE", "TOC", "BookError", "kernel_env", "notebook",
           "run_tool", "select", "step", "toc_files", "toc_stems"]

CHAPTERS = ROOT / "chapters"
BUILD = ROOT / "_build"
TOC = ROOT / "_toc.yml"
SANITIZE = ROOT / "sanitize.cfg"
PYPROJECT = ROOT / "pyproject.toml"  # the one place tool options (ruff, mypy, pytest) are set


class BookError(RuntimeError):
    """A failure the command reports in one line: the message names the cause."""


def kernel_env() -> dict[str, str]:
    """The environment for kernels and tools: the venv's kernelspec first, the project importable."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = str(VENV / "share" / "jupyter")
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silences a debugger warning on kernel start
    return env


def toc_files(toc_path: Path = TOC) -> list[str]:
    """Every entry of ``_toc.yml`` in order (the root page first), as paths without suffix."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    files: list[str] = [toc["root"]] if isinstance(toc, dict) and isinstance(toc.get("root"), str) else []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("chapters", []) if isinstance(toc, dict) else [])
    return files


def toc_stems() -> list[str]:
    """Chapter stems in ``_toc.yml`` order: notebooks only, markdown pages left out."""
    return [Path(f).name for f in toc_files() if (ROOT / f"{f}.ipynb").exists()]


def notebook(stem: str) -> Path:
    return CHAPTERS / f"{stem}.ipynb"


def select(stems: Sequence[str], available: Sequence[str], what: str) -> list[str]:
    """The requested stems in their order, or all; an unknown stem is an error that lists the known ones."""
    if not stems:
        return list(available)
    unknown = [s for s in stems if s not in available]
    if unknown:
        raise BookError(f"unknown {what} {', '.join(unknown)}; known: {', '.join(available) or 'none'}")
    return [s for s in available if s in stems]


@contextmanager
def step(title: str) -> Iterator[None]:
    """Print a one-line heading, then the outcome with the time it took."""
    print(f"==> {title}", flush=True)
    start = time.monotonic()
    try:
        yield
    except BaseException:
        print(f"    FAILED after {time.monotonic() - start:.1f}s", flush=True)
        raise
    print(f"    ok in {time.monotonic() - start:.1f}s", flush=True)


def run_tool(cmd: Sequence[str], *, quiet: bool = False, cwd: Path = ROOT,
             echo: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a tool from the venv; print its output when it fails, or always unless ``quiet``.

    ``echo=False`` never prints: the caller shows the output itself (e.g. from another thread, later).
    """
    result = subprocess.run([sys.executable, *cmd], cwd=cwd, env=kernel_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if echo and (result.returncode != 0 or not quiet):
        sys.stdout.write(result.stdout)
    return result
