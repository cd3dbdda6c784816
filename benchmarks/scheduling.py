"""Scheduling: how late real ticks fire, and whether lateness grows; how fast virtual time runs a year.

The contenders live in ``support/scheduling/_measure.py`` (the chapter plots a
short run of the same code): ``support.every`` on trio's real clock (absolute
deadlines), a naive trio ``sleep(period)`` loop, an asyncio loop on absolute
deadlines, and Go's ``time.Ticker`` (compiled and run by this same command).
Each runs 1,000 ticks of 10 ms for p50/p99, and 10,000 ticks for the growth of
lateness (the slope of a straight line fitted to lateness against tick number,
in seconds per 1,000 ticks: a schedule on absolute deadlines should not grow).
"""

from __future__ import annotations

from benchmarks._common import Figure
from support import LATENESS_CONTENDERS, measure_lateness
from support.scheduling import virtual_events_per_second

_KEY = {"trio every()": "trio", "trio sleep loop": "trio_sleep_loop", "asyncio": "asyncio", "Go ticker": "go"}


def run(quick: bool = False) -> list[Figure]:
    short, long = (200, 1000) if quick else (1000, 10_000)
    figures = []
    for contender in LATENESS_CONTENDERS:
        key = _KEY[contender]
        summary, _ = measure_lateness(contender, period=0.01, ticks=short)
        figures.append(Figure(f"scheduling.lateness_p50_ms.{key}", summary.p50 * 1e3, "ms",
                              f"{contender}, {short} ticks of 10 ms"))
        figures.append(Figure(f"scheduling.lateness_p99_ms.{key}", summary.p99 * 1e3, "ms",
                              f"{contender}, {short} ticks of 10 ms"))
        growth, _ = measure_lateness(contender, period=0.01, ticks=long)
        figures.append(Figure(f"scheduling.error_growth_s_per_1k_ticks.{key}", growth.growth_per_1k, "s",
                              f"{contender}, fitted over {long:,} ticks of 10 ms"))
    events = 52_560 if quick else 525_600  # a year of minutely events, or a tenth of one
    figures.append(Figure("scheduling.virtual_events_per_s", virtual_events_per_second(events), "events/s",
                          f"{events:,} minutely events on the virtual clock"))
    return figures
