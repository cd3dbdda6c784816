"""``support.golang``'s build stamps: a program whose inputs did not change runs no ``go``; one that did is rebuilt.

The module is copied to a temporary directory, so editing a program here
cannot touch the book's own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import support.golang as golang

_PROGRAM = """package main

import "fmt"

func main() { fmt.Println(%s) }
"""


@pytest.fixture
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "go"
    (root / "demo" / "hello").mkdir(parents=True)
    shutil.copy(golang.GO_MODULE / "go.mod", root / "go.mod")
    (root / "demo" / "hello" / "main.go").write_text(_PROGRAM % '"one"')
    monkeypatch.setattr(golang, "GO_MODULE", root)
    monkeypatch.setattr(golang, "_BIN", tmp_path / "bin")  # the Go build cache stays shared: a cold one costs 10 s
    return root


def _count_go(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real = subprocess.run

    def counting(cmd: list[str], *args: Any, **kwargs: Any) -> Any:
        calls.append(cmd)
        return real(cmd, *args, **kwargs)

    monkeypatch.setattr(golang.subprocess, "run", counting)
    return calls


def _go_builds(calls: list[list[str]]) -> int:
    return sum(1 for cmd in calls if Path(cmd[0]).name == "go")


def test_an_unchanged_program_is_not_built_again(module: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_go(monkeypatch)
    assert golang.run_go("demo/hello").output == "one\n"
    assert golang.run_go("demo/hello").output == "one\n"
    assert _go_builds(calls) == 1


def test_an_edited_source_a_new_file_or_another_flavour_is_rebuilt(module: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_go(monkeypatch)
    golang.run_go("demo/hello")
    (module / "demo" / "hello" / "main.go").write_text(_PROGRAM % '"two"')
    assert golang.run_go("demo/hello").output == "two\n"
    (module / "demo" / "hello" / "extra.go").write_text('package main\n\nfunc init() { println("init") }\n')
    assert golang.run_go("demo/hello").output == "init\ntwo\n"
    assert golang.run_go("demo/hello", synctest=True).output == "init\ntwo\n"
    assert _go_builds(calls) == 4


def test_a_binary_changed_since_its_stamp_is_rebuilt(module: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    binary = golang.build_go("demo/hello")
    info = binary.stat()
    os.utime(binary, ns=(info.st_atime_ns, info.st_mtime_ns - 10**9))
    calls = _count_go(monkeypatch)
    assert golang.run_go("demo/hello").output == "one\n"
    assert _go_builds(calls) == 1
