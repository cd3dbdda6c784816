"""End-to-end measurements: server and load generator in two processes, results checked against the store.

Mental model: :func:`measure_service` starts a server on a fresh store (the
trio service, :func:`~support.worker_pool.server.spawn_server`, or the Go
peer, :func:`~support.worker_pool.go_peer.spawn_go_server`), points the load
generator (:func:`~support.worker_pool.load.open_load`) at it, samples the
server's RSS while the load runs, interrupts the server (SIGINT: graceful
drain), and then reads the store. A payload counts only when the server
acknowledged it *and* its object is in the store with the right bytes; an
acknowledged payload that is missing is *lost*. The time is the load's
duration plus the drain, so acknowledging early and uploading late earns
nothing.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import math
import os
import resource
import shutil
import tempfile
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from support.worker_pool.dispatch import Mode
from support.worker_pool.go_peer import spawn_go_server
from support.worker_pool.load import LoadReport, LoadSpec, open_load
from support.worker_pool.server import ServerProcess, spawn_server
from support.worker_pool.settings import Ack
from support.worker_pool.store import DirectoryStore

Peer = Literal["trio", "go"]


@dataclass(frozen=True)
class ServiceRun:
    """One measured run. Rates use ``seconds`` = load duration + drain; RSS figures are the server's."""

    peer: Peer
    mode: Mode
    ack: Ack
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
    server_cpu_seconds: float

    @property
    def payloads_per_min(self) -> float:
        """Acknowledged payloads verified in the store, per minute."""
        return self.verified / self.seconds * 60

    @property
    def cpu_us_per_payload(self) -> float:
        """Server CPU time (user + system, every server process) per verified payload, in microseconds."""
        return self.server_cpu_seconds / self.verified * 1e6 if self.verified else math.nan


def scratch_root(durable: bool = False) -> Path:
    """A parent for stores: tmpfs (/dev/shm) when there is one, else the system temp directory.

    ``durable=True`` always gives the temp directory: ``fsync`` on tmpfs costs nothing, so it would measure nothing.
    """
    shm = Path("/dev/shm")
    if not durable and shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    return Path(tempfile.gettempdir())


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


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far, from ``/proc/<pid>/stat`` (NaN if unknown)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_service(
    mode: Mode = "pool",
    spec: LoadSpec | None = None,
    *,
    peer: Peer = "trio",
    ack: Ack = "queued",
    max_workers: int = 64,
    max_queue: int = 5000,
    latency: float = 0.0,
    processes: int = 1,
    sample_every: float = 0.25,
) -> ServiceRun:
    """Run the load ``spec`` against a fresh server and check every acknowledgement against the store.

    ``processes`` trio servers share the port (each its own dispatcher and queue); RSS is the first one's.
    Server CPU is counted from the moment the servers listen to their exit (``RUSAGE_CHILDREN``).
    """
    spec = spec or LoadSpec()
    root = Path(tempfile.mkdtemp(prefix="worker-pool-", dir=scratch_root(ack == "durable")))
    try:
        store_dir = root / "store"
        server: AbstractContextManager[ServerProcess]
        if peer == "go":
            if mode != "pool" or ack != "queued" or latency:
                raise ValueError("the Go peer is the queued-ack pool without injected latency")
            server = spawn_go_server(store_dir, max_workers=max_workers, max_queue=max_queue)
        else:
            server = spawn_server(
                store_dir, mode=mode, ack=ack, max_workers=max_workers, max_queue=max_queue, latency=latency,
                max_connections=max(512, spec.connections + 16), processes=processes,
            )  # fmt: skip
        with server as srv:
            startup_cpu = sum(cpu_seconds(m.pid) for m in getattr(srv, "members", [srv]))
            with open_load(srv.url, spec) as load:
                samples = []
                while load.running():
                    samples.append(memory_mb(srv.pid))
                    time.sleep(sample_every)
                report: LoadReport = load.wait()
            drain_started = time.perf_counter()
            peak = memory_mb(srv.pid, "VmHWM")
            reaped = _children_cpu()  # the load generator is reaped already, the servers not yet
            stats = srv.interrupt()
            server_cpu = _children_cpu() - reaped - startup_cpu  # the servers' whole lives, less startup
            drain = time.perf_counter() - drain_started
        store = DirectoryStore(store_dir)
        names = store.names()
        acked = set(report.acked)
        refused = {name for group in report.refused.values() for name in group}
        verified = len(acked & names)
        answered = sum(report.statuses.values())
        return ServiceRun(
            peer=peer,
            mode=mode,
            ack=ack,
            verified=verified,
            lost=len(acked) - verified + (len(report.acked) - len(acked)),
            refused_but_stored=len(refused & names),
            store_clean=store.check().clean,
            seconds=report.elapsed + drain,
            requests_per_s=answered / report.elapsed,
            p50_ms=report.quantile_ms(0.5),
            p99_ms=report.quantile_ms(0.99),
            peak_rss_mb=peak,
            rss_mb=tuple(samples),
            statuses=dict(sorted(report.statuses.items())),
            transport_errors=report.transport_errors,
            server=stats,
            load_cpu_seconds=report.cpu_seconds,
            server_cpu_seconds=server_cpu,
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
