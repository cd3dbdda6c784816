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

Two patches to hypercorn 0.18, each a wrapper around one method:

* :func:`_release_h2_streams_on_close`: when an HTTP/2 client hangs up with
  streams open, hypercorn's sending task stops, but each stream's last
  ``send`` still waits for its buffer to drain, so the connection's tasks,
  and its slot, stayed until the server stopped. The wrapper closes those
  buffers once the connection is closed, so the waits end.
* :func:`_ignore_h11_data_after_close`: when the server is stopping, an
  HTTP/1.1 connection closes after its answer; a keep-alive client's next
  request that was already on its way then put h11 in ``PAUSED``, and
  hypercorn waited for a "can read" signal that nobody would send, so every
  stop under load took the whole ``graceful_timeout``. The wrapper ends that
  wait when the connection closes and drops data that arrives after. It also
  stops reading requests once the client's side is ``MUST_CLOSE`` (an HTTP/1.0
  request, or ``Connection: close``): RFC 9112 section 9.6 says a server
  must not process further requests on such a connection. Before, h11 raised
  on a pipelined second request and hypercorn answered 400 in place of the
  first request's answer, although the first request's payloads were stored.

``ConnectionGuard.cut`` counts the connections the graceful deadline had to
cancel: the server reports it, and the tests expect 0 from clients that
finish their requests.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import errno
import logging
from collections import Counter
from collections.abc import Sequence

import h11
import trio
from hypercorn.config import Config
from hypercorn.events import Closed, Event, RawData
from hypercorn.protocol.h2 import H2Protocol
from hypercorn.protocol.h11 import H11Protocol
from hypercorn.trio.tcp_server import TCPServer
from hypercorn.trio.worker_context import WorkerContext
from hypercorn.typing import AppWrapper, ASGIFramework, ConnectionState
from hypercorn.utils import wrap_app

_log = logging.getLogger("support.worker_pool")
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOBUFS}
_h2_handle = H2Protocol.handle


async def _release_h2_streams_on_close(self: H2Protocol, event: Event) -> None:
    """hypercorn's ``H2Protocol.handle``, then, on ``Closed``, close every stream buffer.

    Without it a stream whose response was still buffered when the client
    hung up waits in ``StreamBuffer.drain`` forever: nothing sends it any more.
    """
    await _h2_handle(self, event)
    if isinstance(event, Closed):
        for buffer in list(self.stream_buffers.values()):
            await buffer.close()


H2Protocol.handle = _release_h2_streams_on_close  # type: ignore[method-assign]  # see the module docstring
_h11_handle = H11Protocol.handle


async def _ignore_h11_data_after_close(self: H11Protocol, event: Event) -> None:
    """hypercorn's ``H11Protocol.handle``; once ``Closed`` comes, bytes read are dropped and a paused read ends.

    The connection answers nothing more once closed. Bytes still being
    handled (h11 ``PAUSED``, waiting for a "can read" signal nobody will send)
    are abandoned by cancelling their handling; bytes read later are ignored.
    """
    state = self.__dict__.setdefault("_book_closing", {"closed": False, "reading": None})
    if isinstance(event, Closed):
        state["closed"] = True
        if state["reading"] is not None:
            state["reading"].cancel()
        await _h11_handle(self, event)
    elif isinstance(event, RawData):
        if state["closed"] or getattr(self.connection, "their_state", None) is h11.MUST_CLOSE:
            return  # closed, or closing after this answer: nothing more is read (nor kept)
        _read_nothing_after_close(self.connection)
        with trio.CancelScope() as reading:
            state["reading"] = reading
            await _h11_handle(self, event)
        state["reading"] = None
    else:
        await _h11_handle(self, event)


def _read_nothing_after_close(connection: object) -> None:
    """Make ``connection.next_event`` report ``NEED_DATA`` once the client's side is ``MUST_CLOSE``."""
    if not isinstance(connection, h11.Connection) or "next_event" in vars(connection):
        return
    original = connection.next_event

    def next_event() -> h11.Event | type[h11.NEED_DATA] | type[h11.PAUSED]:
        if connection.their_state is h11.MUST_CLOSE:
            return h11.NEED_DATA  # the answer still goes out; what follows the request is not read
        return original()

    connection.next_event = next_event  # type: ignore[method-assign]  # one connection's method, see above


H11Protocol.handle = _ignore_h11_data_after_close  # type: ignore[method-assign]  # see the module docstring


class ConnectionGuard:
    """Counts what :func:`serve_connections` contained: ``errors[kind]`` connections ended by an exception."""

    def __init__(self) -> None:
        self.errors: Counter[str] = Counter()
        self.served = 0
        self.cut = 0  # connections cancelled by the graceful deadline (or an outer cancel)

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
    except trio.Cancelled:
        guard.cut += 1
        raise
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
