"""One pipeline stage: a transform, the tasks that run it, and the fast loop that moves items.

Taught in the chapter ``pipelines``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import trio

if TYPE_CHECKING:
    from support.pipelines._pipeline import Pipeline

In = TypeVar("In")
Out = TypeVar("Out")
New = TypeVar("New")

#: The fast loop checkpoints at least once per this many items (see :func:`run_stage`).
CHECKPOINT_EVERY = 256


@dataclass(frozen=True)
class Stage(Generic[In, Out]):
    """A transform ``fn`` from ``In`` to ``Out``, run by up to ``workers`` tasks at once.

    Build one with :func:`stage`, which also derives ``name`` and ``is_async``. ``per_item``
    picks how the bound is kept: ``False`` starts ``workers`` long-lived tasks
    that share the input (Go's fan-out); ``True`` starts one task per item and
    holds at most ``workers`` of them at once with a :class:`trio.Semaphore`
    (Go's ``semaphore.Weighted`` pattern). Taught in the chapter ``pipelines``.
    """

    fn: Callable[[In], Any]
    workers: int
    per_item: bool
    name: str
    is_async: bool

    def __post_init__(self) -> None:
        # Built directly, not through stage(): the same checks, so a bad Stage never reaches a nursery.
        if not callable(self.fn):
            raise TypeError(f"Stage needs a callable transform, got {type(self.fn).__name__} {self.fn!r}")
        _check_workers("Stage", self.workers)
        if not isinstance(self.per_item, bool):
            raise TypeError(f"Stage per_item must be a bool, got {type(self.per_item).__name__} {self.per_item!r}")
        if not isinstance(self.name, str) or not self.name or self.name.startswith("<") or "." in self.name:
            raise ValueError(f"Stage name must be a non-empty string without '<' or '.', got {self.name!r}")

    def then(self, nxt: Stage[Out, New]) -> Pipeline[In, New]:
        """This stage followed by ``nxt``: ``stage(str.lower).then(stage(len))`` is a ``Pipeline[str, int]``."""
        from support.pipelines._pipeline import Pipeline

        return Pipeline[In, Out]((self,)).then(nxt)


@overload
def stage(fn: Callable[[In], Awaitable[Out]], *, workers: int = 1, per_item: bool = False,
          name: str | None = None) -> Stage[In, Out]: ...
@overload
def stage(fn: Callable[[In], Out], *, workers: int = 1, per_item: bool = False,
          name: str | None = None) -> Stage[In, Out]: ...
def stage(fn: Callable[[In], Any], *, workers: int = 1, per_item: bool = False,
          name: str | None = None) -> Stage[In, Any]:
    """Describe one stage: apply ``fn`` (sync or ``async``) to every item with up to ``workers`` tasks.

    >>> lower = stage(str.lower, workers=4)   # Stage[str, str]

    Raises ``TypeError`` when ``fn`` is not callable or ``workers`` is not an
    int, and ``ValueError`` when ``workers`` is below 1. Taught in the chapter ``pipelines``.
    """
    if not callable(fn):
        raise TypeError(f"stage() needs a callable transform, got {type(fn).__name__} {fn!r}")
    _check_workers("stage()", workers)
    if not isinstance(per_item, bool):
        raise TypeError(f"stage() per_item must be a bool, got {type(per_item).__name__} {per_item!r}")
    if name is None:
        name = getattr(fn, "__name__", None) or type(fn).__name__
    if not isinstance(name, str) or not name.strip("<>."):
        raise ValueError(f"stage() name must be a non-empty string, got {name!r}")
    # Task names become timeline rows: trio's Trace hides names starting with '<' and splits on '.'.
    clean = name.strip("<>").replace(".", "_")
    return Stage(fn, workers, per_item, clean, inspect.iscoroutinefunction(fn))


def _check_workers(who: str, workers: object) -> None:
    if isinstance(workers, bool) or not isinstance(workers, int):
        raise TypeError(f"{who} workers must be an int, got {type(workers).__name__} {workers!r}")
    if workers < 1:
        raise ValueError(f"{who} workers must be at least 1, got {workers}")


def check_checkpoint_every(every: object) -> int:
    """Validate a checkpoint interval: a positive int."""
    if isinstance(every, bool) or not isinstance(every, int):
        raise TypeError(f"checkpoint_every must be an int, got {type(every).__name__} {every!r}")
    if every < 1:
        raise ValueError(f"checkpoint_every must be at least 1, got {every}")
    return every


OnError = Callable[[Exception, Any], None]


def _note(stage_name: str) -> OnError:
    def on_error(exc: Exception, unit: Any) -> None:  # unit: whatever travels on the channel
        exc.add_note(f"raised in pipeline stage {stage_name!r} on {unit!r}")

    return on_error


async def _pool_worker(apply: Callable[[Any], Any], receive: trio.MemoryReceiveChannel[Any],
                       send: trio.MemorySendChannel[Any], every: int, on_error: OnError) -> None:
    """The fast loop: ``*_nowait`` while items flow, block only when it must, checkpoint every ``every`` items."""
    with send:  # sync close: aclose() would checkpoint and could swap an error in flight for Cancelled
        receive_nowait, send_nowait = receive.receive_nowait, send.send_nowait
        done = 0
        while True:
            try:
                unit = receive_nowait()
            except trio.WouldBlock:
                try:
                    unit = await receive.receive()
                except trio.EndOfChannel:
                    return
                done = 0
            except trio.EndOfChannel:
                return
            try:
                out = apply(unit)
            except Exception as exc:
                on_error(exc, unit)
                raise
            try:
                send_nowait(out)
            except trio.WouldBlock:
                await send.send(out)
                done = 0
            done += 1
            if done >= every:
                done = 0
                await trio.lowlevel.checkpoint()


async def _async_pool_worker(apply: Callable[[Any], Awaitable[Any]], receive: trio.MemoryReceiveChannel[Any],
                             send: trio.MemorySendChannel[Any], every: int, on_error: OnError) -> None:
    """The loop for ``async`` transforms: they checkpoint themselves whenever they really wait."""
    with send:  # sync close: aclose() would checkpoint and could swap an error in flight for Cancelled
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
    :class:`trio.Semaphore`; a :class:`trio.CapacityLimiter` would refuse it.
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
    note = _note(st.name)
    if on_error is None:
        handler = note
    else:
        outer = on_error

        def handler(exc: Exception, unit: Any) -> None:  # unit: whatever travels on the channel
            note(exc, unit)
            outer(exc, unit)

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
    every = check_checkpoint_every(checkpoint_every)
    with receive:  # sync close, as in _pool_worker
        async with trio.open_nursery() as nursery:
            start_stage(nursery, st, receive, send, every=every)
