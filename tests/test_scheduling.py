"""support.scheduling: wall-clock schedules in virtual time, checked against a different calendar library."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import trio
from croniter import croniter
from hypothesis import given, settings, strategies as st

from support import run
from support.scheduling import (
    CalendarRule,
    ScheduleError,
    WallClock,
    every,
    next_tick,
    on_calendar,
    resolve_wall_time,
    roll_forward,
    wait_until,
    zone,
)

BERLIN = zone("Europe/Berlin")
LORD_HOWE = zone("Australia/Lord_Howe")
NEW_YORK = zone("America/New_York")
Y2K = datetime(2000, 1, 1, tzinfo=UTC)


def first(gen_factory, n):
    """The first ``n`` values of an async generator, in a virtual-time run starting at 2000-01-01 UTC."""

    async def main():
        clock = WallClock.starting_at(Y2K)
        out = []
        async for value in gen_factory(clock):
            out.append(value)
            if len(out) == n:
                break
        return out, clock.now()

    return run(main)


# The hand-checked table: (zone, naive wall time, the instant the book's rule fires at, in UTC).
TABLE = [
    (BERLIN, datetime(2000, 3, 26, 2, 30), datetime(2000, 3, 26, 1, 30, tzinfo=UTC)),  # gap: 02:30 -> 03:30 CEST
    (BERLIN, datetime(2000, 3, 26, 3, 0), datetime(2000, 3, 26, 1, 0, tzinfo=UTC)),  # first wall time after it
    (BERLIN, datetime(2000, 10, 29, 2, 30), datetime(2000, 10, 29, 0, 30, tzinfo=UTC)),  # fold: the first 02:30
    (BERLIN, datetime(2000, 7, 4, 14, 0), datetime(2000, 7, 4, 12, 0, tzinfo=UTC)),  # ordinary summer time
    (LORD_HOWE, datetime(2001, 10, 28, 2, 15), datetime(2001, 10, 27, 15, 45, tzinfo=UTC)),  # 30-min gap
    (LORD_HOWE, datetime(2001, 3, 25, 1, 45), datetime(2001, 3, 24, 14, 45, tzinfo=UTC)),  # 30-min fold: first
    (NEW_YORK, datetime(2000, 4, 2, 2, 30), datetime(2000, 4, 2, 7, 30, tzinfo=UTC)),  # gap: 02:30 -> 03:30 EDT
]


@pytest.mark.parametrize(("tz", "wall", "expected"), TABLE)
def test_gap_and_fold_table(tz, wall, expected):
    assert resolve_wall_time(wall, tz) == expected


def test_gap_fire_is_not_doubled_with_the_next_regular_one():
    rule = CalendarRule(minutes={30, 0}, hours={2, 3}, tz=BERLIN)
    fires = list(_take(rule.after(datetime(2000, 3, 26, 0, 0, tzinfo=UTC)), 3))
    # 02:00 and 02:30 do not exist: 02:00 fires at 03:00 CEST (01:00 UTC), 02:30 at 03:30, then 03:00 CEST is
    # 01:00 UTC again (already fired) and 03:30 CEST is 01:30 UTC (already fired): next is 02:00 the day after.
    assert [f.astimezone(UTC).strftime("%d %H:%M") for f in fires] == ["26 01:00", "26 01:30", "27 00:00"]


def _take(it, n):
    for _ in range(n):
        yield next(it)


def test_weekly_rule_stays_at_14_across_dst_while_a_fixed_period_drifts():
    rule = CalendarRule.weekly(1, 14, 0, "Europe/Berlin")
    fires = list(_take(rule.after(datetime(2000, 3, 20, tzinfo=BERLIN)), 3))
    assert [f.strftime("%m-%d %H:%M %Z") for f in fires] == ["03-21 14:00 CET", "03-28 14:00 CEST",
                                                              "04-04 14:00 CEST"]
    # Subtract in UTC: two datetimes sharing a tzinfo subtract as wall times (that would say 168 h twice).
    gaps = {(b.astimezone(UTC) - a.astimezone(UTC)) for a, b in itertools.pairwise(fires)}
    assert gaps == {timedelta(hours=167), timedelta(hours=168)}


def _oracle(rule_minutes, rule_hours, rule_days, tz, instant, n):
    """The next ``n`` fires by croniter (wall times) resolved with the table's rule, written independently."""
    spec = " ".join([",".join(map(str, sorted(rule_minutes))), ",".join(map(str, sorted(rule_hours))), "*", "*",
                     ",".join(str((d + 1) % 7) for d in sorted(rule_days))])  # cron counts Sunday as 0
    wall = instant.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    it = croniter(spec, wall)
    out, last = [], instant
    while len(out) < n:
        w = it.get_next(datetime)
        fire = w.replace(tzinfo=tz, fold=0).astimezone(UTC)
        if fire > last:
            out.append(fire)
            last = fire
    return out


@settings(max_examples=60, deadline=None)
@given(minutes=st.sets(st.integers(0, 59), min_size=1, max_size=3),
       hours=st.sets(st.integers(0, 23), min_size=1, max_size=3),
       days=st.sets(st.integers(0, 6), min_size=1, max_size=7),
       tz=st.sampled_from([NEW_YORK, BERLIN, LORD_HOWE, UTC]),
       offset=st.integers(0, 3 * 365 * 24 * 60))
def test_next_fires_agree_with_croniter(minutes, hours, days, tz, offset):
    instant = datetime(1999, 6, 1, tzinfo=UTC) + timedelta(minutes=offset, seconds=offset % 60)
    rule = CalendarRule(minutes=minutes, hours=hours, weekdays=days, tz=tz)
    ours = [f.astimezone(UTC) for f in _take(rule.after(instant), 5)]
    assert ours == _oracle(minutes, hours, days, tz, instant, 5)


def test_every_fires_at_absolute_deadlines_and_skips_missed_ticks():
    async def slow_consumer():
        clock = WallClock.starting_at(Y2K)
        got = []
        async for due in every(clock, timedelta(minutes=10)):
            got.append((due.strftime("%H:%M"), clock.now().strftime("%H:%M:%S")))
            if len(got) == 4:
                return got
            await trio.sleep(25 * 60 if len(got) == 2 else 1)  # late once: ticks 00:30 and 00:40 are missed

    assert run(slow_consumer) == [("00:00", "00:00:00"), ("00:10", "00:10:00"), ("00:40", "00:40:00"),
                                  ("00:50", "00:50:00")]


def test_catch_up_delivers_every_missed_tick():
    async def slow_consumer():
        clock = WallClock.starting_at(Y2K)
        got = []
        async for due in every(clock, timedelta(minutes=10), missed="catch_up"):
            got.append(due.strftime("%H:%M"))
            if len(got) == 5:
                return got
            if len(got) == 1:
                await trio.sleep(25 * 60)

    assert run(slow_consumer) == ["00:00", "00:10", "00:20", "00:30", "00:40"]


def test_virtual_ticks_have_no_drift():
    start, period = Y2K, timedelta(milliseconds=10)
    values, now = first(lambda c: every(c, period, start=start), 2_000)
    assert all(v == start + k * period for k, v in enumerate(values))
    assert now == start + 1_999 * period


def test_the_tick_policy_accumulates_no_drift_over_a_million_ticks():
    # The deadline of tick k is computed from k, never by adding periods: a consumer that is always
    # a little late (here 3 ms on a 10 ms period) is served at start + k * period, exactly.
    start, period, late = Y2K, timedelta(milliseconds=10), timedelta(milliseconds=3)
    k = 0
    for _ in range(1_000_000):
        k = next_tick(start, period, k, start + k * period + late - period, "skip")
        k += 1
    assert start + k * period == start + 1_000_000 * period


def test_roll_forward_boundaries():
    period = timedelta(hours=1)
    assert roll_forward(Y2K - 3 * period, period, Y2K) == Y2K  # exactly on a boundary: now
    assert roll_forward(Y2K - 2.5 * period, period, Y2K) == Y2K + period / 2
    assert roll_forward(Y2K + 2 * period, period, Y2K) == Y2K + 2 * period  # future start kept


def test_periods_are_elapsed_time_across_a_daylight_saving_change():
    """Berlin springs forward at 02:00 on 2000-03-26: a fixed period is still that many real hours."""
    start = datetime(2000, 3, 26, 0, 30, tzinfo=BERLIN)

    async def hourly():
        clock = WallClock.starting_at(start)
        got = []
        async for due in every(clock, timedelta(hours=1), start=start):
            got.append(due)
            if len(got) == 4:
                return got

    ticks = run(hourly)
    assert [b - a for a, b in itertools.pairwise(t.astimezone(UTC) for t in ticks)] == [timedelta(hours=1)] * 3
    assert [t.strftime("%H:%M %Z") for t in ticks] == ["00:30 CET", "01:30 CET", "03:30 CEST", "04:30 CEST"]
    week = timedelta(hours=168)
    late = datetime(2000, 3, 21, 14, tzinfo=BERLIN)
    assert roll_forward(late, week, late + timedelta(hours=100)).astimezone(UTC) == late.astimezone(UTC) + week
    early = (late.astimezone(UTC) + week - timedelta(minutes=30)).astimezone(BERLIN)  # 30 min before tick 1
    assert next_tick(late, week, 0, early, "skip") == 1  # on the clock face it would look 30 min past: 2


def test_calendar_schedule_in_virtual_time_runs_weeks_instantly():
    rule = CalendarRule.weekly(1, 14, 0, BERLIN)
    values, now = first(lambda c: on_calendar(c, rule), 12)
    assert {v.strftime("%a %H:%M") for v in values} == {"Tue 14:00"}
    assert values[0].strftime("%Y-%m-%d") == "2000-01-04"
    assert now == values[-1]


def test_wait_until_is_cancelled_by_the_enclosing_scope():
    async def main():
        clock = WallClock.starting_at(Y2K)
        with trio.move_on_at(clock.deadline(Y2K + timedelta(minutes=30))):
            await wait_until(clock, Y2K + timedelta(hours=3))
        return clock.now()

    assert run(main) == Y2K + timedelta(minutes=30)


@pytest.mark.parametrize("stop_after", [0.0, 0.5, 1.0, 10.0, 10.5])
def test_cancelling_a_schedule_at_any_point_leaves_no_task_behind(stop_after):
    async def main():
        clock = WallClock.starting_at(Y2K)
        before = trio.lowlevel.current_statistics().tasks_living
        ticks = []

        async def consume():
            async for due in every(clock, timedelta(seconds=1)):
                ticks.append(due)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(consume)
            await trio.sleep(stop_after)
            nursery.cancel_scope.cancel()
        return before, trio.lowlevel.current_statistics().tasks_living, len(ticks)

    before, after, ticks = run(main)
    assert after == before
    # A cancel at the very instant of a tick may come before or after it: both are correct.
    assert int(stop_after) <= ticks <= int(stop_after) + 1


def test_a_consumer_that_breaks_early_leaves_nothing_running():
    async def main():
        clock = WallClock.starting_at(Y2K)
        before = trio.lowlevel.current_statistics().tasks_living
        async for _ in every(clock, timedelta(seconds=1)):
            break
        await trio.sleep(60)  # nothing ticks on in the background: the schedule ran in this task only
        return before, trio.lowlevel.current_statistics().tasks_living, clock.now()

    before, after, now = run(main)
    assert (after, now) == (before, Y2K + timedelta(seconds=60))


@pytest.mark.parametrize(("call", "message"), [
    (lambda: WallClock.starting_at(datetime(2000, 1, 1)), "naive datetime"),
    (lambda: roll_forward(Y2K, timedelta(0), Y2K), "period must be positive"),
    (lambda: roll_forward(Y2K, timedelta(seconds=-1), Y2K), "period must be positive"),
    (lambda: zone("Mars/Olympus_Mons"), "unknown time zone 'Mars/Olympus_Mons'"),
    (lambda: CalendarRule(minutes={60}), "minutes must be a non-empty set of integers 0..59"),
    (lambda: CalendarRule(weekdays=set()), "weekdays must be a non-empty set"),
    (lambda: resolve_wall_time(Y2K, BERLIN), "takes a naive wall time"),
])
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ScheduleError, match=message):
        call()


def test_every_rejects_a_naive_start_before_sleeping():
    async def main():
        clock = WallClock.starting_at(Y2K)
        async for _ in every(clock, timedelta(seconds=1), start=datetime(2000, 1, 1)):
            pass

    with pytest.raises(ScheduleError, match="start is a naive datetime"):
        run(main)
