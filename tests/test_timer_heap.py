"""Tests of support.timer_heap: Go's own time-test behaviours, bad arguments, and a model-based state machine."""

from __future__ import annotations

import heapq
import math
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from support.timer_heap import (
    MAX_WHEN_NS,
    Timer,
    TimerRuntime,
    TimerState,
    heap_pop,
    heap_push,
    heap_replace,
    heapify,
    is_heap,
)


def _noop() -> None:
    pass


# -- the d-ary primitives -------------------------------------------------------------------------------------
@pytest.mark.parametrize("arity", [2, 3, 4, 8])
@given(items=st.lists(st.integers(-1000, 1000)), extra=st.lists(st.integers(-1000, 1000)))
def test_dary_sorts_like_heapq(arity, items, extra):
    heap = list(items)
    heapify(heap, arity)
    assert is_heap(heap, arity)
    for x in extra:
        heap_push(heap, x, arity)
        assert is_heap(heap, arity)
    if heap:
        top = heap_replace(heap, 0, arity)
        assert top == min(items + extra)
        assert is_heap(heap, arity)
        expected = [*sorted([*items, *extra])[1:], 0]
    else:
        expected = []
    out = [heap_pop(heap, arity) for _ in range(len(heap))]
    assert out == sorted(expected)


def test_arity_must_be_an_int_of_at_least_two():
    with pytest.raises(ValueError, match="arity must be at least 2"):
        TimerRuntime(arity=1)
    with pytest.raises(TypeError, match="arity must be an int"):
        TimerRuntime(arity=4.0)  # type: ignore[arg-type]


# -- behaviour checks from Go's src/time tests ----------------------------------------------------------------
def test_after_queuing_fires_in_deadline_order_ties_in_scheduling_order():
    # TestAfterQueuing: these slots, 20 ms apart, must come back sorted.
    slots = [5, 3, 6, 6, 6, 1, 1, 2, 7, 9, 4, 8, 0]
    rt = TimerRuntime(procs=1, arity=4)
    seen: list[tuple[int, float]] = []
    timers = []
    for i, slot in enumerate(slots):
        timers.append(rt.heaps[0].schedule_after(slot * 0.020, lambda s=slot: seen.append((s, rt.now)), name=f"{i}"))
    fired = rt.advance(0)
    while len(fired) < len(slots):
        fired += rt.advance(0.005)
    assert [s for s, _ in seen] == sorted(slots)
    # each fired at the first 5 ms check at or after its deadline
    assert all(math.isclose(now, math.ceil(s * 4 - 1e-9) * 0.005) for s, now in seen)
    # the three timers of slot 6 fire in the order they were created
    sixes = [t.name for t in fired if t.name in {"2", "3", "4"}]
    assert sixes == ["2", "3", "4"]


def test_reset_of_pending_timer_returns_true_and_does_not_fire_early():
    rt = TimerRuntime()
    p = rt.heaps[0]
    t = p.schedule_after(1.0, _noop)
    assert rt.advance(0.5) == []
    assert p.reset(t, 1.0) is True
    assert t.state is TimerState.MODIFIED_LATER
    assert rt.advance_to(1.4) == []
    assert rt.advance_to(1.5) == [t]
    assert p.reset(t, 1.0) is False  # already fired: not pending
    assert t.state is TimerState.WAITING


def test_second_stop_returns_false():
    rt = TimerRuntime()
    p = rt.heaps[0]
    t = p.schedule_after(1.0, _noop)
    assert p.stop(t) is True
    assert p.stop(t) is False
    assert rt.advance(2.0) == []
    assert t.fired == 0


def test_stop_after_fire_returns_false():
    rt = TimerRuntime()
    t = rt.heaps[0].schedule_after(0.1, _noop)
    rt.advance(1)
    assert rt.heaps[0].stop(t) is False


@pytest.mark.parametrize("huge", [math.inf, 1e300, 2**63, (2**63 - 1) / 1e9])
def test_huge_duration_never_fires(huge):
    # TestOverflowSleep / TestOverflowStopTimer: when saturates at Go's maxWhen.
    rt = TimerRuntime()
    t = rt.heaps[0].schedule_after(huge, _noop)
    assert t.when == math.inf
    assert rt.advance_to(1e12) == []
    assert rt.advance_to(math.inf) == []
    assert rt.heaps[0].stop(t) is True


def test_infinite_period_is_rejected_and_big_ticker_saturates():
    rt = TimerRuntime()
    with pytest.raises(ValueError, match="period"):
        rt.heaps[0].schedule_after(1, _noop, period=math.inf)
    t = rt.heaps[0].schedule_after(1, _noop, period=2**62 / 1e9)
    assert rt.advance(1) == [t]
    assert rt.advance_to(math.inf) == [t]  # the clock's last nanosecond: the second tick is due
    assert t.when == math.inf  # the third would overflow Go's clock, so it saturates at maxWhen
    assert rt.advance(1e9) == []


MAX_DURATION = Fraction(2**63 - 1, 10**9)  # Go's time.Duration(1<<63 - 1), in seconds


@pytest.mark.parametrize("period", [MAX_DURATION, (2**63 - 1) / 1e9])
def test_go_largest_duration_is_a_valid_ticker_period(period):
    # time.NewTicker(time.Duration(1<<63 - 1)) is accepted by Go; its first tick is at maxWhen: never.
    rt = TimerRuntime()
    t = rt.heaps[0].schedule_after(period, _noop, period=period)
    assert t.when == math.inf and t.period_ns == MAX_WHEN_NS
    assert rt.advance_to(1e12) == []


def test_fractions_convert_exactly():
    rt = TimerRuntime()
    t = rt.heaps[0].schedule_after(MAX_DURATION, _noop, period=MAX_DURATION)
    assert t.period_ns == MAX_WHEN_NS
    u = rt.heaps[0].schedule_after(Fraction(1, 3), _noop)
    assert u._key >> 40 == 333_333_333


def test_ticker_reset_changes_period_as_tick_test_does():
    # tick_test.go TestTicker: count/2 ticks of delta, Reset(2 * delta), count/2 more: 3 * delta * count/2.
    rt = TimerRuntime()
    p = rt.heaps[0]
    count, delta = 10, Fraction(20, 1000)
    ticks: list[float] = []
    ticker = p.schedule_after(delta, lambda: ticks.append(rt.now), period=delta)
    while len(ticks) < count // 2:
        rt.advance_to(Fraction(round(rt.next_deadline() * 10**9), 10**9))
    assert p.reset_ticker(ticker, 2 * delta) is None
    while len(ticks) < count:
        rt.advance_to(Fraction(round(rt.next_deadline() * 10**9), 10**9))
    assert ticks[-1] == pytest.approx(float(3 * delta * (count // 2)))
    assert p.stop(ticker) is True
    assert rt.advance(float(2 * delta)) == []  # "Ticker did not shut down" must not happen
    p.reset_ticker(ticker, 1)  # a stopped ticker starts again
    assert rt.advance(1) == [ticker] and ticker.when == pytest.approx(rt.now + 1)


def test_ticker_reset_refuses_non_positive_and_one_shot():
    # TestTickerResetLtZeroDuration / TestNewTickerLtZeroDuration: Go panics; the model raises.
    rt = TimerRuntime()
    p = rt.heaps[0]
    ticker = p.schedule_after(1, _noop, period=1)
    for bad in (0, -1):
        with pytest.raises(ValueError, match="period"):
            p.reset_ticker(ticker, bad)
    with pytest.raises(ValueError, match="period"):
        p.schedule_after(1, _noop, period=-1)
    with pytest.raises(ValueError, match="one-shot"):
        p.reset_ticker(p.schedule_after(1, _noop), 1)


def test_teardown_tickers_leave_an_empty_heap():
    # tick_test.go TestTeardown: three tickers, one tick each, then Stop.
    rt = TimerRuntime()
    p = rt.heaps[0]
    for _ in range(3):
        ticker = p.schedule_after(0.1, _noop, period=0.1)
        assert rt.advance(0.1) == [ticker]
        assert p.stop(ticker) is True
    rt.advance(1)
    assert len(p) == 0


def test_after_func_chain_from_callbacks():
    # sleep_test.go TestAfterFunc: f schedules AfterFunc(0, f) ten times, then signals.
    rt = TimerRuntime()
    p = rt.heaps[0]
    left = [10]
    done: list[float] = []

    def f() -> None:
        left[0] -= 1
        if left[0] >= 0:
            p.schedule_after(0, f)
        else:
            done.append(rt.now)

    p.schedule_after(0, f)
    assert len(rt.advance(0)) == 11 and done == [0.0]


def test_after_stop_as_sleep_test_does():
    # sleep_test.go TestAfterStop: stop a 50 ms timer and a 150 ms AfterFunc; by 200 ms neither fired.
    rt = TimerRuntime()
    p = rt.heaps[0]
    fired: list[str] = []
    p.schedule_after(0.1, lambda: fired.append("other"))
    t0 = p.schedule_after(0.05, lambda: fired.append("t0"))
    t1 = p.schedule_after(0.15, lambda: fired.append("t1"))
    c2 = p.schedule_after(0.2, lambda: fired.append("c2"))
    assert p.stop(t0) is True and p.stop(t1) is True
    assert rt.advance(0.2)[-1] is c2
    assert fired == ["other", "c2"]
    assert p.stop(t1) is False  # "Stop returned true twice" must not happen


def test_after_tick_sequential_afters_add_up():
    # sleep_test.go TestAfterTick: ten After(delta) in a row take 10 * delta.
    rt = TimerRuntime()
    p = rt.heaps[0]
    for _ in range(10):
        t = p.schedule_after(Fraction(1, 10), _noop)
        rt.advance_to(Fraction(round(rt.next_deadline() * 10**9), 10**9))
        assert t.fired == 1
    assert rt.now == pytest.approx(1.0)


@pytest.mark.parametrize("delay", [-1, -1e9, -math.inf, 0, -0.0])
def test_negative_duration_fires_at_once(delay):
    rt = TimerRuntime()
    rt.advance(3)
    t = rt.heaps[0].schedule_after(delay, _noop)
    assert t.when == 3.0
    assert rt.advance(0) == [t]


def test_ticker_keeps_phase_and_skips_missed_ticks():
    rt = TimerRuntime()
    rt.advance(0.25)
    t = rt.heaps[0].schedule_after(1, _noop, period=1)
    assert rt.advance_to(1.25) == [t]
    assert t.when == 2.25
    assert rt.advance_to(5.0) == [t]  # missed 3.25 and 4.25: fires once
    assert t.when == 5.25
    assert t.fired == 2


def test_reset_earlier_is_found_by_adjust_before_later_entries():
    rt = TimerRuntime()
    p = rt.heaps[0]
    a = p.schedule_after(5, _noop, name="a")
    b = p.schedule_after(10, _noop, name="b")
    assert p.reset(b, 1) is True
    assert b.state is TimerState.MODIFIED_EARLIER
    assert [n.when for n in p.nodes()] == [5.0, 10.0]  # the entry is stale until adjusted
    assert rt.advance(6) == [b, a]


def test_stop_then_reset_revives_without_a_second_entry():
    rt = TimerRuntime()
    p = rt.heaps[0]
    keep = [p.schedule_after(9, _noop) for _ in range(8)]
    t = p.schedule_after(5, _noop)
    assert p.stop(t) is True
    assert p.reset(t, 2) is False  # Go: a stopped timer was not pending
    assert len(p) == 9
    assert rt.advance(3) == [t]
    assert rt.advance(10) == keep


def test_move_timers_carries_live_timers_and_drops_deleted():
    rt = TimerRuntime(procs=2)
    p0, p1 = rt.heaps
    a = p0.schedule_after(3, _noop, name="a")
    b = p0.schedule_after(1, _noop, name="b")
    c = p0.schedule_after(2, _noop, name="c")
    for _ in range(9):
        p0.schedule_after(50, _noop)
    p0.stop(c)
    p0.reset(a, 0.5)
    d = p1.schedule_after(1, _noop, name="d")
    assert p0.move_timers_to(p1) == 11
    assert len(p0) == 0 and c.state is TimerState.REMOVED
    assert a.heap is p1 and a.state is TimerState.WAITING
    assert rt.advance(2) == [a, b, d]


# -- bad arguments ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["1", None, [1], True, 1j])
def test_non_numeric_durations_are_type_errors(bad):
    rt = TimerRuntime()
    p = rt.heaps[0]
    with pytest.raises(TypeError, match="delay must be a number of seconds"):
        p.schedule_after(bad, _noop)
    t = p.schedule_after(1, _noop)
    with pytest.raises(TypeError, match="delay must be a number"):
        p.reset(t, bad)
    with pytest.raises(TypeError, match="seconds must be a number"):
        rt.advance(bad)


def test_nan_is_a_value_error_everywhere():
    rt = TimerRuntime()
    p = rt.heaps[0]
    nan = float("nan")
    with pytest.raises(ValueError, match="delay must not be NaN"):
        p.schedule_after(nan, _noop)
    with pytest.raises(ValueError, match="when must not be NaN"):
        p.schedule_at(nan, _noop)
    with pytest.raises(ValueError, match="period must not be NaN"):
        p.schedule_after(1, _noop, period=nan)
    t = p.schedule_after(1, _noop)
    with pytest.raises(ValueError, match="NaN"):
        p.reset(t, nan)
    with pytest.raises(ValueError, match="NaN"):
        rt.advance_to(nan)
    assert t.state is TimerState.WAITING and len(p) == 1  # nothing changed


def test_bad_callbacks_periods_and_time_travel():
    rt = TimerRuntime()
    p = rt.heaps[0]
    with pytest.raises(TypeError, match="callback must be callable, got int"):
        p.schedule_after(1, 42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="period must be 0"):
        p.schedule_after(1, _noop, period=-1)
    with pytest.raises(ValueError, match="period must be 0"):
        p.schedule_after(1, _noop, period=1e-12)  # rounds to 0 ns
    rt.advance(5)
    with pytest.raises(ValueError, match="time cannot go backwards"):
        rt.advance_to(4)
    with pytest.raises(ValueError, match="time cannot go backwards"):
        rt.advance(-1)
    with pytest.raises(ValueError, match="procs"):
        TimerRuntime(procs=0)


def test_operations_through_another_heap_are_refused():
    rt = TimerRuntime(procs=2)
    p0, p1 = rt.heaps
    t = p0.schedule_after(1, _noop, name="x")
    with pytest.raises(ValueError, match="timer x is in heap P0, not P1"):
        p1.stop(t)
    with pytest.raises(ValueError, match="timer x is in heap P0, not P1"):
        p1.reset(t, 2)
    other = TimerRuntime().heaps[0]
    with pytest.raises(ValueError, match="another TimerRuntime"):
        other.stop(t)
    with pytest.raises(TypeError, match="expected a Timer"):
        p0.stop("x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="same runtime"):
        p0.move_timers_to(other)
    with pytest.raises(ValueError, match="same runtime"):
        p0.move_timers_to(p0)
    assert t.state is TimerState.WAITING
    # an idle timer (fired) may be reset through any heap, which adopts it, as Go's Reset uses the current P
    rt.advance(1)
    assert p1.reset(t, 1) is False and t.heap is p1


def test_callback_may_reset_timers_to_now_and_they_fire_in_the_same_check():
    rt = TimerRuntime()
    p = rt.heaps[0]
    later = p.schedule_after(100, _noop, name="later")
    first = p.schedule_after(1, lambda: p.reset(later, 0), name="first")
    assert rt.advance(2) == [first, later]


def test_stale_entries_stay_under_a_quarter_under_mass_stop():
    rt = TimerRuntime(arity=4)
    p = rt.heaps[0]
    rng = random.Random(7)
    timers = [p.schedule_after(rng.random() * 100, _noop) for _ in range(2000)]
    rng.shuffle(timers)
    for t in timers[:1500]:
        p.stop(t)
        s = p.statistics()
        assert 4 * s.deleted <= s.entries
    fired = rt.advance(200)
    assert sorted(fired, key=id) == sorted(timers[1500:], key=id)


# -- model-based: the heaps fire what a sorted list fires ---------------------------------------------------------
class TimerHeapMachine(RuleBasedStateMachine):
    """Random add/stop/reset/advance/move steps, checked against a sorted list of (when_ns, seq, id)."""

    @initialize(procs=st.integers(1, 3), arity=st.sampled_from([2, 4, 8]))
    def setup(self, procs, arity):
        self.rt = TimerRuntime(procs=procs, arity=arity)
        self.timers: list[Timer] = []
        self.model: dict[int, tuple[int, int, int]] = {}  # timer index -> (when_ns, seq, period_ns) while pending
        self.owner: dict[int, int] = {}  # timer index -> heap index while pending
        self.now = 0
        self.seq = 0

    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq - 1

    @rule(heap=st.integers(0, 2), delay=st.integers(-3, 40), period=st.sampled_from([0, 0, 0, 1, 3, 7]))
    def add(self, heap, delay, period):
        heap %= len(self.rt.heaps)
        i = len(self.timers)
        self.timers.append(self.rt.heaps[heap].schedule_after(delay, _noop, period=period, name=str(i)))
        self.model[i] = ((self.now + max(delay, 0)) * 10**9, self._next_seq(), period * 10**9)
        self.owner[i] = heap

    def _heap_for(self, i, fallback):
        t = self.timers[i]
        return t.heap if t.heap is not None else self.rt.heaps[fallback % len(self.rt.heaps)]

    @precondition(lambda self: self.timers)
    @rule(data=st.data())
    def stop(self, data):
        i = data.draw(st.integers(0, len(self.timers) - 1))
        heap = self._heap_for(i, 0)
        assert heap.stop(self.timers[i]) is (i in self.model)
        self.model.pop(i, None)
        self.owner.pop(i, None)

    @precondition(lambda self: self.timers)
    @rule(data=st.data(), delay=st.integers(-3, 40), fallback=st.integers(0, 2))
    def reset(self, data, delay, fallback):
        i = data.draw(st.integers(0, len(self.timers) - 1))
        heap = self._heap_for(i, fallback)
        assert heap.reset(self.timers[i], delay) is (i in self.model)
        period = self.timers[i].period_ns
        self.model[i] = ((self.now + max(delay, 0)) * 10**9, self._next_seq(), period)
        self.owner[i] = self.rt.heaps.index(heap)

    @rule(step=st.integers(0, 15))
    def advance(self, step):
        self.now += step
        now_ns = self.now * 10**9
        expected = []
        queue = [(w, s, i) for i, (w, s, _) in self.model.items()]
        heapq.heapify(queue)
        while queue and queue[0][0] <= now_ns:
            w, _, i = heapq.heappop(queue)
            expected.append(i)
            period = self.model[i][2]
            if period:
                w = w + period * (1 + (now_ns - w) // period)
                self.model[i] = (w, self._next_seq(), period)
                heapq.heappush(queue, (w, self.model[i][1], i))
            else:
                del self.model[i]
                del self.owner[i]
        fired = self.rt.advance(step)
        assert [int(t.name) for t in fired] == expected

    @precondition(lambda self: len(self.rt.heaps) > 1)
    @rule(src=st.integers(0, 2), dst=st.integers(0, 2))
    def move(self, src, dst):
        n = len(self.rt.heaps)
        src, dst = src % n, dst % n
        if src == dst:
            dst = (dst + 1) % n
        moved = self.rt.heaps[src].move_timers_to(self.rt.heaps[dst])
        assert moved == sum(1 for h in self.owner.values() if h == src)
        self.owner = {i: (dst if h == src else h) for i, h in self.owner.items()}

    @precondition(lambda self: len(self.rt.heaps) > 1 and self.owner)
    @rule(data=st.data())
    def wrong_heap(self, data):
        i = data.draw(st.sampled_from(sorted(self.owner)))
        wrong = self.rt.heaps[(self.owner[i] + 1) % len(self.rt.heaps)]
        with pytest.raises(ValueError, match="not P"):
            wrong.stop(self.timers[i])

    @invariant()
    def heaps_are_heaps_and_stale_is_bounded(self):
        if not hasattr(self, "rt"):
            return
        for heap in self.rt.heaps:
            nodes = heap.nodes()
            keys = [(n.when, n.seq) for n in nodes]
            assert all(keys[n.parent] <= keys[n.index] for n in nodes if n.parent is not None)
            s = heap.statistics()
            assert 4 * s.deleted <= s.entries
            assert s.deleted == sum(n.state is TimerState.DELETED for n in nodes)

    @invariant()
    def pending_timers_match_the_model(self):
        if not hasattr(self, "rt"):
            return
        for i, t in enumerate(self.timers):
            if i in self.model:
                when_ns = self.model[i][0]
                assert t.state in (TimerState.WAITING, TimerState.MODIFIED_EARLIER, TimerState.MODIFIED_LATER)
                assert t.when == (math.inf if when_ns >= 2**63 - 1 else when_ns / 1e9)
                assert t.heap is self.rt.heaps[self.owner[i]]
            else:
                assert t.when is None


TestTimerHeapMachine = TimerHeapMachine.TestCase
TestTimerHeapMachine.settings = settings(max_examples=100, stateful_step_count=40, deadline=None)


# -- driven by trio's clock ---------------------------------------------------------------------------------------
def test_open_timer_runtime_fires_at_virtual_times_and_wakes_on_earlier_reset():
    import trio

    from support import open_timer_runtime, run

    async def main():
        seen = []
        async with open_timer_runtime(procs=2) as rt:
            p0, p1 = rt.heaps
            done = trio.Event()
            p0.schedule_after(1.5, lambda: seen.append(("once", trio.current_time())))
            tick = p1.schedule_after(1, lambda: seen.append(("tick", trio.current_time())), period=1)
            late = p0.schedule_after(10, lambda: (seen.append(("late", trio.current_time())), done.set()))
            await trio.sleep(2.2)
            assert p0.reset(late, 1) is True  # earlier than the driver's next wake-up: it must be woken
            await done.wait()
            assert p1.stop(tick) is True
            never = p0.schedule_after(100, lambda: seen.append(("never", trio.current_time())))
            await trio.sleep(5)
        assert never.state is TimerState.WAITING and rt._wake is None
        return seen

    seen = run(main)
    assert seen == [("tick", 1.0), ("once", 1.5), ("tick", 2.0), ("tick", 3.0), ("late", pytest.approx(3.2))]


def test_open_timer_runtime_callback_errors_propagate():
    import trio

    from support import open_timer_runtime, run

    def boom():
        raise KeyError("callback failed")

    async def main():
        async with open_timer_runtime() as rt:
            rt.heaps[0].schedule_after(1, boom)
            await trio.sleep(5)

    with pytest.raises(ExceptionGroup) as info:
        run(main)
    assert info.group_contains(KeyError, match="callback failed")


def test_trio_deadline_statistics_sees_stale_entries_and_needs_a_run():
    import trio

    from support import run, trio_deadline_statistics

    with pytest.raises(RuntimeError, match="inside a trio run"):
        trio_deadline_statistics()

    async def main():
        with trio.CancelScope(deadline=100):
            inside = trio_deadline_statistics()
            await trio.lowlevel.checkpoint()
        for _ in range(5):
            with trio.move_on_after(30):
                await trio.sleep(0.001)
        return inside, trio_deadline_statistics()

    inside, after = run(main)
    assert (inside.entries, inside.active) == (1, 1)
    assert after.active == 0 and after.stale == after.entries > 0
    assert after.prune_above == 1000


# -- the measuring code (the chapter's Measured cell and the benchmark share it) ----------------------------
def test_measure_timer_heap_small_run_gives_every_figure():
    from support.timer_heap import measure_timer_heap, plot_measured, stress_41699

    m = measure_timer_heap(200, 2, hold_sizes=[100, 300])
    assert set(m.pop_us) == {"heapq", "arity2", "arity4", "arity8"}
    assert all(v > 0 for v in (*m.push_us.values(), *m.pop_us.values(), m.pop_vs_heapq, m.pop_vs_binary))
    assert set(m.phases_us["arity4"]) == {"schedule", "stop", "reset", "fire"}
    assert [len(r) for r in m.hold_rates.values()] == [2, 2, 2, 2]
    assert all(len(line) <= 80 for line in m.summary().splitlines())
    assert len(plot_measured(m).axes) == 2
    assert stress_41699(100, 2, 4)[1] == 100 and stress_41699(100, 2, None)[1] > 100
    with pytest.raises(ValueError, match="repeat"):
        measure_timer_heap(10, 0)
    with pytest.raises(TypeError, match="n must be an int"):
        measure_timer_heap(2.5, 1)  # type: ignore[arg-type]
