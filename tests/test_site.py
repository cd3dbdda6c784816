"""book.site finds each kind of problem a reader of the built site would meet, and passes a clean page."""

from __future__ import annotations

from pathlib import Path

from book.site import check_site

CLEAN = """<html><body><h1 id="top">T</h1><a href="#top">up</a><a href="other.html#x">o</a>
<a href="https://example.org/">ext</a><img src="a.png" alt="Two lanes of tasks"><pre>short line</pre>
<div class="cell tag_pair-go"><pre>fits in a column</pre></div></body></html>"""


def _site(tmp_path: Path, page: str) -> Path:
    (tmp_path / "index.html").write_text(page)
    (tmp_path / "other.html").write_text('<html><body><p id="x">x</p></body></html>')
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    return tmp_path


def test_a_clean_site_passes(tmp_path: Path) -> None:
    assert check_site(_site(tmp_path, CLEAN)) == []


def test_each_problem_is_named(tmp_path: Path) -> None:
    bad = CLEAN.replace('other.html#x', 'other.html#gone').replace('alt="Two lanes of tasks"',
                                                                      'alt="_images/0123456789abcdef0123.png"')
    bad = bad.replace("</body>", '<a href="missing.html">m</a><p>see {doc}`pipelines`</p>'
                                 f'<pre>{"x" * 81}</pre><div class="tag_pair-trio"><pre>{"y" * 57}</pre></div></body>')
    problems = check_site(_site(tmp_path, bad))
    assert any("missing anchor: other.html#gone" in p for p in problems)
    assert any("missing file: missing.html" in p for p in problems)
    assert any("alt text" in p for p in problems)
    assert any("MyST role" in p for p in problems)
    assert any("81-character line" in p and "limit 80" in p for p in problems)
    assert any("57-character line" in p and "limit 56" in p for p in problems)
    assert len(problems) == 6
