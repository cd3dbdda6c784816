"""``python3 -m book lab``: JupyterLab on the project, saving chapters in the form the repository stores.

JupyterLab's front end writes what the kernel reports into a notebook's
metadata (``language_info`` with the exact Python version, and so on) and
cell metadata of its own. Saved as is, an autosave of a chapter the reader
only opened would show as modified in ``git status`` and make ``book build``
re-verify it. :func:`pre_save_hook` runs in the Jupyter server before every
save and keeps only what the repository stores, so opening and saving a
chapter changes nothing. Cells, sources and outputs are the reader's: the
hook never touches them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from book.project import ROOT

SETTINGS = Path(__file__).with_name("lab_settings")  # overrides.json: no news pop-up, no update checks
HIDDEN = ["__pycache__", "*.pyc", ".*", "_build"]  # what the file browser leaves out


def pre_save_hook(model: dict[str, Any], path: str, **kwargs: Any) -> None:  # kwargs: contents_manager
    """Reduce a notebook's notebook-level and cell metadata to what ``book refresh`` stores."""
    from book.refresh import KEEP_CELL_METADATA, KERNELSPEC, LANGUAGE_INFO

    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    content = model["content"]
    content["metadata"] = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)}
    for cell in content.get("cells", []):
        meta = cell.get("metadata", {})
        cell["metadata"] = {k: meta[k] for k in KEEP_CELL_METADATA if meta.get(k)}
        if cell.get("cell_type") == "code":
            for out in cell.get("outputs", []):
                if out.get("output_type") in ("display_data", "execute_result"):
                    out.setdefault("metadata", {})


def lab_arguments() -> list[str]:
    """The JupyterLab options ``book lab`` uses (and its test reuses)."""
    return [
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={ROOT}",
        "--ContentsManager.pre_save_hook=book.lab.pre_save_hook",
        f"--ContentsManager.hide_globs={HIDDEN!r}",
        f"--LabApp.app_settings_dir={SETTINGS}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.default_url=/lab/tree/chapters/intro.md",
    ]
