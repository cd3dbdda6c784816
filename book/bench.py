"""``book bench``: run ``benchmarks/<stem>.py`` for the chosen chapters; print a table and BENCH lines.

Each benchmark module defines ``run(quick: bool) -> list[Figure]``. Machines
read the ``BENCH <name> <value> <unit>`` lines; people read the table. A
figure that misses its goal makes the command fail.
"""

from __future__ import annotations

import importlib
import time

from benchmarks._common import Figure
from book.project import ROOT, BookError, select, toc_stems


def available() -> list[str]:
    have = {p.stem for p in (ROOT / "benchmarks").glob("*.py") if not p.stem.startswith("_")}
    ordered = [s for s in toc_stems() if s in have]
    return ordered + sorted(have - set(ordered))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def bench(stems: list[str], quick: bool = False) -> None:
    figures: list[tuple[str, Figure]] = []
    for stem in select(stems, available(), "benchmark"):
        print(f"==> bench {stem}{' (quick)' if quick else ''}", flush=True)
        start = time.monotonic()
        module = importlib.import_module(f"benchmarks.{stem}")
        found: list[Figure] = module.run(quick=quick)
        figures += [(stem, f) for f in found]
        print(f"    {len(found)} figures in {time.monotonic() - start:.1f}s", flush=True)
    width = max((len(f.name) for _, f in figures), default=4)
    print(f"\n{'figure':<{width}}  {'value':>14}  {'unit':<8}  {'goal':<10}  note")
    for _, f in figures:
        goal = "" if f.goal is None else f"{'<=' if f.goal_is_max else '>='} {_fmt(f.goal)}"
        mark = {None: "", True: "met", False: "MISSED"}[f.met]
        print(f"{f.name:<{width}}  {_fmt(f.value):>14}  {f.unit:<8}  {goal:<10}  {mark:<6} {f.note}")
    print()
    for _, f in figures:
        print(f"BENCH {f.name} {f.value:.6g} {f.unit}")
    missed = [f.name for _, f in figures if f.met is False]
    if missed:
        raise BookError(f"benchmark goals missed: {', '.join(missed)}")
