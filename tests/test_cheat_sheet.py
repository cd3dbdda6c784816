"""The cheat sheet is checked, not hand-kept: a row for every Go construct the book uses, each linking a section.

The strict build (``-W -n``) already fails on a link to a section that does not
exist; these tests fail when a construct the notes use has no row, or when the
book's Go programs run a construct whose row links none of the chapters that run it.
"""

from __future__ import annotations

import json
import re

import pytest
from myst_parser.mdit_to_docutils.base import default_slugify

from book.project import CHAPTERS

SHEET = CHAPTERS / "cheat_sheet.md"
LINK = re.compile(r"\]\((\w+)\.ipynb#([\w\-]+)\)")

# Each construct the notes use: the text its row starts with, and how to spot it in a Go program (None: not
# recognisable from the source alone, e.g. ranging over a channel looks like ranging over a slice).
CONSTRUCTS: dict[str, re.Pattern[str] | None] = {
    "`go f()`": re.compile(r"^\s*go\s+(func\b|[\w.]+\()", re.M),
    "`make(chan T)`": re.compile(r"make\(chan [^,()]+\)"),
    "`make(chan T, n)`": re.compile(r"make\(chan [^,()]+,"),
    "`close(ch)`": re.compile(r"\bclose\("),
    "`for v := range ch`": None,
    "`v, ok := <-ch`": re.compile(r"\w+, ok :?= <-"),
    "`select`": re.compile(r"\bselect \{"),
    "`select` with `default`": None,
    "`context.WithCancel`": re.compile(r"context\.WithCancel\b"),
    "`context.WithTimeout`": re.compile(r"context\.WithTimeout\b"),
    "`context.WithDeadline`": re.compile(r"context\.WithDeadline\b"),
    "`sync.WaitGroup`": re.compile(r"sync\.WaitGroup\b"),
    "`errgroup.Group`": None,  # x/sync is unreachable here: the chapters write a standard-library stand-in
    "`semaphore.Weighted`": None,
    "`sync.Mutex`": re.compile(r"sync\.Mutex\b"),
    "`sync.Once`": re.compile(r"sync\.Once\b"),
    "`sync/atomic`": re.compile(r'"sync/atomic"'),
    "`time.Sleep`": re.compile(r"time\.Sleep\("),
    "`time.After`": re.compile(r"time\.After\("),
    "`time.Tick`": re.compile(r"time\.Tick\("),
    "`time.NewTimer`": re.compile(r"time\.NewTimer\("),
    "`Timer.Reset`": None,
    "`Timer.Stop`": None,
    "`time.AfterFunc`": re.compile(r"time\.AfterFunc\("),
    "`time.NewTicker`": re.compile(r"time\.NewTicker\("),
    "`panic`": re.compile(r"\bpanic\("),
    "`recover`": re.compile(r"\brecover\(\)"),
    "`defer`": re.compile(r"^\s*defer\s", re.M),
    "`runtime.NumGoroutine`": re.compile(r"runtime\.NumGoroutine\("),
    "`os/signal`": re.compile(r'"os/signal"'),
    "functional options": re.compile(r"\.\.\.func\(|\.\.\.Option\b"),
    "`syscall.O_DIRECT`": re.compile(r"syscall\.O_DIRECT\b"),
}


def _rows() -> dict[str, str]:
    rows = {}
    for line in SHEET.read_text(encoding="utf-8").splitlines():
        if line.startswith("| ") and not line.startswith(("| Go ", "|---")):
            rows[line.split(" | ")[0][2:].strip()] = line
    return rows


def _headings(stem: str) -> set[str]:
    cells = json.loads((CHAPTERS / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]
    return {default_slugify(line.lstrip("#").strip()) for c in cells if c["cell_type"] == "markdown"
            for line in "".join(c["source"]).splitlines() if line.startswith("#")}


def test_every_construct_has_exactly_one_row_and_nothing_else_does() -> None:
    assert set(_rows()) == set(CONSTRUCTS)


@pytest.mark.parametrize("construct", list(CONSTRUCTS))
def test_each_row_links_sections_that_exist(construct: str) -> None:
    links = LINK.findall(_rows()[construct])
    assert links, f"{construct}: the row links no chapter section"
    for stem, anchor in links:
        assert anchor in _headings(stem), f"{construct}: {stem} has no section #{anchor}"


def _users() -> dict[str, set[str]]:
    """For each recognisable construct, the chapters whose Go programs use it."""
    users: dict[str, set[str]] = {c: set() for c in CONSTRUCTS}
    for folder in sorted(p for p in (CHAPTERS / "go").iterdir() if p.is_dir()):
        source = "\n".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.go"))
        for construct, pattern in CONSTRUCTS.items():
            if pattern is not None and pattern.search(source):
                users[construct].add(folder.name)
    return users


@pytest.mark.parametrize("construct", [c for c, p in CONSTRUCTS.items() if p is not None])
def test_a_construct_the_go_programs_use_links_a_chapter_that_runs_it(construct: str) -> None:
    users = _users()[construct]
    if users:
        linked = {s for s, _ in LINK.findall(_rows()[construct])}
        assert linked & users, f"{construct} runs in the Go of {sorted(users)}, but its row links none of them"
