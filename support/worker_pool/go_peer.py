"""The article's design in Go, corrected, run as a real server beside the trio service.

Mental model: ``chapters/go/worker_pool/server`` is a ``package main`` that
speaks the trio server's protocol: it prints ``LISTENING <url>``, serves
``POST /payloads`` into the same store layout (SHA-256 names, temp file then
rename), stops on SIGINT and prints ``STATS <json>``. :func:`spawn_go_server`
builds it with the book's Go toolchain and starts it, so every client test
and the benchmark can drive either server the same way.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from support.golang import build_go, go_env
from support.worker_pool.server import ServerProcess, start_process

GO_SERVER = "worker_pool/server"


@contextmanager
def spawn_go_server(
    store: str | os.PathLike[str],
    *,
    max_workers: int | None = None,
    max_queue: int | None = None,
    max_body: int = 1 << 20,
    env: Mapping[str, str] | None = None,
    timeout: float = 20.0,
) -> Iterator[ServerProcess]:
    """Build and start the Go server on 127.0.0.1; the block's end interrupts it (SIGINT)."""
    binary = build_go(GO_SERVER)
    extra = dict(env or {})
    if max_workers is not None:
        extra["MAX_WORKERS"] = str(max_workers)
    if max_queue is not None:
        extra["MAX_QUEUE"] = str(max_queue)
    command = [str(binary), "-store", os.fspath(store), "-max-body", str(max_body)]
    with start_process(command, go_env(extra), timeout) as server:
        yield server
