"""Go's concurrency patterns rebuilt with trio: the library behind the book's chapters.

Import from here, not from the modules: ``from support import run, Trace, plot_timeline``.
"""

from support.runtime import Deadlock, log, run
from support.timeline import plot_timeline
from support.trace import Span, TaskLife, Trace

__all__ = [
    "Deadlock",
    "Span",
    "TaskLife",
    "Trace",
    "log",
    "plot_timeline",
    "run",
]
