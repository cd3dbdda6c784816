"""The worker engine: the one fast loop that moves items, and the tasks that run a stage with it.

Mental model: every hop of a pipeline is the same loop, :func:`pump`: take a
unit without waiting if one is there (``receive_nowait``), else wait for one;
maybe transform it; put it on without waiting if there is room, else wait;
and checkpoint once per ``every`` units that went through without a wait, so
a cancel is seen within one such batch. A stage's workers, the feeder at the
start and the collector at the end all run it, with different ends.

Taught in the chapter ``pipelines``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import trio

from support._validate import check_int
from support.pipelines._chain import Stage

__all__ = ["CHECKPOINT_EVERY", "OnError", "pump", "run_stage", "start_stage"]

In = TypeVar("In")
Out = TypeVar("Out")

#: The fast loop checkpoints at least once per this many items (see :func:`pump`).
CHECKPOINT_EVERY = 256

#: Called with an error a transform raised and the unit it raised on, before the error propagates.
OnError = Callable[[Exception, Any], None]


async def pump(take_nowait: Callable[[], Any], take: Callable[[], Awaitable[Any]],
               apply: Callable[[Any], Any] | None, put_nowait: Callable[[Any], object],
               put: Callable[[Any], Awaitable[object]], *, every: int, on_error: OnError | None = None) -> None:
    """Move units from ``take`` to ``put`` through ``apply`` until the input ends: the hot loop, written once.

    ``take_nowait`` raises :class:`trio.WouldBlock` when nothing is ready and
    :class:`trio.EndOfChannel` (or ``StopIteration``, so an iterator's
    ``__next__`` can be passed as is) at the end; ``take`` waits and raises
    ``EndOfChannel`` at the end. ``put_nowait`` raises ``WouldBlock`` when
    there is no room (a list's ``append`` never does) and ``put`` waits for
    room. ``apply`` is ``None`` for no transform; if it raises, ``on_error``
    sees the error and the unit first. A wait in ``take`` or ``put`` is a
    checkpoint, so the count restarts after one.
    """
    done = 0
    while True:
        try:
            unit = take_nowait()
        except trio.WouldBlock:
            try:
                unit = await take()
            except trio.EndOfChannel:
                return
            done = 0
        except (trio.EndOfChannel, StopIteration):
            return
        if apply is not None:
            try:
                unit = apply(unit)
            except Exception as exc:
                if on_error is not None:
                    on_error(exc, unit)
                raise
        try:
            put_nowait(unit)
        except trio.WouldBlock:
            await put(unit)
            done = 0
        done += 1
        if done >= every:
            done = 0
            await trio.lowlevel.checkpoint()


def _note(stage_name: str, outer: OnError | None) -> OnError:
    def on_error(exc: Exception, unit: Any) -> None:  # unit: whatever travels on the channel
        exc.add_note(f"raised in pipeline stage {stage_name!r} on {unit!r}")
        if outer is not None:
            outer(exc, unit)

    return on_error


async def _pool_worker(apply: Callable[[Any], Any], receive: trio.MemoryReceiveChannel[Any],
                       send: trio.MemorySendChannel[Any], every: int, on_error: OnError) -> None:
    """One of a stage's long-lived workers with a sync transform: :func:`pump` between two channels."""
    with send:  # sync close: aclose() would checkpoint and could swap an error in flight for Cancelled
        await pump(receive.receive_nowait, receive.receive, apply, send.send_nowait, send.send,
                   every=every, on_error=on_error)


async def _async_pool_worker(apply: Callable[[Any], Awaitable[Any]], receive: trio.MemoryReceiveChannel[Any],
                             send: trio.MemorySendChannel[Any], every: int, on_error: OnError) -> None:
    """The loop for ``async`` transforms: they checkpoint themselves whenever they really wait."""
    with send:  # sync close, as in _pool_worker
        async for unit in receive:
            try:
                out = await apply(unit)
            except Exception as exc:
                on_error(exc, unit)
                raise
            await send.send(out)


async def _per_item(apply: Callable[[Any], Any], is_async: bool, workers: int, name: str,
                    receive: trio.MemoryReceiveChannel[Any], send: trio.MemorySendChannel[Any],
                    on_error: OnError) -> None:
    """One task per item, at most ``workers`` alive: acquire here, release in the child.

    The release happens in another task than the acquire, so this is a
    :class:`trio.Semaphore`, which has no owner. A :class:`trio.CapacityLimiter`
    refuses a plain ``release()`` from another task; it allows the hand-over
    only through ``acquire_on_behalf_of``/``release_on_behalf_of``.
    """
    slots = trio.Semaphore(workers)

    async def one(unit: Any) -> None:  # unit: whatever travels on the channel
        try:
            try:
                out = (await apply(unit)) if is_async else apply(unit)
            except Exception as exc:
                on_error(exc, unit)
                raise
            await send.send(out)
        finally:
            slots.release()

    with send:  # sync close, as in _pool_worker
        async with trio.open_nursery() as nursery:
            async for unit in receive:
                await slots.acquire()
                nursery.start_soon(one, unit, name=f"{name}_item")


def lift(fn: Callable[[Any], Any], is_async: bool, tagged: bool, batched: bool) -> Callable[[Any], Any]:
    """Wrap ``fn`` to act on what travels the channels: items, ``(seq, item)``, batches, or ``(seq, batch)``."""
    if not is_async:
        if tagged and batched:
            return lambda u: (u[0], [fn(x) for x in u[1]])
        if tagged:
            return lambda u: (u[0], fn(u[1]))
        if batched:
            return lambda b: [fn(x) for x in b]
        return fn

    async def lifted(unit: Any) -> Any:  # unit and result: whatever travels on the channel
        if tagged and batched:
            return (unit[0], [await fn(x) for x in unit[1]])
        if tagged:
            return (unit[0], await fn(unit[1]))
        if batched:
            return [await fn(x) for x in unit]
        return await fn(unit)

    return lifted


def start_stage(nursery: trio.Nursery, st: Stage[Any, Any], receive: trio.MemoryReceiveChannel[Any],
                send: trio.MemorySendChannel[Any], *, every: int, tagged: bool = False, batched: bool = False,
                on_error: OnError | None = None) -> None:
    """Start ``st``'s tasks in ``nursery``; they own ``send`` (closed when the last one exits)."""
    apply = lift(st.fn, st.is_async, tagged, batched)
    handler = _note(st.name, on_error)
    if st.per_item:
        nursery.start_soon(_per_item, apply, st.is_async, st.workers, st.name, receive, send, handler,
                           name=st.name)
        return
    worker = _async_pool_worker if st.is_async else _pool_worker
    with send:  # each worker holds a clone; the last clone closed ends the output, like wg.Wait(); close(out)
        for _ in range(st.workers):
            nursery.start_soon(worker, apply, receive, send.clone(), every, handler, name=st.name)


async def run_stage(st: Stage[In, Out], receive: trio.MemoryReceiveChannel[In], send: trio.MemorySendChannel[Out],
                    *, checkpoint_every: int = CHECKPOINT_EVERY) -> None:
    """Run one stage between two memory channels until its input ends; then close ``send``.

    Mental model: Go's ``step(ctx, in, out, fn)`` goroutine, with the WaitGroup
    and ``close(out)`` replaced by one send clone per worker. Items move with
    ``receive_nowait``/``send_nowait`` while they can, block only when they
    must, and checkpoint at least once every ``checkpoint_every`` items, so a
    cancel stops the stage within one such batch. Errors from ``fn`` cancel the
    other workers and come out as an ``ExceptionGroup``, each with a note
    naming the stage and item. Taught in the chapter ``pipelines``.
    """
    if not isinstance(st, Stage):
        raise TypeError(f"run_stage() needs a Stage (build one with stage()), got {type(st).__name__}")
    every = check_int(checkpoint_every, "checkpoint_every", minimum=1)
    with receive:  # sync close, as in _pool_worker
        async with trio.open_nursery() as nursery:
            start_stage(nursery, st, receive, send, every=every)
