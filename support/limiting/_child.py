"""The child process of :func:`support.limiting.measure_in_child`: one approach's memory, printed as JSON.

Run as ``python -m support.limiting._child '{"approach": ..., "tasks": ..., "limit": ...}'``.
It warms up, measures the growth of its peak resident set (``VmHWM``, the
high-water mark of this process's own pages: ``ru_maxrss`` would start at the
parent's peak, inherited across ``fork``) in a run without tracemalloc, then
tracemalloc's peak in a second run. Taught in the chapter ``limiting``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from support.limiting._approaches import run_limited
from support.limiting._memory import _second, measure_memory
from support.runtime import run


def peak_rss_bytes() -> int:
    """This process's peak resident set size, from ``/proc/self/status`` (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024  # the kernel reports kB
    raise RuntimeError("no VmHWM in /proc/self/status: peak RSS needs Linux")


def main(arguments: str) -> None:
    asked = json.loads(arguments)
    approach, tasks, limit = asked["approach"], asked["tasks"], asked["limit"]
    measure_memory(approach, 10, limit)  # warm up: imports, first-run caches

    async def jobs() -> None:
        await run_limited(_second, range(tasks), approach=approach, limit=limit, timeline=False)

    before = peak_rss_bytes()
    run(jobs)  # RSS without tracemalloc's own cost
    rss = peak_rss_bytes() - before
    use = measure_memory(approach, tasks, limit)
    print(json.dumps({"peak_bytes": use.peak_bytes, "most_alive": use.most_alive, "rss_bytes": rss}))


if __name__ == "__main__":
    main(sys.argv[1])
