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

Layout: the chain language (``_chain``: :class:`Stage`, :func:`stage`,
:class:`Pipeline`) knows nothing of tasks; the engine (``_engine``: the one
fast loop, a stage's workers, :func:`run_stage`) imports it; the runner
(``_pipeline``: :func:`open_pipeline`, :func:`collect`) imports both; the
measurement (``_measure``) is loaded only when asked for, since its peers
import asyncio and anyio.

Taught in the chapter ``pipelines``.
"""

from typing import TYPE_CHECKING, Any

from support.pipelines._chain import Pipeline, Stage, stage
from support.pipelines._engine import CHECKPOINT_EVERY, run_stage
from support.pipelines._pipeline import BUFFER, ErrorMode, collect, open_pipeline

if TYPE_CHECKING:
    from support.pipelines._measure import measure_pipelines

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


def __getattr__(name: str) -> Any:
    if name == "measure_pipelines":  # its peers import asyncio and anyio: load them only when asked for
        from support.pipelines._measure import measure_pipelines

        return measure_pipelines
    raise AttributeError(f"module 'support.pipelines' has no attribute {name!r}")
