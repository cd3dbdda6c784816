"""Worker pool: acknowledged payloads per minute over real HTTP, the trio service against the Go original.

Server and load generator run as separate processes on 127.0.0.1; see
``support/worker_pool/measure.py``. A payload counts only when it was
acknowledged *and* is found in the store afterwards; the time includes the
graceful drain after the load stops. The load generator behaves like ``wrk``:
a fixed number of keep-alive connections, no pause after a 503. Each request
carries 100 payloads of about 100 bytes; the store latency is 0, so an upload
is the store's real temp-file-and-rename write on tmpfs.

Rounds interleave the contenders under the same load, and ratios are ratios of
paired medians: the trio service (two processes sharing the port, each with its
own dispatcher, so the Python service uses both cores as Go does) and the Go
server (the article's design, corrected: ``chapters/go/worker_pool/server``),
each at 16 and at 256 connections, then the trio service with durable
acknowledgements (201 after ``fsync``, on a real disk). ``lost_payloads`` sums
acknowledged-but-missing, refused-but-stored and unclean stores over every run.
"""

from __future__ import annotations

import statistics

from benchmarks._common import Figure
from support.worker_pool import LoadSpec, ServiceRun, measure_service
from support.worker_pool.measure import Peer
from support.worker_pool.settings import Ack

PROCESSES = 2


def _run(peer: Peer, connections: int, seconds: float, ack: Ack = "queued") -> ServiceRun:
    spec = LoadSpec(connections=connections, duration=seconds, payloads=100, size=64, tag=f"{peer}{connections}")
    return measure_service(
        "pool", spec, peer=peer, ack=ack, max_workers=64, max_queue=5000,
        processes=PROCESSES if peer == "trio" else 1,
    )  # fmt: skip


def run(quick: bool = False) -> list[Figure]:
    rounds, seconds = (1, 3.0) if quick else (3, 8.0)
    runs: dict[str, list[ServiceRun]] = {}
    for _ in range(rounds):
        for key, peer, connections, ack in (
            ("trio16", "trio", 16, "queued"),
            ("go16", "go", 16, "queued"),
            ("trio256", "trio", 256, "queued"),
            ("go256", "go", 256, "queued"),
            ("durable16", "trio", 16, "durable"),
        ):
            runs.setdefault(key, []).append(_run(peer, connections, seconds, ack))  # type: ignore[arg-type]

    def ppm(key: str) -> float:
        return statistics.median(r.payloads_per_min for r in runs[key])

    every = [r for group in runs.values() for r in group]
    lost = sum(r.lost + r.refused_but_stored + (0 if r.store_clean else 1) for r in every)
    shed = {key: sum(r.statuses.get("503", 0) for r in group) for key, group in runs.items()}
    where = f"median of {rounds} x {seconds:g} s, 100 payloads/request, acked and verified in the store"
    return [
        Figure("workerpool.payloads_per_min", ppm("trio16"), "payloads/min",
               f"trio, {PROCESSES} processes, queued ack, 16 connections; {where}"),
        Figure("workerpool.go_payloads_per_min", ppm("go16"), "payloads/min", f"Go, 16 connections; {where}"),
        Figure("workerpool.vs_go_16", ppm("trio16") / ppm("go16"), "x",
               "trio / Go acknowledged payloads per minute, 16 connections", goal=0.6),
        Figure("workerpool.vs_go_256", ppm("trio256") / ppm("go256"), "x",
               "trio / Go acknowledged payloads per minute, 256 connections"),
        Figure("workerpool.overload_hold", ppm("trio256") / ppm("trio16"), "x",
               f"trio payloads/min at 256 connections / at 16 (503s: {shed['trio256']} vs {shed['trio16']})",
               goal=0.8),
        Figure("workerpool.go_overload_hold", ppm("go256") / ppm("go16"), "x",
               "Go payloads/min at 256 connections / at 16"),
        Figure("workerpool.durable_vs_queued", ppm("durable16") / ppm("trio16"), "x",
               "trio durable ack (201 after fsync, real disk) / queued ack (202, tmpfs)"),
        Figure("workerpool.cpu_vs_go", statistics.median(r.cpu_us_per_payload for r in runs["go16"])
               / statistics.median(r.cpu_us_per_payload for r in runs["trio16"]), "x",
               "Go / trio server CPU time per verified payload, 16 connections (less sensitive to a busy machine)"),
        Figure("workerpool.cpu_us_per_payload", statistics.median(r.cpu_us_per_payload for r in runs["trio16"]),
               "us", "trio server CPU (user + system, both processes) per verified payload, 16 connections"),
        Figure("workerpool.p99_ms", statistics.median(r.p99_ms for r in runs["trio16"]), "ms",
               "trio request latency seen by the load generator, 16 connections"),
        Figure("workerpool.peak_rss_mb", max(r.peak_rss_mb for r in runs["trio256"]), "MiB",
               "trio server VmHWM at 256 connections (the first of the processes)"),
        Figure("workerpool.lost_payloads", lost, "payloads",
               f"acked but missing, refused but stored, or unclean store, over {len(every)} runs",
               goal=0, goal_is_max=True),
    ]  # fmt: skip
