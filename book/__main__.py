"""Entry point: ``python3 -m book …``.

Until ``.venv`` exists this uses only the standard library: it builds the
environment from ``requirements.txt`` and re-runs itself inside it.
``clean`` never bootstraps: it must work without (and may remove) ``.venv``.
"""

from __future__ import annotations

import sys

from book._bootstrap import BootstrapError, ensure_and_reexec, inside_venv, is_fresh


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["clean"] or (inside_venv() and is_fresh()):
        from book.cli import main as cli_main  # standard library only at import

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
