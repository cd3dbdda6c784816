"""support.once: the thread versions, the g1/g2 replays, AsyncOnce's policies under every seeded schedule."""

from __future__ import annotations

import threading

import pytest
import trio
from hypothesis import given, settings, strategies as st

from support import run
from support.golang import race_summary
from support.once import (
    AsyncOnce,
    LockedOnce,
    NaiveAsyncOnce,
    OnceFailedError,
    ThreadOnce,
    UncheckedOnce,
    count_runs,
    replay_g1_g2_tasks,
    replay_g1_g2_threads,
    with_gap,
)

# --- threads -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [LockedOnce, ThreadOnce])
def test_real_threads_run_f_once(make):
    for _ in range(50):
        once = make()
        runs = []
        barrier = threading.Barrier(8)

        def call(once=once, runs=runs, barrier=barrier):
            barrier.wait()
            assert once.do(lambda: runs.append(1) or "v") == "v"

        threads = [threading.Thread(target=call) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert runs == [1]


def test_thread_replay_breaks_only_the_unchecked_version():
    assert [replay_g1_g2_threads(UncheckedOnce) for _ in range(20)] == [2] * 20
    assert [replay_g1_g2_threads(ThreadOnce) for _ in range(20)] == [1] * 20
    assert replay_g1_g2_threads(LockedOnce) == 1


@pytest.mark.parametrize("cls", [UncheckedOnce, ThreadOnce])
def test_the_gap_leaves_the_fast_path_alone(cls):
    gaps = []
    once = with_gap(cls, lambda: gaps.append(1))
    assert type(once).do is cls.do  # the replay runs the class's own fast path
    assert type(with_gap(cls, print)) is type(once)  # one subclass per class
    assert once.do(lambda: "v") == "v"
    assert once.do(lambda: "w") == "v"
    assert gaps == [1]  # only the first call took the slow path


def test_thread_once_counts_a_raising_f_as_done():
    once = ThreadOnce()

    def boom():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        once.do(boom)
    assert once.done
    assert once.do(lambda: pytest.fail("ran twice")) is None
    fresh = ThreadOnce()
    assert fresh.do(lambda: 42) == 42
    assert fresh.do(lambda: 0) == 42


# --- trio replays ------------------------------------------------------------------------------------------

def test_task_replay_and_seed_sweep():
    assert replay_g1_g2_tasks(NaiveAsyncOnce()) == 2
    assert replay_g1_g2_tasks(NaiveAsyncOnce(double_check=True)) == 1
    broken = [s for s in range(100) if count_runs(NaiveAsyncOnce, stagger=3, seed=s) > 1]
    assert 0 < len(broken) < 100  # the seed decides
    assert all(count_runs(AsyncOnce, callers=3, stagger=st_, seed=s) == 1 for s in range(100) for st_ in (0, 3))
    with pytest.raises(ValueError, match="callers"):
        count_runs(AsyncOnce, callers=0)


# --- AsyncOnce ---------------------------------------------------------------------------------------------

def test_validation():
    with pytest.raises(ValueError, match="policy"):
        AsyncOnce(policy="sometimes")

    async def main():
        with pytest.raises(TypeError, match="async function"):
            await AsyncOnce().do(42)

    run(main)


def test_get_nowait_statistics_and_nursery_start():
    async def main():
        once = AsyncOnce()
        with pytest.raises(trio.WouldBlock):
            once.get_nowait()

        async def slow():
            await trio.sleep(1)
            return "value"

        async with trio.open_nursery() as nursery:
            nursery.start_soon(once.do, slow)
            await trio.sleep(0.5)
            nursery.start_soon(once.do, slow)
            await trio.sleep(0.1)
            assert once.statistics().state == "running"
            assert once.statistics().waiting == 1
            assert await nursery.start(once.do, slow) == "value"
        stats = once.statistics()
        assert (stats.state, stats.runs, stats.failures, stats.cancelled, stats.waiting) == ("done", 1, 0, 0, 0)
        assert once.get_nowait() == "value"

    run(main)


def test_a_cancelled_waiter_just_leaves():
    async def main():
        once = AsyncOnce()

        async def slow():
            await trio.sleep(1)
            return 1

        async with trio.open_nursery() as nursery:
            nursery.start_soon(once.do, slow)
            await trio.sleep(0.1)  # the other task is the runner
            with trio.move_on_after(0.5) as scope:
                await once.do(slow)
        assert scope.cancelled_caught
        assert once.statistics().runs == 1 and once.get_nowait() == 1

    run(main)


@settings(max_examples=80, deadline=None)
@given(callers=st.integers(1, 64), seed=st.integers(0, 2**16), policy=st.sampled_from(["done", "retry"]),
       fault=st.sampled_from(["none", "raise", "cancel"]), step=st.integers(0, 2),
       gaps=st.lists(st.integers(0, 4), min_size=64, max_size=64))
def test_property_every_caller_gets_what_the_policy_promises(callers, seed, policy, fault, step, gaps):
    once: AsyncOnce[str] = AsyncOnce(policy=policy)
    outcomes: list[object] = []
    runs = 0
    scopes: dict[object, trio.CancelScope] = {}

    async def fn():
        nonlocal runs
        runs += 1
        first = runs == 1
        for i in range(3):
            if first and i == step and fault == "raise":
                raise ValueError("boom")
            if first and i == step and fault == "cancel":
                scopes[trio.lowlevel.current_task()].cancel()
            await trio.lowlevel.checkpoint()
        return "value"

    async def caller(delay):
        for _ in range(delay):
            await trio.lowlevel.checkpoint()
        with trio.CancelScope() as scope:
            scopes[trio.lowlevel.current_task()] = scope
            try:
                outcomes.append(await once.do(fn))
            except (ValueError, OnceFailedError) as exc:
                outcomes.append(exc)
        if scope.cancelled_caught:
            outcomes.append("cancelled")

    async def main():
        with trio.fail_after(60):  # virtual time: nobody hangs
            async with trio.open_nursery() as nursery:
                for i in range(callers):
                    nursery.start_soon(caller, gaps[i])

    run(main, schedule="seeded", seed=seed)
    assert len(outcomes) == callers
    kinds = sorted(type(o).__name__ if isinstance(o, BaseException) else o for o in outcomes)
    stats = once.statistics()
    if fault == "none":
        assert runs == 1 and kinds == ["value"] * callers
    elif fault == "raise" and policy == "done":
        assert runs == 1 and stats.state == "failed"
        assert kinds == sorted(["ValueError"] + ["OnceFailedError"] * (callers - 1))
        assert all(isinstance(o.__cause__, ValueError) for o in outcomes if isinstance(o, OnceFailedError))
    else:  # a failed (retry) or cancelled run records nothing: the next caller runs fn again
        lost = "ValueError" if fault == "raise" else "cancelled"
        assert runs == min(callers, 2)
        assert kinds == sorted([lost] + ["value"] * (callers - 1))
        assert stats.state == ("done" if callers > 1 else "idle")
    assert stats.waiting == 0


# --- the race detector's summary ---------------------------------------------------------------------------

# One report as Go 1.26's race detector printed it for once/racy_done (addresses and goroutines vary).
REPORT = """==================
WARNING: DATA RACE
Write at 0x00c00001811c by goroutine 15:
  main.(*Once).Do.func1()
      gotrio/once/racy_done/main.go:23 +0x34
  runtime.deferreturn()
      runtime/panic.go:668 +0x5d

Previous read at 0x00c00001811c by goroutine 11:
  main.(*Once).Do()
      gotrio/once/racy_done/main.go:17 +0x51

Goroutine 15 (running) created at:
  sync.(*WaitGroup).Go()
      sync/waitgroup.go:238 +0x72
==================
"""


def test_race_summary_is_stable_across_addresses_goroutines_and_order():
    other = REPORT.replace("0x00c00001811c", "0x00c0000aaaaa").replace("goroutine 15", "goroutine 99")
    swapped = other.replace("Write at", "Previous write at", 1).replace("Previous read at", "Read at", 1)
    summaries = {race_summary(text, "once/racy_done") for text in (REPORT, other, swapped, REPORT * 3)}
    assert len(summaries) == 1
    (summary,) = summaries
    assert summary.startswith("race detector: 1 distinct data race(s)\n")
    assert "read  by (*Once).Do at main.go:17: if o.done == 1 {" in summary
    assert "write by (*Once).Do.func1 at main.go:23: defer func() { o.done = 1 }()" in summary
    assert race_summary("no races here\n", "once/racy_done") == "race detector: 0 distinct data race(s)\n"
