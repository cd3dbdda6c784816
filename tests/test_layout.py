"""Every chapter of ``_toc.yml`` has the files the layout promises (``book/layout.py``), and back-links are real."""

from __future__ import annotations

import re
from pathlib import Path

from book import layout
from book.project import ROOT, toc_files


def test_every_chapter_has_its_notebook_support_tests_and_benchmark() -> None:
    stems = [Path(f).name for f in toc_files()]
    assert layout.problems(ROOT, stems) == []


def test_the_layout_check_names_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "support" / "demo").mkdir(parents=True)
    (tmp_path / "support" / "demo" / "__init__.py").write_text('"""Demo.\n\nTaught in the chapter ``demo``.\n"""\n'
                                                              '__all__ = []\n')
    (tmp_path / "support" / "demo" / "public.py").write_text('"""Taught in the chapter ``nowhere``."""\n')
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "demo.py").write_text("def run(fast: bool) -> list[object]:\n    return []\n")
    found = "\n".join(layout.problems(tmp_path, ["intro", "demo"]))
    assert "chapters/demo.ipynb is missing" in found
    assert "tests/test_demo.py is missing" in found
    assert "must define run(quick: bool)" in found
    assert "public modules public.py" in found
    assert "needs a list __all__" in found
    assert "names no chapter" in found and "``nowhere``" in found


def test_taught_in_reads_wrapped_docstrings(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text('"""Model.\n\nTaught in the chapter\n``timer_heap``.\n"""\n\n'
                      'def f() -> None:\n    """Taught in the chapters ``a`` and ``b``."""\n')
    assert layout.taught_in(source) == ["timer_heap", "a", "b"]


def test_exemptions_still_apply() -> None:
    stems = [Path(f).name for f in toc_files()]
    for stem in layout.NO_BENCHMARK:
        assert stem in stems and not (ROOT / "benchmarks" / f"{stem}.py").exists()
    for stem in layout.PUBLIC_MODULES_PENDING:  # once its modules are private, the stem leaves the set
        public = [p for p in (ROOT / "support" / stem).glob("*.py") if not p.name.startswith("_")]
        assert public, f"support/{stem}/ has no public modules now: remove it from PUBLIC_MODULES_PENDING"


def test_the_intro_lists_the_chapters_from_the_toc_not_by_hand() -> None:
    intro = (ROOT / "chapters" / "intro.md").read_text(encoding="utf-8")
    assert "```{tableofcontents}\n```" in intro  # Jupyter Book fills it from _toc.yml at build time
    stems = {Path(f).name for f in toc_files()}
    linked = set(re.findall(r"\{doc\}`([\w/]+)`", intro))
    assert linked <= stems, f"the intro links pages _toc.yml does not have: {sorted(linked - stems)}"
