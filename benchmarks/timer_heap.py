"""Timer heap: push, pop, stop and reset at arity 2, 4 and 8 beside heapq, N = 200k; and a Go issue 41699 stress.

Two levels, each on one random workload shared by every contender:

* **Timer entries** (the goals). The same N random deadlines pushed as timer
  entries into an empty heap, then all popped, each pop giving its timer back:
  heapq with ``(when, seq, timer)`` tuples (trio's layout), ours with int keys
  ``when << 40 | seq`` and a dict (what :class:`support.TimerHeap` does), at
  arity 2, 4 and 8. Every contender must pop the same order.
  ``pop_speed_vs_heapq`` is heapq's pop time over the 4-ary pop time;
  ``pop_speed_vs_binary`` is the arity-2 pop time over the 4-ary one (same
  code, arity the only change). ``raw_pop_*`` repeats the pop on bare ints,
  without payload, where heapq's C int compares win by more.
* **Timers.** ``TimerRuntime(arity=d)`` against a trio-style peer: a heapq of
  ``(when, seq, timer)`` tuples with lazy deletion, where every reset pushes a
  fresh entry and stale ones are skipped when popped (trio's ``Deadlines``).
  Phases: schedule N, stop N/2, reset the other N/2, fire the rest.
* **Stress like golang/go#41699.** 50k timers at 5 s; five rounds in which each
  timer is reset to 5 s and then to 10 s from now, and the clock moves 20 ms;
  then everything fires. Reported: seconds and the peak number of heap entries.

Kinds are interleaved within each repeat (the order rotating from one repeat
to the next). Times are medians over repeats; ratios are medians of the
ratios within each repeat, so a change of machine load between repeats
cancels out.
"""

from __future__ import annotations

import heapq
import random
import statistics
import time
from collections.abc import Callable

from benchmarks._common import Figure, paused_gc
from support import TimerRuntime, heap_pop, heap_push
from support.timer_heap import heapify

N = 200_000
ARITIES = (2, 4, 8)
STRESS_TIMERS = 50_000
STRESS_ROUNDS = 5


def _noop() -> None:
    pass


def _workload(n: int, seed: int = 1) -> list[int]:
    """N random deadlines in integer nanoseconds (up to ~17 minutes), the same for every contender."""
    rng = random.Random(seed)
    return [rng.randrange(10**12) for _ in range(n)]


def entries(whens: list[int], arity: int | None) -> tuple[float, float, list[int]]:
    """Push one timer entry per deadline, then pop them all, getting each timer back (``arity=None``: heapq).

    heapq holds ``(when, seq, timer)`` tuples, as trio does; ours holds int keys
    ``when << 40 | seq`` and finds the timer in a dict, as :class:`support.TimerHeap` does.
    Returns (push seconds, pop seconds, the timers in pop order).
    """
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
    end = time.perf_counter()
    return mid - start, end - mid, out


def raw_pop(keys: list[int], arity: int | None) -> float:
    """Seconds to pop every key from a heap of the same plain ints (no payload): the bare sift cost."""
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


def timer_phases(n: int, arity: int | None, seed: int = 2) -> dict[str, float]:
    """Seconds per phase (schedule, stop, reset, fire) for ours at ``arity`` or the heapq peer (``None``)."""
    rng = random.Random(seed)
    whens = [rng.uniform(1, 1000) for _ in range(n)]
    order = list(range(n))
    rng.shuffle(order)
    stops, resets = order[: n // 2], order[n // 2 :]
    new = [rng.uniform(1, 1000) for _ in resets]
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    if arity is None:
        peer = HeapqTimers()
        ts = [peer.schedule_at(w, _noop) for w in whens]
        t1 = time.perf_counter()
        for i in stops:
            peer.stop(ts[i])
        t2 = time.perf_counter()
        for i, w in zip(resets, new, strict=True):
            peer.reset_at(ts[i], w)
        t3 = time.perf_counter()
        fired = peer.advance_to(2000)
    else:
        rt = TimerRuntime(arity=arity)
        p = rt.heaps[0]
        timers = [p.schedule_at(w, _noop) for w in whens]
        t1 = time.perf_counter()
        for i in stops:
            p.stop(timers[i])
        t2 = time.perf_counter()
        for i, w in zip(resets, new, strict=True):
            p.reset_at(timers[i], w)
        t3 = time.perf_counter()
        fired = len(rt.advance_to(2000))
    t4 = time.perf_counter()
    if fired != len(resets):
        raise AssertionError(f"fired {fired} timers, expected {len(resets)}")
    out.update(schedule=t1 - t0, stop=t2 - t1, reset=t3 - t2, fire=t4 - t3)
    return out


def stress_41699(timers: int, rounds: int, arity: int | None) -> tuple[float, int]:
    """golang/go#41699 in miniature: returns (seconds, peak heap entries)."""
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
            for timer in timers_:  # not ``t``: that name holds the heapq peer's entries above
                p.reset(timer, 5.0)
                p.reset(timer, 10.0)
            peak = max(peak, len(p))
            rt.advance(0.02)
        fired = len(rt.advance(11.0))
    if fired != timers:
        raise AssertionError(f"stress fired {fired} of {timers}")
    return time.perf_counter() - start, peak


def run(quick: bool = False) -> list[Figure]:
    n = 20_000 if quick else N
    repeat = 2 if quick else 7
    phase_repeat = 1 if quick else 3
    whens = _workload(n)
    raw_keys = [(w << 40) | i for i, w in enumerate(whens)]
    kinds: list[int | None] = [None, *ARITIES]
    label = {None: "heapq", 2: "arity2", 4: "arity4", 8: "arity8"}
    push: dict[int | None, list[float]] = {k: [] for k in kinds}
    pop: dict[int | None, list[float]] = {k: [] for k in kinds}
    raw: dict[int | None, list[float]] = {k: [] for k in kinds}
    phases: dict[int | None, dict[str, list[float]]] = {k: {} for k in kinds}
    for r in range(repeat):
        orders = []
        for kind in kinds[r % len(kinds) :] + kinds[: r % len(kinds)]:  # rotate the order each repeat
            with paused_gc():
                a, b, order = entries(whens, kind)
            orders.append(order)
            push[kind].append(a)
            pop[kind].append(b)
            with paused_gc():
                raw[kind].append(raw_pop(raw_keys, kind))
        if any(order != orders[0] for order in orders):
            raise AssertionError("the heaps popped the timers in different orders")
        for kind in kinds if r < phase_repeat else ():
            with paused_gc():
                measured = timer_phases(n, kind)
            for phase, secs in measured.items():
                phases[kind].setdefault(phase, []).append(secs)
    med = statistics.median

    def paired(slow: list[float], fast: list[float]) -> float:
        """The median over repeats of slow/fast, each pair timed moments apart (robust to load drifting)."""
        return med(a / b for a, b in zip(slow, fast, strict=True))

    us = 1e6 / n
    quick_note = " (quick: N=20k; the goals are set for N=200k)" if quick else ""
    figs: list[Figure] = []
    for kind in kinds:
        note = f"N={n} timer entries, per entry"
        figs.append(Figure(f"timerheap.push_us.{label[kind]}", med(push[kind]) * us, "us", note))
        figs.append(Figure(f"timerheap.pop_us.{label[kind]}", med(pop[kind]) * us, "us", note))
        figs.append(Figure(f"timerheap.raw_pop_us.{label[kind]}", med(raw[kind]) * us, "us", f"N={n} bare ints"))
    figs.append(
        Figure(
            "timerheap.pop_speed_vs_heapq",
            paired(pop[None], pop[4]),
            "x",
            "heapq pop time / 4-ary pop time, timer entries" + quick_note,
            goal=None if quick else 0.33,
        )
    )
    figs.append(
        Figure(
            "timerheap.pop_speed_vs_binary",
            paired(pop[2], pop[4]),
            "x",
            "arity-2 pop time / arity-4 pop time, same code" + quick_note,
            goal=None if quick else 1.5,
        )
    )
    figs.append(
        Figure(
            "timerheap.raw_pop_speed_vs_heapq",
            paired(raw[None], raw[4]),
            "x",
            "the same on bare ints: heapq's C compares ints faster than tuples",
        )
    )
    for kind in kinds:
        who = "heapq_lazy" if kind is None else label[kind]
        for phase in ("schedule", "stop", "reset", "fire"):
            per = n if phase == "schedule" else n // 2
            figs.append(
                Figure(
                    f"timerheap.timers.{phase}_us.{who}",
                    med(phases[kind][phase]) * 1e6 / per,
                    "us",
                    "per timer; heapq_lazy = trio-style peer",
                )
            )
    timers = 5_000 if quick else STRESS_TIMERS
    rounds = 2 if quick else STRESS_ROUNDS
    for kind in (4, None):
        results = [stress_41699(timers, rounds, kind) for _ in range(max(1, repeat // 2))]
        who = "arity4" if kind else "heapq_lazy"
        note = f"{timers} timers x {rounds} rounds x 2 resets, then all fire"
        figs.append(Figure(f"timerheap.stress41699_s.{who}", med(r[0] for r in results), "s", note))
        figs.append(Figure(f"timerheap.stress41699_peak_entries.{who}", results[0][1], "entries", note))
    return figs


if __name__ == "__main__":
    for fig in run(quick=False):
        goal = f"  (goal {fig.goal}, met={fig.met})" if fig.goal else ""
        print(f"BENCH {fig.name} {fig.value:.4g} {fig.unit}{goal}")
