"""The worker pool chapter's parts: a real HTTP payload service, its store, a load generator and a Go peer.

Mental model: :func:`open_payload_server` serves ``POST /payloads`` with
hypercorn's protocol code inside our own accept loop; each payload goes
through a dispatcher (:class:`NaiveSpawner`, :class:`SingleProcessor` or
:class:`WorkerPool`) into a :class:`DirectoryStore`. :func:`spawn_server`
(trio) and :func:`spawn_go_server` (the article's design in Go, corrected)
run a server as a child process, :func:`open_load` the load generator.

Names load on first use (PEP 562): a server or load-generator child process
imports only the modules it runs (no httpx, no HTTP/2 client, no Go build
helper), so each child starts sooner.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {  # each public name and the module that defines it (the block above, for the type checker)
    "BurstResult": "burst",
    "ConnectionGuard": "_http",
    "DirectoryStore": "store",
    "DispatchStatistics": "dispatch",
    "Dispatcher": "dispatch",
    "LoadProcess": "load",
    "LoadReport": "load",
    "LoadSpec": "load",
    "NaiveSpawner": "dispatch",
    "PayloadApp": "app",
    "PayloadServer": "server",
    "Rejected": "app",
    "ServerProcess": "server",
    "ServiceRun": "measure",
    "Settings": "settings",
    "SettingsError": "settings",
    "SingleProcessor": "dispatch",
    "StoreCheck": "store",
    "StoreStatistics": "store",
    "Ticket": "dispatch",
    "WorkerPool": "dispatch",
    "canonical_payload": "store",
    "h2_early_answer": "probes",
    "measure_service": "measure",
    "object_name": "store",
    "open_dispatcher": "dispatch",
    "open_load": "load",
    "open_payload_server": "server",
    "parse_payloads": "app",
    "request_body": "probes",
    "run_burst": "burst",
    "send_payloads": "probes",
    "spawn_go_server": "go_peer",
    "spawn_server": "server",
    "try_gates": "probes",
    "websocket_then_byte": "probes",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
