"""Waiting for a wall-clock instant, and periodic schedules, as trio code: no goroutine, nothing to leak.

Mental model, from Go: ``waitUntil(ctx, t)`` is a timer and a ``select`` on
it and ``ctx.Done()``; here it is :func:`wait_until`, one
``trio.sleep_until`` whose cancellation comes from the enclosing cancel scope
(``trio.move_on_at``, a nursery being cancelled) instead of a ``ctx``. Go's
``cron`` starts a goroutine that sends on a channel; here :func:`every` and
:func:`on_calendar` are async generators that sleep in the *consumer's* task,
so when the consumer stops iterating nothing is left running.

Deadlines are absolute: the k-th tick of :func:`every` is due at
``start + k * period``, computed afresh each time, so lateness never
accumulates. A tick whose time has already passed when the consumer asks for
it is handled by the missed-tick policy: ``"skip"`` (Go's ticker: drop it and
wait for the next due instant) or ``"catch_up"`` (deliver every missed tick at
once, in order). Taught in the chapter ``scheduling``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Literal

import trio

from support.scheduling._calendar import CalendarRule
from support.scheduling._clock import ScheduleError, WallClock, require_aware

__all__ = ["Missed", "every", "next_tick", "on_calendar", "roll_forward", "wait_until"]

Missed = Literal["skip", "catch_up"]


async def wait_until(clock: WallClock, when: datetime) -> datetime:
    """Sleep until the wall-clock instant ``when`` (at once if it has passed); return the clock's time then.

    Cancel it the trio way: ``with trio.move_on_at(...)``, or cancel the nursery it runs in.
    """
    await trio.sleep_until(clock.deadline(when))
    return clock.now()


def _check_period(period: timedelta) -> None:
    if not isinstance(period, timedelta):
        raise ScheduleError(f"period must be a timedelta, not {type(period).__name__}")
    if period <= timedelta(0):
        raise ScheduleError(f"period must be positive, got {period}")


# _absolute: Python adds a timedelta to an aware datetime on its clock face (datetime(..., tzinfo=berlin)
# + 168 h is 167 real hours across the spring change), and subtracts two times of one zone the same way.
# Go's Time.Add and Sub count elapsed time. So every sum and difference here is taken in UTC.


def roll_forward(start: datetime, period: timedelta, now: datetime) -> datetime:
    """The first instant ``start + k * period`` (k ≥ 0) that is not before ``now``.

    A start in the future is kept; a start exactly ``k`` periods ago is now.
    """
    require_aware("start", start)
    require_aware("now", now)
    _check_period(period)
    begin, at = start.astimezone(UTC), now.astimezone(UTC)  # see _absolute
    if begin >= at:
        return start
    k = -((begin - at) // period)  # ceil((now - start) / period), exact in microseconds
    return (begin + k * period).astimezone(start.tzinfo)


def next_tick(start: datetime, period: timedelta, k: int, now: datetime, missed: Missed) -> int:
    """The index of the tick to deliver after tick ``k - 1``, given the time ``now``: the policy as a function."""
    begin, at = start.astimezone(UTC), now.astimezone(UTC)  # see _absolute
    if missed == "catch_up" or begin + k * period >= at:
        return k
    return -((begin - at) // period)  # skip: the first tick not before now


async def every(clock: WallClock, period: timedelta, *, start: datetime | None = None,
                missed: Missed = "skip") -> AsyncIterator[datetime]:
    """Yield the scheduled instant of each tick: ``start``, ``start + period``, …, forever.

    ``start`` defaults to now; a ``start`` in the past is rolled forward to the
    first due instant not before now (Go's ``cron`` in the notes, corrected).
    Each value is the *scheduled* time, not the time the consumer got it.
    """
    _check_period(period)
    if missed not in ("skip", "catch_up"):
        raise ScheduleError(f"missed must be 'skip' or 'catch_up', got {missed!r}")
    now = clock.now()
    first = now if start is None else roll_forward(require_aware("start", start), period, now)
    first = first.astimezone(UTC)  # periods are elapsed time: see _absolute
    k = 0
    while True:
        k = next_tick(first, period, k, clock.now(), missed)
        due = first + k * period
        await trio.sleep_until(clock.deadline(due))
        yield due.astimezone(clock.zone)
        k += 1


async def on_calendar(clock: WallClock, rule: CalendarRule) -> AsyncIterator[datetime]:
    """Yield each fire instant of a calendar rule from now on, sleeping until it; a missed one is skipped."""
    last = clock.now() - timedelta(microseconds=1)  # a fire exactly now is due
    while True:
        due = next(rule.after(max(last, clock.now() - timedelta(microseconds=1))))
        await trio.sleep_until(clock.deadline(due))
        yield due
        last = due
