"""The stdlib bootstrap trusts .venv only when its stamp matches requirements.txt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from book import _bootstrap

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fake_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    (tmp_path / "requirements.txt").write_text("trio==0.35.0\n")
    monkeypatch.setattr(_bootstrap, "VENV", venv)
    monkeypatch.setattr(_bootstrap, "REQUIREMENTS", tmp_path / "requirements.txt")
    monkeypatch.setattr(_bootstrap, "STAMP", venv / ".book-stamp")
    return tmp_path


def test_no_stamp_means_not_trusted(fake_project: Path) -> None:
    assert not _bootstrap.is_fresh()  # e.g. an install that died half-way never wrote it


def test_matching_stamp_is_trusted_until_requirements_change(fake_project: Path) -> None:
    _bootstrap.STAMP.write_text(_bootstrap.wanted_stamp())
    assert _bootstrap.is_fresh()
    (fake_project / "requirements.txt").write_text("trio==0.36.0\n")
    assert not _bootstrap.is_fresh()


def test_missing_requirements_is_a_named_error(fake_project: Path) -> None:
    (fake_project / "requirements.txt").unlink()
    with pytest.raises(_bootstrap.BootstrapError, match=r"requirements\.txt is missing"):
        _bootstrap.wanted_stamp()


def test_every_requirement_is_pinned_exactly() -> None:
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    pins = [line for line in lines if line and not line.startswith("#")]
    assert pins and all("==" in p and not any(c in p for c in "<>~*") for p in pins), pins
    names = {p.split("==")[0].lower() for p in pins}
    assert {"jupyter-book", "trio", "nbval", "ipykernel", "matplotlib", "pytest", "hypothesis"} <= names
    assert next(p for p in pins if p.lower().startswith("jupyter-book==")).startswith("jupyter-book==1.")


def test_the_command_starts_from_the_venv_and_answers_help() -> None:
    out = subprocess.run([sys.executable, "-m", "book", "--help"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    for command in ("build", "test", "lab", "refresh", "bench", "clean"):
        assert command in out


def test_unknown_stem_is_a_one_line_error() -> None:
    result = subprocess.run([sys.executable, "-m", "book", "refresh", "no_such_chapter"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("book: error: unknown chapter no_such_chapter; known: reading")
