"""Calendar rules: "every Tuesday at 14:00 in Berlin" as instants, across daylight-saving changes.

Mental model: a calendar rule names *wall times* (Tuesday, 14:00) in a zone;
a schedule needs *instants*. Most wall times name exactly one instant. Twice a
year some do not, and the book's rule for them is fixed here:

* **Gap** (spring forward: 02:30 does not exist in Berlin on the last Sunday
  of March): the rule fires at the instant the wall clock would have shown
  02:30 had it not jumped, which reads 03:30 after the jump. Nothing is
  skipped. If that instant is also a regular fire time, it fires once.
* **Fold** (fall back: 02:30 happens twice on the last Sunday of October): the
  rule fires once, at the first 02:30.

In Python terms: a wall time is resolved with ``fold=0``, which
:mod:`zoneinfo` defines as "the offset in force before the transition" for
both cases. The wall times themselves come from :mod:`dateutil.rrule`, an
established calendar library; only this resolution step is the book's own.
Taught in the chapter ``scheduling``.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from dateutil import rrule

from support.scheduling._clock import ScheduleError, require_aware

__all__ = ["CalendarRule", "resolve_wall_time", "zone"]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (e.g. ``"Europe/Berlin"``), or a :class:`ScheduleError` naming it.

    Read from ``tzdata`` (pinned in ``requirements.txt``), never from the
    machine's ``/usr/share/zoneinfo``: the same rules on every machine.
    """
    try:
        data = importlib.resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
        with data.open("rb") as f:
            return ZoneInfo.from_file(f, key=name)
    except (OSError, ValueError) as exc:
        raise ScheduleError(f"unknown time zone {name!r} (an IANA name such as 'Europe/Berlin')") from exc


def resolve_wall_time(wall: datetime, tz: tzinfo) -> datetime:
    """The instant (in UTC) at which a rule naming the naive wall time ``wall`` in ``tz`` fires.

    ``fold=0`` everywhere: in a gap that is the offset before the jump (02:30
    fires at 03:30 after it), in a fold the first occurrence.
    """
    if wall.tzinfo is not None:
        raise ScheduleError(f"resolve_wall_time takes a naive wall time, not {wall.isoformat()}")
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)


def _field(name: str, values: Collection[int] | None, low: int, high: int) -> tuple[int, ...] | None:
    if values is None:
        return None
    result = tuple(sorted(set(values)))
    bad = [v for v in result if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= high]
    if not result or bad:
        raise ScheduleError(f"{name} must be a non-empty set of integers {low}..{high}, got {sorted(values)!r}")
    return result


@dataclass(frozen=True)
class CalendarRule:
    """Fire at every ``minutes`` of every ``hours`` on every ``weekdays`` (0 = Monday) in ``tz``.

    ``None`` for a field means every value. ``CalendarRule.weekly(1, 14, 0,
    "Europe/Berlin")`` is "Tuesdays at 14:00 in Berlin";
    ``CalendarRule(minutes={0}, tz=UTC)`` is "every hour on the hour".
    """

    minutes: Collection[int] | None = None
    hours: Collection[int] | None = None
    weekdays: Collection[int] | None = None
    tz: tzinfo = UTC

    def __post_init__(self) -> None:
        object.__setattr__(self, "minutes", _field("minutes", self.minutes, 0, 59))
        object.__setattr__(self, "hours", _field("hours", self.hours, 0, 23))
        object.__setattr__(self, "weekdays", _field("weekdays", self.weekdays, 0, 6))
        if not isinstance(self.tz, tzinfo):
            raise ScheduleError(f"tz must be a tzinfo such as ZoneInfo('Europe/Berlin'), not {self.tz!r}")

    @classmethod
    def weekly(cls, weekday: int, hour: int, minute: int, tz: str | tzinfo) -> CalendarRule:
        """Once a week, at ``hour:minute`` wall time on ``weekday`` (0 = Monday)."""
        return cls(minutes={minute}, hours={hour}, weekdays={weekday}, tz=zone(tz) if isinstance(tz, str) else tz)

    def __str__(self) -> str:
        days = "every day" if self.weekdays is None else "/".join(_WEEKDAYS[d] for d in self.weekdays)
        hours = "every hour" if self.hours is None else ",".join(f"{h:02d}" for h in self.hours)
        minutes = "every minute" if self.minutes is None else ",".join(f":{m:02d}" for m in self.minutes)
        return f"{days}, {hours}, {minutes} ({self.tz})"

    def _walls(self, start: datetime) -> Iterator[datetime]:
        # DAILY with every field spelled out: rrule fills a missing byhour/byminute from dtstart otherwise.
        return iter(rrule.rrule(rrule.DAILY, dtstart=start, byminute=self.minutes or range(60),
                                byhour=self.hours or range(24), byweekday=self.weekdays, bysecond=0, cache=False))

    def after(self, instant: datetime) -> Iterator[datetime]:
        """Every fire instant strictly after ``instant``, in order, in the rule's zone."""
        require_aware("instant", instant)
        # Start a day early in wall time: a wall time before the instant's own may resolve after it (a gap).
        local = instant.astimezone(self.tz).replace(tzinfo=None, second=0, microsecond=0) - timedelta(days=1)
        last = instant.astimezone(UTC)
        for wall in self._walls(local):
            fire = resolve_wall_time(wall, self.tz)
            if fire > last:
                last = fire
                yield fire.astimezone(self.tz)
