"""Replay the g1/g2 race in trio: forced with events, and found by sweeping seeded schedules.

Mental model: the race needs g2 to see "not done", then g1 to finish, then
g2 to go on. :func:`replay_g1_g2_tasks` forces that order with
:class:`trio.Event` barriers, the way the Go program forces it with
channels. :func:`count_runs` runs many callers under :func:`support.run`'s
seeded schedule, so each seed is one fixed interleaving; a sweep over seeds
shows which interleavings break a version. Taught in the chapter ``once``.
"""

from __future__ import annotations

from collections.abc import Callable

import trio

from support.once._async import AsyncOnce, NaiveAsyncOnce
from support.runtime import run


def replay_g1_g2_tasks(once: NaiveAsyncOnce[None]) -> int:
    """g2 passes the flag and waits in the gap; g1 runs ``do`` to the end; g2 goes on. How often did ``fn`` run?"""
    runs = 0

    async def fn() -> None:
        nonlocal runs
        runs += 1
        await trio.lowlevel.checkpoint()

    async def main() -> None:
        in_gap, g1_done = trio.Event(), trio.Event()

        async def gap() -> None:
            in_gap.set()
            await g1_done.wait()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(once.do, fn, gap, name="g2")
            await in_gap.wait()
            await once.do(fn)  # g1, in the main task
            g1_done.set()

    run(main)
    return runs


def count_runs(make: Callable[[], AsyncOnce[None] | NaiveAsyncOnce[None]], *, callers: int = 2,
               stagger: int = 0, seed: int = 0) -> int:
    """Start ``callers`` tasks, each ``stagger`` checkpoints after the one before, all calling ``do``.

    ``fn`` awaits one checkpoint. Runs under :func:`support.run` with
    ``schedule="seeded"`` and returns how many times ``fn`` ran.
    """
    if callers < 1 or stagger < 0:
        raise ValueError(f"callers must be >= 1 and stagger >= 0, got {callers}, {stagger}")
    once = make()
    runs = 0

    async def fn() -> None:
        nonlocal runs
        runs += 1
        await trio.lowlevel.checkpoint()

    async def caller(delay: int) -> None:
        for _ in range(delay):
            await trio.lowlevel.checkpoint()
        await once.do(fn)

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            for i in range(callers):
                nursery.start_soon(caller, i * stagger)

    run(main, schedule="seeded", seed=seed)
    return runs
