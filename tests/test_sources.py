"""The sources page lists every chapter's article, and each chapter's overview links it and the page."""

from __future__ import annotations

import json
import re

import pytest

from book.project import CHAPTERS, toc_stems

ROW = re.compile(r"^\| \[[^\]]+\]\((?P<stem>\w+)\.ipynb\) \| \[[^\]]+\]\((?P<url>[^)]+)\)", re.M)
WHOLE_BOOK = {"reading"}  # explains the book's method, built from all the notes rather than one article


def _rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for m in ROW.finditer((CHAPTERS / "sources.md").read_text(encoding="utf-8")):
        rows.setdefault(m["stem"], []).append(m["url"])
    return rows


def _chapters() -> list[str]:
    return [s for s in toc_stems() if (CHAPTERS / f"{s}.ipynb").exists() and s not in WHOLE_BOOK]


def test_every_row_names_a_chapter_of_the_book() -> None:
    assert set(_rows()) <= set(toc_stems()) | {"panics", "limiting", "once", "direct_io"}


@pytest.mark.parametrize("stem", _chapters())
def test_the_overview_links_its_articles_and_the_sources_page(stem: str) -> None:
    urls = _rows().get(stem)
    assert urls, f"chapters/sources.md has no row for {stem}"
    cells = json.loads((CHAPTERS / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]
    overview = "".join("".join(c["source"]) for c in cells[:3] if c["cell_type"] == "markdown")
    assert "(sources.md)" in overview, f"{stem}: the overview does not link the sources page"
    for url in urls:
        assert url in overview, f"{stem}: the overview does not link {url}"
