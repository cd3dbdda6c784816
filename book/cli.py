"""``python3 -m book``: one typed function per command; argparse stays in :func:`main`.

Only the standard library is imported at module level, so ``book clean`` runs
without ``.venv`` (it may remove it); each command imports what it needs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from book.clean import clean

__all__ = ["bench", "build", "clean", "lab", "main", "new", "refresh", "test"]

LINT_PATHS = ("book", "support", "tests", "benchmarks")


def build(all_pages: bool = False) -> None:
    """Build the HTML book, first verifying with strict nbval every chapter changed since its last verification."""
    from book.project import BUILD, ROOT, BookError, run_tool, step, toc_stems
    from book.verify import stale, verify

    todo = stale(toc_stems())
    if todo:
        with step(f"verify stored outputs with strict nbval ({', '.join(todo)}: changed since last verified)"):
            failed = verify(todo)
            if failed:
                raise BookError(f"nbval failed for {', '.join(failed)}; the book is not built from unverified "
                                f"outputs (fix the code, or `python3 -m book refresh {' '.join(failed)}`)")
    from book.archive import NAME as ARCHIVE, write_archive
    from book.status import write_status_page

    write_status_page()
    with step("jupyter-book build (-W -n --keep-going)"):
        cmd = ["-c", "import book._fastimport; from jupyter_book.cli.main import main; main()", "build", str(ROOT),
               "--warningiserror", "--nitpick", "--keep-going", "--quiet", *(["--all"] if all_pages else [])]
        if run_tool(cmd, quiet=True).returncode != 0:
            raise BookError("jupyter-book build failed: see the warnings above")
    archive = write_archive(BUILD / "html" / f"{ARCHIVE}.zip")
    print(f"book: the book is at {BUILD / 'html' / 'index.html'}, the run-locally archive at {archive}")


@dataclass(frozen=True)
class Check:
    """One row of ``book test``: ``run`` returns the problems it found, one line each (none: it passed)."""

    title: str
    run: Callable[[], list[str]]
    needs: str | None = None  # the title of a check that must pass first, else this one is skipped


def _tool(*args: str) -> Callable[[], list[str]]:
    def run() -> list[str]:
        from book.project import run_tool

        return [] if run_tool(args, quiet=True).returncode == 0 else [f"{args[1]} failed (its output is above)"]

    return run


def _go() -> list[str]:
    from book import golang

    return golang.check()


_BUILD_JOB = "strict build"


def _nbval_pytest_and_build() -> list[str]:
    """nbval and pytest side by side; the strict build (``build --all``) joins them once every chapter passed.

    Starting the build while the last pytest groups still run fills CPUs that would otherwise idle at the end.
    """
    from book.jobs import Job, cpus
    from book.project import kernel_env, toc_stems
    from book.testsuite import pytest_jobs, record_files
    from book.verify import nbval_name, verify_all

    stems = toc_stems()
    build_job = Job(_BUILD_JOB, (sys.executable, "-m", "book", "build", "--all"), kernel_env(),
                    after=frozenset(map(nbval_name, stems)))
    outcomes = list(verify_all(stems, [*pytest_jobs(2 * cpus()), build_job]))  # smaller jobs pack the CPUs better
    record_files()
    print(f"    {len(outcomes)} jobs on {cpus()} CPUs used {sum(d.cpu_seconds for d, _ in outcomes):.1f}s of CPU")
    for done, _ in outcomes:
        if done.job.name == _BUILD_JOB and done.ok:
            print(*(f"    {line}" for line in done.output.splitlines() if line.startswith("book: the book is at")),
                  sep="\n")
    failed = [name for _, name in outcomes if name is not None]
    return [f"failed: {', '.join(failed)}"] if failed else []


def _hygiene() -> list[str]:
    from book.hygiene import check_book
    from book.project import CHAPTERS, toc_stems

    return check_book(CHAPTERS, toc_stems())


def _site() -> list[str]:
    from book.project import BUILD
    from book.site import check_site

    return check_site(BUILD / "html")


_PARALLEL = "strict nbval on every chapter; pytest and the strict build (jupyter-book -W -n) beside it"
CHECKS = (
    Check("ruff", _tool("-m", "ruff", "check", *LINT_PATHS)),
    Check("mypy (strict, the files pyproject.toml names)", _tool("-m", "mypy")),
    Check("Go: gofmt, go vet, every program shown by its chapter", _go),
    Check(_PARALLEL, _nbval_pytest_and_build),
    Check("notebook hygiene (and line widths)", _hygiene),
    Check("the built site: links, anchors, images and their alt texts, no leaked roles, no cut-off lines", _site,
          needs=_PARALLEL),
)


def test() -> None:
    """Run every check in :data:`CHECKS`, each under a heading with its time; fail if any failed."""
    from book.project import BookError

    failed: list[str] = []
    for check in CHECKS:
        print(f"==> {check.title}", flush=True)
        if check.needs in failed:
            print(f"    skipped: {check.needs} failed (the book is never built from unverified outputs)")
            failed.append(check.title)
            continue
        start = time.monotonic()
        try:
            problems = check.run()
        except BookError as exc:
            problems = [str(exc)]
        for problem in problems:
            print(f"    {problem}")
        print(f"    {'FAILED' if problems else 'ok'} in {time.monotonic() - start:.1f}s", flush=True)
        if problems:
            failed.append(check.title)
    if failed:
        raise BookError(f"test failed: {'; '.join(failed)}")
    print("book: all checks passed")


def refresh(stems: list[str], remeasure: bool = False) -> None:
    """Re-execute the chapters (all when ``stems`` is empty) and store them normalised."""
    from book.project import select, toc_stems

    chosen = select(stems, toc_stems(), "chapter")
    from book.refresh import refresh as refresh_one  # after the check: nbformat and nbclient take seconds to import

    for stem in chosen:
        print(f"==> refresh {stem}", flush=True)
        took = refresh_one(stem, remeasure=remeasure)
        print(f"    stored chapters/{stem}.ipynb in {took:.1f}s", flush=True)


def lab(extra: list[str]) -> None:
    """JupyterLab on the project with this project's kernel, bound to 127.0.0.1; ``extra`` goes to JupyterLab.

    Saves go through :func:`book.lab.pre_save_hook`, so an autosave leaves a chapter's bytes unchanged.
    """
    from book.lab import lab_arguments
    from book.project import ROOT, kernel_env

    cmd = [sys.executable, "-m", "jupyterlab", *lab_arguments()]
    if os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI machines often run as root; JupyterLab refuses it otherwise
    print(f"book: JupyterLab on {ROOT} (the chapters are in chapters/), kernel from {sys.prefix}, "
          "bound to 127.0.0.1 (Ctrl-C stops it)")
    os.execve(sys.executable, [*cmd, *extra], kernel_env())


def bench(stems: list[str], quick: bool = False) -> None:
    from book.bench import bench as run_bench

    run_bench(stems, quick=quick)


def new(stem: str, title: str) -> None:
    from book.scaffold import new as scaffold

    scaffold(stem, title)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python3 -m book", description="Build, test and explore the book.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text)

    add("build", "Build the static HTML book into _build/html/ from nbval-verified outputs.").add_argument(
        "--all", action="store_true", help="rebuild every page, not only changed ones")
    add("test", "Run ruff, mypy, pytest, strict nbval, the hygiene check and a strict build.")
    add("lab", "Open JupyterLab on chapters/ with this project's kernel, bound to 127.0.0.1. "
        "Any further options go to JupyterLab (e.g. --no-browser --ServerApp.port=8899).")
    r = add("refresh", "Re-execute chapters in a fresh kernel and store their outputs normalised.")
    r.add_argument("stems", nargs="*", metavar="STEM", help="chapters to refresh (default: all)")
    r.add_argument("--remeasure", action="store_true",
                   help="also replace the stored output of measuring (nbval-ignore-output) cells")
    be = add("bench", "Run the chapters' benchmarks; print a table and BENCH lines.")
    be.add_argument("stems", nargs="*", metavar="STEM", help="chapters to benchmark (default: all)")
    be.add_argument("--quick", action="store_true", help="smaller workloads, for a fast look")
    add("clean", "Remove _build/ and tool caches (and .venv with --all).").add_argument(
        "--all", action="store_true", help="also remove .venv")
    n = add("new", "Start a chapter: notebook, support package, test and benchmark from book/template/, "
            "added to _toc.yml; it passes `book test` as made.")
    n.add_argument("stem", metavar="STEM", help="the chapter's one name: lower_case, used for every file")
    n.add_argument("--title", required=True, help="the chapter's title, e.g. \"sync.Once: exactly one call\"")
    return p


def main(argv: list[str]) -> int:
    p = _parser()
    args, extra = p.parse_known_args(argv)
    if extra and args.command != "lab":
        p.error(f"unrecognized arguments: {' '.join(extra)}")
    commands: dict[str, Callable[[], None]] = {
        "build": lambda: build(all_pages=args.all),
        "test": test,
        "lab": lambda: lab(extra),
        "refresh": lambda: refresh(args.stems, remeasure=args.remeasure),
        "bench": lambda: bench(args.stems, quick=args.quick),
        "clean": lambda: clean(everything=args.all),
        "new": lambda: new(args.stem, args.title),
    }
    # Some machines set PYTHONDONTWRITEBYTECODE, which makes every process the book starts (pytest workers,
    # nbval kernels, servers, benchmarks) compile support/ and book/ again: about 20 CPU-s of a warm
    # `book test`. The caches are gitignored, kept out of the archive and removed by `book clean`.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False
    if args.command == "clean":  # needs no .venv, and must not be stopped by a broken one
        commands["clean"]()
        return 0
    from book.project import BookError

    start = time.monotonic()
    try:
        commands[args.command]()
    except BookError as exc:
        print(f"book: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("book: error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one-line error the command promises
        print(f"book: error: {args.command} crashed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if args.command in ("test", "build", "refresh", "bench", "new"):
        print(f"book: {args.command} took {time.monotonic() - start:.1f}s")
    return 0
