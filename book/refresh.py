"""``book refresh``: re-execute a chapter in a fresh kernel and store it normalised.

Run a notebook top to bottom, then keep only what is not volatile: cell tags,
outputs, execution counts 1, 2, 3, …. A second refresh of an unchanged chapter
therefore writes the same bytes. Cells tagged ``nbval-ignore-output`` measure
real time, so their output differs on every run: refresh keeps the stored
measurement while the cell's source is the one that was measured (its hash is
kept in the cell's ``book.measured`` metadata), and takes the new one when the
source changed or with ``--remeasure``. Nothing is stored if the new run fails
the hygiene check.
"""

from __future__ import annotations

import book._fastimport  # noqa: F401  # before nbformat: it makes importing nbformat 2 s faster

# isort: split
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from book.hygiene import IGNORE, check_notebook, source_hash
from book.project import BUILD, ROOT, BookError, kernel_env, notebook

__all__ = ["execute", "normalise", "refresh"]

KEEP_CELL_METADATA = ("tags", "book", "mystnb")  # mystnb: the alt text of a cell's figure (image.alt)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


def _merge_streams(outputs: list[Any]) -> list[Any]:
    """Join adjacent stdout (or stderr) chunks: how ipykernel splits a print depends on timing."""
    merged: list[Any] = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and last is not None and last.get("output_type") == "stream"
                and last.get("name") == out.get("name")):
            last["text"] = last["text"] + out["text"]
        else:
            merged.append(out)
    return merged


def normalise(nb: Any, stem: str) -> None:
    """Strip volatile metadata in place; keep tags, outputs and execution counts."""
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO})
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and not c.source.strip())]
    for index, cell in enumerate(nb.cells):
        cell.metadata = nbformat.from_dict({k: cell.metadata[k] for k in KEEP_CELL_METADATA if cell.metadata.get(k)})
        cell.id = f"{stem}-{index:03d}"
        if cell.cell_type == "code":
            cell.outputs = _merge_streams(cell.outputs)
            for out in cell.outputs:
                if out.get("output_type") in ("display_data", "execute_result") and not out.get("metadata"):
                    out.metadata = nbformat.from_dict({})


def _keep_measurements(old: Any, new: Any) -> None:
    """Put back stored measurements of unchanged measuring cells; stamp fresh ones with their source hash.

    ``old=None`` keeps nothing: every measuring cell stores its new measurement.
    """
    cells = old.cells if old is not None else []
    stored = {c.source: c for c in cells if c.cell_type == "code" and IGNORE in c.metadata.get("tags", [])}
    for cell in new.cells:
        if cell.cell_type != "code" or IGNORE not in cell.metadata.get("tags", []):
            continue
        before = stored.get(cell.source)
        if before is not None and before.metadata.get("book", {}).get("measured") == source_hash(cell.source):
            cell.outputs = before.outputs
        cell.metadata["book"] = {"measured": source_hash(cell.source)}


def execute(path: Path, remeasure: bool = False, root: Path = ROOT) -> float:
    """Execute the notebook at ``path`` in a fresh kernel (``root`` importable) and store it normalised.

    The old file stays if anything fails; the new run is kept in ``root/_build/.refresh/`` to look at.
    """
    nb = nbformat.read(path, as_version=4)
    old = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    start = time.monotonic()
    client = NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=dict(kernel_env(), PYTHONPATH=str(root), BOOK_GO_RECHECK="1"))
    _keep_measurements(None if remeasure else old, nb)
    normalise(nb, path.stem)
    scratch = root / BUILD.relative_to(ROOT) / ".refresh" / path.name
    scratch.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, scratch)
    problems = check_notebook(scratch)
    if problems:
        raise BookError(f"{path.stem} not stored (the old file is unchanged; the new run is in {scratch}): "
                        + "; ".join(problems))
    scratch.replace(path)
    return time.monotonic() - start


def refresh(stem: str, remeasure: bool = False) -> float:
    """Re-execute the chapter ``stem`` and store it normalised; the seconds it took."""
    return execute(notebook(stem), remeasure=remeasure)
