"""End-to-end measurements: server and load generator in two processes, results checked against the store.

Mental model: :func:`measure_service` starts the server
(:func:`~support.worker_pool.server.spawn_server`) on a fresh store, points
the load generator (:func:`~support.worker_pool.load.start_load`) at it,
samples the server's RSS while the load runs, interrupts the server (SIGINT:
graceful drain), and then reads the store. A payload counts only when the
server acknowledged it *and* its object is in the store with the right bytes;
an acknowledged payload that is missing is *lost*. The time is the load's
duration plus the drain, so acknowledging early and uploading late earns
nothing.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from support.worker_pool.dispatch import Mode
from support.worker_pool.load import LoadReport, start_load
from support.worker_pool.server import spawn_server
from support.worker_pool.store import DirectoryStore


@dataclass(frozen=True)
class ServiceRun:
    """One measured run. Rates use ``seconds`` = load duration + drain; RSS figures are the server's."""

    mode: Mode
    verified: int
    lost: int
    refused_but_stored: int
    store_clean: bool
    seconds: float
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    peak_rss_mb: float
    rss_mb: tuple[float, ...]
    statuses: dict[str, int]
    transport_errors: int
    server: dict[str, object]
    load_cpu_seconds: float

    @property
    def payloads_per_min(self) -> float:
        """Acknowledged payloads verified in the store, per minute."""
        return self.verified / self.seconds * 60


def scratch_root() -> Path:
    """A parent for stores: tmpfs (/dev/shm) when there is one, else the system temp directory."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory in MiB from ``/proc/<pid>/status``: ``VmRSS`` now, ``VmHWM`` its peak.

    Returns NaN when the process is gone or there is no ``/proc`` (not Linux).
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return math.nan


def measure_service(
    mode: Mode = "pool",
    *,
    duration: float = 5.0,
    connections: int = 16,
    payloads: int = 100,
    size: int = 64,
    max_workers: int = 64,
    max_queue: int = 5000,
    latency: float = 0.0,
    bad_every: int = 0,
    shed_pause: float = 0.05,
    sample_every: float = 0.25,
) -> ServiceRun:
    """Run the load against a fresh server in ``mode`` and check every acknowledgement against the store."""
    root = Path(tempfile.mkdtemp(prefix="worker-pool-", dir=scratch_root()))
    try:
        store_dir = root / "store"
        with spawn_server(store_dir, mode=mode, max_workers=max_workers, max_queue=max_queue, latency=latency) as srv:
            load = start_load(
                srv.url,
                connections=connections,
                duration=duration,
                payloads=payloads,
                size=size,
                bad_every=bad_every,
                shed_pause=shed_pause,
                tag=f"m{mode}",
            )
            samples = []
            while load.process.poll() is None:
                samples.append(memory_mb(srv.pid))
                time.sleep(sample_every)
            report: LoadReport = load.wait()
            drain_started = time.perf_counter()
            peak = memory_mb(srv.pid, "VmHWM")
            stats = srv.interrupt()
            drain = time.perf_counter() - drain_started
        store = DirectoryStore(store_dir)
        names = store.names()
        acked = set(report.acked)
        refused = {name for group in report.refused.values() for name in group}
        verified = len(acked & names)
        seconds = report.elapsed + drain
        answered = sum(report.statuses.values())
        return ServiceRun(
            mode=mode,
            verified=verified,
            lost=len(acked) - verified + (len(report.acked) - len(acked)),
            refused_but_stored=len(refused & names),
            store_clean=store.check().clean,
            seconds=seconds,
            requests_per_s=answered / report.elapsed,
            p50_ms=report.quantile_ms(0.5),
            p99_ms=report.quantile_ms(0.99),
            peak_rss_mb=peak,
            rss_mb=tuple(samples),
            statuses=dict(sorted(report.statuses.items())),
            transport_errors=report.transport_errors,
            server=stats,
            load_cpu_seconds=report.cpu_seconds,
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
