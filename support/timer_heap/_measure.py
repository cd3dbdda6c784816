"""Measuring timer heaps: the one home of the code behind the chapter's Measured cell and ``book bench``.

Mental model: every contender gets the same random workload in the same
process run, kinds interleaved within each repeat (the order rotating from one
repeat to the next). Times are medians over repeats; ratios are *paired
medians*: the median over repeats of slow/fast, each pair timed moments apart,
so a change of machine load between repeats cancels out. The contenders:

* **timer entries**: N random deadlines pushed into an empty heap, then all
  popped, each pop giving its timer back: :mod:`heapq` with ``(when, seq,
  timer)`` tuples (trio's layout), ours with int keys ``when << 40 | seq`` and
  a dict (what :class:`~support.timer_heap.TimerHeap` does), at arity 2, 4
  and 8; ``raw`` repeats the pop on bare ints;
* **timers**: :class:`~support.timer_heap.TimerRuntime` against
  :class:`HeapqTimers`, trio's lazy ``Deadlines`` rule on a heapq. Phases:
  schedule N, stop N/2, reset the other N/2, fire the rest;
* **held heaps**: pop the earliest and push a later one on a heap kept at a
  fixed size, as a busy timer heap does.

Taught in the chapter ``timer_heap``.
"""

from __future__ import annotations

import gc
import heapq
import random
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from support.timer_heap._dary import heap_pop, heap_push, heapify
from support.timer_heap._timers import TimerRuntime

__all__ = ["HeapqTimers", "TimerHeapMeasurement", "measure_timer_heap", "stress_41699"]

KINDS: tuple[int | None, ...] = (None, 2, 4, 8)  # None: heapq
LABELS = {None: "heapq", 2: "arity2", 4: "arity4", 8: "arity8"}
PHASES = ("schedule", "stop", "reset", "fire")


def _noop() -> None:
    pass


@contextmanager
def _paused_gc() -> Iterator[None]:
    """No cyclic collection inside a timed loop (as :mod:`timeit` does)."""
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _entries(whens: list[int], arity: int | None) -> tuple[float, float, list[int]]:
    """Push one timer entry per deadline, then pop all: (push s, pop s, timers in pop order)."""
    n = len(whens)
    if arity is None:
        heap: list[tuple[int, int, int]] = []
        push, pop = heapq.heappush, heapq.heappop
        start = time.perf_counter()
        for seq, when in enumerate(whens):
            push(heap, (when, seq, seq))
        mid = time.perf_counter()
        out = [pop(heap)[2] for _ in range(n)]
    else:
        keys: list[int] = []
        timers: dict[int, int] = {}
        start = time.perf_counter()
        for seq, when in enumerate(whens):
            key = (when << 40) | seq
            timers[key] = seq
            heap_push(keys, key, arity)
        mid = time.perf_counter()
        take = timers.pop
        out = [take(heap_pop(keys, arity)) for _ in range(n)]
    return mid - start, time.perf_counter() - mid, out


def _raw_pop(keys: list[int], arity: int | None) -> float:
    """Seconds to pop every key from a heap of the same bare ints."""
    heap = list(keys)
    if arity is None:
        heapq.heapify(heap)
        pop = heapq.heappop
        start = time.perf_counter()
        for _ in range(len(heap)):
            pop(heap)
    else:
        heapify(heap, arity)
        start = time.perf_counter()
        for _ in range(len(heap)):
            heap_pop(heap, arity)
    return time.perf_counter() - start


def _hold_rate(size: int, arity: int | None, ops: int = 3000) -> float:
    """Pop+push pairs per second on a heap held at ``size`` entries."""
    heap = [k << 40 for k in range(size)]  # sorted, so already a heap of any arity
    rng = random.Random(1)
    steps = [(size + rng.randrange(size)) << 40 for _ in range(ops)]
    start = time.perf_counter()
    if arity is None:
        for step in steps:
            heapq.heappush(heap, heapq.heappop(heap) + step)
    else:
        for step in steps:
            heap_push(heap, heap_pop(heap, arity) + step, arity)
    return ops / (time.perf_counter() - start)


class HeapqTimers:
    """The trio-style peer: heapq of (when, seq, timer), a fresh entry per change, stale entries skipped."""

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, list[object]]] = []
        self.seq = 0
        self.active = 0
        self.peak = 0

    def schedule_at(self, when: float, callback: Callable[[], object]) -> list[object]:
        timer: list[object] = [when, callback, True]
        self._push(when, timer)
        self.active += 1
        return timer

    def stop(self, timer: list[object]) -> bool:
        if not timer[2]:
            return False
        timer[2] = False
        self.active -= 1
        return True

    def reset_at(self, timer: list[object], when: float) -> bool:
        was = bool(timer[2])
        timer[0], timer[2] = when, True
        self.active += not was
        self._push(when, timer)
        return was

    def advance_to(self, now: float) -> int:
        heap, fired = self.heap, 0
        while heap and heap[0][0] <= now:
            when, _, timer = heapq.heappop(heap)
            if timer[2] and timer[0] == when:
                timer[2] = False
                self.active -= 1
                fired += 1
                timer[1]()  # type: ignore[operator]  # the callback slot
        if len(heap) > 2 * self.active + 1000:  # trio's prune rule
            self.heap = [e for e in heap if e[2][2] and e[2][0] == e[0]]
            heapq.heapify(self.heap)
        return fired

    def _push(self, when: float, timer: list[object]) -> None:
        heapq.heappush(self.heap, (when, self.seq, timer))
        self.seq += 1
        self.peak = max(self.peak, len(self.heap))


def _timer_phases(n: int, arity: int | None, seed: int = 2) -> dict[str, float]:
    """Seconds per phase for ours at ``arity`` or the heapq peer (``None``)."""
    rng = random.Random(seed)
    whens = [rng.uniform(1, 1000) for _ in range(n)]
    order = list(range(n))
    rng.shuffle(order)
    stops, resets = order[: n // 2], order[n // 2 :]
    new = [rng.uniform(1, 1000) for _ in resets]
    marks = [time.perf_counter()]
    if arity is None:
        peer = HeapqTimers()
        ts = [peer.schedule_at(w, _noop) for w in whens]
        marks.append(time.perf_counter())
        for i in stops:
            peer.stop(ts[i])
        marks.append(time.perf_counter())
        for i, w in zip(resets, new, strict=True):
            peer.reset_at(ts[i], w)
        marks.append(time.perf_counter())
        fired = peer.advance_to(2000)
    else:
        rt = TimerRuntime(arity=arity)
        p = rt.heaps[0]
        timers = [p.schedule_at(w, _noop) for w in whens]
        marks.append(time.perf_counter())
        for i in stops:
            p.stop(timers[i])
        marks.append(time.perf_counter())
        for i, w in zip(resets, new, strict=True):
            p.reset_at(timers[i], w)
        marks.append(time.perf_counter())
        fired = len(rt.advance_to(2000))
    marks.append(time.perf_counter())
    if fired != len(resets):
        raise AssertionError(f"fired {fired} timers, expected {len(resets)}")
    return {phase: b - a for phase, a, b in zip(PHASES, marks[:-1], marks[1:], strict=True)}


def stress_41699(timers: int, rounds: int, arity: int | None) -> tuple[float, int]:
    """golang/go#41699 in miniature: each timer reset to 5 s then 10 s, clock +20 ms, per round.

    Returns (seconds, peak heap entries); ``arity=None`` is the heapq peer.
    """
    start = time.perf_counter()
    if arity is None:
        peer = HeapqTimers()
        ts = [peer.schedule_at(5.0, _noop) for _ in range(timers)]
        now = 0.0
        for _ in range(rounds):
            for t in ts:
                peer.reset_at(t, now + 5.0)
                peer.reset_at(t, now + 10.0)
            now += 0.02
            peer.advance_to(now)
        fired, peak = peer.advance_to(now + 11.0), peer.peak
    else:
        rt = TimerRuntime(arity=arity)
        p = rt.heaps[0]
        timers_ = [p.schedule_after(5.0, _noop) for _ in range(timers)]
        peak = len(p)
        for _ in range(rounds):
            for timer in timers_:
                p.reset(timer, 5.0)
                p.reset(timer, 10.0)
            peak = max(peak, len(p))
            rt.advance(0.02)
        fired = len(rt.advance(11.0))
    if fired != timers:
        raise AssertionError(f"stress fired {fired} of {timers}")
    return time.perf_counter() - start, peak


def _paired(slow: Sequence[float], fast: Sequence[float]) -> float:
    """The median over repeats of slow/fast."""
    return statistics.median(a / b for a, b in zip(slow, fast, strict=True))


@dataclass(frozen=True)
class TimerHeapMeasurement:
    """One measuring run. Times are microseconds per entry (medians); ratios are paired medians.

    Dicts are keyed by ``"heapq"``, ``"arity2"``, ``"arity4"``, ``"arity8"``;
    ``phases_us`` by kind then phase; ``hold_rates`` by kind, one pop+push
    rate per size in ``hold_sizes``.
    """

    n: int
    repeat: int
    push_us: dict[str, float]
    pop_us: dict[str, float]
    raw_pop_us: dict[str, float]
    pop_vs_heapq: float
    pop_vs_binary: float
    raw_pop_vs_heapq: float
    phases_us: dict[str, dict[str, float]]
    hold_sizes: tuple[int, ...] = ()
    hold_rates: dict[str, list[float]] = field(default_factory=dict)

    def summary(self) -> str:
        """Lines of at most 80 characters: the table and the two paired ratios."""
        head = f"N = {self.n:,}, median of {self.repeat}"
        lines = [f"{head:24}" + "".join(f"{k:>12}" for k in self.pop_us)]
        for what, row in (("push a timer entry", self.push_us), ("pop a timer entry", self.pop_us),
                          ("pop a bare int", self.raw_pop_us)):
            lines.append(f"{what:24}" + "".join(f"{v:>10.2f}us" for v in row.values()))
        lines.append(f"4-ary pop: {self.pop_vs_heapq:.2f} x heapq's speed, "
                     f"{self.pop_vs_binary:.2f} x the binary heap's (paired medians)")
        return "\n".join(lines)


def measure_timer_heap(n: int, repeat: int, *, phase_repeat: int = 1, hold_sizes: Sequence[int] = (),
                       seed: int = 1) -> TimerHeapMeasurement:
    """Time every contender on one shared random workload; see the module docstring."""
    for name, value in (("n", n), ("repeat", repeat), ("phase_repeat", phase_repeat)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    rng = random.Random(seed)
    whens = [rng.randrange(10**12) for _ in range(n)]
    raw_keys = [(w << 40) | i for i, w in enumerate(whens)]
    push: dict[int | None, list[float]] = {k: [] for k in KINDS}
    pop: dict[int | None, list[float]] = {k: [] for k in KINDS}
    raw: dict[int | None, list[float]] = {k: [] for k in KINDS}
    phases: dict[int | None, dict[str, list[float]]] = {k: {p: [] for p in PHASES} for k in KINDS}
    hold: dict[str, list[float]] = {}
    with _paused_gc():  # one collection before, none inside a timed loop
        for r in range(repeat):
            orders = []
            for kind in KINDS[r % len(KINDS):] + KINDS[: r % len(KINDS)]:  # rotate the order each repeat
                a, b, order = _entries(whens, kind)
                orders.append(order)
                push[kind].append(a)
                pop[kind].append(b)
                raw[kind].append(_raw_pop(raw_keys, kind))
            if any(order != orders[0] for order in orders):
                raise AssertionError("the heaps popped the timers in different orders")
            for kind in KINDS if r < phase_repeat else ():
                for phase, secs in _timer_phases(n, kind).items():
                    phases[kind][phase].append(secs)
        for kind in KINDS if hold_sizes else ():
            hold[LABELS[kind]] = [_hold_rate(size, kind) for size in hold_sizes]
    med, us = statistics.median, 1e6 / n
    per = {"schedule": n, "stop": n // 2, "reset": n - n // 2, "fire": n - n // 2}
    return TimerHeapMeasurement(
        n=n, repeat=repeat,
        push_us={LABELS[k]: med(push[k]) * us for k in KINDS},
        pop_us={LABELS[k]: med(pop[k]) * us for k in KINDS},
        raw_pop_us={LABELS[k]: med(raw[k]) * us for k in KINDS},
        pop_vs_heapq=_paired(pop[None], pop[4]),
        pop_vs_binary=_paired(pop[2], pop[4]),
        raw_pop_vs_heapq=_paired(raw[None], raw[4]),
        phases_us={LABELS[k]: {p: med(phases[k][p]) * 1e6 / max(1, per[p]) for p in PHASES}
                   for k in KINDS if phases[k]["fire"]},
        hold_sizes=tuple(hold_sizes),
        hold_rates=hold,
    )
