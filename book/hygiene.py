"""Is every chapter stored in a state that nbval can really test?

nbval compares only executed cells, and a failing trio nursery may print its
ExceptionGroup as stderr text instead of an error output. So a notebook can
pass nbval while proving nothing. This check fails when:

* a code cell was never executed, or execution counts are not 1, 2, 3, …;
* a cell stores an error, or a traceback on a stream, without ``raises-exception``;
* a cell is tagged ``nbval-skip``;
* more than 10 % of a chapter's code cells carry ``nbval-ignore-output``, or
  such a cell does not open with a comment saying why.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

IGNORE_BUDGET = 0.10
TRACEBACK_MARKS = ("Traceback (most recent call last)", "Exception Group Traceback")
RAISES = {"raises-exception", "nbval-raises-exception"}


def source_hash(source: str) -> str:
    """The short hash that ties a stored measurement to the code that made it."""
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _tags(cell: dict[str, Any]) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _raised(traceback: str) -> str:
    """``: ValueError: x`` for the innermost exception a printed traceback names, or nothing."""
    found = re.findall(r"^[\s|]*([A-Za-z_][\w.]*(?:Error|Exception|Group|Interrupt|Exit)\b[^\n]*)$", traceback, re.M)
    return f": {found[-1].strip()}" if found else ""


def check_notebook(path: Path) -> list[str]:
    """Every hygiene problem in one notebook, each a line naming the cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    problems: list[str] = []
    ignored = 0
    for index, cell in enumerate(code, 1):
        where = f"{path.name}: code cell {index}"
        tags = _tags(cell)
        source = _text(cell.get("source", ""))
        if "nbval-skip" in tags or "# NBVAL_SKIP" in source:
            problems.append(f"{where} is tagged nbval-skip: it is never tested")
        if "nbval-ignore-output" in tags:
            ignored += 1
            if not source.lstrip().startswith("#"):
                problems.append(f"{where} ignores its output but does not open with a comment saying why")
            measured = cell.get("metadata", {}).get("book", {}).get("measured")
            if measured != source_hash(source):
                problems.append(f"{where} stores a measurement of different code: run "
                                "`python3 -m book refresh --remeasure` on its chapter")
        if cell.get("execution_count") != index:
            problems.append(f"{where} has execution_count {cell.get('execution_count')}, expected {index}: "
                            "run `python3 -m book refresh` to store it executed top to bottom")
        for out in cell.get("outputs", []):
            if tags & RAISES:
                continue
            if out.get("output_type") == "error":
                problems.append(f"{where} stores an error ({out.get('ename')}) without the raises-exception tag")
            elif out.get("output_type") == "stream" and any(m in _text(out.get("text", "")) for m in TRACEBACK_MARKS):
                problems.append(f"{where} prints a traceback on {out.get('name')} without the raises-exception tag"
                                f"{_raised(_text(out.get('text', '')))}")
    if code and ignored > IGNORE_BUDGET * len(code):
        problems.append(f"{path.name}: {ignored} of {len(code)} code cells ignore their output "
                        f"(more than {IGNORE_BUDGET:.0%}); only cells that measure real time may")
    if not code:
        problems.append(f"{path.name}: no code cells")
    return problems
