"""``python3 -m book``: build, test, lab, refresh, bench, clean. Runs inside ``.venv``."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from book.clean import clean
from book.project import BUILD, ROOT, BookError, kernel_env, run_tool, select, step, toc_stems

LINT_PATHS = ["book", "support", "tests", "benchmarks"]


def _build(args: argparse.Namespace) -> None:
    from book import notebooks

    stems = toc_stems()
    todo = notebooks.stale(stems)
    if todo:
        with step(f"verify stored outputs with strict nbval ({', '.join(todo)}: changed since last verified)"):
            failed = notebooks.verify(todo)
            if failed:
                raise BookError(f"nbval failed for {', '.join(failed)}; the book is not built from unverified "
                                f"outputs (fix the code, or `python3 -m book refresh {' '.join(failed)}`)")
    with step("jupyter-book build (-W -n --keep-going)"):
        cmd = ["-c", "from jupyter_book.cli.main import main; main()", "build", str(ROOT),
               "--warningiserror", "--nitpick", "--keep-going", "--quiet"]
        if args.all:
            cmd.append("--all")
        if run_tool(cmd, quiet=True).returncode != 0:
            raise BookError("jupyter-book build failed: see the warnings above")
    print(f"book: the book is at {BUILD / 'html' / 'index.html'}")


def _timed(cmd: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    result = run_tool(cmd, quiet=True, echo=False)
    return result, time.monotonic() - start


def _test(args: argparse.Namespace) -> None:
    from book import notebooks

    stems = toc_stems()
    failures: list[str] = []

    def tool(title: str, cmd: list[str]) -> None:
        try:
            with step(title):
                if run_tool(cmd, quiet=True).returncode != 0:
                    raise BookError(title)
        except BookError:
            failures.append(title)

    tool("ruff", ["-m", "ruff", "check", *LINT_PATHS])
    tool("mypy --strict support book", ["-m", "mypy", "--strict", "support", "book"])
    try:
        with step("Go: gofmt, go vet, every program shown by its chapter"):
            from book import golang

            go_problems = golang.check()
            for problem in go_problems:
                print(f"    {problem}")
            if go_problems:
                raise BookError("go")
    except BookError:
        failures.append("Go checks")
    # pytest and nbval are independent and mostly wait on kernels and servers: run them side by side.
    with ThreadPoolExecutor(1) as pool:
        pytest_run = pool.submit(_timed, ["-m", "pytest", "tests", "-q", "-p", "no:cacheprovider", "--color=no"])
        failed: list[str] = []
        try:
            with step(f"strict nbval on {len(stems)} chapters (pytest runs alongside)"):
                failed = notebooks.verify(stems)
                if failed:
                    raise BookError("nbval")
        except BookError:
            failures.append(f"nbval ({', '.join(failed)})")
        result, took = pytest_run.result()
    print(f"==> pytest tests\n    {'ok' if result.returncode == 0 else 'FAILED'} in {took:.1f}s", flush=True)
    if result.returncode != 0:
        sys.stdout.write(result.stdout)
        failures.append("pytest tests")
    try:
        with step("notebook hygiene"):
            problems = notebooks.hygiene(stems)
            for p in problems:
                print(f"    {p}")
            if problems:
                raise BookError("hygiene")
    except BookError:
        failures.append("notebook hygiene")
    if any(f.startswith("nbval") for f in failures):
        print("==> strict build\n    skipped: nbval failed, and the book is never built from unverified outputs")
        failures.append("strict build (skipped)")
    else:
        try:
            _build(argparse.Namespace(all=True))
        except BookError:
            failures.append("strict build")
    if failures:
        raise BookError(f"test failed: {', '.join(failures)}")
    print("book: all checks passed")


def _refresh(args: argparse.Namespace) -> None:
    stems = select(args.stems, toc_stems(), "chapter")
    from book import notebooks  # after the argument check: nbformat and nbclient take seconds to import

    for stem in stems:
        print(f"==> refresh {stem}", flush=True)
        took = notebooks.refresh(stem, remeasure=args.remeasure)
        print(f"    stored chapters/{stem}.ipynb in {took:.1f}s", flush=True)


def _lab(args: argparse.Namespace) -> None:
    from book.lab import lab_arguments

    cmd = [sys.executable, "-m", "jupyterlab", *lab_arguments()]
    if os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI machines often run as root; JupyterLab refuses it otherwise
    cmd += args.lab_args
    print(f"book: JupyterLab on {ROOT} (the chapters are in chapters/), kernel from {sys.prefix}, "
          "bound to 127.0.0.1 (Ctrl-C stops it)")
    os.execve(sys.executable, cmd, kernel_env())


def _bench(args: argparse.Namespace) -> None:
    from book.bench import bench

    bench(args.stems, quick=args.quick)


def _clean(args: argparse.Namespace) -> None:
    clean(everything=args.all)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python3 -m book", description="Build, test and explore the book.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, fn: Callable[[argparse.Namespace], None], text: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=text, description=text)
        sp.set_defaults(func=fn)
        return sp

    b = add("build", _build, "Build the static HTML book into _build/html/ from nbval-verified outputs.")
    b.add_argument("--all", action="store_true", help="rebuild every page, not only changed ones")
    add("test", _test, "Run ruff, mypy, pytest, strict nbval, the hygiene check and a strict build.")
    add("lab", _lab, "Open JupyterLab on chapters/ with this project's kernel, bound to 127.0.0.1. "
        "Any further options go to JupyterLab (e.g. --no-browser --ServerApp.port=8899).")
    r = add("refresh", _refresh, "Re-execute chapters in a fresh kernel and store their outputs normalised.")
    r.add_argument("stems", nargs="*", metavar="STEM", help="chapters to refresh (default: all)")
    r.add_argument("--remeasure", action="store_true",
                   help="also replace the stored output of measuring (nbval-ignore-output) cells")
    be = add("bench", _bench, "Run the chapters' benchmarks; print a table and BENCH lines.")
    be.add_argument("stems", nargs="*", metavar="STEM", help="chapters to benchmark (default: all)")
    be.add_argument("--quick", action="store_true", help="smaller workloads, for a fast look")
    c = add("clean", _clean, "Remove _build/ and tool caches (and .venv with --all).")
    c.add_argument("--all", action="store_true", help="also remove .venv")
    return p


def main(argv: list[str]) -> int:
    p = parser()
    args, extra = p.parse_known_args(argv)
    if extra and args.command != "lab":
        p.error(f"unrecognized arguments: {' '.join(extra)}")
    args.lab_args = extra
    start = time.monotonic()
    try:
        args.func(args)
    except BookError as exc:
        print(f"book: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("book: error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one-line error the command promises
        print(f"book: error: {args.command} crashed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if args.command in ("test", "build", "refresh", "bench"):
        print(f"book: {args.command} took {time.monotonic() - start:.1f}s")
    return 0
