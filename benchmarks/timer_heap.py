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
cancels out. The measuring code lives in :mod:`support.timer_heap`
(``measure_timer_heap``, ``stress_41699``), the same function the chapter's
Measured cell calls.
"""

from __future__ import annotations

import statistics

from benchmarks._common import Figure
from support.timer_heap import measure_timer_heap, stress_41699

N = 200_000
STRESS_TIMERS = 50_000
STRESS_ROUNDS = 5


def run(quick: bool = False) -> list[Figure]:
    n = 20_000 if quick else N
    repeat = 2 if quick else 7
    m = measure_timer_heap(n, repeat, phase_repeat=1 if quick else 3)
    quick_note = " (quick: N=20k; the goals are set for N=200k)" if quick else ""
    figs: list[Figure] = []
    for kind in m.pop_us:
        note = f"N={n} timer entries, per entry"
        figs.append(Figure(f"timerheap.push_us.{kind}", m.push_us[kind], "us", note))
        figs.append(Figure(f"timerheap.pop_us.{kind}", m.pop_us[kind], "us", note))
        figs.append(Figure(f"timerheap.raw_pop_us.{kind}", m.raw_pop_us[kind], "us", f"N={n} bare ints"))
    figs.append(Figure("timerheap.pop_speed_vs_heapq", m.pop_vs_heapq, "x",
                       "heapq pop time / 4-ary pop time, timer entries" + quick_note,
                       goal=None if quick else 0.33))
    figs.append(Figure("timerheap.pop_speed_vs_binary", m.pop_vs_binary, "x",
                       "arity-2 pop time / arity-4 pop time, same code" + quick_note,
                       goal=None if quick else 1.5))
    figs.append(Figure("timerheap.raw_pop_speed_vs_heapq", m.raw_pop_vs_heapq, "x",
                       "the same on bare ints: heapq's C compares ints faster than tuples"))
    for kind, phases in m.phases_us.items():
        who = "heapq_lazy" if kind == "heapq" else kind
        for phase, value in phases.items():
            figs.append(Figure(f"timerheap.timers.{phase}_us.{who}", value, "us",
                               "per timer; heapq_lazy = trio-style peer"))
    timers = 5_000 if quick else STRESS_TIMERS
    rounds = 2 if quick else STRESS_ROUNDS
    for arity in (4, None):
        results = [stress_41699(timers, rounds, arity) for _ in range(max(1, repeat // 2))]
        who = "arity4" if arity else "heapq_lazy"
        note = f"{timers} timers x {rounds} rounds x 2 resets, then all fire"
        figs.append(Figure(f"timerheap.stress41699_s.{who}", statistics.median(r[0] for r in results), "s", note))
        figs.append(Figure(f"timerheap.stress41699_peak_entries.{who}", results[0][1], "entries", note))
    return figs


if __name__ == "__main__":
    for fig in run(quick=False):
        goal = f"  (goal {fig.goal}, met={fig.met})" if fig.goal else ""
        print(f"BENCH {fig.name} {fig.value:.4g} {fig.unit}{goal}")
