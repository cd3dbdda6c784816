"""The canary for trio's private names: each one support relies on exists with the shape it expects.

``support/_trio_internals.py`` is the only module that touches them. When a
trio upgrade moves one, the test named after it fails here, instead of a
notebook output changing somewhere else.
"""

from __future__ import annotations

import contextlib
import math
import random
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import trio
import trio.testing
from trio._core import _run as trio_run

from support import _trio_internals as internals
from support._frames import operation, wait_point
from support.trace import CATEGORIES, category

# -- the deterministic-scheduling switch and the scheduler's generator -------------------------


def test_the_switch_and_the_generator_exist_with_their_types():
    # False in a plain process; trio's Hypothesis plugin turns it on for good once hypothesis is imported.
    assert isinstance(trio_run._ALLOW_DETERMINISTIC_SCHEDULING, bool)
    assert isinstance(trio_run._r, random.Random)
    assert callable(trio_run._hypothesis_plugin_setup)


class Recording(random.Random):
    """Records every batch trio hands to ``shuffle`` and leaves it as it is."""

    def __init__(self) -> None:
        super().__init__(0)
        self.batches: list[list[str]] = []

    def shuffle(self, x) -> None:
        self.batches.append([task.name for task in x])


def test_deterministic_scheduling_sorts_each_batch_by_creation_and_calls_shuffle():
    async def main():
        async with trio.open_nursery() as nursery:
            for name in ("a", "b", "c"):
                nursery.start_soon(trio.sleep, 0, name=name)

    order = Recording()
    saved = (trio_run._ALLOW_DETERMINISTIC_SCHEDULING, trio_run._r)
    with internals.deterministic_scheduling(order):
        assert trio_run._ALLOW_DETERMINISTIC_SCHEDULING is True
        assert trio_run._r is order
        trio.run(main)
    assert (trio_run._ALLOW_DETERMINISTIC_SCHEDULING, trio_run._r) == saved
    assert ["a", "b", "c"] in order.batches  # the three tasks' first batch, in creation order


# -- the clock's idle hook ---------------------------------------------------------------------


def test_mock_clock_has_the_idle_hook_trio_calls():
    assert callable(trio.testing.MockClock._autojump)
    clock = trio.testing.MockClock(autojump_threshold=0)
    calls: list[float] = []

    def hook() -> None:
        calls.append(trio.current_time())
        jump()

    jump = internals.install_idle_hook(clock, hook)

    async def main() -> float:
        await trio.sleep(5)
        return trio.current_time()

    assert trio.run(main, clock=clock) == 5.0
    assert calls == [0.0]  # called once, when the only task went to sleep; its jump moved the clock


# -- the deadline heap ------------------------------------------------------------------------


def test_the_prune_threshold_is_an_int():
    assert isinstance(trio_run.DEADLINE_HEAP_MIN_PRUNE_THRESHOLD, int)
    assert internals.DEADLINE_HEAP_MIN_PRUNE == trio_run.DEADLINE_HEAP_MIN_PRUNE_THRESHOLD >= 1


def test_the_deadline_heap_is_a_heapq_list_with_an_active_count():
    async def main():
        deadlines = trio_run.GLOBAL_RUN_CONTEXT.runner.deadlines
        assert isinstance(deadlines._heap, list)
        assert isinstance(deadlines._active, int)
        with trio.move_on_after(10) as scope:
            entry = deadlines._heap[-1]
            assert isinstance(entry, tuple)
            assert len(entry) == 3
            assert entry[0] == 10.0
            assert entry[2] is scope
            with trio.move_on_after(20):
                assert internals.deadline_heap_sizes() == (2, 2)
                await trio.lowlevel.checkpoint()
            await trio.lowlevel.checkpoint()
            assert internals.deadline_heap_sizes() == (2, 1)  # the inner entry is stale now

    trio.run(main, clock=trio.testing.MockClock())


def test_the_deadline_heap_needs_a_run():
    with pytest.raises(RuntimeError, match="inside a trio run"):
        internals.deadline_heap_sizes()


# -- frame names and task names ---------------------------------------------------------------


def test_the_source_dir_is_trios_package():
    root = Path(internals.TRIO_SOURCE_DIR)
    assert (root / "__init__.py").is_file()
    assert Path(trio.sleep.__code__.co_filename).resolve().is_relative_to(root)


async def _blocked(fn: Callable[..., Awaitable[object]], *args: object) -> trio.lowlevel.Task:
    """Start ``fn(*args)`` as a task, wait until it blocks, and return the task (left running)."""
    nursery = _blocked.nursery  # type: ignore[attr-defined]
    before = set(nursery.child_tasks)
    nursery.start_soon(fn, *args)
    await trio.testing.wait_all_tasks_blocked()
    (task,) = set(nursery.child_tasks) - before
    return task


def _inspect(probe: Callable[[], Awaitable[None]]) -> None:
    async def main() -> None:
        async with trio.open_nursery() as nursery:
            _blocked.nursery = nursery  # type: ignore[attr-defined]
            await probe()
            nursery.cancel_scope.cancel()

    trio.run(main, clock=trio.testing.MockClock(autojump_threshold=math.inf))


def test_io_and_thread_waits_show_the_outside_wakers():
    found: dict[str, tuple[str, ...]] = {}
    gate = threading.Event()  # the worker thread below waits on it

    async def probe() -> None:
        a, b = socket.socketpair()
        with a, b:
            reader = await _blocked(trio.lowlevel.wait_readable, a)
            found["io"] = wait_point(reader).trio_calls
            waiter = await _blocked(trio.to_thread.run_sync, gate.wait)
            found["thread"] = wait_point(waiter).trio_calls
            gate.set()

    _inspect(probe)
    for kind, calls in found.items():
        assert any(w in c for c in calls for w in internals.OUTSIDE_WAKERS), (kind, calls)
    assert not any(w in "sleep" for w in internals.OUTSIDE_WAKERS)


def test_each_blocking_operation_falls_in_its_kind():
    seen: dict[str, str] = {}

    async def probe() -> None:
        send, _ = trio.open_memory_channel[int](0)
        _, receive = trio.open_memory_channel[int](0)
        lock, semaphore, limiter, event = trio.Lock(), trio.Semaphore(0), trio.CapacityLimiter(1), trio.Event()
        await lock.acquire()
        await limiter.acquire()

        async def joins() -> None:
            async with trio.open_nursery() as inner:
                inner.start_soon(trio.sleep_forever)

        async def with_semaphore() -> None:  # `async with` blocks in trio's __aenter__, not in acquire()
            async with semaphore:
                pass

        cases: dict[str, tuple[Callable[..., Awaitable[object]], tuple[object, ...]]] = {
            "sleep": (trio.sleep, (100,)),
            "send": (send.send, (1,)),
            "receive": (receive.receive, ()),
            "acquire": (lock.acquire, ()),
            "acquire (semaphore)": (semaphore.acquire, ()),
            "acquire (limiter)": (limiter.acquire, ()),
            "acquire (async with)": (with_semaphore, ()),
            "wait": (event.wait, ()),
            "join": (joins, ()),
        }
        for expected, (fn, args) in cases.items():
            task = await _blocked(fn, *args)
            seen[expected] = operation(task)

    _inspect(probe)
    for expected, name in seen.items():
        assert category(name) == expected.split()[0], (expected, name)
    assert {kind for kind, _ in internals.OPERATION_KINDS} | {"other"} == set(CATEGORIES)


def test_system_tasks_are_named_with_a_bracket():
    async def main() -> tuple[str, str]:
        return trio.lowlevel.current_root_task().name, trio.lowlevel.current_task().name

    root, me = trio.run(main)
    assert internals.is_system_task(root)
    assert not internals.is_system_task(me)


def test_the_walk_goes_through_an_asynccontextmanager():
    """A task blocked in an ``@asynccontextmanager``'s exit is named by the trio call inside the generator."""
    seen: list[str] = []

    @contextlib.asynccontextmanager
    async def draining() -> AsyncIterator[trio.Event]:
        done = trio.Event()
        yield done
        await done.wait()  # the __aexit__ waits here, behind anext(gen)

    async def user() -> None:
        async with draining():
            pass

    async def probe() -> None:
        seen.append(operation(await _blocked(user)))

    _inspect(probe)
    assert seen == ["Event.wait"]
