"""Small real clients for the chapter's cells: one request per gate, N payloads, HTTP/2 and websocket probes.

Mental model: each probe is a client a reader could write with ``httpx``,
``h2`` or a raw socket, aimed at any server that speaks the chapter's
protocol (the trio service or the Go peer), returning short printable facts,
never timings.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import contextlib
import json
import socket

import h2.config
import h2.connection
import h2.events
import httpx

from support.worker_pool.store import canonical_payload, object_name

_JSON = {"content-type": "application/json"}


def request_body(*payloads: object) -> bytes:
    """A body in the article's shape: ``{"version", "token", "data": [payloads]}``."""
    return json.dumps({"version": "1", "token": "demo", "data": list(payloads)}).encode()


def _gates() -> list[tuple[str, str, dict[str, str], bytes | None]]:
    return [
        ("GET", "GET", {}, None),
        ("wrong path", "POST", _JSON, request_body({"n": 1})),
        ("text/plain", "POST", {"content-type": "text/plain"}, request_body({"n": 1})),
        ("5 kB body", "POST", _JSON, request_body({"pad": "x" * 5000})),
        ("cut-off JSON", "POST", _JSON, b'{"data": [{"n": 1}'),
        ("trailing JSON", "POST", _JSON, request_body({"n": 1}) + b"{}"),
        ("data: [1, 2, 3]", "POST", _JSON, request_body(1, 2, 3)),
        ("two payloads", "POST", _JSON, request_body({"n": 1, "tag": "b"}, {"tag": "a", "n": 2})),
    ]


def try_gates(url: str) -> list[str]:
    """One request per gate of the handler; a line per answer: what was sent, the status, key headers."""
    lines = []
    with httpx.Client(timeout=10) as client:
        for label, method, headers, content in _gates():
            target = url.rsplit("/", 1)[0] + "/elsewhere" if label == "wrong path" else url
            answer = client.request(method, target, headers=headers, content=content)
            extra = f" Allow: {answer.headers['allow']}" if "allow" in answer.headers else ""
            if answer.status_code < 300:
                extra = f" {answer.json()}"
            lines.append(f"{label:16} -> {answer.status_code}{extra}")
    return lines


def send_payloads(url: str, count: int, tag: str, per_request: int = 10) -> set[str]:
    """Send ``count`` payloads, ``per_request`` at a time, one request after another.

    Returns the store names of the payloads the server acknowledged (2xx).
    """
    acked: set[str] = set()
    with httpx.Client(timeout=30) as client:
        for start in range(0, count, per_request):
            payloads = [{"tag": tag, "n": n} for n in range(start, min(count, start + per_request))]
            if client.post(url, content=request_body(*payloads), headers=_JSON).is_success:
                acked |= {object_name(canonical_payload(p)) for p in payloads}
    return acked


def _address(url: str) -> tuple[str, int]:
    host, port = url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    return host.strip("[]"), int(port)


def h2_early_answer(
    url: str, method: str = "PUT", *, content_type: str = "application/json", content_length: int | None = None
) -> int:
    """HTTP/2 (prior knowledge): send headers the server refuses, then body data anyway.

    Returns the status the server answered with (0: none came before it closed).
    """
    sock = socket.create_connection(_address(url), timeout=5)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    head = [(":method", method), (":path", "/payloads"), (":scheme", "http"), (":authority", "x")]
    head.append(("content-type", content_type))
    if content_length is not None:
        head.append(("content-length", str(content_length)))
    status, after = 0, 0
    with contextlib.closing(sock):
        conn.send_headers(1, head)
        sock.settimeout(0.2)
        while after < 4:  # a few more chunks once the answer is in: the data the server did not ask for
            after += status != 0
            if conn.local_flow_control_window(1) >= 16_000:
                conn.send_data(1, b"x" * 16_000)
            try:
                sock.sendall(conn.data_to_send())
                data = sock.recv(65536)
            except TimeoutError:
                after += 1
                continue
            except OSError:
                break
            if not data:
                break
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived):
                    status = int(dict(event.headers)[b":status"])
    return status


def websocket_then_byte(url: str) -> bytes:
    """A websocket upgrade request followed by one stray byte; returns the status line (or b"")."""
    upgrade = (
        b"GET /payloads HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\nZ"
    )
    with socket.create_connection(_address(url), timeout=5) as sock:
        sock.sendall(upgrade)
        with contextlib.suppress(OSError):
            return sock.recv(200).split(b"\r\n", 1)[0]
    return b""
