"""The worker pool chapter's parts: a real HTTP payload service, its store, and a load generator.

Mental model: :func:`open_payload_server` serves ``POST /payloads`` with
hypercorn's trio worker; each payload goes through a dispatcher
(:class:`NaiveSpawner`, :class:`SingleProcessor` or :class:`WorkerPool`) into a
:class:`DirectoryStore`. :func:`spawn_server` and :func:`start_load` run server
and load generator as separate processes.

Taught in the chapter ``worker_pool``.
"""

from support.worker_pool.app import PayloadApp, Rejected, parse_payloads
from support.worker_pool.burst import BurstResult, run_burst
from support.worker_pool.dispatch import (
    Dispatcher,
    DispatchStatistics,
    NaiveSpawner,
    SingleProcessor,
    WorkerPool,
    open_dispatcher,
)
from support.worker_pool.load import LoadProcess, LoadReport, run_load, start_load
from support.worker_pool.measure import ServiceRun, measure_service
from support.worker_pool.server import PayloadServer, ServerProcess, open_payload_server, spawn_server
from support.worker_pool.settings import Settings, SettingsError
from support.worker_pool.store import DirectoryStore, StoreCheck, StoreStatistics, canonical_payload, object_name

__all__ = [
    "BurstResult",
    "DirectoryStore",
    "DispatchStatistics",
    "Dispatcher",
    "LoadProcess",
    "LoadReport",
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
    "WorkerPool",
    "canonical_payload",
    "measure_service",
    "object_name",
    "open_dispatcher",
    "open_payload_server",
    "parse_payloads",
    "run_burst",
    "run_load",
    "spawn_server",
    "start_load",
]
