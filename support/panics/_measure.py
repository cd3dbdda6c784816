"""What it costs to raise through N frames and catch it: Python, the Go model, a trio nursery, Go itself.

Mental model: every contender does the same work, one operation at a time:
call itself ``depth`` times, fail at the bottom, and be caught at the top.
Python raises and ``except``s; the model panics through ``depth`` model
frames into a deferred recover; trio opens a nursery whose one task recurses
``depth`` async calls deep and raises, and the owner catches the
``ExceptionGroup`` with ``except*``; Go panics and recovers (the book's program
``panics/bench``, compiled by the same call). Each figure is the median over
``rounds`` of the time per operation.
Taught in the chapter ``panics``.
"""

from __future__ import annotations

import contextlib
import re
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import trio

from support.golang import GO_MODULE, GoError, build_go, go_env
from support.panics._model import go_call, go_defer, go_panic, go_recover, run_goroutine

RAISE_CONTENDERS = ("Python raise/except", "Go model", "trio nursery", "Go panic/recover")


@dataclass(frozen=True)
class RaiseCost:
    """The median seconds one raise-and-catch through ``depth`` frames took."""

    contender: str
    depth: int
    seconds: float


def _dive(depth: int) -> int:
    if depth == 0:
        raise ValueError("bottom")
    return _dive(depth - 1) + 1


def _python(depth: int, n: int) -> None:
    for _ in range(n):
        with contextlib.suppress(ValueError):
            _dive(depth - 1)


def _model_dive(depth: int) -> int:
    if depth == 0:
        go_panic("bottom")
    return int(go_call(_model_dive, depth - 1)) + 1


def _model_once(depth: int) -> None:
    go_defer(_recovering)
    go_call(_model_dive, depth - 1)


def _recovering() -> None:
    go_recover()


def _model(depth: int, n: int) -> None:
    def body() -> None:
        for _ in range(n):
            go_call(_model_once, depth)
    if run_goroutine(body).exit_status != 0:
        raise RuntimeError("the model's panic was not recovered")


async def _adive(depth: int) -> int:
    if depth == 0:
        raise ValueError("bottom")
    return await _adive(depth - 1) + 1


def _trio(depth: int, n: int) -> None:
    async def main() -> None:
        for _ in range(n):
            try:
                async with trio.open_nursery() as nursery:
                    nursery.start_soon(_adive, depth - 1)
            except* ValueError:
                pass
    trio.run(main)


def _median(fn: Callable[[int, int], None], depth: int, n: int, rounds: int) -> float:
    fn(depth, 1)  # warm up, and fail loudly before timing
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn(depth, n)
        times.append((time.perf_counter() - start) / n)
    return statistics.median(times)


def go_panic_costs(depths: Sequence[int], n: int, rounds: int) -> dict[int, float]:
    """Seconds per panic/recover through each depth, from the Go program ``panics/bench``."""
    binary = build_go("panics/bench")
    result = subprocess.run([str(binary), str(n), str(rounds), *map(str, depths)], cwd=GO_MODULE, env=go_env(),
                            text=True, capture_output=True, timeout=300)
    found = {int(d): float(ns) * 1e-9 for d, ns in re.findall(r"^depth (\d+) ns/op ([\d.]+)$", result.stdout,
                                                              re.MULTILINE)}
    if result.returncode != 0 or sorted(found) != sorted(depths):
        raise GoError(f"panics/bench failed (status {result.returncode}):\n{result.stdout}{result.stderr}")
    return found


def measure_raise_costs(depths: Sequence[int] = (1, 10, 100), *, n: int = 200, rounds: int = 5,
                        go_n: int = 20_000) -> list[RaiseCost]:
    """Every contender at every depth (``n`` operations a round in Python, ``go_n`` in Go)."""
    for name, value in (("n", n), ("rounds", rounds), ("go_n", go_n)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if not depths or any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in depths):
        raise ValueError(f"depths must be positive ints (frames between the raise and the catch), got {depths!r}")
    contenders: dict[str, Callable[[int, int], None]] = {"Python raise/except": _python, "Go model": _model,
                                                         "trio nursery": _trio}
    costs = [RaiseCost(name, d, _median(fn, d, n, rounds)) for name, fn in contenders.items() for d in depths]
    go = go_panic_costs(depths, go_n, rounds)
    return costs + [RaiseCost("Go panic/recover", d, go[d]) for d in depths]
