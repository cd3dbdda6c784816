"""Go's runtime timers (Go 1.14 to 1.22), rebuilt: per-P d-ary heaps with lazy Stop and Reset.

Mental model: a :class:`TimerRuntime` is Go's runtime with ``procs`` Ps and one
clock. Each P owns a :class:`TimerHeap`. Scheduling a timer pushes one entry on
that heap. ``stop`` and ``reset`` never touch the heap: they only change the
timer's :class:`TimerState` (``DELETED``, ``MODIFIED_EARLIER``,
``MODIFIED_LATER``), like Go's ``deltimer`` and ``modtimer``. The heap is put
right later, when time is checked (Go's ``checkTimers``):

* ``adjust()`` (Go's ``adjusttimers``/``clearDeletedTimers``) walks the whole
  heap, drops deleted entries and re-keys modified ones. It runs when a timer
  was moved earlier to a time that is now due, and when deleted entries exceed
  a quarter of the heap;
* ``clean()`` (Go's ``cleantimers``) fixes only the top until a waiting timer
  is there;
* firing (Go's ``runtimer``) pops a due one-shot timer, or moves a periodic one
  on to ``when + period * (1 + (now - when) // period)``: it keeps its phase
  and skips the ticks it missed, then calls the callback.

A timer has exactly one entry, in one heap. Keys are ints,
``when_ns << 40 | seq``: time in integer nanoseconds as in Go, then a sequence
number the runtime hands out each time a timer is scheduled, reset or re-armed.

**Tickers.** A timer scheduled with ``period`` is a ticker;
``reset_ticker(timer, period)`` is Go's ``Ticker.Reset(d)``: the period
becomes ``d`` and the next tick is ``d`` from now.

**Ties.** Timers due at the same nanosecond fire in the order they were last
scheduled (``schedule_*``, ``reset*`` or a periodic re-arm), across all heaps.

**Stale bound.** A stopped timer's entry stays until cleaned. After every
public call returns, each heap holds at most a quarter stale entries:
``4 * deleted <= entries``, so at most one stale entry per three live ones.

**Time limits.** Durations are seconds: int, float or
:class:`~fractions.Fraction` (exact, so ``Fraction(2**63 - 1, 10**9)`` is
Go's largest ``Duration``, a valid ticker period). Negative ones mean
"now", as Go's ``when(d)`` does. ``when`` is capped at Go's ``maxWhen``
(``2**63 - 1`` ns, about 292 years) and the clock stops one nanosecond short of
it, so a huge or infinite duration never fires.

Single-threaded, so Go's transient states (running, removing, modifying,
moving) last only inside one call and are not modelled. Taught in the chapter
``timer_heap``.
"""

from __future__ import annotations

import enum
import math
import numbers
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, TypeAlias

from support._validate import check_int
from support.timer_heap._dary import check_arity, heap_pop, heap_push, heap_replace, heapify

__all__ = ["MAX_WHEN_NS", "HeapNode", "Timer", "TimerHeap", "TimerHeapStatistics", "TimerRuntime", "TimerState"]

MAX_WHEN_NS: Final = (1 << 63) - 1  # Go's maxWhen
Seconds: TypeAlias = float | Fraction  # ints too; Fractions convert exactly
_SEQ_BITS: Final = 40
_SEQ_MASK: Final = (1 << _SEQ_BITS) - 1
_NEVER: Final = MAX_WHEN_NS << _SEQ_BITS


class TimerState(enum.Enum):
    """The states of Go's runtime timer that last between calls (Go 1.14 to 1.22)."""

    NO_STATUS = "timerNoStatus"  # never started, or a one-shot that has fired
    WAITING = "timerWaiting"  # in a heap, entry up to date
    DELETED = "timerDeleted"  # stopped; its entry is stale until cleaned
    REMOVED = "timerRemoved"  # stopped and cleaned out of the heap
    MODIFIED_EARLIER = "timerModifiedEarlier"  # reset to before its entry's time
    MODIFIED_LATER = "timerModifiedLater"  # reset to after its entry's time


_PENDING: Final = (TimerState.WAITING, TimerState.MODIFIED_EARLIER, TimerState.MODIFIED_LATER)
_MODIFIED: Final = (TimerState.MODIFIED_EARLIER, TimerState.MODIFIED_LATER)


def _ns(value: object, what: str) -> int:
    """Seconds as integer nanoseconds, clamped to Go's range; a clear error for NaN or non-numbers.

    ints and :class:`fractions.Fraction` convert exactly (``Fraction(2**63 - 1, 10**9)``
    is Go's largest ``Duration``); floats are rounded to the nearest nanosecond.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{what} must be a number of seconds (int, float or Fraction), got {type(value).__name__} {value!r}"
        )
    if isinstance(value, numbers.Rational):  # int or Fraction: exact
        ns = int(value) * 1_000_000_000 if isinstance(value, numbers.Integral) else round(Fraction(value) * 10**9)
        return max(-MAX_WHEN_NS, min(MAX_WHEN_NS, ns))
    number = float(value)
    if math.isnan(number):
        raise ValueError(f"{what} must not be NaN")
    if abs(number) >= MAX_WHEN_NS / 1e9:  # huge or infinite: saturate, as Go's when() does
        return MAX_WHEN_NS if number > 0 else -MAX_WHEN_NS
    return max(-MAX_WHEN_NS, min(MAX_WHEN_NS, round(number * 1e9)))


def _period_ns(period: object) -> int:
    """A ticker period in ns: 0 (one-shot) or positive and finite; Go's largest Duration is allowed."""
    period_ns = _ns(period, "period")
    if period_ns < 0 or (period_ns == 0 and period != 0) or (isinstance(period, float) and math.isinf(period)):
        raise ValueError(f"period must be 0 (one-shot) or a positive finite number of seconds, got {period!r}")
    return period_ns


class Timer:
    """One timer: a callback, a deadline, a period (0 for one-shot) and Go's state.

    Create timers through :meth:`TimerHeap.schedule_after` or :meth:`TimerHeap.schedule_at`.
    """

    __slots__ = ("_key", "_next", "_owner", "_runtime", "callback", "fired", "name", "period_ns", "state")

    def __init__(self, runtime: TimerRuntime, callback: Callable[[], object], period_ns: int, name: str) -> None:
        self._runtime = runtime
        self._owner: TimerHeap | None = None  # the heap holding this timer's entry
        self._key = 0  # the entry's key while in a heap
        self._next = 0  # the pending key while MODIFIED_*
        self.callback = callback
        self.period_ns = period_ns
        self.name = name
        self.state = TimerState.NO_STATUS
        self.fired = 0

    @property
    def heap(self) -> TimerHeap | None:
        """The heap that holds this timer's entry, or ``None`` if it is in none."""
        return self._owner

    @property
    def when(self) -> float | None:
        """When it will fire, in seconds (``math.inf`` for never), or ``None`` if it is not pending."""
        if self.state not in _PENDING:
            return None
        key = self._next if self.state in _MODIFIED else self._key
        when_ns = key >> _SEQ_BITS
        return math.inf if when_ns >= MAX_WHEN_NS else when_ns / 1e9

    def __repr__(self) -> str:
        return f"<Timer {self.name} {self.state.name} when={self.when}>"


@dataclass(frozen=True)
class HeapNode:
    """One heap slot, for pictures and checks: position, the entry's time and seq, and the timer's state."""

    index: int
    parent: int | None
    when: float
    seq: int
    name: str
    state: TimerState


@dataclass(frozen=True)
class TimerHeapStatistics:
    """A snapshot of one heap: its size, how many entries are live, stale (deleted) or awaiting re-keying."""

    name: str
    arity: int
    entries: int
    live: int
    deleted: int
    modified: int

    def __str__(self) -> str:
        return (f"{self.name} (arity {self.arity}): {self.entries} entries, {self.live} live, "
                f"{self.deleted} deleted, {self.modified} modified")


class TimerHeap:
    """One P's timer heap. Get them from :class:`TimerRuntime`; see the module docstring for the model."""

    def __init__(self, runtime: TimerRuntime, name: str, arity: int) -> None:
        self.runtime = runtime
        self.name = name
        self.arity = check_arity(arity)
        self._heap: list[int] = []
        self._timers: dict[int, Timer] = {}
        self._deleted = 0
        self._modified_earliest = _NEVER  # least pending key of any MODIFIED_EARLIER timer (conservative)

    # -- Go's time.AfterFunc / NewTicker / Stop / Reset ---------------------------------------------------
    def schedule_after(
        self, delay: Seconds, callback: Callable[[], object], *, period: Seconds = 0, name: str = ""
    ) -> Timer:
        """Start a timer that fires ``delay`` seconds from now (Go's ``AfterFunc``; with ``period``, a ticker)."""
        return self._schedule(self.runtime._when(delay), callback, period, name)

    def schedule_at(
        self, when: Seconds, callback: Callable[[], object], *, period: Seconds = 0, name: str = ""
    ) -> Timer:
        """Start a timer that fires at the absolute time ``when`` seconds (past times fire at the next check)."""
        return self._schedule(_ns(when, "when"), callback, period, name)

    def stop(self, timer: Timer) -> bool:
        """Stop ``timer``; True if it was pending. Lazy: only its state changes (Go's ``deltimer``)."""
        self._check_owner(timer)
        if timer.state not in _PENDING:
            return False
        timer.state = TimerState.DELETED
        self._deleted += 1
        self._bound_stale()
        return True

    def reset(self, timer: Timer, delay: Seconds) -> bool:
        """Make ``timer`` fire ``delay`` seconds from now; True if it was pending (Go's ``Reset``)."""
        return self._reset(timer, self.runtime._when(delay))

    def reset_ticker(self, timer: Timer, period: Seconds) -> None:
        """Go's ``Ticker.Reset(d)``: the ticker's period becomes ``period`` and its next tick is one period away.

        A stopped ticker starts again. Refused for a one-shot timer and for a
        period that is not positive (Go panics: "non-positive interval").
        """
        self._check_owner(timer)
        if not timer.period_ns:
            raise ValueError(f"reset_ticker needs a ticker (scheduled with period=...), {timer.name} is one-shot")
        period_ns = _period_ns(period)
        if period_ns == 0:
            raise ValueError(f"a ticker's period must be positive, got {period!r}")
        timer.period_ns = period_ns
        self._reset(timer, min(self.runtime._sync() + period_ns, MAX_WHEN_NS))

    def reset_at(self, timer: Timer, when: Seconds) -> bool:
        """Make ``timer`` fire at ``when`` seconds; True if it was pending."""
        return self._reset(timer, _ns(when, "when"))

    # -- the scheduler's steps ------------------------------------------------------------------------------
    def adjust(self) -> None:
        """Walk the whole heap: drop deleted entries, re-key modified ones, re-heapify (Go's ``adjusttimers``)."""
        kept: list[int] = []
        timers: dict[int, Timer] = {}
        for key in self._heap:
            timer = self._timers[key]
            if timer.state is TimerState.DELETED:
                self._drop(timer, TimerState.REMOVED)
                continue
            if timer.state in _MODIFIED:
                key = timer._key = timer._next
                timer.state = TimerState.WAITING
            kept.append(key)
            timers[key] = timer
        heapify(kept, self.arity)
        self._heap, self._timers = kept, timers
        self._deleted = 0
        self._modified_earliest = _NEVER

    def clean(self) -> None:
        """Fix the top until a waiting timer (or nothing) is there (Go's ``cleantimers``)."""
        heap, timers = self._heap, self._timers
        while heap:
            timer = timers[heap[0]]
            if timer.state is TimerState.WAITING:
                return
            if timer.state is TimerState.DELETED:
                heap_pop(heap, self.arity)
                self._deleted -= 1
                self._drop(timer, TimerState.REMOVED)
            else:  # modified: move the entry to its new key
                del timers[timer._key]
                heap_replace(heap, timer._next, self.arity)
                timer._key = timer._next
                timers[timer._key] = timer
                timer.state = TimerState.WAITING

    def run_timers(self) -> list[Timer]:
        """Fire this heap's due timers, in order, at the runtime's current time (Go's ``checkTimers``)."""
        fired: list[Timer] = []
        try:
            while (top := self._settle()) is not None and top >> _SEQ_BITS <= self.runtime._now:
                fired.append(self._fire_top())
        finally:
            self._bound_stale()
        return fired

    def move_timers_to(self, other: TimerHeap) -> int:
        """Move every pending timer to ``other`` and empty this heap (Go's ``moveTimers`` when a P is destroyed)."""
        if not isinstance(other, TimerHeap) or other.runtime is not self.runtime or other is self:
            raise ValueError(f"can only move timers to another heap of the same runtime, got {other!r}")
        moved = 0
        for key in self._heap:
            timer = self._timers[key]
            if timer.state is TimerState.DELETED:
                self._drop(timer, TimerState.REMOVED)
                continue
            if timer.state in _MODIFIED:
                timer._key = timer._next
                if timer.state is TimerState.MODIFIED_EARLIER:
                    other._modified_earliest = min(other._modified_earliest, timer._key)
            timer.state = TimerState.WAITING
            timer._owner = other
            heap_push(other._heap, timer._key, other.arity)
            other._timers[timer._key] = timer
            moved += 1
        self._heap, self._timers, self._deleted, self._modified_earliest = [], {}, 0, _NEVER
        return moved

    # -- looking inside -------------------------------------------------------------------------------------
    def nodes(self) -> list[HeapNode]:
        """Every slot of the heap in list order, with the entry's (possibly stale) key and the timer's state."""
        out = []
        for i, key in enumerate(self._heap):
            timer, when_ns = self._timers[key], key >> _SEQ_BITS
            when = math.inf if when_ns >= MAX_WHEN_NS else when_ns / 1e9
            parent = (i - 1) // self.arity if i else None
            out.append(HeapNode(i, parent, when, key & _SEQ_MASK, timer.name, timer.state))
        return out

    def statistics(self) -> TimerHeapStatistics:
        """Sizes of this heap right now."""
        modified = sum(self._timers[k].state in _MODIFIED for k in self._heap)
        live = len(self._heap) - self._deleted
        return TimerHeapStatistics(self.name, self.arity, len(self._heap), live, self._deleted, modified)

    def __iter__(self) -> Iterator[Timer]:
        """The timers that have an entry here, in heap order."""
        return (self._timers[key] for key in self._heap)

    def __len__(self) -> int:
        return len(self._heap)

    def __repr__(self) -> str:
        return f"<TimerHeap {self.name} arity={self.arity} entries={len(self._heap)} deleted={self._deleted}>"

    # -- internals ------------------------------------------------------------------------------------------
    def _schedule(self, when_ns: int, callback: Callable[[], object], period: Seconds, name: str) -> Timer:
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {type(callback).__name__} {callback!r}")
        period_ns = _period_ns(period)
        timer = Timer(self.runtime, callback, period_ns, name or f"t{self.runtime._seq}")
        self._push(timer, self.runtime._key(when_ns))
        return timer

    def _push(self, timer: Timer, key: int) -> None:
        timer._key, timer._owner, timer.state = key, self, TimerState.WAITING
        self._timers[key] = timer
        heap_push(self._heap, key, self.arity)

    def _reset(self, timer: Timer, when_ns: int) -> bool:
        self._check_owner(timer)
        key = self.runtime._key(when_ns)
        state = timer.state
        if state in (TimerState.NO_STATUS, TimerState.REMOVED):
            self._push(timer, key)
            return False
        if state is TimerState.DELETED:
            self._deleted -= 1
        timer._next = key
        if key < timer._key:
            timer.state = TimerState.MODIFIED_EARLIER
            self._modified_earliest = min(self._modified_earliest, key)
        else:
            timer.state = TimerState.MODIFIED_LATER
        return state is not TimerState.DELETED

    def _check_owner(self, timer: Timer) -> None:
        if not isinstance(timer, Timer):
            raise TypeError(f"expected a Timer, got {type(timer).__name__} {timer!r}")
        if timer._runtime is not self.runtime:
            raise ValueError(f"timer {timer.name} belongs to another TimerRuntime")
        if timer._owner is not None and timer._owner is not self:
            raise ValueError(f"timer {timer.name} is in heap {timer._owner.name}, not {self.name}; use that heap")

    def _drop(self, timer: Timer, state: TimerState) -> None:
        self._timers.pop(timer._key, None)
        timer._owner, timer.state = None, state

    def _settle(self) -> int | None:
        """Adjust if a timer was moved earlier to a due time, clean the top, return the top key."""
        if self._modified_earliest >> _SEQ_BITS <= self.runtime._now:
            self.adjust()
        self.clean()
        return self._heap[0] if self._heap else None

    def _fire_top(self) -> Timer:
        """Fire the (waiting, due) timer at the top, then call its callback."""
        key = self._heap[0]
        timer = self._timers.pop(key)
        if timer.period_ns:
            when, period, now = key >> _SEQ_BITS, timer.period_ns, self.runtime._now
            when = min(when + period * (1 + (now - when) // period), MAX_WHEN_NS)
            timer._key = self.runtime._key(when)
            self._timers[timer._key] = timer
            heap_replace(self._heap, timer._key, self.arity)
        else:
            heap_pop(self._heap, self.arity)
            timer._owner, timer.state = None, TimerState.NO_STATUS
        timer.fired += 1
        timer.callback()
        return timer

    def _bound_stale(self) -> None:
        if self._deleted * 4 > len(self._heap):
            self.adjust()


class TimerRuntime:
    """Go's runtime in miniature: ``procs`` Ps, each with a :class:`TimerHeap` of the given ``arity``, one clock.

    ``advance_to``/``advance`` move the clock and fire every due timer on every
    heap in one global order (deadline, then scheduling order). Time starts at 0.
    """

    def __init__(self, procs: int = 1, arity: int = 4) -> None:
        check_int(procs, "procs", minimum=1)
        self._now = 0
        self._seq = 0
        self._wake: Callable[[], object] | None = None  # called whenever a deadline is set (a driver's wake-up)
        self._clock: Callable[[], float] | None = None  # an outside clock in seconds (a driver's), read by _sync
        self.heaps = [TimerHeap(self, f"P{i}", arity) for i in range(procs)]

    @property
    def now(self) -> float:
        """The runtime's clock, in seconds."""
        return self._sync() / 1e9

    def _sync(self) -> int:
        """Catch the clock up with the outside clock, if a driver set one; returns now in ns."""
        if self._clock is not None:
            self._now = max(self._now, min(_ns(self._clock(), "clock"), MAX_WHEN_NS - 1))
        return self._now

    def _when(self, delay: object) -> int:
        """Go's ``when(d)``: now plus ``delay`` (negative means now), saturated at ``maxWhen``."""
        return min(self._sync() + max(0, _ns(delay, "delay")), MAX_WHEN_NS)

    def next_deadline(self) -> float:
        """The earliest time, in seconds, at which a timer may be due (``math.inf`` if none).

        Like Go's ``nobarrierWakeTime``: the least top entry or moved-earlier
        deadline of any heap. It may be early (a stale top), never late.
        """
        best = _NEVER
        for heap in self.heaps:
            if heap._heap:
                best = min(best, heap._heap[0])
            best = min(best, heap._modified_earliest)
        when_ns = best >> _SEQ_BITS
        return math.inf if when_ns >= MAX_WHEN_NS else when_ns / 1e9

    def advance(self, seconds: Seconds) -> list[Timer]:
        """Move the clock ``seconds`` forward and fire what is due; returns the timers fired, in order."""
        step = _ns(seconds, "seconds")
        if step < 0:
            raise ValueError(f"time cannot go backwards: advance({seconds!r})")
        return self._advance(self._now + step)

    def advance_to(self, when: Seconds) -> list[Timer]:
        """Move the clock to ``when`` seconds (not before now) and fire what is due, in order."""
        when_ns = _ns(when, "when")
        if when_ns < self._now:
            raise ValueError(f"time cannot go backwards: now is {self.now}, asked for {when!r}")
        return self._advance(when_ns)

    def _advance(self, when_ns: int) -> list[Timer]:
        self._now = min(when_ns, MAX_WHEN_NS - 1)
        fired: list[Timer] = []
        try:
            while True:
                best: TimerHeap | None = None
                best_key = _NEVER
                for heap in self.heaps:
                    top = heap._settle()
                    if top is not None and top < best_key:
                        best, best_key = heap, top
                if best is None or best_key >> _SEQ_BITS > self._now:
                    return fired
                fired.append(best._fire_top())
        finally:
            for heap in self.heaps:
                heap._bound_stale()

    def _key(self, when_ns: int) -> int:
        seq = self._seq
        if seq > _SEQ_MASK:
            raise OverflowError("this TimerRuntime has handed out 2**40 sequence numbers; make a new one")
        self._seq = seq + 1
        if self._wake is not None:
            self._wake()
        return (when_ns << _SEQ_BITS) | seq
