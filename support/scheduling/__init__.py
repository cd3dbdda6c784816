"""Schedules about wall time, run in trio's (virtual) time: wait until, every period, on a calendar.

Taught in the chapter ``scheduling``.
"""

from support.scheduling._calendar import CalendarRule, resolve_wall_time, zone
from support.scheduling._clock import ScheduleError, WallClock
from support.scheduling._measure import (
    LATENESS_CONTENDERS,
    Contender,
    Lateness,
    measure_lateness,
    virtual_events_per_second,
)
from support.scheduling._schedules import Missed, every, next_tick, on_calendar, roll_forward, wait_until

__all__ = [
    "LATENESS_CONTENDERS",
    "CalendarRule",
    "Contender",
    "Lateness",
    "Missed",
    "ScheduleError",
    "WallClock",
    "every",
    "measure_lateness",
    "next_tick",
    "on_calendar",
    "resolve_wall_time",
    "roll_forward",
    "virtual_events_per_second",
    "wait_until",
    "zone",
]
