"""Go peers for ``book bench``: build the book's Go benchmark programs and read their rates.

Mental model: a Go peer is an ordinary program of the book's Go module
(``chapters/go/pipelines/bench``), shown in its chapter's Measured section and
built here with :func:`support.golang.build_go` (the pinned toolchain, a
stable binary path, no network). It checks its own result before timing and
prints the median items/s of its rounds; this module runs it once per
``GOMAXPROCS`` value and returns those medians, so the caller can report Go's
best run and every setting it tried.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence

from support._validate import check_int
from support.golang import GO_MODULE, GoError, build_go, go_env

__all__ = ["go_pipeline_rate", "go_programs_run"]

_RAN: set[str] = set()  # the Go programs that ran to a checked result in this process

_RATE = re.compile(r"^items/s (\d+(?:\.\d+)?) \(median of (\d+) rounds\)$", re.MULTILINE)
_CHECK = re.compile(r"^GOMAXPROCS=(\d+) items=(\d+) buffer=(\d+) sum ok$", re.MULTILINE)


def go_pipeline_rate(n: int = 200_000, *, buffer: int = 100, rounds: int = 5,
                     procs: Sequence[int] = (1, 2), timeout: float = 120.0) -> dict[int, float]:
    """Items per second of Go's 3-stage channel pipeline, one median per ``GOMAXPROCS`` value.

    The program (``pipelines/bench``) runs a source, three stages (``x+1``,
    ``x*2``, ``x-3``, the transforms of ``support.pipelines._measure``) and a
    sink as goroutines joined by channels of ``buffer`` slots, checks the sum
    of its ``n`` results, then times ``rounds`` runs. Raises
    :class:`support.golang.GoError` if it fails, its check fails, or it
    reports other settings than asked. Taught in the chapter ``pipelines``.
    """
    for name, value in (("n", n), ("buffer", buffer), ("rounds", rounds)):
        check_int(value, name, minimum=1)
    if not procs:
        raise ValueError("procs must name at least one GOMAXPROCS value, got ()")
    for p in procs:
        check_int(p, "each GOMAXPROCS value in procs", minimum=1)
    binary = build_go("pipelines/bench")
    rates: dict[int, float] = {}
    for p in procs:
        cmd = [str(binary), "-n", str(n), "-buffer", str(buffer), "-rounds", str(rounds)]
        try:
            result = subprocess.run(cmd, cwd=GO_MODULE, env=go_env({"GOMAXPROCS": str(p)}), text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise GoError(f"pipelines/bench did not finish within {timeout:g} s") from exc
        check, rate = _CHECK.search(result.stdout), _RATE.search(result.stdout)
        if result.returncode != 0 or check is None or rate is None:
            raise GoError(f"pipelines/bench failed with GOMAXPROCS={p} (status {result.returncode}):\n"
                          f"{result.stdout}")
        if (int(check[1]), int(check[2]), int(check[3])) != (p, n, buffer):
            raise GoError(f"pipelines/bench ran with other settings than asked: {check[0]}")
        rates[p] = float(rate[1])
    _RAN.add("pipelines/bench")
    return rates


def go_programs_run() -> int:
    """How many distinct Go peer programs have run, and passed their own check, in this process."""
    return len(_RAN)
