"""Once: Go's ``sync.Once`` version by version, in threads and in trio, and an async Once.

Mental model: a Once is a flag and a lock. The flag makes the common case
(already done) cheap; the lock makes the first case (not yet done) run
``f`` exactly once; the second look at the flag under the lock closes the
gap between the two. The private modules: ``_threads`` (the evolution with
:mod:`threading`), ``_async`` (:class:`AsyncOnce` and the naive port),
``_replay`` (the g1/g2 race forced and swept over seeds), ``_go`` (the
compiler's inlining verdicts and Go's benchmark peer). Taught in the
chapter ``once``.
"""

from support.once._async import AsyncOnce, NaiveAsyncOnce, OnceFailedError, OnceStatistics, Policy
from support.once._go import go_once_ns_per_call, inlining_decisions, std_once_source
from support.once._measure import FAST_PATHS, UNROLL, measure_contention, measure_fast_paths, measure_loop, paired_ratio
from support.once._replay import count_runs, replay_g1_g2_tasks
from support.once._threads import LockedOnce, ThreadOnce, UncheckedOnce, replay_g1_g2_threads, with_gap

__all__ = [
    "FAST_PATHS",
    "UNROLL",
    "AsyncOnce",
    "LockedOnce",
    "NaiveAsyncOnce",
    "OnceFailedError",
    "OnceStatistics",
    "Policy",
    "ThreadOnce",
    "UncheckedOnce",
    "count_runs",
    "go_once_ns_per_call",
    "inlining_decisions",
    "measure_contention",
    "measure_fast_paths",
    "measure_loop",
    "paired_ratio",
    "replay_g1_g2_tasks",
    "replay_g1_g2_threads",
    "std_once_source",
    "with_gap",
]
