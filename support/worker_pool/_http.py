"""hypercorn's HTTP connections behind our own accept loop, so one connection can never end the server.

Mental model: hypercorn's ``serve`` runs every connection in one nursery, so
an exception that escapes hypercorn's protocol code for one connection (a
``KeyError`` in its HTTP/2 data path when a stream is answered before its body
is read; a ``BusyResourceError`` when an HTTP/2 client hangs up mid-stream; an
h11 ``LocalProtocolError`` after a refused websocket upgrade) cancels every
other connection, and with them the server. :func:`serve_connections` keeps
hypercorn's per-connection handler (``TCPServer``: the HTTP/1.1, HTTP/2 and
upgrade logic) and replaces only the loop around it:

* each connection runs in its own ``try``: an ``Exception`` from it is
  counted, logged once per kind, and closes that connection only;
* at most ``max_connections`` connections are served at once: the loop
  takes a slot *before* it accepts, so further clients wait in the kernel's
  listen backlog instead of costing a file descriptor each;
* on stop, the listeners close, idle keep-alive connections are told to
  close, and the rest get ``graceful_timeout`` seconds to finish.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import errno
import logging
from collections import Counter
from collections.abc import Sequence

import trio
from hypercorn.config import Config
from hypercorn.trio.tcp_server import TCPServer
from hypercorn.trio.worker_context import WorkerContext
from hypercorn.typing import AppWrapper, ASGIFramework, ConnectionState
from hypercorn.utils import wrap_app

_log = logging.getLogger("support.worker_pool")
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOBUFS}


class ConnectionGuard:
    """Counts what :func:`serve_connections` contained: ``errors[kind]`` connections ended by an exception."""

    def __init__(self) -> None:
        self.errors: Counter[str] = Counter()
        self.served = 0

    def contain(self, error: BaseException) -> None:
        kind = type(error).__name__
        if isinstance(error, BaseExceptionGroup):
            kind = "+".join(sorted({type(e).__name__ for e in error.exceptions}))
        if not self.errors[kind]:
            _log.warning("a connection failed and was closed (%s: %s); counting further ones", kind, error)
        self.errors[kind] += 1


async def _connection(
    app: AppWrapper,
    config: Config,
    context: WorkerContext,
    stream: trio.SocketStream,
    slots: trio.Semaphore,
    guard: ConnectionGuard,
) -> None:
    try:
        await TCPServer(app, config, context, ConnectionState({}), stream)  # type: ignore[arg-type]  # SSL or not
    except Exception as error:  # noqa: BLE001  # one connection failing, however, ends only that connection
        guard.contain(error)
        await trio.aclose_forcefully(stream)
    except BaseExceptionGroup as group:  # a failure and a cancellation together: keep the cancellation
        failures, rest = group.split(Exception)
        if failures is not None:
            guard.contain(failures)
        await trio.aclose_forcefully(stream)
        if rest is not None:
            raise rest from None
    finally:
        guard.served += 1
        slots.release()


async def _accept(
    listener: trio.SocketListener,
    nursery: trio.Nursery,
    serve: tuple[AppWrapper, Config, WorkerContext],
    slots: trio.Semaphore,
    guard: ConnectionGuard,
) -> None:
    while True:
        await slots.acquire()  # a free slot first, then accept: the others wait in the backlog
        try:
            stream = await listener.accept()
        except OSError as error:
            slots.release()
            if error.errno not in _OUT_OF_RESOURCES:
                raise
            _log.warning("accept failed (%s); retrying in 0.1 s", error)
            await trio.sleep(0.1)
            continue
        nursery.start_soon(_connection, *serve, stream, slots, guard)


async def serve_connections(
    app: ASGIFramework,
    config: Config,
    listeners: Sequence[trio.SocketListener],
    *,
    max_connections: int,
    stopping: trio.Event,
    guard: ConnectionGuard,
) -> None:
    """Serve ``app`` on ``listeners`` until ``stopping`` is set, then close gracefully (see the module)."""
    context = WorkerContext(None)
    wrapped = wrap_app(app, config.wsgi_max_body_size, "asgi")
    slots = trio.Semaphore(max_connections)
    async with trio.open_nursery() as connections:
        async with trio.open_nursery() as accepting:
            for listener in listeners:
                accepting.start_soon(_accept, listener, connections, (wrapped, config, context), slots, guard)
            await stopping.wait()
            accepting.cancel_scope.cancel()
        for listener in listeners:
            await listener.aclose()
        await context.terminated.set()  # idle keep-alive connections close now
        connections.cancel_scope.deadline = trio.current_time() + config.graceful_timeout
