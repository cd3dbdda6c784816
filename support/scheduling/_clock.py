"""A wall clock read from trio's clock, so schedules about wall time run in virtual time.

Mental model: trio's clock is monotonic seconds since some point; a schedule
("every Tuesday at 14:00 in Berlin") is about wall time in a zone. A
:class:`WallClock` pins one instant, ``origin``, to one reading of trio's
clock, ``anchor``. From then on wall time is ``origin`` plus the trio seconds
elapsed, and a wall-clock instant becomes a trio deadline by the same sum in
reverse. Under :func:`support.run` trio's clock is a ``MockClock``, so "every
Tuesday" runs across months in milliseconds, and a test can start the clock
the night before a daylight-saving change.

All arithmetic is done in UTC. Python subtracts two datetimes that share a
``tzinfo`` as wall times (``14:00 - 13:00`` across a DST change is one hour
even when two passed); converting to UTC first gives the elapsed time.
Taught in the chapter ``scheduling``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

import trio

__all__ = ["ScheduleError", "WallClock", "require_aware"]


class ScheduleError(ValueError):
    """A schedule was given something it cannot mean: a naive datetime, a period that is not positive, …"""


def require_aware(name: str, value: datetime) -> datetime:
    """``value`` if it names an instant (it has a time zone); otherwise a :class:`ScheduleError` naming ``name``."""
    if not isinstance(value, datetime):
        raise ScheduleError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ScheduleError(f"{name} is a naive datetime ({value.isoformat()}): give it a time zone, "
                            "e.g. .replace(tzinfo=ZoneInfo('Europe/Berlin')), so it names one instant")
    return value


@dataclass(frozen=True)
class WallClock:
    """Wall-clock time in ``zone``, advancing with trio's clock from ``origin`` (at trio time ``anchor``).

    Make one inside a trio run with :meth:`starting_at` (virtual time: pick the
    instant the program starts at) or :meth:`system` (the real wall clock).
    """

    origin: datetime
    anchor: float
    zone: tzinfo

    @classmethod
    def starting_at(cls, origin: datetime, zone: tzinfo | None = None) -> WallClock:
        """A clock that reads ``origin`` now, inside the running trio program, and shows times in ``zone``."""
        require_aware("origin", origin)
        return cls(origin.astimezone(UTC), trio.current_time(), zone or origin.tzinfo or UTC)

    @classmethod
    def system(cls, zone: tzinfo = UTC) -> WallClock:
        """The machine's wall clock, for real use (it ignores later NTP steps: it follows trio's clock)."""
        return cls(datetime.now(UTC), trio.current_time(), zone)

    def now(self) -> datetime:
        """The wall-clock time now, in the clock's zone."""
        return self.at(trio.current_time())

    def at(self, trio_time: float) -> datetime:
        """The wall-clock time at a reading of trio's clock, rounded to the microsecond."""
        elapsed = timedelta(seconds=trio_time - self.anchor)
        return (self.origin + elapsed).astimezone(self.zone)

    def deadline(self, when: datetime) -> float:
        """The trio deadline (for ``trio.sleep_until``, ``move_on_at``) of the instant ``when``."""
        require_aware("when", when)
        return self.anchor + (when.astimezone(UTC) - self.origin).total_seconds()
