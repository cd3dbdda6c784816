"""Replay a line of AfterFunc/Stop/Reset calls on the model, printing what Go's replay program prints.

Mental model: ``chapters/go/timer_heap/replay`` runs the same line in Go,
inside a ``testing/synctest`` bubble, so both sides see exact virtual times.
A line is ops separated by spaces, durations in whole milliseconds:
``a0:15`` is ``timers[0] = time.AfterFunc(15ms, f)``, ``s0`` is
``timers[0].Stop()``, ``r0:25`` is ``timers[0].Reset(25ms)`` and ``w10``
sleeps 10 ms. The output is the Stop and Reset results in call order, then
every firing as ``timer@ms`` sorted by time and then timer: Go promises no
order among timers due at the same instant, so neither side prints one.
Waiting moves the clock from deadline to deadline, as the bubble's clock
does, so each callback sees its timer's own deadline. Taught in the chapter
``timer_heap``.
"""

from __future__ import annotations

from fractions import Fraction

from support.timer_heap._timers import Timer, TimerRuntime

__all__ = ["replay_afterfunc"]


def _sleep(rt: TimerRuntime, until_ns: int) -> None:
    """Advance to each deadline up to ``until_ns`` in turn, then to ``until_ns`` itself."""
    while (due := rt.next_deadline()) * 1e9 <= until_ns:
        due_ns = max(rt._now, min(until_ns, round(Fraction(due) * 10**9)))
        rt.advance_to(Fraction(due_ns, 10**9))
        if rt.next_deadline() == due:  # a stale top was cleaned and nothing moved: step past it
            break
    rt.advance_to(Fraction(until_ns, 10**9))


def _op(op: str) -> tuple[str, int, int]:
    kind, _, rest = op[:1], None, op[1:]
    name, _, ms = rest.partition(":")
    if kind not in ("a", "s", "r", "w") or not name.isdigit() or (ms and not ms.isdigit()):
        raise ValueError(f"bad op {op!r}: expected a<i>:<ms>, s<i>, r<i>:<ms> or w<ms>")
    if (kind in ("a", "r")) != bool(ms):
        raise ValueError(f"bad op {op!r}: a and r take :<ms>, s and w do not")
    return kind, int(name), int(ms or 0)


def replay_afterfunc(line: str) -> str:
    """Run ``line`` on a one-P :class:`TimerRuntime` and describe it in the Go replay program's words."""
    if not isinstance(line, str):
        raise TypeError(f"line must be a str of ops, got {type(line).__name__}")
    rt = TimerRuntime(procs=1)
    heap = rt.heaps[0]
    timers: dict[int, Timer] = {}
    fired: list[tuple[int, int]] = []
    results: list[str] = []
    for op in line.split():
        kind, n, ms = _op(op)
        if kind == "w":
            _sleep(rt, rt._now + n * 1_000_000)
            continue
        if kind != "a" and n not in timers:
            raise ValueError(f"bad op {op!r}: timer {n} was never made")
        if kind == "a":
            def fire(n: int = n) -> None:
                fired.append((rt._now // 1_000_000, n))

            timers[n] = heap.schedule_after(Fraction(ms, 1000), fire)
        elif kind == "s":
            results.append(f"{op}={str(heap.stop(timers[n])).lower()}")
        else:
            results.append(f"{op}={str(heap.reset(timers[n], Fraction(ms, 1000))).lower()}")
    fires = " ".join(f"{n}@{at}" for at, n in sorted(fired))
    return f"{' '.join(results)} | {fires}"
