"""The worker pool chapter's parts: a real HTTP payload service, its store, a load generator and a Go peer.

Mental model: :func:`open_payload_server` serves ``POST /payloads`` with
hypercorn's protocol code inside our own accept loop; each payload goes
through a dispatcher (:class:`NaiveSpawner`, :class:`SingleProcessor` or
:class:`WorkerPool`) into a :class:`DirectoryStore`. :func:`spawn_server`
(trio) and :func:`spawn_go_server` (the article's design in Go, corrected)
run a server as a child process, :func:`open_load` the load generator.

Taught in the chapter ``worker_pool``.
"""

from support.worker_pool._http import ConnectionGuard
from support.worker_pool.app import PayloadApp, Rejected, parse_payloads
from support.worker_pool.burst import BurstResult, run_burst
from support.worker_pool.dispatch import (
    Dispatcher,
    DispatchStatistics,
    NaiveSpawner,
    SingleProcessor,
    Ticket,
    WorkerPool,
    open_dispatcher,
)
from support.worker_pool.go_peer import spawn_go_server
from support.worker_pool.load import LoadProcess, LoadReport, LoadSpec, open_load
from support.worker_pool.measure import ServiceRun, measure_service
from support.worker_pool.probes import h2_early_answer, request_body, send_payloads, try_gates, websocket_then_byte
from support.worker_pool.server import PayloadServer, ServerProcess, open_payload_server, spawn_server
from support.worker_pool.settings import Settings, SettingsError
from support.worker_pool.store import DirectoryStore, StoreCheck, StoreStatistics, canonical_payload, object_name

__all__ = [
    "BurstResult",
    "ConnectionGuard",
    "DirectoryStore",
    "DispatchStatistics",
    "Dispatcher",
    "LoadProcess",
    "LoadReport",
    "LoadSpec",
    "NaiveSpawner",
    "PayloadApp",
    "PayloadServer",
    "Rejected",
    "ServerProcess",
    "ServiceRun",
    "Settings",
    "SettingsError",
    "SingleProcessor",
    "StoreCheck",
    "StoreStatistics",
    "Ticket",
    "WorkerPool",
    "canonical_payload",
    "h2_early_answer",
    "measure_service",
    "object_name",
    "open_dispatcher",
    "open_load",
    "open_payload_server",
    "parse_payloads",
    "request_body",
    "run_burst",
    "send_payloads",
    "spawn_go_server",
    "spawn_server",
    "try_gates",
    "websocket_then_byte",
]
