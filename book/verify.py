"""Strict nbval on the chapters, and the stamps that say a chapter's stored outputs were verified.

Strict nbval (not ``--nbval-lax``) compares every stored output with a fresh
run. A passed chapter gets a stamp keyed by the notebook, ``support/``, the Go
module, ``requirements.txt`` and ``sanitize.cfg``. ``book build`` publishes
only stamped chapters, so the book never shows an output that nbval has not
verified against the current code.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from book import golang
from book._bootstrap import REQUIREMENTS, ROOT
from book.jobs import Done, Job, run_jobs
from book.project import BUILD, PYPROJECT, SANITIZE, kernel_env, notebook

__all__ = ["digest", "is_verified", "nbval_command", "nbval_env", "nbval_name", "stale", "verify", "verify_all"]

STAMPS = BUILD / ".verified"
_PREFIX = "nbval "


def digest(stem: str) -> str:
    """What a chapter's verification depends on: the notebook, support/, the Go module, the pins, the sanitizer."""
    h = hashlib.sha256()
    files = [notebook(stem), REQUIREMENTS, SANITIZE, *sorted((ROOT / "support").rglob("*.py")), *golang.sources()]
    for f in files:
        h.update(str(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f).encode())
        h.update(f.read_bytes() if f.exists() else b"<missing>")
    return h.hexdigest()


def is_verified(stem: str) -> bool:
    stamp = STAMPS / stem
    return stamp.exists() and stamp.read_text() == digest(stem)


def stale(stems: Iterable[str]) -> list[str]:
    return [s for s in stems if not is_verified(s)]


def nbval_command(*paths: Path) -> list[str]:
    """Strict nbval on notebooks, in this environment's kernel; pytest's options from ``pyproject.toml``.

    Run it with :func:`nbval_env`: pytest's plugin autoloading is off (it would
    import hypothesis and anyio for nothing), and only nbval is loaded.
    """
    return [sys.executable, "-m", "pytest", "-c", str(PYPROJECT), "--rootdir", str(ROOT), "-p", "nbval.plugin",
            "--nbval", "--nbval-current-env", "--nbval-cell-timeout=600", "--nbval-sanitize-with", str(SANITIZE),
            "-q", "--color=no", "-rA", *map(str, paths)]


def nbval_env() -> dict[str, str]:
    return dict(kernel_env(), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", BOOK_GO_RECHECK="1")


def nbval_name(stem: str) -> str:
    """The name of the job that verifies ``stem`` (what another job's ``after`` names to wait for it)."""
    return _PREFIX + stem


def nbval_job(stem: str) -> tuple[Job, str]:
    """The job that verifies ``stem``, and the digest taken before it runs (what its stamp will say)."""
    return Job(nbval_name(stem), tuple(nbval_command(notebook(stem))), nbval_env()), digest(stem)


def record(stem: str, ok: bool, before: str, seconds: float | None = None) -> None:
    """Stamp a chapter that passed (with its nbval time, for the status page); unstamp one that failed.

    Outputs that failed once are not verified, even if nothing has changed since.
    """
    stamp = STAMPS / stem
    if ok:
        STAMPS.mkdir(parents=True, exist_ok=True)
        stamp.write_text(before)
        if seconds is not None:
            (STAMPS / f"{stem}.seconds").write_text(f"{seconds:.1f}")
    else:
        stamp.unlink(missing_ok=True)


def report(done: Done) -> str | None:
    """Print one job's outcome (nbval's output on failure); the failed chapter's stem, if it is one."""
    name = done.job.name
    print(f"    {name}: {'passed' if done.ok else 'FAILED'} in {done.seconds:.1f}s "
          f"({done.cpu_seconds:.1f}s CPU)", flush=True)
    if done.ok:
        return None
    sys.stdout.write(_shorten(done.output))
    if name.startswith(_PREFIX):
        stem = name.removeprefix(_PREFIX)
        print(f"    to see what {stem} prints now: python3 -m book refresh {stem} "
              "(it stores nothing if a cell fails, and names the error)", flush=True)
        return stem
    return name


def verify_all(stems: list[str], others: Iterable[Job] = ()) -> Iterator[tuple[Done, str | None]]:
    """Run nbval on each chapter, and ``others`` beside them; stamp chapters; yield each outcome and failure."""
    chapters = {s: nbval_job(s) for s in stems}
    digests = {job.name: (stem, before) for stem, (job, before) in chapters.items()}
    for done in run_jobs([job for job, _ in chapters.values()] + list(others)):
        if done.job.name in digests:
            stem, before = digests[done.job.name]
            record(stem, done.ok, before, done.seconds)
        yield done, report(done)


def verify(stems: list[str]) -> list[str]:
    """Run strict nbval on each chapter, side by side; stamp the ones that pass; return the failures."""
    return [failed for _, failed in verify_all(stems) if failed is not None]


def _shorten(output: str, limit: int = 12000) -> str:
    return output if len(output) <= limit else output[:limit] + f"\n… ({len(output) - limit} more characters)\n"
