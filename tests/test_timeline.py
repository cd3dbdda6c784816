"""support.trace and support.timeline: what the trace records and that it always draws."""

from __future__ import annotations

import trio
from matplotlib.figure import Figure

from support import Trace, plot_timeline, run
from support.trace import category, task_label, unique_labels


async def _pipeline() -> None:
    send, receive = trio.open_memory_channel[int](0)

    async def producer() -> None:
        async with send:
            for i in range(3):
                await trio.sleep(1)
                await send.send(i)

    async def consumer() -> None:
        async with receive:
            async for _ in receive:
                await trio.sleep(2)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(producer)
        nursery.start_soon(consumer)


def test_trace_records_lives_and_blocked_time() -> None:
    trace = Trace()
    run(_pipeline, trace=trace)
    by_name = {t.name: t for t in trace.tasks}
    assert list(by_name) == ["_pipeline", "producer", "consumer"]
    producer, consumer = by_name["producer"], by_name["consumer"]
    assert (producer.spawned, producer.exited) == (0.0, 5.0)
    assert consumer.exited == 7.0
    assert sum(s.end - s.start for s in producer.blocked if s.category == "sleep") == 3.0
    assert sum(s.end - s.start for s in producer.blocked if s.category == "send") == 2.0
    assert sum(s.end - s.start for s in consumer.blocked if s.category == "receive") == 1.0
    assert trace.end_time() == 7.0
    assert len(producer.steps) == 1 + 3 * 2 + 1  # start, each sleep and send, and the step that exits
    table = trace.table()
    assert table.splitlines()[0].split() == ["task", "spawned", "exited", "steps", "blocked"]
    assert "send 2.0s" in table


def test_names_and_categories() -> None:
    assert task_label("support.pipelines.stage.<locals>.worker") == "worker"
    assert unique_labels(["w", "m", "w"]) == ["w-1", "m", "w-2"]
    assert category("MemorySendChannel.send") == "send"
    assert category("MemoryReceiveChannel.receive") == "receive"
    assert category("sleep_until") == "sleep"
    assert category("CapacityLimiter.acquire") == "acquire"
    assert category("NurseryManager.__aexit__") == "join"
    assert category("Event.wait") == "wait"
    assert category("mystery") == "other"


def test_empty_trace_draws() -> None:
    fig = plot_timeline(Trace(), title="nothing")
    assert isinstance(fig, Figure)
    fig.canvas.draw()  # type: ignore[no-untyped-call]


def test_large_trace_draws() -> None:
    async def busy() -> None:
        async def sleeper(i: int) -> None:
            for _ in range(100):
                await trio.sleep(1 + i % 3)

        async with trio.open_nursery() as nursery:
            for i in range(100):
                nursery.start_soon(sleeper, i)

    trace = Trace()
    run(busy, trace=trace)
    assert sum(len(life.blocked) for life in trace.tasks) >= 10_000
    fig = plot_timeline(trace)
    fig.canvas.draw()  # type: ignore[no-untyped-call]
    assert len(fig.axes[0].get_yticklabels()) == 101


def test_trace_as_a_plain_trio_instrument() -> None:
    trace = Trace()
    trio.run(_pipeline, instruments=[trace], clock=trio.testing.MockClock(autojump_threshold=0))
    assert [t.name for t in trace.tasks] == ["_pipeline", "producer", "consumer"]
