"""A chain of stages fed from a source: wiring, ordering, batching and what errors look like.

Taught in the chapter ``pipelines``.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import trio

from support.pipelines._stage import CHECKPOINT_EVERY, Stage, check_checkpoint_every, start_stage

In = TypeVar("In")
Out = TypeVar("Out")
New = TypeVar("New")
ErrorMode = Literal["group", "first"]

#: Default room in each channel between stages, in channel messages (items, or batches in batched mode).
BUFFER = 256


@dataclass(frozen=True)
class Pipeline(Generic[In, Out]):
    """Stages in order, typed end to end: a ``Pipeline[str, int]`` takes ``str`` items and yields ``int``.

    Build one with :meth:`Stage.then`; run it with :func:`open_pipeline` or
    :func:`collect`. Taught in the chapter ``pipelines``.
    """

    stages: tuple[Stage[Any, Any], ...]

    def then(self, nxt: Stage[Out, New]) -> Pipeline[In, New]:
        """The same stages followed by ``nxt``."""
        if not isinstance(nxt, Stage):
            raise TypeError(f"then() needs a Stage (build one with stage()), got {type(nxt).__name__}")
        return Pipeline((*self.stages, nxt))


@dataclass(frozen=True)
class _Options:
    ordered: bool
    errors: ErrorMode
    buffer: int
    every: int
    batch: int | None


def _options(ordered: object, errors: object, buffer: object, every: object, batch: object) -> _Options:
    if not isinstance(ordered, bool):
        raise TypeError(f"ordered must be a bool, got {type(ordered).__name__} {ordered!r}")
    if errors not in ("group", "first"):
        raise ValueError(f"errors must be 'group' or 'first', got {errors!r}")
    if isinstance(buffer, bool) or not isinstance(buffer, int):
        raise TypeError(f"buffer must be an int, got {type(buffer).__name__} {buffer!r}")
    if buffer < 0:
        raise ValueError(f"buffer must be 0 or more, got {buffer}")
    if batch is not None:
        if isinstance(batch, bool) or not isinstance(batch, int):
            raise TypeError(f"batch must be an int or None, got {type(batch).__name__} {batch!r}")
        if batch < 1:
            raise ValueError(f"batch must be at least 1, got {batch}")
    return _Options(ordered, errors, buffer, check_checkpoint_every(every), batch)


def _stages(source: object, chain: object) -> tuple[Stage[Any, Any], ...]:
    """Check the source and the chain before anything starts; return the stages."""
    if not isinstance(source, (Iterable, AsyncIterable)):
        raise TypeError(f"the source must be an iterable or an async iterable, got {type(source).__name__}")
    if isinstance(chain, Stage):
        return (chain,)
    if isinstance(chain, Pipeline) and chain.stages:
        return chain.stages
    raise TypeError("expected a Stage or a non-empty Pipeline (build them with stage() and .then()), "
                    f"got {type(chain).__name__}")


class _Failures:
    """Remembers the first error a transform raised, for ``errors="first"``."""

    def __init__(self) -> None:
        self.first: Exception | None = None

    def record(self, exc: Exception, unit: Any) -> None:  # unit: whatever travels on the channel
        if self.first is None:
            self.first = exc


def _leaves(eg: BaseExceptionGroup[BaseException]) -> Iterator[BaseException]:
    for exc in eg.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            yield from _leaves(exc)
        else:
            yield exc


def _summary(eg: BaseExceptionGroup[BaseException], failures: _Failures, mode: ErrorMode) -> BaseException | None:
    """What to raise instead of the nested nursery groups, or ``None`` to let them through (cancellation, Ctrl-C)."""
    leaves = list(_leaves(eg))
    errors = [e for e in leaves if isinstance(e, Exception)]
    if not errors or len(errors) != len(leaves):
        return None
    if mode == "first":
        return failures.first if failures.first is not None else errors[0]
    return ExceptionGroup(f"pipeline failed with {len(errors)} error(s)", errors)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


async def _feed(source: Iterable[Any], send: trio.MemorySendChannel[Any], opts: _Options,
                window: trio.Semaphore | None) -> None:
    """Put the source on the first channel, tagged with ``seq`` when order must be restored later."""
    with send:  # sync close: aclose() would checkpoint and could swap an error in flight for Cancelled
        units: Iterable[Any] = source if opts.batch is None else _chunks(source, opts.batch)
        send_nowait, done = send.send_nowait, 0
        for seq, item in enumerate(units):
            unit = item
            if window is not None:
                unit = (seq, item)
                try:
                    window.acquire_nowait()
                except trio.WouldBlock:
                    await window.acquire()
                    done = 0
            try:
                send_nowait(unit)
            except trio.WouldBlock:
                await send.send(unit)
                done = 0
            done += 1
            if done >= opts.every:
                done = 0
                await trio.lowlevel.checkpoint()


async def _feed_async(source: AsyncIterable[Any], send: trio.MemorySendChannel[Any], opts: _Options,
                      window: trio.Semaphore | None) -> None:
    """:func:`_feed` for an async source, which checkpoints on its own."""
    with send:  # sync close: aclose() would checkpoint and could swap an error in flight for Cancelled
        seq, chunk = 0, []
        async for item in source:
            if opts.batch is not None:
                chunk.append(item)
                if len(chunk) < opts.batch:
                    continue
                item, chunk = chunk, []
            await _put(send, window, seq, item)
            seq += 1
        if chunk:
            await _put(send, window, seq, chunk)


async def _put(send: trio.MemorySendChannel[Any], window: trio.Semaphore | None, seq: int, unit: Any) -> None:
    if window is not None:
        await window.acquire()
        unit = (seq, unit)
    await send.send(unit)


def _unpacker(tagged: bool, batched: bool, window: trio.Semaphore | None) -> Callable[[Any], list[Any]] | None:
    """Turn what arrives at the end into items in order; ``None`` when it is already single items."""
    if not tagged:
        return (lambda batch: batch) if batched else None
    assert window is not None
    pending: dict[int, Any] = {}
    nxt = 0

    def ready(unit: tuple[int, Any]) -> list[Any]:
        nonlocal nxt
        pending[unit[0]] = unit[1]
        out: list[Any] = []
        while nxt in pending:
            value = pending.pop(nxt)
            nxt += 1
            window.release()  # released by another task than the feeder that acquired it: a Semaphore
            if batched:
                out.extend(value)
            else:
                out.append(value)
        return out

    return ready


@dataclass
class _Wired:
    last: trio.MemoryReceiveChannel[Any]
    unpack: Callable[[Any], list[Any]] | None


def _wire(nursery: trio.Nursery, source: Iterable[Any] | AsyncIterable[Any], stages: tuple[Stage[Any, Any], ...],
          opts: _Options, failures: _Failures) -> _Wired:
    tagged = opts.ordered and any(s.workers > 1 for s in stages)
    window = None
    if tagged:
        window = trio.Semaphore(opts.buffer * (len(stages) + 1) + sum(s.workers for s in stages) + 1)
    send, receive = trio.open_memory_channel[Any](opts.buffer)
    if isinstance(source, AsyncIterable):
        nursery.start_soon(_feed_async, source, send, opts, window, name="source")
    else:
        nursery.start_soon(_feed, source, send, opts, window, name="source")
    for st in stages:
        nxt_send, nxt_receive = trio.open_memory_channel[Any](opts.buffer)
        start_stage(nursery, st, receive, nxt_send, every=opts.every, tagged=tagged,
                    batched=opts.batch is not None, on_error=failures.record)
        receive = nxt_receive
    return _Wired(receive, _unpacker(tagged, opts.batch is not None, window))


async def _tail(wired: _Wired, send: trio.MemorySendChannel[Any], every: int) -> None:
    """Restore order and unbatch, then hand single items to the reader's channel."""
    unpack = wired.unpack
    assert unpack is not None
    with send:  # sync close: aclose() would checkpoint and could swap an error in flight for Cancelled
        done = 0
        async for unit in wired.last:
            for item in unpack(unit):
                try:
                    send.send_nowait(item)
                except trio.WouldBlock:
                    await send.send(item)
                    done = 0
                done += 1
                if done >= every:
                    done = 0
                    await trio.lowlevel.checkpoint()


@asynccontextmanager
async def open_pipeline(source: Iterable[In] | AsyncIterable[In], chain: Stage[In, Out] | Pipeline[In, Out], *,
                        ordered: bool = False, errors: ErrorMode = "group", buffer: int = BUFFER,
                        checkpoint_every: int = CHECKPOINT_EVERY,
                        batch: int | None = None) -> AsyncIterator[trio.MemoryReceiveChannel[Out]]:
    """Run ``chain`` over ``source`` and yield the channel its results come out of.

    Mental model: Go's ``producer → stage → … → sink`` with every goroutine
    inside one nursery. Leaving the block cancels whatever still runs, so no
    task outlives it and nothing is sent after a channel closes.

    >>> async with open_pipeline(["FOO", "BAR"], stage(str.lower).then(stage(str.title))) as out:
    ...     async for item in out: ...

    Arguments:
      ordered: results in source order even with several workers (a
        reorder buffer, bounded by a window semaphore) instead of as they finish.
      errors: ``"group"`` raises every transform error in one ``ExceptionGroup``;
        ``"first"`` raises just the first, like ``errgroup.Wait``. Either way
        the other stages are cancelled first. Cancellation is never wrapped.
      buffer: room in each channel between stages.
      checkpoint_every: the fast path yields at least once per this many items.
      batch: move lists of this many items per channel message.

    Bad arguments raise ``TypeError`` or ``ValueError`` naming the problem.
    Taught in the chapter ``pipelines``.
    """
    opts = _options(ordered, errors, buffer, checkpoint_every, batch)
    stages = _stages(source, chain)
    failures = _Failures()
    try:
        async with trio.open_nursery() as nursery:
            wired = _wire(nursery, source, stages, opts, failures)
            out = wired.last
            if wired.unpack is not None:
                send, out = trio.open_memory_channel[Any](opts.buffer)
                nursery.start_soon(_tail, wired, send, opts.every, name="tail")
            try:
                yield out
            finally:
                nursery.cancel_scope.cancel()  # before closing, so no stage sees BrokenResourceError
                out.close()
    except BaseExceptionGroup as eg:
        replacement = _summary(eg, failures, opts.errors)
        if replacement is None:
            raise
        raise replacement from None


async def collect(source: Iterable[In] | AsyncIterable[In], chain: Stage[In, Out] | Pipeline[In, Out], *,
                  ordered: bool = False, errors: ErrorMode = "group", buffer: int = BUFFER,
                  checkpoint_every: int = CHECKPOINT_EVERY, batch: int | None = None) -> list[Out]:
    """Run ``chain`` over ``source`` and return every result in a list (arguments as :func:`open_pipeline`).

    >>> await collect(["FOO", "BAR"], stage(str.lower, workers=2), ordered=True)
    ['foo', 'bar']

    Taught in the chapter ``pipelines``.
    """
    opts = _options(ordered, errors, buffer, checkpoint_every, batch)
    stages = _stages(source, chain)
    failures = _Failures()
    results: list[Out] = []
    append, extend = results.append, results.extend
    try:
        async with trio.open_nursery() as nursery:
            wired = _wire(nursery, source, stages, opts, failures)
            receive, unpack = wired.last, wired.unpack
            receive_nowait, done = receive.receive_nowait, 0
            while True:
                try:
                    unit = receive_nowait()
                except trio.WouldBlock:
                    try:
                        unit = await receive.receive()
                    except trio.EndOfChannel:
                        break
                    done = 0
                except trio.EndOfChannel:
                    break
                if unpack is None:
                    append(unit)
                else:
                    extend(unpack(unit))
                done += 1
                if done >= opts.every:
                    done = 0
                    await trio.lowlevel.checkpoint()
    except BaseExceptionGroup as eg:
        replacement = _summary(eg, failures, opts.errors)
        if replacement is None:
            raise
        raise replacement from None
    return results
