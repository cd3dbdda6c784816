"""Entry point: ``python3 -m book …``.

Until ``.venv`` exists this uses only the standard library: it builds the
environment from ``requirements.txt`` and re-runs itself inside it.
"""

from __future__ import annotations

import sys

from book._bootstrap import BootstrapError, ensure_and_reexec, inside_venv, is_fresh


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["clean"] and not (inside_venv() and is_fresh()):
        # clean must work without (and may remove) .venv, so it never bootstraps.
        import argparse

        from book.clean import clean

        p = argparse.ArgumentParser(prog="python3 -m book clean", description="Remove _build/ and tool caches.")
        p.add_argument("--all", action="store_true", help="also remove .venv")
        clean(everything=p.parse_args(argv[1:]).all)
        return 0
    if inside_venv() and is_fresh():
        from book.cli import main as cli_main

        return cli_main(argv)
    try:
        ensure_and_reexec(argv)
    except BootstrapError as exc:
        print(f"book: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("book: error: interrupted while setting up .venv; the next run starts over", file=sys.stderr)
        return 130
    return 0  # not reached: ensure_and_reexec replaces the process


if __name__ == "__main__":
    sys.exit(main())
