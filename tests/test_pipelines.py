"""Tests of support.pipelines: arguments, results, errors, cancellation, and hypothesis properties.

Every async test runs under ``support.run`` (virtual time, fixed or seeded schedule), so sleeps cost
nothing and a hang that trio can see becomes a ``Deadlock`` instead of a stuck test run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable

import pytest
import trio
from hypothesis import given, settings, strategies as st

from support import (
    Deadlock,
    Pipeline,
    Stage,
    TimerRuntime,
    collect,
    measure_pipelines,
    open_pipeline,
    run,
    run_stage,
    stage,
)


class Alive(trio.abc.Instrument):
    """Counts the tasks that are running, so a test can prove none outlived the pipeline."""

    def __init__(self) -> None:
        self.tasks: set[trio.lowlevel.Task] = set()

    def task_spawned(self, task):
        self.tasks.add(task)

    def task_exited(self, task):
        self.tasks.discard(task)

    def others(self) -> list[str]:
        me = trio.lowlevel.current_task()
        return sorted(t.name for t in self.tasks if t is not me and not t.name.startswith("<"))


def lower_then_title() -> Pipeline[str, str]:
    return stage(str.lower, workers=3).then(stage(str.title))


# -- bad arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize("workers", [0, -1, -100])
def test_stage_rejects_worker_counts_below_one(workers):
    with pytest.raises(ValueError, match=f"workers must be at least 1, got {workers}"):
        stage(str.lower, workers=workers)


@pytest.mark.parametrize("workers", [1.5, "2", True, None])
def test_stage_rejects_worker_counts_that_are_not_ints(workers):
    with pytest.raises(TypeError, match="workers must be an int"):
        stage(str.lower, workers=workers)


@pytest.mark.parametrize("fn", [None, 3, "lower"])
def test_stage_rejects_a_transform_that_is_not_callable(fn):
    with pytest.raises(TypeError, match="needs a callable transform"):
        stage(fn)


def test_a_stage_built_directly_is_checked_too():
    with pytest.raises(ValueError, match="workers must be at least 1"):
        Stage(str.lower, 0, False, "lower", False)
    with pytest.raises(TypeError, match="callable transform"):
        Stage(None, 1, False, "x", False)
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        Stage(str.lower, 1, False, "a.b", False)


def test_an_empty_pipeline_is_refused():
    async def main():
        await collect(["A"], Pipeline(()))

    with pytest.raises(TypeError, match="non-empty Pipeline"):
        run(main)


def test_stage_rejects_bad_names_and_per_item():
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        stage(str.lower, name="")
    with pytest.raises(TypeError, match="per_item must be a bool"):
        stage(str.lower, per_item=1)
    with pytest.raises(TypeError, match="then\\(\\) needs a Stage"):
        stage(str.lower).then(str.title)


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"buffer": -1}, ValueError, "buffer must be at least 0"),
    ({"buffer": 2.0}, TypeError, "buffer must be an int"),
    ({"checkpoint_every": 0}, ValueError, "checkpoint_every must be at least 1"),
    ({"checkpoint_every": "8"}, TypeError, "checkpoint_every must be an int"),
    ({"batch": 0}, ValueError, "batch must be at least 1"),
    ({"batch": 1.0}, TypeError, "batch must be an int or None"),
    ({"errors": "all"}, ValueError, "errors must be 'group' or 'first'"),
    ({"ordered": "yes"}, TypeError, "ordered must be a bool"),
])
def test_runners_reject_bad_options(kwargs, error, message):
    async def via_collect():
        await collect(["A"], stage(str.lower), **kwargs)

    async def via_open():
        async with open_pipeline(["A"], stage(str.lower), **kwargs):
            pass

    for main in (via_collect, via_open):
        with pytest.raises(error, match=message):
            run(main)


def test_runners_reject_a_bad_chain_and_a_bad_source():
    async def bad_chain():
        await collect(["A"], str.lower)  # type: ignore[arg-type]

    async def bad_source():
        await collect(5, stage(str.lower))  # type: ignore[arg-type]

    with pytest.raises(TypeError, match="expected a Stage or a non-empty Pipeline"):
        run(bad_chain)
    with pytest.raises(TypeError, match="source must be an iterable"):
        run(bad_source)


@pytest.mark.parametrize(("n", "repeat", "error", "message"), [
    (0, 1, ValueError, "n must be at least 1"),
    (10, 0, ValueError, "repeat must be at least 1"),
    (2.5, 1, TypeError, "n must be an int"),
    (True, 1, TypeError, "n must be an int"),
])
def test_measure_rejects_bad_sizes(n, repeat, error, message):
    with pytest.raises(error, match=message):
        measure_pipelines(n, repeat)


@pytest.mark.parametrize("fault", [2.5, "2", True])
def test_the_same_fault_raises_the_same_class_everywhere(fault):
    """One int validator (support/_validate.py): a non-int count is a TypeError wherever it is passed."""
    async def via_collect():
        await collect(["A"], stage(str.lower), buffer=fault)

    checks = [lambda: stage(str.lower, workers=fault), lambda: measure_pipelines(fault),
              lambda: run(via_collect), lambda: TimerRuntime(procs=fault), lambda: TimerRuntime(arity=fault)]
    for check in checks:
        with pytest.raises(TypeError, match="must be an int"):
            check()


@pytest.mark.parametrize("fault", [0, -3])
def test_the_same_range_fault_raises_value_error_everywhere(fault):
    checks = [lambda: stage(str.lower, workers=fault), lambda: measure_pipelines(fault),
              lambda: TimerRuntime(procs=fault), lambda: TimerRuntime(arity=fault)]
    for check in checks:
        with pytest.raises(ValueError, match="must be at least"):
            check()


def test_measure_checks_every_peer_and_reports_positive_rates():
    rates = measure_pipelines(300, repeat=1)
    assert sorted(rates) == sorted(["plain trio", "asyncio.Queue(100)", "anyio streams (trio)", "support (fast path)",
                                    "support (batch=256)"])
    assert all(rate > 0 for rate in rates.values())


# -- results -------------------------------------------------------------------------------------


def test_stage_names_become_readable_task_names():
    assert stage(str.lower).name == "lower"
    assert stage(lambda s: s).name == "lambda"
    assert isinstance(stage(str.lower), Stage)


def test_ordered_output_keeps_source_order_with_many_workers():
    async def main():
        async def slow_upper(s: str) -> str:
            await trio.sleep(len(s))  # longer words finish later
            return s.upper()

        words = ["ccc", "a", "bb", "dddd", "e"]
        ordered = await collect(words, stage(slow_upper, workers=4), ordered=True)
        unordered = await collect(words, stage(slow_upper, workers=4))
        return ordered, unordered

    ordered, unordered = run(main)
    assert ordered == ["CCC", "A", "BB", "DDDD", "E"]
    assert unordered == ["A", "E", "BB", "CCC", "DDDD"]  # as they finish: by length


@pytest.mark.parametrize("batch", [None, 1, 3, 1000])
@pytest.mark.parametrize("ordered", [False, True])
def test_sync_chain_over_many_items(batch, ordered):
    async def main():
        chain = stage(lambda x: x + 1, workers=2).then(stage(lambda x: x * 2)).then(stage(str, workers=3))
        return await collect(range(1000), chain, batch=batch, ordered=ordered, buffer=7, checkpoint_every=5)

    got = run(main)
    expected = [str((x + 1) * 2) for x in range(1000)]
    assert got == expected if ordered else sorted(got) == sorted(expected)


@pytest.mark.parametrize("kind", [list, tuple, range, iter, lambda r: (x for x in r)])
@pytest.mark.parametrize("batch", [1, 3, 10, 11])
def test_batches_cut_every_kind_of_source_alike(kind, batch):
    """Lists, tuples and ranges are sliced, other iterables read with islice: the same items, once each."""
    source = kind(range(10)) if kind is not range else range(10)
    got = run(lambda: collect(source, stage(lambda x: x * 10), batch=batch, ordered=True))
    assert got == [x * 10 for x in range(10)]


def test_a_list_source_that_grows_while_batched_is_read_to_its_end():
    """As a for loop over a list would: items appended before the feeder reaches them are taken too."""
    source = [0, 1, 2]

    def grow(x: int) -> int:
        if len(source) < 9:
            source.append(len(source))
        return x

    got = run(lambda: collect(source, stage(grow), batch=2, buffer=0, ordered=True))
    assert got == list(range(9))


def test_async_source_and_open_pipeline_yield_every_item():
    async def numbers() -> AsyncIterator[int]:
        for i in range(10):
            await trio.sleep(1)
            yield i

    async def main():
        async with open_pipeline(numbers(), stage(lambda x: x * x, workers=3), ordered=True, batch=3) as out:
            return [x async for x in out], trio.current_time()

    assert run(main) == ([x * x for x in range(10)], 10.0)


def test_per_item_stage_bounds_concurrency_with_a_semaphore():
    running = 0
    peak = 0

    async def work(x: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await trio.sleep(3)
        running -= 1
        return x

    async def main():
        got = await collect(range(7), stage(work, workers=3, per_item=True), ordered=True)
        return got, trio.current_time()

    assert run(main) == (list(range(7)), 9.0)  # ceil(7 / 3) rounds of 3 s
    assert peak == 3


def test_run_stage_closes_its_output_when_the_input_ends():
    async def main():
        send_in, receive_in = trio.open_memory_channel[str](10)
        send_out, receive_out = trio.open_memory_channel[str](10)
        async with send_in:
            for word in ["FOO", "BAR"]:
                await send_in.send(word)
        await run_stage(stage(str.lower, workers=2), receive_in, send_out)
        got = sorted([x async for x in receive_out])
        with pytest.raises(trio.ClosedResourceError):
            send_out.send_nowait("late")
        return got

    assert run(main) == ["bar", "foo"]


def test_leaving_open_pipeline_early_cancels_the_rest():
    calls = []
    alive = Alive()

    def record(x: int) -> int:
        calls.append(x)
        return x

    async def main():
        async with open_pipeline(range(10_000), stage(record), buffer=2, checkpoint_every=4) as out:
            first = [await out.receive() for _ in range(3)]
        return first, alive.others()

    assert run(main, instruments=[alive]) == ([0, 1, 2], [])
    assert len(calls) < 20


# -- errors ----------------------------------------------------------------------------------------


def fail_on_foo(s: str) -> str:
    if s == "foo":
        raise ValueError("oh no")
    return s.title()


def test_errors_come_out_as_one_flat_group_with_a_note():
    async def main():
        await collect(["FOO", "BAR", "BAX"], stage(str.lower).then(stage(fail_on_foo, workers=2)))

    with pytest.raises(ExceptionGroup) as info:
        run(main)
    assert [str(e) for e in info.value.exceptions] == ["oh no"]
    assert info.value.exceptions[0].__notes__ == ["raised in pipeline stage 'fail_on_foo' on 'foo'"]


def test_first_error_mode_raises_the_first_error_alone():
    async def main():
        async def fail_later(x: int) -> int:
            await trio.sleep(x)
            raise KeyError(x)

        await collect([3, 1, 2], stage(fail_later, workers=3, per_item=True), errors="first")

    with pytest.raises(KeyError) as info:
        run(main)
    assert info.value.args == (1,)  # the one that failed first in time


def test_an_error_in_the_source_surfaces_too():
    def broken_source():
        yield 1
        raise OSError("disk gone")

    async def main():
        await collect(broken_source(), stage(lambda x: x))

    with pytest.raises(ExceptionGroup) as info:
        run(main)
    assert [type(e) for e in info.value.exceptions] == [OSError]


def test_an_outside_cancel_is_not_turned_into_an_error():
    alive = Alive()

    async def main():
        async def slow(x: int) -> int:
            await trio.sleep(3)
            return x

        with trio.move_on_after(5) as scope:
            await collect(range(10), stage(slow, workers=2))
        return scope.cancelled_caught, trio.current_time(), alive.others()

    assert run(main, instruments=[alive]) == (True, 5.0, [])


def test_a_pipeline_that_cannot_progress_is_reported_not_hung():
    async def main():
        async def wait_forever(x: int) -> int:
            await trio.Event().wait()
            return x

        await collect([1], stage(wait_forever))

    with pytest.raises(Deadlock, match="all tasks are asleep"):
        run(main)


# -- cancellation stays prompt on the fast path --------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(cancel_at=st.integers(0, 300), every=st.integers(1, 40), buffer=st.integers(0, 50),
       workers=st.integers(1, 4), batch=st.sampled_from([None, 1, 4]), seed=st.integers(0, 1000))
def test_cancel_stops_every_stage_within_one_checkpoint_batch(cancel_at, every, buffer, workers, batch, seed):
    after_cancel: Counter[str] = Counter()
    scope = trio.CancelScope()
    alive = Alive()

    def counting(name: str, cancel: bool) -> Callable[[int], int]:
        def fn(x: int) -> int:
            if scope.cancel_called:
                after_cancel[name] += 1
            elif cancel and x == cancel_at:
                scope.cancel()
            return x

        return fn

    chain = (stage(counting("a", True), workers=workers)
             .then(stage(counting("b", False), workers=workers))
             .then(stage(counting("c", False))))

    async def main():
        with scope:
            await collect(range(400), chain, buffer=buffer, checkpoint_every=every, batch=batch)
        return alive.others()

    assert run(main, schedule="seeded", seed=seed, instruments=[alive]) == []
    assert scope.cancelled_caught
    per_message = batch or 1
    for name, n_workers in (("a", workers), ("b", workers), ("c", 1)):
        assert after_cancel[name] <= every * n_workers * per_message, (name, after_cancel)


# -- properties: every item exactly once, or the error and no task left ---------------------------


@settings(max_examples=120, deadline=None)
@given(values=st.lists(st.integers(0, 9), max_size=30), workers=st.integers(1, 16),
       fail_at=st.none() | st.integers(0, 29), ordered=st.booleans(), per_item=st.booleans(),
       is_async=st.booleans(), batch=st.sampled_from([None, 1, 3]), errors=st.sampled_from(["group", "first"]),
       buffer=st.integers(0, 4), seed=st.integers(0, 1000))
def test_items_come_out_once_or_the_error_surfaces(values, workers, fail_at, ordered, per_item, is_async, batch,
                                                    errors, buffer, seed):
    alive = Alive()

    async def slow_double(pair: tuple[int, int]) -> tuple[int, int]:
        await trio.sleep(pair[1] % 4)
        return pair[0], pair[1] * 2

    def double(pair: tuple[int, int]) -> tuple[int, int]:
        return pair[0], pair[1] * 2

    def check(pair: tuple[int, int]) -> tuple[int, int]:
        if pair[0] == fail_at:
            raise ValueError(f"item {pair[0]}")
        return pair

    chain = stage(slow_double if is_async else double, workers=workers, per_item=per_item).then(
        stage(check, workers=max(1, workers // 2)))
    expected = [(i, v * 2) for i, v in enumerate(values)]

    async def main():
        try:
            got = await collect(enumerate(values), chain, ordered=ordered, batch=batch, errors=errors, buffer=buffer)
        except (ValueError, ExceptionGroup) as exc:
            return exc, alive.others()
        return got, alive.others()

    outcome, left = run(main, schedule="seeded", seed=seed, instruments=[alive])
    assert left == []
    if fail_at is None or fail_at >= len(values):
        assert outcome == expected if ordered else sorted(outcome) == expected
    else:
        if errors == "group":
            assert isinstance(outcome, ExceptionGroup)
            assert [repr(e) for e in outcome.exceptions] == [repr(ValueError(f"item {fail_at}"))]
        else:
            assert repr(outcome) == repr(ValueError(f"item {fail_at}"))


@settings(max_examples=80, deadline=None)
@given(values=st.lists(st.integers(0, 9), max_size=20), workers=st.integers(1, 16), cancel_at=st.floats(0, 40),
       ordered=st.booleans(), per_item=st.booleans(), use_open=st.booleans(), seed=st.integers(0, 1000))
def test_cancel_at_any_virtual_time_leaves_nothing_running(values, workers, cancel_at, ordered, per_item, use_open,
                                                           seed):
    alive = Alive()

    async def slow_inc(x: int) -> int:
        await trio.sleep(1 + x % 3)
        return x + 1

    chain = stage(slow_inc, workers=workers, per_item=per_item).then(stage(slow_inc, workers=2))

    async def main():
        got: list[int] = []
        with trio.move_on_after(cancel_at) as scope:
            if use_open:
                async with open_pipeline(values, chain, ordered=ordered) as out:
                    async for x in out:
                        got.append(x)
            else:
                got = await collect(values, chain, ordered=ordered)
        return scope.cancelled_caught, got, alive.others()

    cancelled, got, left = run(main, schedule="seeded", seed=seed, instruments=[alive])
    assert left == []
    expected = [x + 2 for x in values]
    if not cancelled:
        assert got == expected if ordered else sorted(got) == sorted(expected)
    else:  # whatever came out before the cancel is a correct prefix (ordered) or sub-multiset
        if ordered:
            assert got == expected[:len(got)]
        else:
            assert not Counter(got) - Counter(expected)


# -- the package's layout: imports go one way -----------------------------------------------------


def test_the_modules_import_one_way():
    """_chain (the language) ← _engine (the workers) ← _pipeline (the runner) ← _measure: no cycle."""
    import ast
    from pathlib import Path

    import support.pipelines

    root = Path(support.pipelines.__file__).parent
    order = ["_chain", "_engine", "_pipeline", "_measure"]
    for i, name in enumerate(order):
        tree = ast.parse((root / f"{name}.py").read_text(encoding="utf-8"))
        imported = {node.module.rsplit(".", 1)[-1] for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("support.pipelines")}
        assert imported <= set(order[:i]), f"{name} imports {sorted(imported - set(order[:i]))}, later in {order}"
