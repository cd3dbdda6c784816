"""The runner: a chain of stages fed from a source, wired in one nursery, and what errors look like.

Mental model: :func:`open_pipeline` and :func:`collect` are one private
runner (:func:`_running`) with two ends. The runner checks every argument,
starts a feeder task, each stage's workers and, when order must be restored
or batches undone, a reorder step; it turns the nursery's nested exception
groups into one flat group (or the first error alone). ``open_pipeline``
hands the reader the last channel; ``collect`` drains it into a list with the
same fast loop the stages use (:func:`support.pipelines._engine.pump`).

Taught in the chapter ``pipelines``.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import trio

from support._validate import check_bool, check_choice, check_int, check_optional_int
from support.pipelines._chain import Pipeline, Stage
from support.pipelines._engine import CHECKPOINT_EVERY, pump, start_stage

__all__ = ["BUFFER", "ErrorMode", "collect", "open_pipeline"]

In = TypeVar("In")
Out = TypeVar("Out")
ErrorMode = Literal["group", "first"]

#: Default room in each channel between stages, in channel messages (items, or batches in batched mode).
BUFFER = 256


@dataclass(frozen=True)
class _Options:
    ordered: bool
    errors: ErrorMode
    buffer: int
    every: int
    batch: int | None


def _options(ordered: object, errors: object, buffer: object, every: object, batch: object) -> _Options:
    return _Options(check_bool(ordered, "ordered"), check_choice(errors, "errors", ("group", "first")),
                    check_int(buffer, "buffer", minimum=0), check_int(every, "checkpoint_every", minimum=1),
                    check_optional_int(batch, "batch", minimum=1))


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
    """Lists of ``size`` items (the last may be shorter), taken lazily, so a list still growing is read as it grows."""
    if type(items) in (list, tuple, range):  # exact types: a subclass may slice differently
        seq: list[Any] | tuple[Any, ...] | range = items  # type: ignore[assignment]
        start = 0  # a slice copies a whole run at C speed: a 256-item chunk of a range in 75-80 % of islice's time
        while part := seq[start : start + size]:
            yield part if isinstance(part, list) else list(part)
            start += len(part)
        return
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


class _Windowed:
    """The first channel's send side in ordered mode: each unit takes a window slot before it goes in.

    The slot is released by the reorder buffer at the end, in another task
    (so the window is a :class:`trio.Semaphore`). A slot already taken is
    kept when the channel itself is full, so waiting for room does not take
    a second one.
    """

    def __init__(self, send: trio.MemorySendChannel[Any], window: trio.Semaphore) -> None:
        self._send, self._window, self._held = send, window, False

    def send_nowait(self, unit: Any) -> None:  # unit: (seq, item or batch)
        if not self._held:
            self._window.acquire_nowait()
            self._held = True
        self._send.send_nowait(unit)
        self._held = False

    async def send(self, unit: Any) -> None:
        if not self._held:
            await self._window.acquire()
            self._held = True
        await self._send.send(unit)
        self._held = False


async def _feed(source: Iterable[Any], send: trio.MemorySendChannel[Any], opts: _Options,
                window: trio.Semaphore | None) -> None:
    """Put the source on the first channel, tagged with ``seq`` when order must be restored later."""
    with send:  # sync close: aclose() would checkpoint and could swap an error in flight for Cancelled
        units: Iterable[Any] = source if opts.batch is None else _chunks(source, opts.batch)
        sink: trio.MemorySendChannel[Any] | _Windowed = send
        if window is not None:
            units, sink = enumerate(units), _Windowed(send, window)
        # pump() reads the iterator's StopIteration as the end. Against a plain ``for`` loop here, this
        # measured 0-6 % slower end to end on the fast path (paired A/B rounds, 50k-100k items, a loaded
        # 2-core machine: within its noise), so the loop stays written once.
        take = iter(units).__next__
        await pump(take, _never, None, sink.send_nowait, sink.send, every=opts.every)


async def _never(*_: object) -> Any:
    raise AssertionError("unreachable: this end of pump() never blocks")


async def _feed_async(source: AsyncIterable[Any], send: trio.MemorySendChannel[Any], opts: _Options,
                      window: trio.Semaphore | None) -> None:
    """:func:`_feed` for an async source, which checkpoints on its own."""
    with send:  # sync close, as in _feed
        sink = send if window is None else _Windowed(send, window)
        seq, chunk = 0, []
        async for item in source:
            if opts.batch is not None:
                chunk.append(item)
                if len(chunk) < opts.batch:
                    continue
                item, chunk = chunk, []
            await sink.send(item if window is None else (seq, item))
            seq += 1
        if chunk:
            await sink.send(chunk if window is None else (seq, chunk))


def _as_is(batch: list[Any]) -> list[Any]:
    return batch


def _unpacker(tagged: bool, batched: bool, window: trio.Semaphore | None) -> Callable[[Any], list[Any]] | None:
    """Turn what arrives at the end into items in order; ``None`` when it is already single items."""
    if not tagged:
        return _as_is if batched else None
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


class _Unpacked:
    """The last channel's receive side as single items in source order, for :func:`open_pipeline`'s reader."""

    def __init__(self, receive: trio.MemoryReceiveChannel[Any], unpack: Callable[[Any], list[Any]]) -> None:
        self._receive, self._unpack = receive, unpack
        self._items: deque[Any] = deque()

    def receive_nowait(self) -> Any:  # an item of the source's type
        while not self._items:
            self._items.extend(self._unpack(self._receive.receive_nowait()))
        return self._items.popleft()

    async def receive(self) -> Any:
        while not self._items:
            self._items.extend(self._unpack(await self._receive.receive()))
        return self._items.popleft()


@dataclass
class _Run:
    """A running chain: its nursery, its options, and the end its results come out of."""

    nursery: trio.Nursery
    opts: _Options
    last: trio.MemoryReceiveChannel[Any]
    unpack: Callable[[Any], list[Any]] | None


def _wire(nursery: trio.Nursery, source: Iterable[Any] | AsyncIterable[Any], stages: tuple[Stage[Any, Any], ...],
          opts: _Options, failures: _Failures) -> _Run:
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
    return _Run(nursery, opts, receive, _unpacker(tagged, opts.batch is not None, window))


@asynccontextmanager
async def _running(source: Iterable[Any] | AsyncIterable[Any], chain: object, ordered: object, errors: object,
                   buffer: object, every: object, batch: object) -> AsyncIterator[_Run]:
    """What :func:`open_pipeline` and :func:`collect` share: checks, wiring, and the errors they raise.

    Everything is checked before a task starts. Leaving the block waits for
    the chain (or cancels it, if the block raised); the nursery's nested
    groups become one flat ``ExceptionGroup`` or, with ``errors="first"``, the
    first transform error alone. Cancellation and ``KeyboardInterrupt`` pass
    through unchanged.
    """
    opts = _options(ordered, errors, buffer, every, batch)
    stages = _stages(source, chain)
    failures = _Failures()
    try:
        async with trio.open_nursery() as nursery:
            yield _wire(nursery, source, stages, opts, failures)
    except BaseExceptionGroup as eg:
        replacement = _summary(eg, failures, opts.errors)
        if replacement is None:
            raise
        raise replacement from None


async def _tail(run: _Run, send: trio.MemorySendChannel[Any]) -> None:
    """Restore order and unbatch, then hand single items to the reader's channel."""
    assert run.unpack is not None
    items = _Unpacked(run.last, run.unpack)
    with send:  # sync close: aclose() would checkpoint and could swap an error in flight for Cancelled
        await pump(items.receive_nowait, items.receive, None, send.send_nowait, send.send, every=run.opts.every)


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
    async with _running(source, chain, ordered, errors, buffer, checkpoint_every, batch) as run:
        out = run.last
        if run.unpack is not None:
            send, out = trio.open_memory_channel[Any](run.opts.buffer)
            run.nursery.start_soon(_tail, run, send, name="tail")
        try:
            yield out
        finally:
            run.nursery.cancel_scope.cancel()  # before closing, so no stage sees BrokenResourceError
            out.close()


async def collect(source: Iterable[In] | AsyncIterable[In], chain: Stage[In, Out] | Pipeline[In, Out], *,
                  ordered: bool = False, errors: ErrorMode = "group", buffer: int = BUFFER,
                  checkpoint_every: int = CHECKPOINT_EVERY, batch: int | None = None) -> list[Out]:
    """Run ``chain`` over ``source`` and return every result in a list (arguments as :func:`open_pipeline`).

    >>> await collect(["FOO", "BAR"], stage(str.lower, workers=2), ordered=True)
    ['foo', 'bar']

    Taught in the chapter ``pipelines``.
    """
    results: list[Out] = []
    async with _running(source, chain, ordered, errors, buffer, checkpoint_every, batch) as run:
        last, unpack = run.last, run.unpack
        keep = results.append if unpack is None else results.extend
        apply = None if unpack is None or unpack is _as_is else unpack
        await pump(last.receive_nowait, last.receive, apply, keep, _never, every=run.opts.every)
    return results
