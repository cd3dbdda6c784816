"""Limiting concurrency: the ways to run many jobs a few at a time, counted, measured and drawn.

Taught in the chapter ``limiting``.
"""

from support.limiting._approaches import APPROACHES, Approach, LimitStatistics, drive, run_limited
from support.limiting._census import TaskCensus, TaskCensusStatistics
from support.limiting._measure import PEERS, JobKind, go_tasks_per_second, tasks_per_second
from support.limiting._memory import MemoryUse, bytes_per_parked_task, measure_in_child, measure_memory
from support.limiting._plot import plot_memory, plot_tasks_alive
from support.limiting._pool import WorkerPool, WorkerPoolStatistics, open_worker_pool
from support.limiting._validate import check_count

__all__ = [
    "APPROACHES",
    "PEERS",
    "Approach",
    "JobKind",
    "LimitStatistics",
    "MemoryUse",
    "TaskCensus",
    "TaskCensusStatistics",
    "WorkerPool",
    "WorkerPoolStatistics",
    "bytes_per_parked_task",
    "check_count",
    "drive",
    "go_tasks_per_second",
    "measure_in_child",
    "measure_memory",
    "open_worker_pool",
    "plot_memory",
    "plot_tasks_alive",
    "run_limited",
    "tasks_per_second",
]
