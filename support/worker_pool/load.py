"""A load generator that runs in its own process: many HTTP/1.1 keep-alive connections, h11 over trio sockets.

Mental model: a :class:`LoadSpec` says what to send. ``connections`` tasks
each open one TCP connection and send ``POST /payloads`` requests back to back
until ``duration`` seconds pass (or each has sent ``requests`` requests). Each
request carries ``payloads`` payloads that are unique across the run, so the
report can say exactly which payloads the server acknowledged (2xx) and which
it refused, by the name the store will give them. By default a connection
sends its next request as soon as an answer comes, 503 or not, as ``wrk``
does; ``shed_pause`` makes it wait after a 503 instead. With ``bad_every=k``
every k-th request is bad on purpose, alternately cut-off JSON (expect 400)
and a body over ``max_body`` (expect 413).

:func:`open_load` runs ``python -m support.worker_pool load`` as a child
process for the block; :meth:`LoadProcess.wait` returns its
:class:`LoadReport`, or raises with the child's stderr.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import h11
import trio

from support.worker_pool._child import ROOT, child_environment, tail
from support.worker_pool.store import object_name


@dataclass(frozen=True)
class LoadSpec:
    """What the load generator sends; checked when it is made (``TypeError``/``ValueError``)."""

    connections: int = 16
    duration: float = 5.0
    requests: int | None = None
    payloads: int = 100
    size: int = 64
    bad_every: int = 0
    max_body: int = 1 << 20
    shed_pause: float = 0.0
    tag: str = "load"

    def __post_init__(self) -> None:
        for name, least in (("connections", 1), ("payloads", 1), ("size", 0), ("bad_every", 0), ("max_body", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, got {value!r}")
            if value < least:
                raise ValueError(f"{name} must be at least {least}, got {value}")
        if self.requests is not None and (not isinstance(self.requests, int) or self.requests < 1):
            raise ValueError(f"requests must be None or an int >= 1, got {self.requests!r}")
        for name in ("duration", "shed_pause"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
                raise ValueError(f"{name} must be a finite number of seconds >= 0, got {value!r}")
        if not self.duration > 0:
            raise ValueError(f"duration must be > 0 seconds, got {self.duration!r}")
        if not isinstance(self.tag, str) or not re.fullmatch(r"[A-Za-z0-9-]+", self.tag):
            raise ValueError(f"tag must be letters, digits and -, got {self.tag!r}")


@dataclass
class LoadReport:
    """What the load generator saw. ``acked``/``refused`` hold store names of payloads, by answer."""

    requests: int = 0
    payloads_sent: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    transport_errors: int = 0
    acked: list[str] = field(default_factory=list)
    refused: dict[str, list[str]] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    cpu_seconds: float = 0.0

    def quantile_ms(self, q: float) -> float:
        """The ``q`` quantile (0..1) of request latency in milliseconds; NaN without answers."""
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else float("nan")
        return statistics.quantiles(self.latencies_ms, n=1000, method="inclusive")[round(q * 1000) - 1]


class _Closed(Exception):
    pass


async def _exchange(stream: trio.SocketStream, conn: h11.Connection, request: bytes) -> tuple[int, bool]:
    await stream.send_all(request)
    status = 0
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            conn.receive_data(await stream.receive_some(65536))
        elif isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.EndOfMessage):
            break
        elif isinstance(event, h11.ConnectionClosed):
            raise _Closed
    reusable = conn.our_state is h11.DONE and conn.their_state is h11.DONE
    if reusable:
        conn.start_next_cycle()
    return status, reusable


def _build(args: LoadSpec, conn_id: int, seq: int) -> tuple[bytes, list[str], str]:
    """The body, the payload names it carries, and its kind: ``ok``, ``bad`` (400) or ``big`` (413).

    Each payload is ``{"id": "<tag>/<conn>/<seq>/<k>", "pad": "xx..."}``, written
    directly in the store's canonical form (sorted keys, no spaces), so its name
    is the SHA-256 of exactly these bytes.
    """
    kind = "ok"
    if args.bad_every and seq % args.bad_every == args.bad_every - 1:
        kind = "bad" if (seq // args.bad_every) % 2 == 0 else "big"
    pad = "x" * (args.max_body + 1 if kind == "big" else args.size)
    count = 1 if kind == "big" else args.payloads
    items = [f'{{"id":"{args.tag}/{conn_id}/{seq}/{k}","pad":"{pad}"}}'.encode() for k in range(count)]
    body = b'{"version":"1","token":"%s","data":[%s]}' % (args.tag.encode(), b",".join(items))
    if kind == "bad":
        body = body[: len(body) // 2]
    return body, [object_name(item) for item in items], kind


async def _connection(url_text: str, args: LoadSpec, conn_id: int, report: LoadReport, deadline: float) -> None:
    url = urlsplit(url_text)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    stream: trio.SocketStream | None = None
    conn = h11.Connection(h11.CLIENT)
    seq = 0
    while trio.current_time() < deadline and (args.requests is None or seq < args.requests):
        if stream is None:
            try:
                stream = await trio.open_tcp_stream(host, port)
            except OSError:
                report.transport_errors += 1
                await trio.sleep(0.05)
                continue
            conn = h11.Connection(h11.CLIENT)
        body, names, _ = _build(args, conn_id, seq)
        seq += 1
        head = h11.Request(
            method="POST",
            target=url.path or "/",
            headers=[("host", url.netloc), ("content-type", "application/json"), ("content-length", str(len(body)))],
        )
        request = conn.send(head) + conn.send(h11.Data(data=body)) + conn.send(h11.EndOfMessage())
        report.requests += 1
        report.payloads_sent += len(names)
        started = time.perf_counter()
        try:
            status, reusable = await _exchange(stream, conn, request)
        except (OSError, trio.BrokenResourceError, trio.ClosedResourceError, h11.ProtocolError, _Closed):
            report.transport_errors += 1  # fate unknown: neither acknowledged nor refused
            await stream.aclose()
            stream = None
            continue
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        report.statuses[str(status)] = report.statuses.get(str(status), 0) + 1
        if 200 <= status < 300:
            report.acked.extend(names)
        else:
            report.refused.setdefault(str(status), []).extend(names)
        if not reusable:
            await stream.aclose()
            stream = None
        if status == 503 and args.shed_pause > 0:
            await trio.sleep(args.shed_pause)
    if stream is not None:
        await stream.aclose()


async def _generate(url: str, spec: LoadSpec) -> LoadReport:
    report = LoadReport()
    started = trio.current_time()
    async with trio.open_nursery() as nursery:
        for conn_id in range(spec.connections):
            nursery.start_soon(_connection, url, spec, conn_id, report, started + spec.duration)
    report.elapsed = trio.current_time() - started
    return report


def main(argv: list[str] | None = None) -> int:
    """``load --url URL --out FILE --spec JSON``: run the load and write the report."""
    parser = argparse.ArgumentParser(prog="python -m support.worker_pool load", description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", required=True, help="where to write the JSON report")
    parser.add_argument("--spec", default="{}", help="a LoadSpec as a JSON object")
    args = parser.parse_args(argv)
    try:
        spec = LoadSpec(**json.loads(args.spec))
        if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"--url must point at loopback, got {args.url!r}")
    except (TypeError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report = trio.run(_generate, args.url, spec)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    report.cpu_seconds = usage.ru_utime + usage.ru_stime
    Path(args.out).write_text(json.dumps(asdict(report)))
    return 0


class LoadProcess:
    """A running load generator; :meth:`wait` returns its report."""

    def __init__(self, process: subprocess.Popen[bytes], out: Path, errors: IO[str]) -> None:
        self.process = process
        self.out = out
        self._errors = errors

    def running(self) -> bool:
        """Whether the generator is still sending."""
        return self.process.poll() is None

    def wait(self, timeout: float = 120.0) -> LoadReport:
        """Wait for the generator to finish and read its report; ``RuntimeError`` with its stderr if it failed."""
        code = self.process.wait(timeout)
        if code != 0:
            raise RuntimeError(f"load generator exited with {code}: {tail(self._errors)}")
        return LoadReport(**json.loads(self.out.read_text()))


@contextmanager
def open_load(url: str, spec: LoadSpec) -> Iterator[LoadProcess]:
    """Run the load generator against ``url`` for the block; it is stopped if the block ends first."""
    if not isinstance(spec, LoadSpec):
        raise TypeError(f"spec must be a LoadSpec, got {type(spec).__name__}")
    with tempfile.TemporaryDirectory(prefix="worker-pool-load-") as scratch, tempfile.NamedTemporaryFile(
        "w+", dir=scratch, suffix=".err"
    ) as errors:
        out = Path(scratch) / "report.json"
        spec_json = json.dumps({f.name: getattr(spec, f.name) for f in fields(spec)})
        command = [sys.executable, "-m", "support.worker_pool", "load", "--url", url, "--out", str(out)]
        command += ["--spec", spec_json]
        process = subprocess.Popen(
            command, env=child_environment(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            yield LoadProcess(process, out, errors)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()
