"""Serve the payload app with hypercorn's trio worker, in this process or in a child process.

Mental model: two nested blocks give the graceful shutdown its order.

    async with open_dispatcher(...) as dispatcher:      # outer: the uploads
        async with open_payload_server(...) as server:  # inner: the HTTP side
            ...                                        # serve until told to stop

Stopping leaves the inner block first: hypercorn closes the listening socket,
lets requests in flight finish (``graceful_timeout``) and returns. Only then
does the outer block close the queue and wait for the workers to store every
admitted payload. Nothing acknowledged can be dropped, because the code that
drops it does not exist: the nurseries wait.

``python -m support.worker_pool serve --mode pool --store DIR`` runs the same
thing as a program: it prints ``LISTENING <url>`` once bound, stops gracefully
on SIGINT or SIGTERM and prints ``STATS <json>`` on the way out.
:func:`spawn_server` starts that program and hands back a
:class:`ServerProcess`.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

import hypercorn.trio
import trio
from hypercorn.config import Config

from support.worker_pool.app import PATH, PayloadApp
from support.worker_pool.dispatch import MODES, Dispatcher, Mode, open_dispatcher
from support.worker_pool.settings import Settings, SettingsError
from support.worker_pool.store import DirectoryStore


@dataclass
class PayloadServer:
    """A running server: its ``url`` (ending in ``/payloads``), its app and a way to stop it."""

    url: str
    app: PayloadApp
    dispatcher: Dispatcher
    stopping: trio.Event

    def stop(self) -> None:
        """Ask for a graceful stop; the ``async with`` block that opened the server then finishes it."""
        self.stopping.set()


def _config(host: str, port: int, graceful_timeout: float) -> Config:
    config = Config()
    config.bind = [f"{host}:{port}"]
    config.loglevel = "WARNING"
    config.accesslog = None
    config.graceful_timeout = graceful_timeout
    config.backlog = 1024
    return config


@asynccontextmanager
async def open_payload_server(
    mode: Mode,
    store: DirectoryStore,
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    graceful_timeout: float = 5.0,
) -> AsyncIterator[PayloadServer]:
    """Serve ``POST /payloads`` on ``host:port`` (0: any free port) until the block ends, then drain.

    Leaving the block stops accepting, finishes requests in flight, then stores
    every admitted payload before returning.
    """
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"this book serves on loopback only, got host {host!r}")
    async with open_dispatcher(mode, store, settings) as dispatcher:
        app = PayloadApp(dispatcher, settings)
        stopping = trio.Event()
        async with trio.open_nursery() as nursery:
            serve = partial(hypercorn.trio.serve, app, _config(host, port, graceful_timeout))
            binds: list[str] = await nursery.start(partial(serve, shutdown_trigger=stopping.wait))
            server = PayloadServer(binds[0] + PATH, app, dispatcher, stopping)
            try:
                yield server
            finally:
                stopping.set()


async def _serve_until_signal(mode: Mode, store: DirectoryStore, settings: Settings, port: int) -> None:
    with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async with open_payload_server(mode, store, settings, port=port) as server:
            print(f"LISTENING {server.url}", flush=True)
            async for signum in signals:
                print(f"STOPPING on {signal.Signals(signum).name}", flush=True)
                break
    stats = dataclasses.asdict(server.dispatcher.statistics())
    stats["answers"] = {str(k): v for k, v in sorted(server.app.answers.items())}
    stats["written"] = store.statistics().written
    print("STATS " + json.dumps(stats), flush=True)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--mode``, ``--store``, ``--latency``, ``--port``; MAX_WORKERS/MAX_QUEUE from the environment."""
    parser = argparse.ArgumentParser(prog="python -m support.worker_pool serve", description=__doc__)
    parser.add_argument("--mode", choices=MODES, default="pool")
    parser.add_argument("--store", required=True, help="directory of the content-addressed store")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds slept before each upload")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-body", type=int, default=1 << 20)
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(max_body=args.max_body)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        store = DirectoryStore(args.store, latency=args.latency)
    except (ValueError, OSError) as error:
        print(f"error: --store/--latency: {error}", file=sys.stderr)
        return 2
    trio.run(_serve_until_signal, args.mode, store, settings, args.port)
    return 0


class ServerProcess:
    """A server started by :func:`spawn_server`: its ``url``, ``pid``, and a graceful :meth:`interrupt`."""

    def __init__(self, process: subprocess.Popen[str], url: str, errors: IO[str]) -> None:
        self.process = process
        self._errors = errors
        self.url = url
        self.pid = process.pid
        self.stats: dict[str, object] | None = None
        self.output: list[str] = []

    def interrupt(self, timeout: float = 60.0) -> dict[str, object]:
        """Send SIGINT, wait for the drain and exit, and return the server's final ``STATS``."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        out, _ = self.process.communicate(timeout=timeout)
        self.output.extend(out.splitlines())
        for line in self.output:
            if line.startswith("STATS "):
                self.stats = json.loads(line[len("STATS ") :])
        if self.process.returncode != 0 or self.stats is None:
            self._errors.seek(0)
            raise RuntimeError(f"server exited with {self.process.returncode}: {self._errors.read()[-800:]}")
        return self.stats


@contextmanager
def spawn_server(
    store: str | os.PathLike[str],
    *,
    mode: Mode = "pool",
    max_workers: int | None = None,
    max_queue: int | None = None,
    latency: float = 0.0,
    max_body: int = 1 << 20,
    env: Mapping[str, str] | None = None,
    timeout: float = 20.0,
) -> Iterator[ServerProcess]:
    """Start ``python -m support.worker_pool serve`` in a child process and wait until it listens.

    The block's end interrupts it (SIGINT) if it still runs, and kills it if it
    does not stop within ``timeout`` seconds.
    """
    child_env = dict(os.environ if env is None else env)
    if max_workers is not None:
        child_env["MAX_WORKERS"] = str(max_workers)
    if max_queue is not None:
        child_env["MAX_QUEUE"] = str(max_queue)
    root = str(Path(__file__).resolve().parents[2])
    child_env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, child_env.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "support.worker_pool", "serve", "--mode", mode, "--store", os.fspath(store)]
    command += ["--latency", repr(latency), "--max-body", str(max_body)]
    with tempfile.TemporaryFile("w+") as errors:  # a file, not a pipe: a chatty child never blocks on it
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, env=child_env, cwd=root)
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line.startswith("LISTENING "):
                process.wait(timeout)
                errors.seek(0)
                raise RuntimeError(f"server did not start: {(line + errors.read()).strip()[-500:]}")
            server = ServerProcess(process, line.split()[1], errors)
            yield server
            if process.poll() is None:
                server.interrupt(timeout)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


if __name__ == "__main__":
    sys.exit(main())
