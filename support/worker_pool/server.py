"""Serve the payload app on 127.0.0.1, in this process or in a child process.

Mental model: two nested blocks give the shutdown its order.

    async with open_dispatcher(...) as dispatcher:      # outer: the uploads
        async with open_payload_server(...) as server:  # inner: the HTTP side
            ...                                        # serve until told to stop

Stopping leaves the inner block first: the listeners close, requests in
flight get ``graceful_timeout`` seconds, and the block returns. Then the outer
block closes the queue and stores what it holds. The outer block drains on
*every* way out, an error included, shielded and bounded by
``settings.drain_timeout``. Connections are served by hypercorn's protocol
code inside our own accept loop (:mod:`support.worker_pool._http`), so no
client can end the process.

``python -m support.worker_pool serve --mode pool --store DIR`` runs it as a
program: it sweeps stale temporary files, prints ``LISTENING <url>`` once
bound, stops gracefully on SIGINT or SIGTERM (a second signal abandons the
drain), prints ``STATS <json>`` on the way out, and exits 1 if any
acknowledged payload was not stored. :func:`spawn_server` starts that program
and hands back a :class:`ServerProcess`.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import math
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from functools import partial
from typing import IO

import trio
from hypercorn.config import Config

from support.worker_pool._child import ROOT, child_environment, tail
from support.worker_pool._http import ConnectionGuard, serve_connections
from support.worker_pool.app import PATH, PayloadApp
from support.worker_pool.dispatch import MODES, Dispatcher, Mode, open_dispatcher
from support.worker_pool.settings import ACKS, Settings
from support.worker_pool.store import DirectoryStore

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class PayloadServer:
    """A running server: its ``url`` (ending in ``/payloads``), its app and a way to stop it."""

    url: str
    app: PayloadApp
    dispatcher: Dispatcher
    guard: ConnectionGuard
    stopping: trio.Event

    def stop(self) -> None:
        """Ask for a graceful stop; the ``async with`` block that opened the server then finishes it."""
        self.stopping.set()


def _config(settings: Settings, graceful_timeout: float) -> Config:
    config = Config()
    config.loglevel = "WARNING"
    config.accesslog = None
    config.graceful_timeout = graceful_timeout
    config.keep_alive_timeout = settings.keep_alive_timeout
    config.read_timeout = settings.read_timeout  # type: ignore[assignment]  # hypercorn takes any number
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
    hold_uploads: bool = False,
    reuse_port: bool = False,
) -> AsyncIterator[PayloadServer]:
    """Serve ``POST /payloads`` on ``host:port`` (0: any free port) until the block ends, then drain.

    Leaving the block stops accepting, finishes requests in flight, then stores
    every admitted payload before returning. ``hold_uploads`` is a test hook:
    uploads wait until the drain starts (see :meth:`Dispatcher.hold_uploads`).
    ``reuse_port`` sets ``SO_REUSEPORT``, so several processes can serve one
    port, each with its own dispatcher; the kernel spreads connections over them.
    """
    if host not in LOOPBACK:
        raise ValueError(f"this book serves on loopback only, got host {host!r}")
    async with open_dispatcher(mode, store, settings) as dispatcher:
        if hold_uploads:
            dispatcher.hold_uploads()
        listeners = await _listen(host, port, reuse_port)
        bound_host, bound_port = listeners[0].socket.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        server = PayloadServer(
            f"http://{shown}:{bound_port}{PATH}", PayloadApp(dispatcher, settings), dispatcher,
            ConnectionGuard(), trio.Event(),
        )  # fmt: skip
        serve = partial(
            serve_connections, server.app, _config(settings, graceful_timeout), listeners,
            max_connections=settings.max_connections, stopping=server.stopping, guard=server.guard,
        )  # fmt: skip
        async with trio.open_nursery() as nursery:
            nursery.start_soon(serve)
            try:
                yield server
            finally:
                server.stop()


async def _listen(host: str, port: int, reuse_port: bool) -> list[trio.SocketListener]:
    if not reuse_port:
        return await trio.open_tcp_listeners(port, host=host, backlog=1024)
    family = trio.socket.AF_INET6 if ":" in host else trio.socket.AF_INET
    sock = trio.socket.socket(family, trio.socket.SOCK_STREAM)
    sock.setsockopt(trio.socket.SOL_SOCKET, trio.socket.SO_REUSEADDR, 1)
    sock.setsockopt(trio.socket.SOL_SOCKET, trio.socket.SO_REUSEPORT, 1)
    try:
        await sock.bind(("127.0.0.1" if host == "localhost" else host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return [trio.SocketListener(sock)]


async def _serve_until_signal(
    mode: Mode, store: DirectoryStore, settings: Settings, port: int, hold: bool, reuse_port: bool
) -> dict[str, object]:
    with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async with trio.open_nursery() as watch:
            opened = open_payload_server(mode, store, settings, port=port, hold_uploads=hold, reuse_port=reuse_port)
            async with opened as server:
                print(f"LISTENING {server.url}", flush=True)
                stop = trio.Event()

                async def watcher() -> None:
                    async for signum in signals:
                        if not stop.is_set():
                            print(f"STOPPING on {signal.Signals(signum).name}", flush=True)
                            stop.set()
                        else:  # a second signal: give up on the drain, report what is left
                            print(f"ABANDONING the drain on {signal.Signals(signum).name}", flush=True)
                            server.dispatcher.abort_drain()

                watch.start_soon(watcher)
                await stop.wait()
            watch.cancel_scope.cancel()
    stats: dict[str, object] = dataclasses.asdict(server.dispatcher.statistics())
    stats["answers"] = {str(k): v for k, v in sorted(server.app.answers.items())}
    stats["written"] = store.statistics().written
    stats["connection_errors"] = dict(sorted(server.guard.errors.items()))
    stats["connections_cut"] = server.guard.cut
    return stats


def _seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds >= 0, got {text!r}")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be from 0 to 65535, got {text!r}")
    return value


def _first_leaf(group: BaseExceptionGroup[OSError]) -> OSError:
    first: OSError | BaseExceptionGroup[OSError] = group
    while isinstance(first, BaseExceptionGroup):
        first = first.exceptions[0]
    return first


def main(argv: list[str] | None = None) -> int:
    """Command line: see ``--help``; MAX_WORKERS/MAX_QUEUE come from the environment."""
    parser = argparse.ArgumentParser(prog="python -m support.worker_pool serve", description=__doc__)
    parser.add_argument("--mode", choices=MODES, default="pool")
    parser.add_argument("--ack", choices=ACKS, default="queued", help="202 after queueing or 201 after fsync")
    parser.add_argument("--store", required=True, help="directory of the content-addressed store")
    parser.add_argument("--latency", type=_seconds, default=0.0, help="seconds slept before each upload")
    parser.add_argument("--port", type=_port, default=0)
    parser.add_argument("--max-body", type=int, default=1 << 20)
    parser.add_argument("--max-connections", type=int, default=Settings.max_connections)
    parser.add_argument("--read-timeout", type=_seconds, default=Settings.read_timeout)
    parser.add_argument("--hold-uploads", action="store_true", help="test hook: uploads wait until the drain")
    parser.add_argument("--reuse-port", action="store_true", help="SO_REUSEPORT: share the port with siblings")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        settings = Settings.from_env(
            max_body=args.max_body, ack=args.ack, max_connections=args.max_connections,
            read_timeout=args.read_timeout,
        )  # fmt: skip
        store = DirectoryStore(args.store, latency=args.latency, durable=args.ack == "durable")
        swept = store.sweep()
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        stats = trio.run(
            _serve_until_signal, args.mode, store, settings, args.port, args.hold_uploads, args.reuse_port
        )
    except BaseExceptionGroup as group:  # the bind failed inside the dispatcher's nursery
        failed, rest = group.split(OSError)
        if failed is None or rest is not None:
            raise
        bind = _first_leaf(failed)
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {bind.strerror or bind}", file=sys.stderr)
        return 2
    stats["swept"] = swept
    print("STATS " + json.dumps(stats), flush=True)
    return 1 if stats["failed"] or stats["unstored"] else 0


class ServerProcess:
    """A server started by :func:`spawn_server`: its ``url``, ``pid``, a graceful :meth:`interrupt`, a :meth:`kill`."""

    def __init__(self, process: subprocess.Popen[str], url: str, errors: IO[str]) -> None:
        self.process = process
        self._errors = errors
        self.url = url
        self.pid = process.pid
        self.stats: dict[str, object] | None = None
        self.output: list[str] = []

    def interrupt(self, timeout: float = 60.0, signum: int = signal.SIGINT) -> dict[str, object]:
        """Send ``signum`` (SIGINT), wait for the drain and exit, and return the server's final ``STATS``.

        Raises ``RuntimeError`` with the server's stderr if it exits with a status other than 0.
        """
        if self.process.poll() is None:
            self.process.send_signal(signum)
        return self.collect(timeout)

    def wait_for_line(self, prefix: str) -> str:
        """Read the server's stdout until a line starts with ``prefix`` (e.g. ``STOPPING``); return it."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line.rstrip("\n"))
            if line.startswith(prefix):
                return line.rstrip("\n")
        raise RuntimeError(f"server exited before printing {prefix!r}: {tail(self._errors)}")

    def collect(self, timeout: float = 60.0) -> dict[str, object]:
        """Wait for the exit (after a signal was sent) and return the final ``STATS``."""
        out, _ = self.process.communicate(timeout=timeout)
        self.output.extend(out.splitlines())
        for line in self.output:
            if line.startswith("STATS "):
                self.stats = json.loads(line[len("STATS ") :])
        if self.process.returncode != 0 or self.stats is None:
            raise RuntimeError(f"server exited with {self.process.returncode}: {tail(self._errors)}")
        return self.stats

    def kill(self) -> int:
        """SIGKILL: no drain, no STATS. Returns the exit status (``-9``)."""
        self.process.kill()
        self.process.communicate()
        return self.process.returncode

    def errors(self) -> str:
        """What the server wrote to stderr so far (its end)."""
        return tail(self._errors, 4000)


@contextmanager
def start_process(command: Sequence[str], env: Mapping[str, str], timeout: float) -> Iterator[ServerProcess]:
    """Start a server ``command`` that prints ``LISTENING <url>``; interrupt it at the block's end, kill if stuck."""
    with tempfile.TemporaryFile("w+") as errors:  # a file, not a pipe: a chatty child never blocks on it
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env, cwd=ROOT)
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line.startswith("LISTENING "):
                process.wait(timeout)
                raise RuntimeError(f"server did not start: {(line + tail(errors, 500)).strip()}")
            server = ServerProcess(process, line.split()[1], errors)
            yield server
            if process.poll() is None:
                server.interrupt(timeout)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


class ServerGroup(ServerProcess):
    """Several server processes sharing one port (``SO_REUSEPORT``): one ``url``, stats summed on interrupt."""

    def __init__(self, members: list[ServerProcess]) -> None:
        first = members[0]
        super().__init__(first.process, first.url, first._errors)
        self.members = members

    def interrupt(self, timeout: float = 60.0, signum: int = signal.SIGINT) -> dict[str, object]:
        """Interrupt every member, wait for each drain, and sum their counters."""
        for member in self.members:
            if member.process.poll() is None:
                member.process.send_signal(signum)
        totals: dict[str, object] = {}
        for member in self.members:
            for key, value in member.collect(timeout).items():
                if isinstance(value, int) and not isinstance(value, bool):
                    current = totals.get(key, 0)
                    totals[key] = (current if isinstance(current, int) else 0) + value
                elif isinstance(value, dict):
                    merged = totals.setdefault(key, {})
                    assert isinstance(merged, dict)
                    for k, v in value.items():
                        merged[k] = merged.get(k, 0) + v
                else:
                    totals[key] = value
        totals["processes"] = len(self.members)
        self.stats = totals
        return totals

    def kill(self) -> int:
        """SIGKILL every member; returns the first one's exit status."""
        statuses = [member.kill() for member in self.members]
        return statuses[0]


@contextmanager
def spawn_server(
    store: str | os.PathLike[str],
    *,
    mode: Mode = "pool",
    ack: str = "queued",
    max_workers: int | None = None,
    max_queue: int | None = None,
    latency: float = 0.0,
    max_body: int = 1 << 20,
    max_connections: int = Settings.max_connections,
    read_timeout: float = Settings.read_timeout,
    hold_uploads: bool = False,
    processes: int = 1,
    env: Mapping[str, str] | None = None,
    timeout: float = 20.0,
) -> Iterator[ServerProcess]:
    """Start ``python -m support.worker_pool serve`` in a child process and wait until it listens.

    With ``processes=N`` (N > 1) N servers share one port, each with its own
    dispatcher, so each holds its own ``MAX_QUEUE`` and ``MAX_WORKERS``. The
    block's end interrupts them (SIGINT) if they still run, and kills them if
    they do not stop within ``timeout`` seconds.
    """
    if isinstance(processes, bool) or not isinstance(processes, int) or processes < 1:
        raise ValueError(f"processes must be an int >= 1, got {processes!r}")
    extra = {"MAX_WORKERS": str(max_workers)} if max_workers is not None else {}
    if max_queue is not None:
        extra["MAX_QUEUE"] = str(max_queue)
    command = [sys.executable, "-m", "support.worker_pool", "serve", "--mode", mode, "--store", os.fspath(store)]
    command += ["--ack", ack, "--latency", repr(latency), "--max-body", str(max_body)]
    command += ["--max-connections", str(max_connections), "--read-timeout", repr(read_timeout)]
    command += ["--hold-uploads"] if hold_uploads else []
    environment = child_environment(extra, env)
    if processes == 1:
        with start_process(command, environment, timeout) as server:
            yield server
        return
    with ExitStack() as stack:
        first = stack.enter_context(start_process([*command, "--reuse-port"], environment, timeout))
        port = first.url.rsplit(":", 1)[1].split("/", 1)[0]
        rest = [
            stack.enter_context(start_process([*command, "--reuse-port", "--port", port], environment, timeout))
            for _ in range(processes - 1)
        ]
        group = ServerGroup([first, *rest])
        yield group
        if any(member.process.poll() is None for member in group.members):
            group.interrupt(timeout)
