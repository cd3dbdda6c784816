"""The payload handler as a small ASGI app: the notes' ``payloadHandler`` with its rules made strict.

Mental model: every request walks one gate after another and the first gate
it fails decides the answer, always a 4xx with a JSON ``{"error": ...}`` body:

1. method ``POST`` only, else **405** (with ``Allow: POST``);
2. path ``/payloads`` only, else **404**;
3. ``Content-Type: application/json`` (UTF-8), else **415**;
4. the body is counted *while it is read*: past ``max_body`` bytes the rest is
   read and thrown away (up to a cap, so the client hears the answer) and the
   answer is **413**; nothing past the limit is ever kept. A body that takes
   longer than ``read_timeout`` gets **408**. Both close an HTTP/1 connection;
4a. when the pool has no room for the most payloads the body could hold (a
   bound counted without parsing: its ``{`` characters), the answer is
   **503** before parsing, so shedding costs almost nothing;
5. strict UTF-8 and strict JSON (no NaN, no infinity, no runaway digits or
   nesting: Python's parser refuses those with ``ValueError``/``RecursionError``), else **400**;
6. the shape ``{"data": [object, ...], "version"?: str, "token"?: str}`` with
   1..``max_payloads`` payloads, else **400** (**413** when there are too many);
7. the dispatcher admits the payloads: **202** ``{"accepted": n}`` when
   ``ack="queued"``, or, when ``ack="durable"``, **201** ``{"stored": n}``
   once every payload is written and synced (**503** if a write failed for
   good); or the pool is full: **503** with ``Retry-After``.

A websocket upgrade is refused with 403: this service speaks HTTP only.

An HTTP/1 answer given before the body was read (405, 404, 415) first
reads the rest of the body and drops it, up to ``max_body`` bytes and
``read_timeout`` seconds, as Go's ``net/http`` does (up to 256 KiB,
``maxPostHandlerReadBytes``), so the connection stays usable. A body that does
not end within those bounds gets the same answer with ``Connection: close``:
hypercorn closes a connection whose request is unfinished when the answer
ends, and without that header a keep-alive client would send its next request
into the closing connection and get no answer.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import json
import math
from typing import Final

import trio
from hypercorn.typing import ASGIReceiveCallable, ASGIReceiveEvent, ASGISendCallable, Scope

from support.worker_pool.dispatch import Dispatcher, Ticket
from support.worker_pool.settings import Settings
from support.worker_pool.store import canonical_payload

PATH: Final = "/payloads"
RETRY_AFTER_SECONDS: Final = 1
_REASONS: Final = {
    400: "bad request", 404: "not found", 405: "method not allowed",
    408: "too slow", 413: "too large", 415: "wrong type",
}  # fmt: skip
_CLOSE: Final = (408, 413)  # answers after which an HTTP/1 connection is closed: its stream is out of step


class Rejected(Exception):
    """A request failed a gate: ``status`` is the HTTP answer, the message says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]!r} is out of range")
    return value


_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)  # made once


def parse_payloads(body: bytes, max_payloads: int) -> list[bytes]:
    """Decode a request body into the stored bytes of each payload, or raise :class:`Rejected`."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Rejected(400, f"body is not UTF-8 (byte {error.start})") from None
    try:
        document = _DECODER.decode(text)
    except RecursionError:
        raise Rejected(400, "invalid JSON: nested too deeply") from None
    except ValueError as error:  # JSONDecodeError, and int() refusing thousands of digits
        raise Rejected(400, f"invalid JSON: {str(error)[:120]}") from None
    if not isinstance(document, dict):
        raise Rejected(400, f"body must be a JSON object, got {type(document).__name__}")
    for key in ("version", "token"):
        if key in document and not isinstance(document[key], str):
            raise Rejected(400, f"{key!r} must be a string")
    data = document.get("data")
    if not isinstance(data, list):
        raise Rejected(400, "'data' must be a list of payload objects")
    if not data:
        raise Rejected(400, "'data' is empty")
    if len(data) > max_payloads:
        raise Rejected(413, f"too many payloads: {len(data)} > {max_payloads}")
    stored = []
    for index, payload in enumerate(data):
        if not isinstance(payload, dict):
            raise Rejected(400, f"data[{index}] must be an object, got {type(payload).__name__}")
        try:
            stored.append(canonical_payload(payload))
        except RecursionError:
            raise Rejected(400, f"data[{index}] is nested too deeply") from None
    return stored


def _content_type_ok(value: bytes) -> bool:
    kind, _, params = value.decode("latin-1").partition(";")
    if kind.strip().lower() != "application/json":
        return False
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return False
    return True


class _Body:
    """The request's ``receive``, remembering whether the body's last chunk came (``complete``)."""

    def __init__(self, receive: ASGIReceiveCallable) -> None:
        self._receive = receive
        self.complete = False
        self.gone = False  # the client went away (or the server stops) before the body ended

    async def __call__(self) -> ASGIReceiveEvent:
        message = await self._receive()
        if message["type"] != "http.request":
            self.gone = True
        elif not message.get("more_body", False):
            self.complete = True
        return message

    async def drain(self, limit: int) -> None:
        """Read and drop the rest of the body, at most ``limit`` bytes (the caller bounds the time)."""
        size = 0
        while not (self.complete or self.gone) and size <= limit:
            message = await self()
            size += len(message.get("body", b"")) if message["type"] == "http.request" else 0


class PayloadApp:
    """The ASGI app: ``POST /payloads`` hands each payload of the body to ``dispatcher``."""

    def __init__(self, dispatcher: Dispatcher, settings: Settings) -> None:
        self.dispatcher = dispatcher
        self.settings = settings
        self.answers: dict[int, int] = {}

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] == "websocket":
            self.answers[403] = self.answers.get(403, 0) + 1
            await send({"type": "websocket.close", "code": 1008, "reason": ""})  # before accept: HTTP 403
            return
        if scope["type"] != "http":
            return
        request = _Body(receive)
        http1 = scope.get("http_version", "1.1").startswith("1")
        try:
            status, body, headers = await self._handle(scope, request)
        except Rejected as rejected:
            status, headers = rejected.status, []
            body = {"error": str(rejected), "status": status, "reason": _REASONS.get(status, "")}
            if status == 405:
                headers = [(b"allow", b"POST")]
        if http1 and status not in _CLOSE and not request.complete:
            with trio.move_on_after(self.settings.read_timeout):  # see the module docstring
                await request.drain(self.settings.max_body)
        if http1 and (status in _CLOSE or not request.complete):
            headers.append((b"connection", b"close"))
        self.answers[status] = self.answers.get(status, 0) + 1
        raw = json.dumps(body).encode("ascii")
        headers += [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(raw)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers, "trailers": False})
        await send({"type": "http.response.body", "body": raw, "more_body": False})

    async def _handle(
        self, scope: Scope, receive: _Body
    ) -> tuple[int, dict[str, object], list[tuple[bytes, bytes]]]:
        assert scope["type"] == "http"
        if scope["method"] != "POST":
            raise Rejected(405, f"method {scope['method'][:20]} is not allowed, use POST")
        if scope["path"] != PATH:
            raise Rejected(404, f"no such path {scope['path'][:60]!r}, use {PATH}")
        headers = dict(scope["headers"])
        if not _content_type_ok(headers.get(b"content-type", b"")):
            raise Rejected(415, "content type must be application/json (UTF-8)")
        with trio.move_on_after(self.settings.read_timeout) as slow:
            body = await self._read_body(receive, headers.get(b"content-length"))
        if slow.cancelled_caught:
            raise Rejected(408, f"the body took longer than {self.settings.read_timeout:g} s")
        dispatcher = self.dispatcher
        if dispatcher.room() < self._most_payloads(body):
            dispatcher.refuse_unparsed()  # shed before spending time on parsing
            return self._shed()
        payloads = parse_payloads(body, self.settings.max_payloads)
        if len(payloads) > dispatcher.capacity:
            raise Rejected(413, f"{len(payloads)} payloads can never fit a queue of {dispatcher.capacity:g}")
        if self.settings.ack == "queued":
            if await dispatcher.submit(payloads):
                return 202, {"accepted": len(payloads)}, []
            return self._shed()
        ticket = Ticket(len(payloads))
        if not await dispatcher.submit(payloads, ticket):
            return self._shed()
        await ticket.wait()
        if ticket.failed:
            return 503, {"error": f"{ticket.failed} of {len(payloads)} payloads could not be stored"}, []
        return 201, {"stored": len(payloads)}, []

    def _most_payloads(self, body: bytes) -> float:
        """The most payloads this body could hold and still be admitted: a bound found without parsing.

        Every payload is an object and the document is one, so a body holds at most
        ``body.count(b"{") - 1`` payloads (a scan at memory speed); no request holds more
        than ``max_payloads``, and none is admitted with more than the pool's capacity.
        """
        return max(1, min(body.count(b"{") - 1, self.settings.max_payloads, self.dispatcher.capacity))

    def _shed(self) -> tuple[int, dict[str, object], list[tuple[bytes, bytes]]]:
        retry = [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())]
        return 503, {"error": "the job queue is full, retry later", "retry_after": RETRY_AFTER_SECONDS}, retry

    async def _read_body(self, receive: _Body, declared: bytes | None) -> bytes:
        limit = self.settings.max_body
        if declared is not None and declared.isdigit() and int(declared) > 16 * limit:
            raise Rejected(413, f"body of {int(declared)} bytes is over the limit of {limit}")
        chunks: list[bytes] = []
        size = 0
        while not receive.complete:
            message = await receive()
            if message["type"] != "http.request":
                raise Rejected(400, "the client went away before the body ended")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await receive.drain(16 * limit - size)  # drop the rest, up to a cap, so the client hears the 413
                raise Rejected(413, f"body is over the limit of {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
