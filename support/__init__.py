"""Go's concurrency patterns rebuilt with trio: the library behind the book's chapters.

Import from here, not from the modules: ``from support import run, Trace, plot_timeline``.
"""

from support.pipelines import Pipeline, Stage, collect, open_pipeline, run_stage, stage
from support.runtime import Deadlock, log, run
from support.timeline import plot_timeline
from support.trace import Span, TaskLife, Trace

__all__ = [
    "Deadlock",
    "Pipeline",
    "Span",
    "Stage",
    "TaskLife",
    "Trace",
    "collect",
    "log",
    "open_pipeline",
    "plot_timeline",
    "run",
    "run_stage",
    "stage",
]
