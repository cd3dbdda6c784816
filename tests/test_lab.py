"""``book lab``: a chapter saved through a real JupyterLab server keeps the bytes the repository stores."""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import nbformat
import pytest

from book import lab
from book.project import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """JupyterLab with book lab's options, rooted in a copy of two chapters (the real ones stay untouched)."""
    root = tmp_path_factory.mktemp("lab")
    (root / "chapters").mkdir()
    for stem in ("reading", "options"):
        shutil.copy(ROOT / "chapters" / f"{stem}.ipynb", root / "chapters")
    port, token = _free_port(), secrets.token_hex(16)
    args = [a for a in lab.lab_arguments() if not a.startswith("--ServerApp.root_dir")]
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", *args, f"--ServerApp.root_dir={root}", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", "--no-browser", "--allow-root"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/api/status", params={"token": token}).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                pytest.fail(f"jupyterlab exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.1)
        else:
            pytest.fail("jupyterlab did not answer within 30 s")
        yield url, token, root
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _as_front_end_saves_it(nb: dict[str, object]) -> dict[str, object]:
    """What Lab's front end sends on autosave: the kernel's full language_info and cell metadata of its own."""
    nb = json.loads(json.dumps(nb))
    nb["metadata"] = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                          "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                          "pygments_lexer": "ipython3", "version": sys.version.split()[0]},
    }
    for cell in nb["cells"]:  # type: ignore[attr-defined]
        cell.setdefault("metadata", {})["collapsed"] = False
        cell["metadata"]["jp-MarkdownHeadingCollapsed"] = True
    return nb


@pytest.mark.parametrize("stem", ["reading", "options"])
def test_a_front_end_save_leaves_the_file_unchanged(server: tuple[str, str, Path], stem: str) -> None:
    url, token, root = server
    path = root / "chapters" / f"{stem}.ipynb"
    before = path.read_bytes()
    saved = _as_front_end_saves_it(json.loads(before))
    answer = httpx.put(f"{url}/api/contents/chapters/{stem}.ipynb", params={"token": token},
                       json={"type": "notebook", "format": "json", "content": saved}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert path.read_bytes() == before


def test_without_the_hook_the_same_save_would_change_the_file(server: tuple[str, str, Path]) -> None:
    """The check above can fail: written as the server writes it, minus the hook, the model changes the bytes."""
    root = server[2]
    before = (root / "chapters" / "reading.ipynb").read_bytes()
    unhooked = nbformat.writes(nbformat.from_dict(_as_front_end_saves_it(json.loads(before))))
    assert unhooked.encode() != before
    model = {"type": "notebook", "content": _as_front_end_saves_it(json.loads(before))}
    lab.pre_save_hook(model, "chapters/reading.ipynb")
    assert model["content"] == json.loads(before)


def test_the_file_browser_and_news_settings(server: tuple[str, str, Path]) -> None:
    url, token, _ = server
    listing = httpx.get(f"{url}/api/contents", params={"token": token}).json()
    names = {item["name"] for item in listing["content"]}
    assert "chapters" in names and not {".venv", "_build"} & names
    settings = json.loads((lab.SETTINGS / "overrides.json").read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    page = httpx.get(f"{url}/lab/api/settings/@jupyterlab/apputils-extension:notification",
                     params={"token": token}).json()
    # overrides.json replaces the schema's defaults: JupyterLab's own default is "none" (ask, the pop-up)
    assert page["schema"]["properties"]["fetchNews"]["default"] == "false"
    assert page["schema"]["properties"]["checkForUpdates"]["default"] is False
