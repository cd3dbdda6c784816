"""Typed pipelines of trio tasks: Go's producer → stages → sink, with the goroutines in one nursery.

Mental model: a pipeline is a row of stages joined by memory channels. Each
:class:`Stage` applies one transform with up to ``workers`` tasks (fan-out);
their output channel closes when the last of them is done (fan-in, the job of
Go's WaitGroup plus ``close(out)``). Every task lives in one nursery, so an
error cancels the rest and comes out as an ``ExceptionGroup`` (or alone, with
``errors="first"``), and a cancel reaches every stage, even one blocked in a
send.

Data flows left to right::

    pipe = stage(str.lower, workers=4).then(stage(str.title))   # Pipeline[str, str]
    results = await collect(["FOO", "BAR"], pipe, ordered=True)  # ['Foo', 'Bar']

Speed: trio checkpoints on every ``send``/``receive``; the stages here use
``send_nowait``/``receive_nowait`` while items flow, block only when they
must, and checkpoint once per ``checkpoint_every`` items, so a cancel stops
each stage within one such batch. ``batch=k`` moves lists of ``k`` items per
message for more speed still.

Taught in the chapter ``pipelines``.
"""

from support.pipelines._measure import measure_pipelines
from support.pipelines._pipeline import BUFFER, ErrorMode, Pipeline, collect, open_pipeline
from support.pipelines._stage import CHECKPOINT_EVERY, Stage, run_stage, stage

__all__ = [
    "BUFFER",
    "CHECKPOINT_EVERY",
    "ErrorMode",
    "Pipeline",
    "Stage",
    "collect",
    "measure_pipelines",
    "open_pipeline",
    "run_stage",
    "stage",
]
