"""A load generator that runs in its own process: many HTTP/1.1 keep-alive connections, h11 over trio sockets.

Mental model: ``connections`` tasks each open one TCP connection and send
``POST /payloads`` requests back to back until ``duration`` seconds pass (or
each has sent ``requests`` requests). Each request carries ``payloads``
payloads that are unique across the run, so the report can say exactly which
payloads the server acknowledged (2xx) and which it refused, by the name the
store will give them. After a 503 a connection pauses ``shed_pause`` seconds.
With ``bad_every=k`` every k-th request is bad on purpose, alternately cut-off
JSON (expect 400) and a body over ``max_body`` (expect 413).

``python -m support.worker_pool load --url URL --out report.json ...`` is the
program; :func:`start_load` starts it as a child process and
:meth:`LoadProcess.wait` returns its :class:`LoadReport`.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import h11
import trio

from support.worker_pool.store import object_name


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


def _build(args: argparse.Namespace, conn_id: int, seq: int) -> tuple[bytes, list[str], str]:
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


async def _connection(args: argparse.Namespace, conn_id: int, report: LoadReport, deadline: float) -> None:
    url = urlsplit(args.url)
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
        if status == 503:
            await trio.sleep(args.shed_pause)
    if stream is not None:
        await stream.aclose()


async def _generate(args: argparse.Namespace) -> LoadReport:
    report = LoadReport()
    started = trio.current_time()
    async with trio.open_nursery() as nursery:
        for conn_id in range(args.connections):
            nursery.start_soon(_connection, args, conn_id, report, started + args.duration)
    report.elapsed = trio.current_time() - started
    return report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m support.worker_pool load", description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", required=True, help="where to write the JSON report")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds to send for")
    parser.add_argument("--requests", type=int, default=None, help="stop each connection after this many")
    parser.add_argument("--payloads", type=int, default=100, help="payloads per request")
    parser.add_argument("--size", type=int, default=64, help="bytes of padding per payload")
    parser.add_argument("--bad-every", type=int, default=0)
    parser.add_argument("--max-body", type=int, default=1 << 20)
    parser.add_argument("--shed-pause", type=float, default=0.005)
    parser.add_argument("--tag", default=f"run{os.getpid()}", help="letters, digits and - only")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the load described by the command line and write the report."""
    args = _parser().parse_args(argv)
    for flag, value, least in (
        ("--connections", args.connections, 1),
        ("--payloads", args.payloads, 1),
        ("--size", args.size, 0),
        ("--bad-every", args.bad_every, 0),
        ("--max-body", args.max_body, 1),
    ):
        if value < least:
            print(f"error: {flag} must be at least {least}, got {value}", file=sys.stderr)
            return 2
    if not args.duration > 0 or (args.requests is not None and args.requests < 1):
        print("error: --duration must be > 0 and --requests at least 1", file=sys.stderr)
        return 2
    if not re.fullmatch(r"[A-Za-z0-9-]+", args.tag):
        print(f"error: --tag must be letters, digits and -, got {args.tag!r}", file=sys.stderr)
        return 2
    if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        print(f"error: --url must point at loopback, got {args.url!r}", file=sys.stderr)
        return 2
    report = trio.run(_generate, args)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    report.cpu_seconds = usage.ru_utime + usage.ru_stime
    Path(args.out).write_text(json.dumps(asdict(report)))
    return 0


class LoadProcess:
    """A running load generator; :meth:`wait` returns its report."""

    def __init__(self, process: subprocess.Popen[bytes], out: Path) -> None:
        self.process = process
        self.out = out

    def wait(self, timeout: float = 120.0) -> LoadReport:
        """Wait for the generator to finish and read its report."""
        code = self.process.wait(timeout)
        if code != 0:
            raise RuntimeError(f"load generator exited with {code}")
        data = json.loads(self.out.read_text())
        self.out.unlink()
        return LoadReport(**data)


def start_load(url: str, **options: object) -> LoadProcess:
    """Start ``python -m support.worker_pool load`` against ``url``; options are its flags (``bad_every=4``)."""
    fd, out = tempfile.mkstemp(prefix="worker-pool-load-", suffix=".json")
    os.close(fd)
    command = [sys.executable, "-m", "support.worker_pool", "load", "--url", url, "--out", out]
    for key, value in options.items():
        if value is not None:
            command += [f"--{key.replace('_', '-')}", str(value)]
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH", "")]))
    process = subprocess.Popen(command, env=env, cwd=root, stdout=subprocess.DEVNULL)
    return LoadProcess(process, Path(out))


def run_load(url: str, **options: object) -> LoadReport:
    """Run the load generator in a child process to the end and return its report."""
    return start_load(url, **options).wait()


if __name__ == "__main__":
    sys.exit(main())
