"""support.limiting: every way to bound concurrency holds its bound exactly, runs each job once, loses no error."""

from __future__ import annotations

import math

import pytest
import trio
from hypothesis import given, settings, strategies as st

from support import run
from support.limiting import (
    APPROACHES,
    TaskCensus,
    bytes_per_parked_task,
    check_count,
    measure_in_child,
    measure_memory,
    open_worker_pool,
    run_limited,
    tasks_per_second,
)

BOUNDED = [a for a in APPROACHES if a != "unbounded"]
SPAWN_PER_TASK = ("semaphore", "capacity limiter")  # bound before the spawn: one task per running job


@settings(max_examples=60, deadline=None)
@given(approach=st.sampled_from(BOUNDED), limit=st.integers(1, 64),
       durations=st.lists(st.integers(0, 5), max_size=40))
def test_the_bound_is_exact_and_every_job_runs_once(approach, limit, durations):
    ran = []

    async def job(i):
        await trio.sleep(durations[i])
        ran.append(i)

    async def main():
        return await run_limited(job, range(len(durations)), approach=approach, limit=limit)

    stats = run(main)
    assert sorted(ran) == list(range(len(durations)))
    assert stats.tasks == stats.done == len(durations)
    bound = min(limit, len(durations))
    exact = all(d > 0 for d in durations)  # a zero-length job may end before the next one starts
    assert stats.most_running == bound if exact else stats.most_running <= bound
    if approach in SPAWN_PER_TASK:
        assert stats.most_alive == bound if exact else stats.most_alive <= bound
    elif approach == "limit inside":
        assert stats.most_alive == len(durations)  # every task exists; only limit of them run
    else:
        assert stats.most_alive == limit  # the workers, spawned up front


def test_unbounded_runs_everything_at_once():
    async def job(_):
        await trio.sleep(1)

    async def main():
        return await run_limited(job, range(500), approach="unbounded")

    stats = run(main)
    assert (stats.most_running, stats.most_alive, stats.seconds) == (500, 500, 1.0)
    assert stats.timeline == ((0.0, 500), (1.0, 0))


@pytest.mark.parametrize("approach", APPROACHES)
def test_an_error_cancels_the_rest_and_is_raised(approach):
    async def job(i):
        if i == 4:
            await trio.sleep(1)
            raise KeyError(i)
        await trio.sleep(1000)

    async def main():
        await run_limited(job, range(50), approach=approach, limit=8)

    with pytest.raises(ExceptionGroup) as caught:
        run(main)
    assert caught.group_contains(KeyError)
    leaves = []
    pending = [caught.value]
    while pending:
        e = pending.pop()
        if isinstance(e, BaseExceptionGroup):
            pending.extend(e.exceptions)
        else:
            leaves.append(e)
    assert [type(e) for e in leaves] == [KeyError]


def test_the_error_comes_before_the_long_sleepers_wake():
    async def job(i):
        if i == 0:
            raise ValueError("boom")
        await trio.sleep(1000)

    async def main():
        try:
            await run_limited(job, range(10), approach="semaphore", limit=3)
        except ExceptionGroup:
            return trio.current_time()
        return None

    assert run(main) == 0.0  # no hang: the sleepers were cancelled at once


@pytest.mark.parametrize(("bad", "error"), [(0, ValueError), (-3, ValueError), (2.5, TypeError),
                                             (math.nan, TypeError), (True, TypeError), ("3", TypeError),
                                             (None, TypeError)])
def test_bad_limits_are_refused_by_name(bad, error):
    async def job(_):
        await trio.lowlevel.checkpoint()

    async def main():
        await run_limited(job, range(3), approach="semaphore", limit=bad)

    with pytest.raises(error, match="limit"):
        run(main)
    with pytest.raises(error, match="workers"):
        run(lambda: open_worker_pool(job, workers=bad).__aenter__())
    with pytest.raises(error, match="tasks"):
        check_count(bad, "tasks")


def test_an_unknown_approach_is_refused():
    async def main():
        await run_limited(trio.sleep, [1], approach="fast", limit=1)

    with pytest.raises(ValueError, match="approach must be one of"):
        run(main)


def test_the_census_counts_only_tasks_spawned_after_it_was_added():
    async def main():
        async with trio.open_nursery() as outer:
            outer.start_soon(trio.sleep, 5)  # alive before the census: not counted
            census = TaskCensus()
            trio.lowlevel.add_instrument(census)
            async with trio.open_nursery() as nursery:
                for _ in range(7):
                    nursery.start_soon(trio.sleep, 1)
                await trio.sleep(0.5)
                during = census.statistics()
            await trio.sleep(10)
            trio.lowlevel.remove_instrument(census)
            return during, census.statistics(), census.timeline()

    during, after, timeline = run(main)
    assert (during.alive, during.most_alive, during.spawned) == (7, 7, 7)
    assert (after.alive, after.most_alive, after.spawned) == (0, 7, 7)
    assert timeline == ((0.0, 7), (1.0, 0))


def test_the_pool_is_ready_before_the_first_item_and_reports_a_failed_setup():
    async def setup():
        await trio.sleep(2)

    async def job(_):
        await trio.sleep(1)

    async def main():
        async with open_worker_pool(job, workers=4, setup=setup) as pool:
            ready = (trio.current_time(), pool.statistics())
            for i in range(8):
                await pool.submit(i)
        return ready, pool.statistics(), trio.current_time()

    (when, ready), end, finished = run(main)
    assert when == 8.0  # nursery.start starts the workers one after another: 4 setups of 2 s
    assert (ready.ready, ready.busy, ready.done) == (4, 0, 0)
    assert (end.done, end.busy, finished) == (8, 0, 10.0)

    async def broken():
        raise ConnectionError("no database")

    async def main_broken():
        async with open_worker_pool(job, workers=2, setup=broken) as pool:
            await pool.submit(1)  # never reached

    with pytest.raises(ExceptionGroup) as caught:
        run(main_broken)
    assert caught.group_contains(ConnectionError, match="no database")


def test_memory_grows_with_unbounded_tasks_and_stays_flat_when_bounded():
    small, large = measure_memory("unbounded", 200), measure_memory("unbounded", 800)
    assert large.peak_bytes > 3 * small.peak_bytes
    assert large.most_alive == 800
    flat_small, flat_large = measure_memory("semaphore", 200, 50), measure_memory("semaphore", 800, 50)
    assert flat_large.peak_bytes < 1.2 * flat_small.peak_bytes
    assert flat_large.peak_bytes < large.peak_bytes / 10


def test_bytes_per_parked_task_and_its_arguments():
    for runtime in ("trio", "asyncio"):
        assert 200 < bytes_per_parked_task(500, runtime) < 20_000
    with pytest.raises(ValueError, match="runtime"):
        bytes_per_parked_task(10, "curio")
    with pytest.raises(ValueError, match="tasks"):
        bytes_per_parked_task(0)


def test_the_child_process_reports_tracemalloc_and_rss():
    use = measure_in_child("unbounded", 1000)
    assert use.most_alive == 1000
    assert use.peak_bytes > 1000 * 1000
    assert use.rss_bytes is not None and use.rss_bytes > 0  # VmHWM of the child itself grew


@pytest.mark.parametrize("contender", [*APPROACHES, "asyncio unbounded", "asyncio.Semaphore",
                                       "anyio.CapacityLimiter"])
def test_every_contender_runs(contender):
    assert tasks_per_second(contender, 200, 8) > 0


def test_contender_arguments_are_checked():
    with pytest.raises(ValueError, match="contender"):
        tasks_per_second("threads", 10, 2)
    with pytest.raises(ValueError, match="job"):
        tasks_per_second("semaphore", 10, 2, job="nap")
    with pytest.raises(ValueError, match="checkpoint"):
        tasks_per_second("asyncio.Semaphore", 10, 2, job="virtual sleep")
    assert tasks_per_second("workers", 50, 4, job="virtual sleep") > 0
