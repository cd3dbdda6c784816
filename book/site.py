"""Check the built site as a reader meets it: links, images, leaked roles, and lines that would be cut off.

Run by ``book test`` after the strict build, on ``_build/html``:

* every internal link (``href``) and image (``src``) points at a file of the
  site, and a link's ``#fragment`` at an id on that page;
* every image has an alt text a reader can use (not empty, not the file's own
  hashed path);
* no MyST role (``{doc}``, ``{ref}``, …) is left as literal text;
* no line of a code block or output is longer than the page shows (the limits
  of :mod:`book.hygiene`, narrower in a Go/trio pair).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from book.hygiene import LINE_LIMIT, PAIR_LIMIT, TAB_WIDTH

ROLE = re.compile(r"\{(?:doc|ref|numref|eq|download|term)\}`")
HASHED = re.compile(r"(^|/)[0-9a-f]{16,}\.(png|svg|jpe?g)$")
SKIP_PAGES = {"search.html", "genindex.html"}


@dataclass
class _Page(HTMLParser):
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    images: list[tuple[str, str | None]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    pre_lines: list[tuple[str, bool]] = field(default_factory=list)
    _stack: list[tuple[str, bool]] = field(default_factory=list)  # (tag, inside a pair cell)
    _pre: int = 0
    _skip: int = 0
    _buffer: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def _paired(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        paired = self._paired() or "tag_pair-go" in classes or "tag_pair-trio" in classes
        if tag not in {"br", "img", "meta", "link", "input", "hr", "source", "wbr"}:
            self._stack.append((tag, paired))
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag == "img":
            self.images.append((a.get("src") or "", a.get("alt")))
        if tag in {"script", "style"}:
            self._skip += 1
        if tag == "pre":
            self._pre += 1
            self._buffer = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self._pre:
            self._pre -= 1
            paired = self._paired()
            for line in "".join(self._buffer).split("\n"):
                self.pre_lines.append((line.expandtabs(TAB_WIDTH), paired))
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._pre:
            self._buffer.append(data)
        elif not self._skip:
            self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def check_site(html: Path) -> list[str]:
    """Every problem found in the site under ``html``, one line each (empty: the site is clean)."""
    pages = {p: _parse(p) for p in sorted(html.rglob("*.html")) if p.name not in SKIP_PAGES
             and "_static" not in p.parts}
    problems: list[str] = []
    for path, page in pages.items():
        where = path.relative_to(html).as_posix()
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{where}: link to a missing file: {href}")
            elif (parts.fragment and target.suffix == ".html" and target in pages
                  and unquote(parts.fragment) not in pages[target].ids):
                problems.append(f"{where}: link to a missing anchor: {href}")
        for src, alt in page.images:
            if not urlsplit(src).scheme and not (path.parent / unquote(src)).exists():
                problems.append(f"{where}: image not found: {src}")
            if not alt or not alt.strip() or HASHED.search(alt) or alt.strip() == src:
                problems.append(f"{where}: image without a meaningful alt text: {src}")
        text = "".join(page.text)
        for m in ROLE.finditer(text):
            problems.append(f"{where}: a MyST role shows as text: {text[m.start():m.start() + 40]!r}")
        for line, paired in page.pre_lines:
            limit = PAIR_LIMIT if paired else LINE_LIMIT
            if len(line) > limit:
                problems.append(f"{where}: a {len(line)}-character line is cut off (limit {limit}): {line[:50]}…")
    return problems
