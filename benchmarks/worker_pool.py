"""Worker pool: end-to-end payloads per minute over real HTTP, pool against naive spawn, then a soak.

Server (hypercorn's trio worker) and load generator (h11 over trio sockets)
run as two child processes on 127.0.0.1; see ``support/worker_pool/measure.py``.
A payload counts only when it was acknowledged (202) *and* is found in the
store afterwards; the time includes the graceful drain after the load stops.
Rounds interleave the pool and the naive per-payload spawn under the same load
(16 connections, 100 payloads of ~100 bytes per request, store latency 0: the
upload is the store's real temp-file-and-rename write on tmpfs), and report
medians. The soak then saturates a slow pool (16 workers, queue 1,000, 5 ms per
upload, every 10th request malformed or oversized) for 60 s (10 s quick) and
checks that no acknowledged payload is missing, nothing refused was stored, and
the server's RSS stays flat.
"""

from __future__ import annotations

import statistics

from benchmarks._common import Figure
from support.worker_pool.dispatch import Mode
from support.worker_pool.measure import ServiceRun, measure_service


def _load(mode: Mode, seconds: float) -> ServiceRun:
    """The throughput load: 16 connections, 100 payloads of ~100 bytes per request, no injected latency."""
    return measure_service(
        mode, duration=seconds, connections=16, payloads=100, size=64, max_workers=64, max_queue=5000, latency=0.0
    )


def _soak(seconds: float) -> ServiceRun:
    return measure_service(
        "pool", duration=seconds, connections=16, payloads=100, size=64, max_workers=16, max_queue=1000,
        latency=0.005, bad_every=10, shed_pause=0.02, sample_every=0.5,
    )  # fmt: skip


def run(quick: bool = False) -> list[Figure]:
    rounds, seconds = (1, 4.0) if quick else (3, 10.0)
    pool: list[ServiceRun] = []
    naive: list[ServiceRun] = []
    for _ in range(rounds):
        pool.append(_load("pool", seconds))
        naive.append(_load("naive", seconds))
    soak = _soak(10.0 if quick else 60.0)

    def med(runs: list[ServiceRun], key: str) -> float:
        return statistics.median(float(getattr(r, key)) for r in runs)

    ppm, ppm_naive = med(pool, "payloads_per_min"), med(naive, "payloads_per_min")
    lost = sum(r.lost + r.refused_but_stored for r in [*pool, *naive, soak]) + sum(
        0 if r.store_clean else 1 for r in [*pool, *naive, soak]
    )
    quarter = max(1, len(soak.rss_mb) // 4)
    early, late = max(soak.rss_mb[quarter : 2 * quarter]), max(soak.rss_mb[2 * quarter :])
    shed = soak.statuses
    return [
        Figure(
            "workerpool.payloads_per_min",
            ppm,
            "payloads/min",
            f"pool, median of {rounds} x {seconds:g} s, acked and verified in the store",
            goal=1_000_000,
        ),
        Figure(
            "workerpool.requests_per_s",
            med(pool, "requests_per_s"),
            "req/s",
            "answered requests (202 and 503) per second of load, 100 payloads each",
        ),
        Figure("workerpool.p50_ms", med(pool, "p50_ms"), "ms", "request latency seen by the load generator"),
        Figure("workerpool.p99_ms", med(pool, "p99_ms"), "ms", "request latency seen by the load generator"),
        Figure(
            "workerpool.peak_rss_mb",
            max(r.peak_rss_mb for r in [*pool, soak]),
            "MiB",
            f"server VmHWM; soak RSS max {early:.1f} MiB in its 2nd quarter, {late:.1f} MiB in its 2nd half; "
            f"naive peak {max(r.peak_rss_mb for r in naive):.1f} MiB",
        ),
        Figure(
            "workerpool.lost_payloads",
            lost,
            "payloads",
            f"acked but missing, refused but stored, or unclean store, over all runs; soak {soak.seconds:.0f} s "
            f"answers {shed}, {soak.verified:,} verified",
            goal=0,
            goal_is_max=True,
        ),
        Figure(
            "workerpool.vs_naive",
            ppm / ppm_naive,
            "x",
            f"pool / naive spawn payloads/min under the same load (naive {ppm_naive:,.0f}/min)",
        ),
        Figure(
            "workerpool.soak_rss_growth_mb",
            late - early,
            "MiB",
            "soak: max RSS in the 2nd half minus max RSS in the 2nd quarter",
            goal=10,
            goal_is_max=True,
        ),
    ]
