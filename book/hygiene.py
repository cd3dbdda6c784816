"""Is every chapter stored in a state that nbval can really test, and that a reader can see?

nbval compares only executed cells, and a failing trio nursery may print its
ExceptionGroup as stderr text instead of an error output. So a notebook can
pass nbval while proving nothing. This check fails when:

* a code cell was never executed, or execution counts are not 1, 2, 3, …;
* a cell stores an error, or a traceback on a stream, without ``raises-exception``;
* a cell is tagged ``nbval-skip``;
* more than ``max(1, 10 %)`` of a chapter's code cells carry ``nbval-ignore-output``
  (every chapter may have one measuring cell), or such a cell does not open
  with a comment saying why;
* a line of a code cell or of a stored output is wider than the published page
  shows (:data:`LINE_LIMIT`, or :data:`PAIR_LIMIT` in the cells shown side by side);
* a cell tagged ``pair-go`` is not followed at once by a ``pair-trio`` code cell, or the other way round
  (the page puts only adjacent cells side by side: a paragraph between them stacks the two);
* a notebook in ``chapters/`` is not in ``_toc.yml``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

IGNORE_BUDGET = 0.10
TRACEBACK_MARKS = ("Traceback (most recent call last)", "Exception Group Traceback")
IGNORE = "nbval-ignore-output"
RAISES = {"raises-exception", "nbval-raises-exception"}

# The published page shows about 80 characters of code; a Go cell and the trio
# cell after it (tagged pair-go / pair-trio) are shown side by side, 56 each.
LINE_LIMIT = 80
PAIR_LIMIT = 56
PAIR_TAGS = {"pair-go", "pair-trio"}
TAB_WIDTH = 4  # how Go's tab-indented source is counted
# Chapters whose lines are not yet within the limits, each with who fixes it.
# The width check is live for every other chapter; remove a stem once it passes.
WIDTH_PENDING: dict[str, str] = {}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_FENCE = re.compile(r"^\s*(```|~~~)")


def source_hash(source: str) -> str:
    """The short hash that ties a stored measurement to the code that made it."""
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def ignore_budget(code_cells: int) -> int:
    """How many code cells may carry ``nbval-ignore-output``: 10 %, and at least one (the measuring cell)."""
    return max(1, int(IGNORE_BUDGET * code_cells))


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _tags(cell: dict[str, Any]) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _raised(traceback: str) -> str:
    """``: ValueError: x`` for the innermost exception a printed traceback names, or nothing."""
    found = re.findall(r"^[\s|]*([A-Za-z_][\w.]*(?:Error|Exception|Group|Interrupt|Exit)\b[^\n]*)$", traceback, re.M)
    return f": {found[-1].strip()}" if found else ""


def _fenced(markdown: str) -> Iterator[str]:
    """The lines of a Markdown output inside code fences: prose wraps on the page, code does not."""
    inside = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            inside = not inside
        elif inside:
            yield line


def shown_lines(cell: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """``(where, line)`` for every line the page shows as code: the source, then each text output."""
    for line in _text(cell.get("source", "")).splitlines():
        yield "source", line
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            lines = _text(out.get("text", "")).splitlines()
        elif kind == "error":
            lines = _ANSI.sub("", "\n".join(out.get("traceback", []))).splitlines()
        else:
            data = out.get("data", {})
            if "text/markdown" in data:
                lines = list(_fenced(_text(data["text/markdown"])))
            elif any(k.startswith("image/") or k == "text/html" for k in data):
                lines = []  # the page shows the image or the HTML, not the text/plain fallback
            else:
                lines = _text(data.get("text/plain", "")).splitlines()
        for line in lines:
            yield "output", line


def line_limit(cell: dict[str, Any]) -> int:
    return PAIR_LIMIT if _tags(cell) & PAIR_TAGS else LINE_LIMIT


def width(line: str) -> int:
    return len(line.expandtabs(TAB_WIDTH))


def _width_problems(where: str, cell: dict[str, Any]) -> list[str]:
    limit = line_limit(cell)
    problems = []
    for part, line in shown_lines(cell):
        if width(line) > limit:
            problems.append(f"{where}: a line of its {part} is {width(line)} characters wide, more than {limit} "
                            f"(the page cuts it off): {line.strip()[:40]!r}…")
    return problems


def _pair_problems(name: str, cells: list[dict[str, Any]]) -> list[str]:
    """A pair-go cell must be followed at once by a pair-trio code cell, and a pair-trio cell preceded by one."""
    def tagged(i: int, tag: str) -> bool:
        return 0 <= i < len(cells) and cells[i].get("cell_type") == "code" and tag in _tags(cells[i])

    problems, code_index = [], 0
    for i, cell in enumerate(cells):
        code_index += cell.get("cell_type") == "code"
        where = f"{name}: code cell {code_index}"
        if "pair-go" in _tags(cell) and not tagged(i + 1, "pair-trio"):
            problems.append(f"{where} is tagged pair-go, but the next cell is not a pair-trio code cell: "
                            "the page shows only adjacent cells side by side (move the prose between them before both)")
        if "pair-trio" in _tags(cell) and not tagged(i - 1, "pair-go"):
            problems.append(f"{where} is tagged pair-trio, but the cell before it is not a pair-go code cell")
    return problems


def check_notebook(path: Path) -> list[str]:
    """Every hygiene problem in one notebook, each a line naming the cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    check_width = path.stem not in WIDTH_PENDING
    problems: list[str] = _pair_problems(path.name, nb.get("cells", []))
    ignored = 0
    for index, cell in enumerate(code, 1):
        where = f"{path.name}: code cell {index}"
        tags = _tags(cell)
        source = _text(cell.get("source", ""))
        if "nbval-skip" in tags or "# NBVAL_SKIP" in source:
            problems.append(f"{where} is tagged nbval-skip: it is never tested")
        if IGNORE in tags:
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
        if check_width:
            problems += _width_problems(where, cell)
        for out in cell.get("outputs", []):
            if tags & RAISES:
                continue
            if out.get("output_type") == "error":
                problems.append(f"{where} stores an error ({out.get('ename')}) without the raises-exception tag")
            elif out.get("output_type") == "stream" and any(m in _text(out.get("text", "")) for m in TRACEBACK_MARKS):
                problems.append(f"{where} prints a traceback on {out.get('name')} without the raises-exception tag"
                                f"{_raised(_text(out.get('text', '')))}")
    if code and ignored > ignore_budget(len(code)):
        problems.append(f"{path.name}: {ignored} of {len(code)} code cells ignore their output "
                        f"(more than {IGNORE_BUDGET:.0%}, at least one); only cells that measure real time may")
    if not code:
        problems.append(f"{path.name}: no code cells")
    return problems


def check_book(chapters: Path, stems: list[str]) -> list[str]:
    """Every hygiene problem of the chapters in ``_toc.yml``, and every notebook the table leaves out."""
    problems: list[str] = []
    for stem in stems:
        problems += check_notebook(chapters / f"{stem}.ipynb")
    for orphan in sorted({p.stem for p in chapters.glob("*.ipynb")} - set(stems)):
        problems.append(f"chapters/{orphan}.ipynb is not in _toc.yml: add it, or delete it")
    return problems
