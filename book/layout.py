"""The one way a chapter is laid out, and every exception to it, with its reason.

A chapter is one **stem**, used for every file it owns:

* ``chapters/<stem>.ipynb``, listed in ``_toc.yml``;
* ``support/<stem>/``, a package: private modules (``_x.py``) and an
  ``__init__.py`` with an ``__all__`` (sorted: ruff's RUF022); its public names are declared once
  in ``support/__init__.py``;
* ``tests/test_<stem>.py``;
* ``benchmarks/<stem>.py``, whose ``run(quick: bool) -> list[Figure]`` is what
  ``book bench <stem>`` calls.

Every docstring under ``support/`` ends with "Taught in the chapter ``<stem>``."
naming a real chapter. ``tests/test_layout.py`` holds the book to this, and
``book new`` (from ``book/template/``) makes a chapter that already obeys it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NO_BENCHMARK", "PAGES", "PUBLIC_MODULES_PENDING", "Layout", "layout", "problems", "taught_in"]

# Entries of _toc.yml that are pages, not chapters: no support code, tests or benchmark.
PAGES = {
    "intro": "the front page: prose and the list of chapters, no code",
}
# The reading chapter teaches the runtime every chapter uses, so its code is the
# top-level modules of support/ and their tests, not support/reading/.
_READING = ("support/runtime.py", "support/trace.py", "support/timeline.py", "support/_frames.py")
_READING_TESTS = ("tests/test_runtime.py", "tests/test_timeline.py")
# Chapters with nothing worth a benchmark, and why (each chapter's Measured section says so too).
NO_BENCHMARK = {
    "options": "options are built once per server or connection and cost well under a microsecond "
               "in both languages: the chapter's Measured section says there is nothing to time",
}
# Packages that still have public submodules; remove the stem once its modules are private.
PUBLIC_MODULES_PENDING = {
    "worker_pool": "issue 9 §6 (worker pool helper): server.py and load.py run as child processes",
}
_TAUGHT = re.compile(r"Taught in the chapters?\s+((?:``[^`]+``(?:,\s*|\s+and\s+)?)+)")


@dataclass(frozen=True)
class Layout:
    """Where one chapter's files are, relative to the project root (``benchmark`` is None when exempt)."""

    stem: str
    notebook: str
    support: tuple[str, ...]
    tests: tuple[str, ...]
    benchmark: str | None


def layout(stem: str) -> Layout:
    support = _READING if stem == "reading" else (f"support/{stem}/__init__.py",)
    tests = _READING_TESTS if stem == "reading" else (f"tests/test_{stem}.py",)
    benchmark = None if stem in NO_BENCHMARK else f"benchmarks/{stem}.py"
    return Layout(stem, f"chapters/{stem}.ipynb", support, tests, benchmark)


def _docstrings(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            text = ast.get_docstring(node)
            if text:
                yield " ".join(text.split())


def taught_in(path: Path) -> list[str]:
    """Every stem a file's docstrings name in "Taught in the chapter ``x``"."""
    stems = []
    for text in _docstrings(path):
        for match in _TAUGHT.finditer(text):
            stems += re.findall(r"``([^`]+)``", match.group(1))
    return stems


def _defines_run(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "run":
            args = [a.arg for a in node.args.args + node.args.kwonlyargs]
            return args == ["quick"]
    return False


def _package_problems(root: Path, stem: str) -> list[str]:
    package = root / "support" / stem
    problems = []
    if stem not in PUBLIC_MODULES_PENDING:
        public = sorted(p.name for p in package.glob("*.py") if not p.name.startswith("_"))
        if public:
            problems.append(f"support/{stem}/ has public modules {', '.join(public)}: name them _x.py and "
                            "export from __init__.py")
    init = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    names = [n for n in init.body if isinstance(n, ast.Assign)
             and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)]
    exported = ast.literal_eval(names[0].value) if names else None
    if not isinstance(exported, list) or not exported:
        problems.append(f"support/{stem}/__init__.py needs a list __all__ (ruff's RUF022 keeps it sorted)")
    for module in sorted(package.glob("*.py")):
        wrong = [s for s in taught_in(module) if s != stem]
        if not taught_in(module) or wrong:
            problems.append(f"support/{stem}/{module.name}: its docstring must say "
                            f"Taught in the chapter ``{stem}``.")
    return problems


def problems(root: Path, toc_files: list[str]) -> list[str]:
    """Every way the project departs from the layout; ``toc_files`` are the stems of ``_toc.yml``, root first."""
    found: list[str] = []
    chapters = [s for s in toc_files if s not in PAGES]
    for stem in chapters:
        where = layout(stem)
        for rel in (where.notebook, *where.support, *where.tests, *([where.benchmark] if where.benchmark else [])):
            if not (root / rel).exists():
                found.append(f"{stem}: {rel} is missing")
        if where.benchmark and (root / where.benchmark).exists() and not _defines_run(root / where.benchmark):
            found.append(f"{stem}: {where.benchmark} must define run(quick: bool) -> list[Figure]")
        if stem != "reading" and (root / "support" / stem / "__init__.py").exists():
            found += _package_problems(root, stem)
    for stem in NO_BENCHMARK:
        if (root / f"benchmarks/{stem}.py").exists():
            found.append(f"{stem} is exempt from a benchmark but benchmarks/{stem}.py exists: drop the exemption")
    for source in sorted([*(root / "support").rglob("*.py"), *(root / "benchmarks").glob("*.py")]):
        for named in taught_in(source):
            if named not in chapters:
                found.append(f"{source.relative_to(root)}: 'Taught in the chapter ``{named}``' names no chapter "
                             f"of _toc.yml ({', '.join(chapters)})")
    for page in PAGES:
        if page not in toc_files:
            found.append(f"the page {page} is exempt from the layout but is not in _toc.yml: drop the exemption")
    return found
