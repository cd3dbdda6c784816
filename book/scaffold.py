"""``book new STEM --title …``: start a chapter that already has the book's shape and passes ``book test``.

From ``book/template/`` it writes the notebook, the support package (private
modules), the test and the benchmark; declares the package's names once in
``support/__init__.py``; appends the stem to ``_toc.yml``; then executes the
notebook and stores it normalised, as ``book refresh`` does. Nothing is
written if the stem is taken or malformed.
"""

from __future__ import annotations

import book._fastimport  # noqa: F401  # before nbformat: it makes importing nbformat 2 s faster

# isort: split
import keyword
import re
from pathlib import Path
from string import Template
from typing import Any

import nbformat

from book.layout import PAGES, layout
from book.project import ROOT, TOC, BookError, toc_files

__all__ = ["add_exports", "add_to_toc", "new", "notebook_from_template", "render"]

TEMPLATE = Path(__file__).resolve().parent / "template"
_FILES = {
    "support__init__.py.tmpl": "support/{stem}/__init__.py",
    "support_model.py.tmpl": "support/{stem}/_model.py",
    "support_measure.py.tmpl": "support/{stem}/_measure.py",
    "test.py.tmpl": "tests/test_{stem}.py",
    "benchmark.py.tmpl": "benchmarks/{stem}.py",
}
_CELL = re.compile(r"^<!-- (markdown|code)(?: tags=([\w,-]+))? -->$", re.M)


def _check_stem(stem: str, title: str) -> None:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", stem) or keyword.iskeyword(stem) or stem.endswith("_"):
        raise BookError(f"stem {stem!r} must be a lower_case Python name (letters, digits, _), e.g. direct_io")
    if not title.strip():
        raise BookError("--title must not be empty")


def _values(stem: str, title: str) -> dict[str, str]:
    return {"stem": stem, "title": title.strip(), "Stem": "".join(w.capitalize() for w in stem.split("_"))}


def render(stem: str, title: str) -> dict[str, str]:
    """The new files' text by path relative to the project root (the notebook excluded)."""
    _check_stem(stem, title)
    values = _values(stem, title)
    return {dest.format(stem=stem): Template((TEMPLATE / src).read_text(encoding="utf-8")).substitute(values)
            for src, dest in _FILES.items()}


def notebook_from_template(stem: str, title: str) -> Any:  # an nbformat NotebookNode (nbformat is untyped)
    """The chapter's cells from ``template/chapter.md``, not yet executed."""
    _check_stem(stem, title)
    text = Template((TEMPLATE / "chapter.md").read_text(encoding="utf-8")).substitute(_values(stem, title))
    marks = list(_CELL.finditer(text))
    cells = []
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        body = text[mark.end():following.start() if following else len(text)].strip("\n")
        if mark.group(1) == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(body))
        else:
            cell = nbformat.v4.new_code_cell(body)
            if mark.group(2):
                cell.metadata["tags"] = mark.group(2).split(",")
            cells.append(cell)
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return nb


def add_to_toc(toc_text: str, stem: str) -> str:
    """``_toc.yml`` with ``- file: chapters/<stem>`` after the last chapter (move it to its place in the notes)."""
    lines = toc_text.rstrip("\n").split("\n")
    last = max((i for i, line in enumerate(lines) if re.match(r"\s*- file: chapters/", line)
                and line.split("chapters/", 1)[1].strip() not in PAGES), default=None)
    if last is None:
        raise BookError("_toc.yml has no `- file: chapters/…` entry to add the chapter after")
    indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
    lines.insert(last + 1, f"{indent}- file: chapters/{stem}")
    return "\n".join(lines) + "\n"


def add_exports(init_text: str, stem: str, names: list[str]) -> str:
    """``support/__init__.py`` with a ``from support.<stem> import (…)`` block, in module order, in TYPE_CHECKING."""
    blocks = list(re.finditer(r"^    from support\.([\w.]+) import \(\n(?:        .*\n)*?    \)\n", init_text, re.M))
    if not blocks:
        raise BookError("support/__init__.py has no `from support.x import (…)` block in its TYPE_CHECKING block")
    if any(b.group(1) == stem for b in blocks):
        raise BookError(f"support/__init__.py already declares names from support.{stem}")
    block = f"    from support.{stem} import (\n" + "".join(f"        {n} as {n},\n" for n in names) + "    )\n"
    after = [b for b in blocks if b.group(1) > stem]
    at = after[0].start() if after else blocks[-1].end()
    return init_text[:at] + block + init_text[at:]


def _exported(init_text: str) -> list[str]:
    match = re.search(r"^__all__ = \[(.*?)\]", init_text, re.M | re.S)
    if match is None:
        raise BookError("the template's support __init__ has no __all__")
    return re.findall(r'"(\w+)"', match.group(1))


def new(stem: str, title: str, root: Path = ROOT) -> list[Path]:
    """Make the chapter ``stem`` under ``root``; return the files written. Executes the notebook."""
    files = render(stem, title)
    where = layout(stem)
    taken = [rel for rel in [where.notebook, *files, f"support/{stem}"] if (root / rel).exists()]
    toc = root / TOC.relative_to(ROOT)
    if taken or stem in {Path(f).name for f in toc_files(toc)}:
        raise BookError(f"the stem {stem} is taken: {', '.join(taken) or '_toc.yml lists it'}")
    init = root / "support" / "__init__.py"
    init_text = add_exports(init.read_text(encoding="utf-8"), stem, _exported(files[f"support/{stem}/__init__.py"]))
    toc_text = add_to_toc(toc.read_text(encoding="utf-8"), stem)
    written = []
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
        written.append(root / rel)
    init.write_text(init_text, encoding="utf-8")
    toc.write_text(toc_text, encoding="utf-8")
    path = root / where.notebook
    nbformat.write(notebook_from_template(stem, title), path)
    written.append(path)
    from book.refresh import execute  # nbclient takes seconds to import

    print(f"==> execute chapters/{stem}.ipynb and store it normalised", flush=True)
    execute(path, remeasure=True, root=root)
    for p in written:
        print(f"book: wrote {p.relative_to(root)}")
    print(f"book: added chapters/{stem} to _toc.yml (move it to its place in the notes' order) and "
          f"its names to support/__init__.py")
    return written
