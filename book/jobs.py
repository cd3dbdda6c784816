"""Run independent commands side by side: one more at once than the CPUs this process may use.

The jobs wait part of their time (on servers they started, kernels, Go
children, sleeps): in ``book test`` their wall seconds add up to about 15 %
more than their CPU seconds, so with only one job per CPU the CPUs idle that
long. A third job on two CPUs took a warm ``book test`` from 88-96 s to 75-79 s.

``book test`` runs strict nbval on each chapter (one kernel each) and pytest,
split into groups of test files, as separate processes. They share nothing,
so they run at once. The longest start first (each job's expected duration
comes from the last run, kept in ``_build/.durations.json``, counting the jobs
that wait for it), so a long job does not start last and leave a CPU idle at
the end. A job may wait for others
(``after``): it starts once they all passed, and is skipped if one failed.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from book.project import BUILD, ROOT

__all__ = ["DURATIONS", "Done", "Job", "cpus", "recorded", "remember", "run_jobs"]

DURATIONS = BUILD / ".durations.json"


def cpus() -> int:
    """The CPUs this process may run on (its affinity mask, not the machine's count)."""
    return len(os.sched_getaffinity(0))


@dataclass(frozen=True)
class Job:
    """One command run in ``ROOT``. ``name`` keys its recorded duration; ``estimate`` overrides that.

    ``after`` names jobs that must all pass before this one starts.
    """

    name: str
    cmd: tuple[str, ...]
    env: Mapping[str, str]
    estimate: float | None = None
    after: frozenset[str] = frozenset()


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
    """Yield each job's outcome as it finishes; the longest expected chain starts first (unknown ones before all).

    A job whose ``after`` names a job that failed (or was skipped) is not run: it is yielded as failed,
    with the reason as its output. ``after`` may only name jobs in ``jobs``.
    """
    by_name = {job.name: job for job in jobs}
    names = set(by_name)
    for job in jobs:
        if not job.after <= names:
            raise ValueError(f"job {job.name!r} waits for jobs not given: {', '.join(sorted(job.after - names))}")
    ordered: set[str] = set()
    while len(ordered) < len(jobs):
        free = {job.name for job in jobs if job.name not in ordered and job.after <= ordered}
        if not free:
            raise ValueError(f"jobs wait for each other: {', '.join(sorted(names - ordered))}")
        ordered |= free
    last = recorded()

    def expected(job: Job) -> float:
        return job.estimate if job.estimate is not None else last.get(job.name, float("inf"))

    dependents = {job.name: [other for other in jobs if job.name in other.after] for job in jobs}

    @functools.cache
    def rank(name: str) -> float:
        """The expected time from this job's start to the end of the longest chain of jobs waiting on it."""
        return expected(by_name[name]) + max((rank(d.name) for d in dependents[name]), default=0.0)

    waiting = sorted(jobs, key=lambda job: rank(job.name), reverse=True)
    passed: set[str] = set()
    finished: set[str] = set()
    took: dict[str, float] = {}
    slots = max(1, workers or cpus() + 1)  # one spare: see the module's docstring
    with ThreadPoolExecutor(slots) as pool:
        running: set[Future[Done]] = set()
        while waiting or running:
            # Start jobs only into free slots, so one that became ready late still goes before the queue.
            for job in [j for j in waiting if j.after <= finished]:
                if job.after <= passed and len(running) == slots:
                    continue
                waiting.remove(job)
                if job.after <= passed:
                    running.add(pool.submit(_run, job))
                else:
                    finished.add(job.name)
                    yield Done(job, False, f"    skipped: {', '.join(sorted(job.after - passed))} did not pass\n",
                               0.0, 0.0)
            if not running:
                continue  # only skips happened (no cycles, checked above): what they freed starts now
            done_now, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done_now:
                running.remove(future)
                done = future.result()
                finished.add(done.job.name)
                if done.ok:
                    passed.add(done.job.name)
                took[done.job.name] = done.seconds
                yield done
    remember(took)
