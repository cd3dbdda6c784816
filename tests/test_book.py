"""The book command's checks catch what they promise to catch.

These run strict nbval on small notebooks in a temporary directory, so they
prove the harness itself: an edited output fails and shows the difference, a
trio cell that starts raising fails, and the hygiene check rejects notebooks
that nbval would pass vacuously.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import nbformat
import pytest

from book.hygiene import LINE_LIMIT, PAIR_LIMIT, check_notebook, line_limit, shown_lines, source_hash, width
from book.layout import PAGES
from book.project import BookError, kernel_env, notebook
from book.refresh import normalise
from book.verify import nbval_command, nbval_env

OK_CELL = ("from support import log, run\nimport trio\n\nasync def main():\n    await trio.sleep(3)\n"
           "    log('done')\n\nrun(main)")
RAISING_CELL = ("import trio\n\nasync def boom():\n    raise ValueError('x')\n\nasync def main():\n"
                "    async with trio.open_nursery() as n:\n        n.start_soon(boom)\n\ntrio.run(main)")


def _notebook(tmp_path: Path, cells: list[dict[str, Any]], name: str = "chapter") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    nb.cells = [nbformat.from_dict(c) for c in cells]
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _code(source: str, count: int | None, outputs: list[dict[str, Any]],
          tags: list[str] | None = None) -> dict[str, Any]:
    cell = nbformat.v4.new_code_cell(source, execution_count=count, outputs=[nbformat.from_dict(o) for o in outputs])
    if tags:
        cell.metadata["tags"] = tags
    return dict(cell)


def _stdout(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text}


Verdicts = tuple[dict[str, str], dict[str, str]]  # verdict and nbval's output, per notebook name


@pytest.fixture(scope="module")
def nbval_run(tmp_path_factory: pytest.TempPathFactory) -> Verdicts:
    """One strict nbval run over a notebook with three cells: each test below reads its own cell's verdict."""
    cells = {
        "good": _code(OK_CELL, 1, [_stdout("[  3.000s] done\n")]),
        "edited": _code(OK_CELL, 2, [_stdout("[  3.000s] DONE\n")]),
        # The nursery's ExceptionGroup reaches the notebook as stderr text, not as an error output.
        "raising": _code(RAISING_CELL, 3, []),
    }
    path = _notebook(tmp_path_factory.mktemp("nbval"), list(cells.values()))
    result = subprocess.run(nbval_command(path), cwd=path.parent, env=nbval_env(), capture_output=True, text=True,
                            timeout=300)
    verdicts = {}
    for line in result.stdout.splitlines():
        words = line.split()
        for index, name in enumerate(cells):
            if words[:1] in (["PASSED"], ["FAILED"]) and f"::Cell {index}" in line:
                verdicts[name] = words[0]
    return verdicts, {name: result.stdout for name in cells}


def test_nbval_passes_a_true_output(nbval_run: Verdicts) -> None:
    assert nbval_run[0]["good"] == "PASSED", nbval_run[1]["good"]


def test_nbval_fails_an_edited_output_and_shows_the_difference(nbval_run: Verdicts) -> None:
    verdicts, output = nbval_run
    assert verdicts["edited"] == "FAILED"
    assert "'[  3.000s] DONE\\n' == '[  3.000s] done\\n'" in output["edited"]  # stored vs. fresh, side by side


def test_nbval_fails_when_a_trio_cell_starts_raising(nbval_run: Verdicts) -> None:
    verdicts, output = nbval_run
    assert verdicts["raising"] == "FAILED"
    assert "ValueError" in output["raising"]


def test_hygiene_accepts_a_clean_notebook(tmp_path: Path) -> None:
    assert check_notebook(_notebook(tmp_path, [_code("print(1)", 1, [_stdout("1\n")])])) == []


@pytest.mark.parametrize(
    "cells, problem",
    [
        ([_code("print(1)", None, [])], "execution_count None"),
        ([_code("a = 1", 1, []), _code("b = 2", 3, [])], "execution_count 3, expected 2"),
        ([_code("x", 1, [{"output_type": "error", "ename": "NameError", "evalue": "x", "traceback": []}])],
         "stores an error (NameError)"),
        ([_code("t", 1, [{"output_type": "stream", "name": "stderr",
                           "text": "  + Exception Group Traceback (most recent call last):\n"
                                   "  | ExceptionGroup: Exceptions from Trio nursery (1 sub-exception)\n"
                                   "    | ValueError: bad item 'foo'\n    +------\n"}])],
         "prints a traceback on stderr without the raises-exception tag: ValueError: bad item 'foo'"),
        ([_code("print(1)", 1, [_stdout("1\n")], ["nbval-skip"])], "nbval-skip"),
        ([_code("# timing\nprint(1)", i, [_stdout("1\n")], ["nbval-ignore-output"]) for i in (1, 2)],
         "2 of 2 code cells ignore their output"),
        ([_code("print(" + "1" * 80 + ")", 1, [])], "source is 87 characters wide, more than 80"),
        ([_code("print(1)", 1, [_stdout("x" * 81 + "\n")])], "output is 81 characters wide, more than 80"),
        ([_code("print(1)", 1, [_stdout("\t" * 14 + "x\n")], ["pair-go"])],
         "output is 57 characters wide, more than 56"),
        ([_code("show_go()", 1, [{"output_type": "display_data", "metadata": {},
                                   "data": {"text/plain": "<Markdown>",
                                            "text/markdown": "prose " * 30 + "\n```go\n" + "y" * 81 + "\n```"}}])],
         "output is 81 characters wide"),
        ([_code("print(1)", i, [], ["nbval-ignore-output"] if i == 1 else None) for i in range(1, 11)],
         "does not open with a comment"),
        ([_code("show_go()", 1, [], ["pair-go"]), dict(nbformat.v4.new_markdown_cell("Beside it:")),
          _code("print(1)", 2, [], ["pair-trio"])], "code cell 1 is tagged pair-go, but the next cell is not"),
        ([_code("show_go()", 1, [], ["pair-go"]), dict(nbformat.v4.new_markdown_cell("Beside it:")),
          _code("print(1)", 2, [], ["pair-trio"])], "code cell 2 is tagged pair-trio, but the cell before"),
        ([_code("print(1)", 1, [], ["pair-trio"])], "code cell 1 is tagged pair-trio, but the cell before"),
    ],
)
def test_hygiene_rejects(tmp_path: Path, cells: list[dict[str, Any]], problem: str) -> None:
    problems = check_notebook(_notebook(tmp_path, cells))
    assert any(problem in p for p in problems), problems


def test_hygiene_allows_one_measuring_cell_and_wrapped_prose(tmp_path: Path) -> None:
    measure = "# real time: nbval ignores this output\nprint(1)"
    cell = _code(measure, 1, [_stdout("1\n")], ["nbval-ignore-output"])
    cell["metadata"]["book"] = {"measured": source_hash(measure)}
    shown = {"output_type": "display_data", "metadata": {},
             "data": {"text/plain": "<Markdown>", "text/markdown": "prose " * 30 + "\n```go\nshort\n```"}}
    image = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "", "text/plain": "x" * 99}}
    cells = [cell, _code("show_go()", 2, [shown, image], ["pair-go"]), _code("print(2)", 3, [], ["pair-trio"])]
    assert check_notebook(_notebook(tmp_path, cells)) == []


def test_width_limits_are_counted_as_the_page_shows() -> None:
    assert width("\tx") == 5  # a tab counts as four
    assert line_limit({"metadata": {"tags": ["pair-trio"]}}) == PAIR_LIMIT < LINE_LIMIT
    error = {"output_type": "error", "traceback": ["\x1b[0;31mValueError\x1b[0m: x"]}
    assert list(shown_lines({"source": "a\nb", "outputs": [error]})) == [
        ("source", "a"), ("source", "b"), ("output", "ValueError: x")]  # colour codes take no room


def test_width_pending_chapters_still_need_it(tmp_path: Path) -> None:
    """A chapter leaves WIDTH_PENDING as soon as its lines fit: then the check is live for it too."""
    import book.hygiene as hygiene

    for stem in hygiene.WIDTH_PENDING:
        nb = json.loads(notebook(stem).read_text(encoding="utf-8"))
        too_wide = [line for cell in nb["cells"] if cell["cell_type"] == "code"
                    for _, line in shown_lines(cell) if width(line) > line_limit(cell)]
        assert too_wide, f"{stem} fits the page now: remove it from WIDTH_PENDING in book/hygiene.py"


def test_hygiene_allows_tagged_errors(tmp_path: Path) -> None:
    error = {"output_type": "error", "ename": "Deadlock", "evalue": "x", "traceback": []}
    assert check_notebook(_notebook(tmp_path, [_code("raise X", 1, [error], ["raises-exception"])])) == []


def test_normalise_strips_volatile_metadata_and_is_idempotent(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3"}, "widgets": {"x": 1}, "language_info": {"version": "3.11.7"}}
    chunks = [nbformat.from_dict(_stdout("1")), nbformat.from_dict(_stdout("\n"))]  # one print, split by the kernel
    cell = nbformat.v4.new_code_cell("print(1)", execution_count=1, outputs=chunks)
    cell.metadata = {"execution": {"iopub.status.busy": "2026-11-22T10:00:00"}, "tags": ["x"], "collapsed": True}
    nb.cells = [cell, nbformat.v4.new_code_cell("   ")]
    normalise(nb, "demo")
    first = nbformat.writes(nb)
    normalise(nb, "demo")
    assert nbformat.writes(nb) == first
    data = json.loads(first)
    assert data["metadata"] == {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                               "name": "python3"},
                                "language_info": {"name": "python", "pygments_lexer": "ipython3"}}
    assert [c["metadata"] for c in data["cells"]] == [{"tags": ["x"]}]  # the empty cell is dropped
    assert data["cells"][0]["execution_count"] == 1 and data["cells"][0]["id"] == "demo-000"
    assert data["cells"][0]["outputs"] == [{"name": "stdout", "output_type": "stream", "text": ["1\n"]}]


def test_verification_stamp_follows_notebook_and_support(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import book.verify as nbs

    chapters, support = tmp_path / "chapters", tmp_path / "support"
    chapters.mkdir()
    support.mkdir()
    (chapters / "demo.ipynb").write_text("{}")
    (support / "demo.py").write_text("x = 1\n")
    (tmp_path / "requirements.txt").write_text("trio==0.35.0\n")
    monkeypatch.setattr(nbs, "ROOT", tmp_path)
    monkeypatch.setattr(nbs, "REQUIREMENTS", tmp_path / "requirements.txt")
    monkeypatch.setattr(nbs, "SANITIZE", tmp_path / "sanitize.cfg")
    monkeypatch.setattr(nbs, "STAMPS", tmp_path / "_build" / ".verified")
    monkeypatch.setattr(nbs, "notebook", lambda stem: chapters / f"{stem}.ipynb")

    assert not nbs.is_verified("demo")  # never verified: build must run nbval first
    nbs.STAMPS.mkdir(parents=True)
    (nbs.STAMPS / "demo").write_text(nbs.digest("demo"))
    assert nbs.is_verified("demo")
    (support / "demo.py").write_text("x = 2\n")  # jupyter-cache would not notice this; the stamp does
    assert nbs.stale(["demo"]) == ["demo"]


def test_refresh_keeps_a_measurement_only_while_its_code_is_unchanged() -> None:
    from book.hygiene import source_hash
    from book.refresh import _keep_measurements

    source = "# wall time varies: nbval ignores this output\nprint(time.perf_counter())"

    def notebook_with(text: str, measured: str | None) -> Any:
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell(source, execution_count=1, outputs=[nbformat.from_dict(_stdout(text))])
        cell.metadata = {"tags": ["nbval-ignore-output"]}
        if measured:
            cell.metadata["book"] = {"measured": measured}
        nb.cells = [cell]
        return nb

    stored = notebook_with("12.5\n", source_hash(source))
    fresh = notebook_with("13.1\n", None)
    _keep_measurements(stored, fresh)
    assert fresh.cells[0].outputs[0]["text"] == "12.5\n"  # unchanged code: the stored measurement stays
    fresh = notebook_with("13.1\n", None)
    _keep_measurements(notebook_with("12.5\n", "0123456789abcdef"), fresh)
    assert fresh.cells[0].outputs[0]["text"] == "13.1\n"  # measured from other code: replaced
    fresh = notebook_with("13.1\n", None)
    _keep_measurements(None, fresh)  # --remeasure
    assert fresh.cells[0].outputs[0]["text"] == "13.1\n"
    assert fresh.cells[0].metadata["book"] == {"measured": source_hash(source)}


def test_book_new_makes_a_chapter_that_passes_the_checks(tmp_path: Path) -> None:
    """``book new`` in a copy of the project: ruff, mypy, the chapter's pytest, hygiene and the layout all pass."""
    import shutil
    import sys

    from book import layout, scaffold
    from book.project import ROOT, toc_files

    for name in ("support", "benchmarks", "chapters", "tests"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "go"))
    for name in ("_toc.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    if (ROOT / ".mypy_cache").exists():  # warm: mypy then checks only the new files
        shutil.copytree(ROOT / ".mypy_cache", tmp_path / ".mypy_cache")
    # The generated test needs no plugins: not loading hypothesis and the rest saves seconds of start-up.
    env = {**kernel_env(), "PYTHONPATH": str(tmp_path), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    checks = {
        "ruff": [sys.executable, "-m", "ruff", "check", "support/demo", "tests/test_demo.py", "benchmarks/demo.py"],
        "mypy": [sys.executable, "-m", "mypy", "support/demo", "benchmarks/demo.py"],
        "pytest": [sys.executable, "-m", "pytest", "-q", "tests/test_demo.py"],
    }
    written = scaffold.new("demo", 'A "demo" chapter', root=tmp_path)  # executes the notebook in a kernel
    assert {p.relative_to(tmp_path).as_posix() for p in written} >= {"chapters/demo.ipynb", "tests/test_demo.py",
                                                                     "support/demo/_model.py", "benchmarks/demo.py"}
    running = {name: subprocess.Popen(cmd, cwd=tmp_path, env=env, text=True, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT) for name, cmd in checks.items()}
    assert check_notebook(tmp_path / "chapters" / "demo.ipynb") == []
    nb = json.loads((tmp_path / "chapters" / "demo.ipynb").read_text())
    assert "".join(nb["cells"][2]["outputs"][0]["text"]) == "[1.0, 2.0, 3.0]\n"
    names = [Path(f).name for f in toc_files(tmp_path / "_toc.yml")]
    assert [n for n in names if n not in PAGES][-1] == "demo"  # the last chapter, before the appendix pages
    stems = [Path(f).name for f in toc_files(tmp_path / "_toc.yml")]
    assert [p for p in layout.problems(tmp_path, stems) if "demo" in p] == []
    for name, process in running.items():
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, f"{name} on the new chapter:\n{output}"
    with pytest.raises(BookError, match="the stem demo is taken"):
        scaffold.new("demo", "again", root=tmp_path)
    with pytest.raises(BookError, match="lower_case Python name"):
        scaffold.render("Once-2", "x")


def test_test_files_are_dealt_into_groups_of_about_equal_time() -> None:
    from book.jobs import cpus
    from book.testsuite import _deal

    seconds = {"a": 50.0, "b": 30.0, "c": 20.0, "d": 5.0, "e": 1.0}
    groups = _deal(list(seconds), seconds, 2)
    assert sorted(f for files, _ in groups for f in files) == sorted(seconds)  # each file once
    assert sorted(total for _, total in groups) == [51.0, 55.0]  # longest first, each to the lighter group
    assert len(_deal(["a"], seconds, 4)) == 1  # never an empty group
    assert 1 <= cpus() <= (os.cpu_count() or 1)


def _job(name: str, code: str, after: tuple[str, ...] = (), estimate: float = 1.0) -> Any:
    import sys

    from book.jobs import Job

    return Job(name, (sys.executable, "-c", code), dict(os.environ), estimate=estimate, after=frozenset(after))


def test_a_job_waits_for_the_jobs_it_names_and_is_skipped_when_one_fails(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import book.jobs as jobs

    monkeypatch.setattr(jobs, "DURATIONS", tmp_path / "durations.json")
    mark = tmp_path / "first-ran"
    outcomes = {d.job.name: d for d in jobs.run_jobs([
        _job("later", f"import pathlib, sys; sys.exit(not pathlib.Path({str(mark)!r}).exists())",
             after=("first",), estimate=9.0),  # the longest, yet it must wait
        _job("first", f"import pathlib, time; time.sleep(0.2); pathlib.Path({str(mark)!r}).touch()"),
        _job("broken", "raise SystemExit(3)"),
        _job("never", "print('ran')", after=("broken",)),
        _job("never either", "print('ran')", after=("never", "first")),
    ], workers=2)}
    assert {name for name, d in outcomes.items() if d.ok} == {"first", "later"}
    assert outcomes["never"].output == "    skipped: broken did not pass\n"
    assert outcomes["never either"].output == "    skipped: never did not pass\n"
    assert "broken" in jobs.recorded() and "never" not in jobs.recorded()  # only jobs that ran are timed


@pytest.mark.parametrize(("after", "message"), [
    ({"a": ("b",), "b": ("a",)}, "jobs wait for each other: a, b"),
    ({"a": ("nobody",)}, "job 'a' waits for jobs not given: nobody"),
])
def test_jobs_that_cannot_all_run_are_refused_before_any_starts(after: dict[str, tuple[str, ...]], message: str,
                                                                tmp_path: Path) -> None:
    from book.jobs import run_jobs

    given = [_job(name, f"open({str(tmp_path / name)!r}, 'w')", after=needs) for name, needs in after.items()]
    with pytest.raises(ValueError, match=re.escape(message)):
        list(run_jobs(given))
    assert not list(tmp_path.iterdir())
