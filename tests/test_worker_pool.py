"""Tests of support.worker_pool: settings, store, dispatchers, the HTTP handler, soak, SIGINT and fuzz.

The HTTP tests use the real server (hypercorn's trio worker) on 127.0.0.1, in
this process or in a child process, and the real load generator in another.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import h2.config
import h2.connection
import h2.events
import httpx
import psutil
import pytest
import trio
import trio.testing
from hypothesis import HealthCheck, given, settings, strategies as st

from support import run
from support.golang import run_go_tests
from support.worker_pool import (
    DirectoryStore,
    LoadSpec,
    ServerProcess,
    Settings,
    SettingsError,
    WorkerPool,
    canonical_payload,
    h2_early_answer,
    object_name,
    open_dispatcher,
    open_load,
    open_payload_server,
    run_burst,
    spawn_go_server,
    spawn_server,
)
from support.worker_pool._child import child_environment
from support.worker_pool.server import main as serve_main

# ---------------------------------------------------------------- settings


def test_settings_defaults_and_values():
    assert Settings.from_env({}) == Settings()
    got = Settings.from_env({"MAX_WORKERS": " 8 ", "MAX_QUEUE": "250"})
    assert (got.max_workers, got.max_queue) == (8, 250)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("eight", "must be a positive integer, got 'eight'"),
        ("", "must be a positive integer, got ''"),
        ("-3", "must be a positive integer, got '-3'"),
        ("1e3", "must be a positive integer, got '1e3'"),
        ("1_000", "must be a positive integer, got '1_000'"),
        ("0", "must be at least 1, got '0'"),
        ("99999999999", "must be at most"),
    ],
)
@pytest.mark.parametrize("variable", ["MAX_WORKERS", "MAX_QUEUE"])
def test_settings_errors_name_the_variable(variable, value, words):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({variable: value})
    assert str(caught.value).startswith(f"{variable} {words}")


def test_settings_fields_checked():
    with pytest.raises(SettingsError, match="max_body must be an integer"):
        Settings(max_body=0)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("ack", "maybe", "ack must be one of queued, durable"),
        ("read_timeout", float("nan"), "read_timeout must be a finite number of seconds"),
        ("drain_timeout", -1, "drain_timeout must be a finite number of seconds"),
        ("max_connections", 0, "max_connections must be an integer from 1"),
        ("retries", 2.5, "retries must be an integer from 0"),
    ],
)
def test_new_settings_are_checked(field, value, words):
    with pytest.raises(SettingsError, match=words):
        Settings(**{field: value})


def test_load_spec_is_typed_and_its_child_reports_its_stderr(tmp_path):
    with pytest.raises(TypeError, match="unexpected keyword argument 'conections'"):
        LoadSpec(conections=4)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="duration must be a finite number"):
        LoadSpec(duration=float("inf"))
    with (
        pytest.raises(RuntimeError, match=r"exited with 2: error: --url must point at loopback"),
        open_load("http://example.com/payloads", LoadSpec()) as load,
    ):
        load.wait()


def test_server_refuses_bad_setting_with_its_name(tmp_path):
    env = dict(os.environ, MAX_QUEUE="lots")
    with (
        pytest.raises(RuntimeError, match="MAX_QUEUE must be a positive integer, got 'lots'"),
        spawn_server(tmp_path, env=env),
    ):
        pass


# ---------------------------------------------------------------- store


def test_store_names_by_content_and_writes_atomically(tmp_path):
    store = DirectoryStore(tmp_path)
    content = canonical_payload({"b": 1, "a": [1, 2]})
    assert content == b'{"a":[1,2],"b":1}'
    name = store.write(content)
    assert name == hashlib.sha256(content).hexdigest() == object_name(content)
    assert store.get(name) == content
    assert store.write(content) == name  # same bytes, same single object
    assert sorted(os.listdir(tmp_path)) == [name]
    check = store.check()
    assert check.clean and check.objects == 1


def test_store_readers_never_see_a_partial_object(tmp_path):
    store = DirectoryStore(tmp_path)
    done = threading.Event()
    seen: list[str] = []
    partial: list[str] = []

    def reader() -> None:
        while not done.is_set():
            for entry in os.scandir(tmp_path):
                if not entry.name.startswith("."):  # temp files are not objects
                    try:
                        data = Path(entry.path).read_bytes()
                    except FileNotFoundError:
                        continue
                    (seen if object_name(data) == entry.name else partial).append(entry.name)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for n in range(15):
            # 4 MB each: a plain open-and-write is caught half-written here many times a run; a rename never is
            store.write(b"x" * 4_000_000 + str(n).encode())
    finally:
        done.set()
        thread.join()
    assert seen and not partial
    assert store.check().clean and store.check().objects == 15


def test_store_failed_rename_leaves_no_object_and_no_temp(tmp_path, monkeypatch):
    store = DirectoryStore(tmp_path)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk said no")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk said no"):
        store.write(b"payload")
    assert os.listdir(tmp_path) == []


def test_store_check_finds_corrupt_temp_and_stranger(tmp_path):
    store = DirectoryStore(tmp_path)
    good = store.write(b"good")
    (tmp_path / ("0" * 64)).write_bytes(b"not what the name says")
    (tmp_path / f".{good}.1.0.tmp").write_bytes(b"go")
    (tmp_path / "notes.txt").write_text("hi")
    check = store.check()
    assert (check.objects, check.corrupt, check.temp_files, check.strangers) == (
        2,
        ("0" * 64,),
        (f".{good}.1.0.tmp",),
        ("notes.txt",),
    )
    assert not check.clean
    assert store.names() == {good, "0" * 64, "notes.txt"}
    with pytest.raises(KeyError):
        store.get("../etc/passwd")


def test_store_latency_is_injected(tmp_path):
    store = DirectoryStore(tmp_path, latency=2.5)

    async def main() -> float:
        await store.put(b"slow")
        return trio.current_time()

    assert run(main) == 2.5
    with pytest.raises(ValueError, match="latency must be a finite number of seconds >= 0"):
        DirectoryStore(tmp_path, latency=-1)


# ---------------------------------------------------------------- dispatchers (virtual time)


def test_pool_admits_all_or_nothing_and_drains_on_exit(tmp_path):
    store = DirectoryStore(tmp_path, latency=1.0)
    payloads = [canonical_payload({"n": n}) for n in range(10)]

    async def main() -> list[bool]:
        answers = []
        async with open_dispatcher("pool", store, Settings(max_workers=2, max_queue=3)) as pool:
            assert isinstance(pool, WorkerPool)
            await trio.testing.wait_all_tasks_blocked()
            assert pool.room() == 5  # 3 free slots + 2 idle workers
            answers.append(await pool.submit(payloads[:4]))  # fits
            answers.append(await pool.submit(payloads[4:6]))  # only 1 slot left: shed whole
            answers.append(await pool.submit(payloads[6:7]))  # fits
            stats = pool.statistics()
            assert (stats.accepted, stats.shed, stats.shed_requests, stats.queued) == (5, 2, 1, 3)
        stats = pool.statistics()
        assert (stats.stored, stats.queued, stats.uploading) == (5, 0, 0)
        assert trio.current_time() == 3.0  # 5 jobs, 2 workers, 1 s each
        return answers

    assert run(main) == [True, False, True]
    assert store.names() == {object_name(p) for p in payloads[:4] + payloads[6:7]}


def test_pool_hands_jobs_to_the_longest_idle_worker(tmp_path):
    store = DirectoryStore(tmp_path, latency=1.0)

    async def main() -> list[tuple[str, str]]:
        async with open_dispatcher("pool", store, Settings(max_workers=3, max_queue=10)) as pool:
            pool.record_assignments()
            for n in range(6):
                await pool.submit([canonical_payload({"n": n})])
                await trio.sleep(0.1)
        assert pool.assignments is not None
        return pool.assignments

    names = {object_name(canonical_payload({"n": n})): n for n in range(6)}
    order = [(worker, names[name]) for worker, name in run(main)]
    assert order == [(f"worker-{n % 3}", n) for n in range(6)]  # 0, 1, 2, then 0, 1, 2 again


def test_naive_grows_and_single_blocks(tmp_path):
    burst = [canonical_payload({"n": n}) for n in range(500)]

    async def naive() -> int:
        async with open_dispatcher("naive", DirectoryStore(tmp_path / "n", latency=1.0), Settings()) as spawner:
            await spawner.submit(burst)
        return spawner.statistics().peak_uploading

    async def single() -> float:
        settings = Settings(max_queue=10)
        async with open_dispatcher("single", DirectoryStore(tmp_path / "s", latency=0.01), settings) as processor:
            await processor.submit(burst)
            waited = trio.current_time()
        assert processor.statistics().stored == 500
        return waited

    assert run(naive) == 500  # one task per payload, all alive at once
    assert run(single) == pytest.approx(4.89)  # the handler waits for 489 uploads before its last send fits


# ---------------------------------------------------------------- the handler over real HTTP


def _body(*payloads: object, **extra: object) -> bytes:
    return json.dumps({"version": "1", "token": "t", "data": list(payloads), **extra}).encode()


JSON = {"content-type": "application/json"}


def test_handler_statuses(tmp_path):
    store = DirectoryStore(tmp_path, latency=60.0)  # the one worker stays busy for the whole test
    cfg = Settings(max_workers=1, max_queue=2, max_body=2000, max_payloads=3, drain_timeout=0.2)

    async def main() -> list[tuple[int, str]]:
        got = []
        opened = open_payload_server("pool", store, cfg, graceful_timeout=0.5)
        with trio.CancelScope() as everything:  # a hard stop at the end; the drain gives up after 0.2 s
            async with opened as server, httpx.AsyncClient() as client:
                post = client.post
                base = server.url.rsplit("/", 1)[0]
                tries = [
                    client.get(server.url),
                    post(base + "/elsewhere", content=_body({"a": 1}), headers=JSON),
                    post(server.url, content=_body({"a": 1}), headers={"content-type": "text/plain"}),
                    post(server.url, content=_body({"pad": "x" * 3000}), headers=JSON),
                    post(server.url, content=_body({"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}), headers=JSON),
                    post(server.url, content=b'{"data": [', headers=JSON),
                    post(server.url, content=_body(1, 2), headers=JSON),
                    post(server.url, content=_body({"a": 1}, {"a": 2}, {"a": 3}), headers=JSON),
                    post(server.url, content=_body({"a": 4}), headers=JSON),
                ]
                for request in tries:
                    response = await request
                    reply = response.json()
                    got.append((response.status_code, reply.get("error", reply)))
                    if response.status_code == 405:
                        assert response.headers["allow"] == "POST"
                    if response.status_code == 503:
                        assert response.headers["retry-after"] == "1"
                assert server.dispatcher.statistics().shed_requests == 1  # refused before parsing: no room at all
                everything.cancel()
        return got

    got = trio.run(main)
    assert [status for status, _ in got] == [405, 404, 415, 413, 413, 400, 400, 202, 503]
    assert got[3][1] == "body is over the limit of 2000 bytes"
    assert got[4][1] == "too many payloads: 4 > 3"
    assert got[6][1] == "data[0] must be an object, got int"
    assert got[7][1] == {"accepted": 3}


# ---------------------------------------------------------------- fuzz: only 4xx for bad input


@dataclass
class Live:
    """The one server the client-only tests share; the module's last test stops it and checks its STATS."""

    server: ServerProcess
    store_dir: Path
    address: tuple[str, int]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    store_dir = tmp_path_factory.mktemp("live") / "store"
    with spawn_server(store_dir, max_workers=4, max_queue=100_000, max_body=4096, read_timeout=0.5) as server:
        yield Live(server, store_dir, _address(server.url))


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=10) as shared:
        yield shared



_json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20)
)
_json = st.recursive(
    _json_leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20
)
_bodies = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda v: json.dumps(v).encode(), _json),
    st.builds(lambda v, cut: json.dumps({"data": v}).encode()[:cut], _json, st.integers(0, 200)),
    st.builds(lambda n: b'{"data": [{"n": ' + b"9" * n + b"}]}", st.integers(1, 6000)),
    st.builds(lambda n: b'{"data": [' + b"[" * n + b"]" * n + b"]}", st.integers(1, 5000)),
    st.builds(lambda n: b'{"data": [{"x": ' + b'{"y": ' * n + b"1" + b"}" * n + b"}]}", st.integers(1, 3000)),
    st.builds(lambda s: json.dumps({"data": [{"s": s}]}).encode("utf-16"), st.text(max_size=10)),
    st.sampled_from([b"", b"\xff\xfe\x00", b"NaN", b'{"data": [{"x": NaN}]}', b'{"data": [{"x": 1e999}]}']),
    st.builds(lambda n: b"x" * n, st.integers(4000, 70_000)),
)
_types = st.sampled_from(
    ["application/json", "application/json; charset=latin-1", "text/plain", "", "application/x-www-form-urlencoded"]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies, content_type=_types, method=st.sampled_from(["POST", "POST", "POST", "PUT", "GET", "DELETE"]))
def test_fuzz_handler_answers_only_4xx(live, client, body, content_type, method):
    headers = {"content-type": content_type} if content_type else {}
    content = body if method != "GET" else None
    response = client.request(method, live.server.url, content=content, headers=headers)
    assert 400 <= response.status_code < 500 or response.status_code == 202, response.text
    if response.status_code != 202:
        assert isinstance(response.json()["error"], str)


# ---------------------------------------------------------------- soak and SIGINT (separate processes)


def _rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def test_soak_every_ack_stored_once_and_rss_flat(tmp_path):
    store_dir = tmp_path / "store"
    with spawn_server(store_dir, max_workers=4, max_queue=400, latency=0.002, max_body=8192) as server:
        spec = LoadSpec(connections=12, duration=1.5, payloads=50, size=32, bad_every=4, max_body=8192, tag="soak")
        with open_load(server.url, spec) as load:
            samples = []
            while load.running():  # about 15 samples: the second half must not grow past the first
                samples.append(_rss_mb(server.pid))
                time.sleep(0.1)
            report = load.wait()
        stats = server.interrupt()
    statuses = {int(s): n for s, n in report.statuses.items()}
    assert set(statuses) <= {202, 400, 413, 503} and statuses.keys() >= {202, 400, 413, 503}
    assert report.transport_errors == 0
    assert len(report.acked) == len(set(report.acked)) == stats["stored"] == stats["accepted"]
    store = DirectoryStore(store_dir)
    assert store.names() == set(report.acked)  # each ack stored; nothing refused was stored
    refused = {name for names in report.refused.values() for name in names}
    assert not refused & store.names()
    check = store.check()
    assert check.clean and check.objects == len(report.acked)
    early, late = samples[len(samples) // 4 : len(samples) // 2], samples[len(samples) // 2 :]
    assert max(late) <= max(early) * 1.10 + 5, (early, late)


def test_sigint_under_load_drains_and_loses_nothing(tmp_path):
    store_dir = tmp_path / "store"
    spec = LoadSpec(connections=8, duration=1.0, size=16, tag="sigint")
    with (  # the drain of a full queue takes 400 x 0.005 s / 8 workers = 0.25 s
        spawn_server(store_dir, max_workers=8, max_queue=400, latency=0.005) as server,
        open_load(server.url, spec) as load,
    ):
        while load.running() and not any(store_dir.iterdir()):
            time.sleep(0.05)
        time.sleep(0.3)
        stats = server.interrupt()
        report = load.wait()
    acked = set(report.acked)
    assert acked, report.statuses
    assert stats["accepted"] == stats["stored"] and stats["failed"] == 0
    assert stats["connections_cut"] == 0  # keep-alive clients mid-request did not hold the stop to its deadline
    store = DirectoryStore(store_dir)
    assert acked <= store.names()
    assert store.check().clean
    assert {int(s) for s in report.statuses} <= {202, 503}


def test_loopback_only(tmp_path):
    async def main() -> None:
        async with open_payload_server("pool", DirectoryStore(tmp_path), Settings(), host="0.0.0.0"):
            pass

    with pytest.raises(ValueError, match="loopback only"):
        trio.run(main)
    assert Path(tmp_path).exists()


def test_burst_in_virtual_time(tmp_path):
    def burst(mode, settings):
        store = DirectoryStore(tmp_path / mode, latency=0.2)
        return run(partial(run_burst, mode, store, settings, requests=10, payloads=100, gap=0.01))

    naive = burst("naive", Settings())
    assert (max(naive.uploading), naive.stored, naive.finished_at, max(naive.waits)) == (1000, 1000, 0.29, 0.0)
    pool = burst("pool", Settings(max_workers=20, max_queue=200))
    assert pool.answers == (202, 202) + (503,) * 8
    assert (max(pool.uploading), max(pool.queued), pool.stored, pool.finished_at) == (20, 180, 200, 2.0)
    assert pool.times[0] == 0.0 and pool.times[-1] == 2.0 and pool.uploading[-1] == 0


# ---------------------------------------------------------------- hardening: the same client tests, trio and Go

SERVERS = {"trio": spawn_server, "go": spawn_go_server}


def _address(url: str) -> tuple[str, int]:
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    return host, int(port)


def client_tries(url: str) -> list[tuple[int, str]]:
    """The client test both servers must pass: each gate's status, plus Allow and Retry-After where due."""
    base = url.rsplit("/", 1)[0]
    tries = [
        ("GET", url, {}, None),
        ("POST", base + "/elsewhere", JSON, _body({"a": 1})),
        ("POST", url, {"content-type": "text/plain"}, _body({"a": 1})),
        ("POST", url, JSON, _body({"pad": "x" * 3000})),
        ("POST", url, JSON, b'{"data": ['),
        ("POST", url, JSON, _body({"a": 1}) + b'{"data": [{"b": 2}]}'),  # trailing JSON
        ("POST", url, JSON, _body(1, 2)),
        ("POST", url, JSON, _body({"a": 1}, {"b": "\u00e9\U0001f600"})),
    ]
    got = []
    with httpx.Client(timeout=10) as client:
        for method, target, headers, content in tries:
            response = client.request(method, target, headers=headers, content=content)
            extra = response.headers.get("allow", "") if response.status_code == 405 else ""
            got.append((response.status_code, extra))
    return got


def _read_answer(sock: socket.socket) -> bytes:
    """Read one whole HTTP/1.1 answer (it carries Content-Length); return its lower-cased head (b"" on close)."""
    data = b""
    while b"\r\n\r\n" not in data:
        if not (chunk := sock.recv(4096)):
            return b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    head = head.lower()
    length = int(head.split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
    while len(body) < length:
        body += sock.recv(4096)
    return head


def late_body_tries(url: str) -> list[tuple[int, bool, int]]:
    """Early answers to bodies that come after their headers, each then a second request on the connection.

    Per try: the first status, whether it said ``Connection: close``, the second request's status (0: none).
    """
    got = []
    for target, kind in (("/elsewhere", "application/json"), ("/payloads", "text/plain")):
        with socket.create_connection(_address(url), timeout=5) as sock:
            sock.sendall(f"POST {target} HTTP/1.1\r\nHost: x\r\nContent-Type: {kind}\r\n"
                         f"Content-Length: {len(_body({'a': 1}))}\r\n\r\n".encode())
            time.sleep(0.2)  # the answer needs no body: a server may give it before the body comes
            sock.sendall(_body({"a": 1}))
            head = _read_answer(sock)
            with contextlib.suppress(OSError):
                sock.sendall(b"GET /payloads HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                second = _read_answer(sock)
            except OSError:
                second = b""
        got.append((int(head.split()[1]), b"connection: close" in head, int(second.split()[1]) if second else 0))
    return got


@pytest.mark.parametrize("peer", sorted(SERVERS))
def test_same_client_tests_pass_on_trio_and_go(tmp_path, peer):
    with SERVERS[peer](tmp_path / "store", max_workers=2, max_queue=200, max_body=2000) as server:
        got = client_tries(server.url)
        late = late_body_tries(server.url)
        stats = server.interrupt()
    assert got == [(405, "POST"), (404, ""), (415, ""), (413, ""), (400, ""), (400, ""), (400, ""), (202, "")]
    assert late == [(404, False, 405), (415, False, 405)]  # the body is read and dropped: the connection lives on
    names = DirectoryStore(tmp_path / "store").names()
    assert names == {object_name(canonical_payload(p)) for p in ({"a": 1}, {"b": "\u00e9\U0001f600"})}
    assert stats["accepted"] == stats["stored"] == 2


def test_go_server_refuses_a_bad_setting(tmp_path):
    with (
        pytest.raises(RuntimeError, match='MAX_WORKERS must be a positive integer, got "eight"'),
        spawn_go_server(tmp_path, env={"MAX_WORKERS": "eight"}),
    ):
        pass


def _h2_connection(address: tuple[str, int]) -> tuple[socket.socket, h2.connection.H2Connection]:
    sock = socket.create_connection(address, timeout=5)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    return sock, conn


def _h2_hang_up(address: tuple[str, int]) -> None:
    """Open ten HTTP/2 streams, each a whole POST with a body, then hang up with all of them open."""
    sock, conn = _h2_connection(address)
    for stream in range(1, 20, 2):
        conn.send_headers(stream, [(":method", "POST"), (":path", "/payloads"), (":scheme", "http"),
                                   (":authority", "x"), ("content-type", "application/json")])  # fmt: skip
        conn.send_data(stream, _body({"s": stream}), end_stream=True)
    sock.sendall(conn.data_to_send())
    sock.close()


def test_h2_answer_before_body_and_hang_up_never_end_the_server(live):
    """Defects 1 and 2 (the server died with KeyError / BusyResourceError): now each closes one connection."""
    url = live.server.url
    assert h2_early_answer(url, "PUT") == 405
    assert h2_early_answer(url, "POST", content_type="text/plain") == 415
    assert h2_early_answer(url, "POST", content_length=20 << 20) == 413
    for _ in range(3):  # many streams with bodies, then a hang-up with all of them open
        _h2_hang_up(live.address)
    response = httpx.post(url, content=_body({"after": 1}), headers=JSON)
    assert response.status_code == 202  # acknowledged == stored is checked when the shared server stops


def test_h2_hang_up_frees_its_connection_slot(tmp_path):
    """A hang-up with streams answered but unsent used to hold the connection (and its slot) until the stop."""
    settings = Settings(max_workers=2, max_queue=100, keep_alive_timeout=0.1)

    async def main() -> int:
        async with open_payload_server("pool", DirectoryStore(tmp_path), settings) as server:
            await trio.to_thread.run_sync(_h2_hang_up, _address(server.url))
            with trio.fail_after(10):  # a bound for a hang, not a speed goal: it ends after keep_alive_timeout
                while server.guard.served < 1:  # noqa: ASYNC110  # the guard counts; it has no event to wait on
                    await trio.sleep(0.02)
            return server.guard.cut

    assert trio.run(main) == 0


def test_websocket_upgrade_and_stray_byte(live):
    """Defect 3: a websocket upgrade is refused with 403, and the stray byte after it ends only that connection."""
    upgrade = (b"GET /payloads HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")  # fmt: skip
    with socket.create_connection(live.address, timeout=5) as sock:
        sock.sendall(upgrade)
        assert sock.recv(100).startswith(b"HTTP/1.1 403")
    for _ in range(5):  # the stray byte may come before or after the refusal: either way one connection ends
        with socket.create_connection(live.address, timeout=5) as sock:
            sock.sendall(upgrade + b"Z")
            answer = sock.recv(100)
        assert answer == b"" or answer.startswith((b"HTTP/1.1 403", b"HTTP/1.1 400"))
    assert httpx.post(live.server.url, content=_body({"a": 1}), headers=JSON).status_code == 202


def test_failed_writes_are_retried_logged_and_reported(tmp_path, caplog):
    """Defect 4: a write that fails is retried; one that keeps failing is logged and counted, never silent."""

    class Flaky(DirectoryStore):
        failures = 2

        def write(self, content: bytes) -> str:
            if Flaky.failures > 0:
                Flaky.failures -= 1
                raise OSError(24, "Too many open files")
            return super().write(content)

    async def main() -> tuple[object, object]:
        async with open_dispatcher("pool", Flaky(tmp_path / "a"), Settings(max_workers=1, retries=3)) as pool:
            await pool.submit([canonical_payload({"n": 1})])
        async with open_dispatcher("pool", Flaky(tmp_path / "b"), Settings(max_workers=1, retries=1)) as doomed:
            Flaky.failures = 5
            await doomed.submit([canonical_payload({"n": 2})])
        return pool.statistics(), doomed.statistics()

    good, bad = run(main)
    assert (good.stored, good.retried, good.failed) == (1, 2, 0)
    assert (bad.stored, bad.retried, bad.failed) == (0, 1, 1)
    assert "gave up on" in caplog.text and "retrying in 0.010 s" in caplog.text


def test_a_store_that_vanishes_makes_the_exit_status_non_zero(tmp_path):
    store_dir = tmp_path / "store"
    with spawn_server(store_dir, max_workers=1, max_queue=10) as server:
        store_dir.rename(tmp_path / "gone")  # every write from now on fails: the directory is not there
        assert httpx.post(server.url, content=_body({"a": 1}), headers=JSON).status_code == 202
        with pytest.raises(RuntimeError, match=r"(?s)exited with 1:.*gave up on"):
            server.interrupt()
    assert '"failed": 1' in "\n".join(server.output)


def test_slow_bodies_time_out_and_connections_are_limited(tmp_path):
    """Defect 5: a trickled body gets 408 after read_timeout; past max_connections, clients wait their turn."""
    with spawn_server(tmp_path / "store", max_workers=2, max_queue=100, max_connections=2, read_timeout=0.5) as server:
        slow = []
        for _ in range(2):  # both slots held by clients that never finish their body
            sock = socket.create_connection(_address(server.url), timeout=5)
            sock.sendall(b"POST /payloads HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n{")  # fmt: skip
            slow.append(sock)
        started = time.monotonic()
        response = httpx.post(server.url, content=_body({"honest": 1}), headers=JSON, timeout=10)
        waited = time.monotonic() - started
        answers = [_read_to_close(sock) for sock in slow]  # one recv may return only part of the answer
        for sock in slow:
            sock.close()
        stats = server.interrupt()
    assert response.status_code == 202 and waited >= 0.4  # it waited for a slot
    assert all(answer.startswith(b"HTTP/1.1 408") and b"connection: close" in answer for answer in answers), answers
    assert stats["stored"] == 1


def test_an_early_answer_to_a_body_that_never_ends_closes_the_connection_and_says_so(live):
    """A keep-alive client must hear ``Connection: close`` before the server closes: else its next request is lost."""
    answers = []
    for declared, sent in ((100, b"{"), (40_000, b"x" * 40_000)):  # stalls / is over max_body (4096)
        with socket.create_connection(live.address, timeout=5) as sock:
            sock.sendall(b"POST /elsewhere HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (declared, sent))
            head = _read_answer(sock)
            answers.append((head.split(b"\r\n", 1)[0], b"connection: close" in head, _read_to_close(sock)))
    assert answers == [(b"http/1.1 404 ", True, b"")] * 2


def _acknowledge(url: str, count: int, tag: str) -> set[str]:
    """Send ``count`` payloads, one request of 10 at a time; return the names of those acknowledged."""
    acked = set()
    with httpx.Client(timeout=10) as client:
        for start in range(0, count, 10):
            payloads = [{"tag": tag, "n": n} for n in range(start, start + 10)]
            if client.post(url, content=_body(*payloads), headers=JSON).is_success:
                acked |= {object_name(canonical_payload(p)) for p in payloads}
    return acked


@pytest.mark.parametrize(("ack", "lost"), [("queued", 40), ("durable", 0)])
def test_sigkill_loses_the_queue_only_when_acknowledged_before_the_write(tmp_path, ack, lost):
    """Defect 7: queued acks are lost to kill -9 (the article's design); durable acks are not."""
    store_dir = tmp_path / "store"
    with spawn_server(store_dir, ack=ack, max_workers=4, max_queue=100, hold_uploads=ack == "queued") as server:
        acked = _acknowledge(server.url, 40, ack)
        assert server.kill() == -signal.SIGKILL
    assert len(acked) == 40
    assert len(acked - DirectoryStore(store_dir).names()) == lost
    (store_dir / ".stale.1.2.tmp").write_bytes(b"half")  # what a writer killed mid-write leaves
    with spawn_server(store_dir) as again:
        stats = again.interrupt()
    assert stats["swept"] == 1 and DirectoryStore(store_dir).check().clean


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("ack", ["queued", "durable"])
def test_sigint_and_sigterm_lose_nothing(tmp_path, ack, signum):
    store_dir = tmp_path / "store"
    with spawn_server(store_dir, ack=ack, max_workers=2, max_queue=100, latency=0.01) as server:
        acked = _acknowledge(server.url, 50, ack)
        stats = server.interrupt(signum=signum)
    assert acked <= DirectoryStore(store_dir).names()
    assert stats["stored"] == stats["accepted"] == 50 and stats["unstored"] == 0


def test_second_signal_abandons_the_drain_and_reports_it(tmp_path):
    with spawn_server(tmp_path / "store", max_workers=1, max_queue=100, latency=30.0) as server:
        assert httpx.post(server.url, content=_body(*({"n": n} for n in range(5))), headers=JSON).status_code == 202
        server.process.send_signal(signal.SIGINT)
        assert server.wait_for_line("STOPPING") == "STOPPING on SIGINT"  # the first signal is in: the drain starts
        with pytest.raises(RuntimeError, match="exited with 1"):
            server.interrupt()
    stats = server.stats
    assert stats is not None and (stats["accepted"], stats["stored"], stats["unstored"]) == (5, 0, 5)


def test_command_line_refuses_bad_values_in_one_line(tmp_path, capsys):
    for args, words in (
        (["--latency", "nan"], "must be a finite number of seconds"),
        (["--port", "70000"], "must be from 0 to 65535"),
    ):
        with pytest.raises(SystemExit) as exited:
            serve_main(["--store", str(tmp_path), *args])
        assert exited.value.code == 2 and words in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert serve_main(["--store", str(tmp_path), "--port", str(taken.getsockname()[1])]) == 2
    err = capsys.readouterr().err
    assert err.strip().startswith("error: cannot listen on 127.0.0.1:") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


_H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
_raw_streams = st.one_of(
    st.binary(max_size=400),
    st.builds(lambda tail: b"POST /payloads HTTP/1.1\r\nHost: x\r\n" + tail, st.binary(max_size=300)),
    st.builds(lambda tail: _H2_PREFACE + tail, st.binary(max_size=300)),
    st.builds(
        lambda kind, tail: b"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: " + kind + b"\r\n"
        b"HTTP2-Settings: AAMAAABkAAQAAP__\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        b"Sec-WebSocket-Version: 13\r\n\r\n" + tail,
        st.sampled_from([b"websocket", b"h2c", b"nonsense"]),
        st.binary(max_size=200),
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stream=_raw_streams)
def test_fuzz_raw_bytes_never_end_the_server(live, stream):
    with socket.create_connection(live.address, timeout=5) as sock:
        sock.sendall(stream)
        sock.settimeout(0.05)
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            sock.recv(1024)
    assert live.server.process.poll() is None


def _read_to_close(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (then ``recv`` returns b"")."""
    answer = b""
    while chunk := sock.recv(4096):
        answer += chunk
    return answer


def _exchange(address: tuple[str, int], request: bytes) -> tuple[bytes, bytes]:
    """Send ``request`` on a new connection, read until the server closes it; return (head, body)."""
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(request)
        answer = _read_to_close(sock)
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.lower(), body


def test_413_from_the_declared_length_closes_the_connection_and_says_so(live):
    """Defect 8: the 413 decided from Content-Length now carries ``Connection: close``, and the server closes."""
    head, body = _exchange(live.address, b"POST /payloads HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                         b"Content-Length: 20000000\r\n\r\n{")  # fmt: skip
    assert head.startswith(b"http/1.1 413") and b"\r\nconnection: close" in head
    assert json.loads(body)["error"] == "body of 20000000 bytes is over the limit of 4096"


def test_http_1_0_keep_alive_gets_one_request_and_connection_close(live):
    """Defect 8: h11 serves HTTP/1.0 one request per connection; the answer is whole, says so, and the server closes.

    A second request pipelined behind the first is not read (RFC 9112 section 9.6), and the first still gets
    its own answer: hypercorn used to answer 400 in its place, although the first request's payload was stored.
    """
    first = _body({"http": "1.0"})
    request = (b"POST /payloads HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n%s" % (len(first), first))  # fmt: skip
    for pipelined in (b"", b"GET /payloads HTTP/1.0\r\n\r\n"):
        head, body = _exchange(live.address, request + pipelined)
        assert head.startswith(b"http/1.1 202") and b"\r\nconnection: close" in head
        assert b"keep-alive" not in head and json.loads(body) == {"accepted": 1}
    assert live.server.process.poll() is None
    assert object_name(canonical_payload({"http": "1.0"})) in DirectoryStore(live.store_dir).names()


def test_the_package_loads_names_on_first_use():
    """support.worker_pool is lazy (a server child skips httpx); each name comes from the module it maps to."""
    import support.worker_pool as package

    assert sorted(package._WHERE) == package.__all__
    for name, module in package._WHERE.items():
        assert getattr(package, name) is getattr(importlib.import_module(f"support.worker_pool.{module}"), name)
    command = "import sys, support.worker_pool.__main__; print('httpx' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", command], env=child_environment(), capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_after_the_clients_the_shared_server_answers_and_stored_equals_acknowledged(live):
    """The shared server's end: still answering, then a clean stop; every acknowledged payload stored."""
    acked = _acknowledge(live.server.url, 20, "after-fuzz")
    stats = live.server.interrupt()
    assert len(acked) == 20 and acked <= DirectoryStore(live.store_dir).names()
    assert stats["accepted"] == stats["stored"] >= 20 and stats["failed"] == stats["unstored"] == 0
    answers = stats["answers"]
    assert isinstance(answers, dict) and answers["403"] >= 1 and answers["413"] >= 2
    assert stats["connections_cut"] == 0 and DirectoryStore(live.store_dir).check().clean


def test_the_go_peers_own_tests_pass():
    """handler_test.go: the Go server's early shed admits a request that fits the room left (it once refused any
    request while fewer than 100 slots were free), as the trio service's bound does."""
    assert run_go_tests(["worker_pool/server"]) == "ok  worker_pool/server\n"
