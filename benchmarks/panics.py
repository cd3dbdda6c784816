"""Panics: the cost of raising through 1, 10 and 100 frames and catching it; the model's agreement with Go.

Four contenders do the same operation (``support/panics/_measure.py``, which
the chapter's Measured cell runs briefly): Python ``raise``/``except``, the Go
model's ``go_panic`` into a deferred ``go_recover``, a trio task failing inside
a nursery caught with ``except*``, and Go's ``panic``/``recover``
(``chapters/go/panics/bench``, compiled and run by this same command). Figures
are medians of per-operation times, in µs, and ratios against Go and Python.

``panics.go_agreement`` is the differential test at scale: 600 random
programs of defers, recovers, re-panics and Goexits (200 with ``--quick``),
compiled as one Go file and run by the model; the goal is 100 %.
"""

from __future__ import annotations

import random

from benchmarks._common import Figure
from support.panics import check_against_go, measure_raise_costs, random_program

_KEY = {"Python raise/except": "python", "Go model": "model", "trio nursery": "trio", "Go panic/recover": "go"}


def run(quick: bool = False) -> list[Figure]:
    depths = (1, 10, 100)
    n, go_n, rounds = (100, 20_000, 3) if quick else (400, 200_000, 7)
    costs = {(c.contender, c.depth): c.seconds for c in measure_raise_costs(depths, n=n, rounds=rounds, go_n=go_n)}
    figures = []
    for (contender, depth), seconds in costs.items():
        figures.append(Figure(f"panics.raise_us.{_KEY[contender]}.depth{depth}", seconds * 1e6, "µs",
                              f"{contender}, {depth} frames, median of {rounds} rounds"))
    for depth in depths:
        go = costs["Go panic/recover", depth]
        python = costs["Python raise/except", depth]
        for contender in ("Python raise/except", "Go model", "trio nursery"):
            figures.append(Figure(f"panics.ratio_vs_go.{_KEY[contender]}.depth{depth}",
                                  costs[contender, depth] / go, "x", f"{contender} time / Go's, {depth} frames"))
        figures.append(Figure(f"panics.ratio_vs_python.model.depth{depth}", costs["Go model", depth] / python, "x",
                              f"the model's time / Python's, {depth} frames"))
    rng = random.Random(20260)
    programs = [random_program(rng) for _ in range(200 if quick else 600)]
    agreement = check_against_go(programs)
    figures.append(Figure("panics.go_agreement", 100 * agreement.rate, "%",
                          f"{agreement.programs} random programs ({agreement.crashing} crash), model vs Go",
                          goal=100.0))
    return figures
