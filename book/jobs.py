"""Run independent commands side by side, as many at once as the CPUs this process may use.

``book test`` runs strict nbval on each chapter (one kernel each) and pytest,
split into groups of test files, as separate processes. They share nothing,
so they run at once. The longest start first (each job's expected duration
comes from the last run, kept in ``_build/.durations.json``), so a long job
does not start last and leave a CPU idle at the end.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from book.project import BUILD, ROOT

__all__ = ["DURATIONS", "Done", "Job", "cpus", "recorded", "remember", "run_jobs"]

DURATIONS = BUILD / ".durations.json"


def cpus() -> int:
    """The CPUs this process may run on (its affinity mask, not the machine's count)."""
    return len(os.sched_getaffinity(0))


@dataclass(frozen=True)
class Job:
    """One command run in ``ROOT``. ``name`` keys its recorded duration; ``estimate`` overrides that."""

    name: str
    cmd: tuple[str, ...]
    env: Mapping[str, str]
    estimate: float | None = None


@dataclass(frozen=True)
class Done:
    """A finished job: wall seconds, and the CPU seconds it and the children it waited for used."""

    job: Job
    ok: bool
    output: str
    seconds: float
    cpu_seconds: float


def recorded() -> dict[str, float]:
    """Seconds each job (or test file) took last time; empty before the first run."""
    try:
        data = json.loads(DURATIONS.read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def remember(seconds: Mapping[str, float]) -> None:
    data = recorded() | {k: round(v, 2) for k, v in seconds.items()}
    DURATIONS.parent.mkdir(parents=True, exist_ok=True)
    DURATIONS.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def _run(job: Job) -> Done:
    start = time.monotonic()
    with subprocess.Popen(job.cmd, cwd=ROOT, env=dict(job.env), text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as process:
        assert process.stdout is not None
        output = process.stdout.read()
        # wait4, not wait: the CPU time is the figure that stays meaningful on a shared, loaded machine.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    return Done(job, process.returncode == 0, output, time.monotonic() - start, usage.ru_utime + usage.ru_stime)


def run_jobs(jobs: Sequence[Job], workers: int | None = None) -> Iterator[Done]:
    """Yield each job's outcome as it finishes; the longest expected start first (unknown ones before all)."""
    last = recorded()

    def expected(job: Job) -> float:
        return job.estimate if job.estimate is not None else last.get(job.name, float("inf"))

    took: dict[str, float] = {}
    with ThreadPoolExecutor(max(1, workers or cpus())) as pool:
        futures = [pool.submit(_run, job) for job in sorted(jobs, key=expected, reverse=True)]
        for future in as_completed(futures):
            done = future.result()
            took[done.job.name] = done.seconds
            yield done
    remember(took)
