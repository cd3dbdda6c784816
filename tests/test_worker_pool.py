"""Tests of support.worker_pool: settings, store, dispatchers, the HTTP handler, soak, SIGINT and fuzz.

The HTTP tests use the real server (hypercorn's trio worker) on 127.0.0.1, in
this process or in a child process, and the real load generator in another.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from functools import partial
from pathlib import Path

import httpx
import psutil
import pytest
import trio
import trio.testing
from hypothesis import HealthCheck, given, settings, strategies as st

from support import run
from support.worker_pool import (
    DirectoryStore,
    Settings,
    SettingsError,
    WorkerPool,
    canonical_payload,
    object_name,
    open_dispatcher,
    open_payload_server,
    run_burst,
    spawn_server,
    start_load,
)

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
    with pytest.raises(ValueError, match="latency must be >= 0"):
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
    cfg = Settings(max_workers=1, max_queue=2, max_body=2000, max_payloads=3)

    async def main() -> list[tuple[int, str]]:
        got = []
        opened = open_payload_server("pool", store, cfg, graceful_timeout=0.5)
        with trio.CancelScope() as everything:  # a hard stop at the end: this test is not about the drain
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


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    with spawn_server(tmp_path_factory.mktemp("fuzz"), max_workers=4, max_queue=100_000, max_body=4096) as server:
        yield server


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


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies, content_type=_types, method=st.sampled_from(["POST", "POST", "POST", "PUT", "GET", "DELETE"]))
def test_fuzz_handler_answers_only_4xx(fuzz_server, body, content_type, method):
    headers = {"content-type": content_type} if content_type else {}
    content = body if method != "GET" else None
    response = httpx.request(method, fuzz_server.url, content=content, headers=headers, timeout=10)
    assert 400 <= response.status_code < 500 or response.status_code == 202, response.text
    if response.status_code != 202:
        assert isinstance(response.json()["error"], str)


# ---------------------------------------------------------------- soak and SIGINT (separate processes)


def _rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def test_soak_every_ack_stored_once_and_rss_flat(tmp_path):
    store_dir = tmp_path / "store"
    with spawn_server(store_dir, max_workers=4, max_queue=400, latency=0.002, max_body=8192) as server:
        load = start_load(
            server.url, connections=12, duration=5, payloads=50, size=32, bad_every=9, max_body=8192, tag="soak"
        )
        samples = []
        while load.process.poll() is None:
            samples.append(_rss_mb(server.pid))
            time.sleep(0.2)
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
    with spawn_server(store_dir, max_workers=8, max_queue=3000, latency=0.01) as server:
        load = start_load(server.url, connections=8, duration=2.5, payloads=100, size=16, tag="sigint")
        while load.process.poll() is None and not any(store_dir.iterdir()):
            time.sleep(0.05)
        time.sleep(0.3)
        stats = server.interrupt()
        report = load.wait()
    acked = set(report.acked)
    assert acked, report.statuses
    assert stats["accepted"] == stats["stored"] and stats["failed"] == 0
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
