"""The published archive runs a chapter on its own, unpacked in a temporary directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from book import archive
from book.project import ROOT
from book.verify import nbval_command, nbval_env


def test_the_archive_carries_what_a_chapter_needs(tmp_path: Path) -> None:
    names = set(zipfile.ZipFile(archive.write_archive(tmp_path / "a.zip")).namelist())
    for needed in ("README.md", "requirements.txt", "pyproject.toml", "sanitize.cfg", "book/__main__.py",
                   "support/__init__.py", "chapters/go/go.mod", "chapters/reading.ipynb"):
        assert f"{archive.NAME}/{needed}" in names
    assert not any("__pycache__" in n for n in names)


def test_the_archive_is_reproducible(tmp_path: Path) -> None:
    first, second = archive.write_archive(tmp_path / "a.zip"), archive.write_archive(tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes()


def test_an_unpacked_archive_runs_a_chapter_under_nbval(tmp_path: Path) -> None:
    """Reuses this .venv (a new one costs a minute), but imports support and the Go module from the archive."""
    zipfile.ZipFile(archive.write_archive(tmp_path / "a.zip")).extractall(tmp_path)
    root = tmp_path / archive.NAME
    cache = ROOT / "_build" / "go" / "cache"
    if cache.is_dir():  # hard links: the archive's first Go build would otherwise recompile the standard library
        shutil.copytree(cache, root / "_build" / "go" / "cache", copy_function=os.link)
    env = dict(nbval_env(), PYTHONPATH=str(root))
    env.pop("PYTHONSAFEPATH", None)
    cmd = nbval_command(root / "chapters" / "reading.ipynb")  # the quickest chapter that builds and runs Go
    cmd[cmd.index("--nbval-sanitize-with") + 1] = str(root / "sanitize.cfg")
    probe = subprocess.run([sys.executable, "-c", "import support; print(support.__file__)"], cwd=root, env=env,
                           capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == str(root / "support" / "__init__.py")
    result = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert (root / "_build" / "go" / "bin").is_dir(), "the chapter's Go programs were built in the archive's tree"
