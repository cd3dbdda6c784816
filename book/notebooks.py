"""Re-execute chapters and store them normalised; verify stored outputs with strict nbval.

Refresh: run a notebook top to bottom in a fresh kernel, then keep only what
is not volatile: cell tags, outputs, execution counts 1, 2, 3, …. A second
refresh of an unchanged chapter therefore writes the same bytes. Cells tagged
``nbval-ignore-output`` measure real time, so their output differs on every
run: refresh keeps the stored measurement while the cell's source is the one
that was measured (its hash is kept in the cell's ``book.measured`` metadata),
and takes the new one when the source changed or with ``--remeasure``.

Verify: strict nbval compares every stored output with a fresh run. A passed
chapter gets a stamp keyed by the notebook, ``support/``, ``requirements.txt``
and ``sanitize.cfg``. ``book build`` publishes only stamped chapters, so the
book never shows an output that nbval has not verified against the current
code.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from book import golang
from book._bootstrap import REQUIREMENTS, ROOT
from book.hygiene import check_notebook, source_hash
from book.project import BUILD, CHAPTERS, SANITIZE, BookError, kernel_env, notebook

STAMPS = BUILD / ".verified"
KEEP_CELL_METADATA = ("tags", "book")
IGNORE = "nbval-ignore-output"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}
JOBS = 2  # the machine has two cores; each chapter runs in its own kernel


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


def refresh(stem: str, remeasure: bool = False) -> float:
    """Execute ``stem`` in a fresh kernel and store it normalised; the old file stays if anything fails."""
    path = notebook(stem)
    nb = nbformat.read(path, as_version=4)
    old = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    start = time.monotonic()
    client = NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=True,
                            resources={"metadata": {"path": str(CHAPTERS)}})
    env = dict(kernel_env(), BOOK_GO_RECHECK="1")
    client.execute(env=env)
    _keep_measurements(None if remeasure else old, nb)
    normalise(nb, stem)
    scratch = BUILD / ".refresh" / path.name
    scratch.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, scratch)
    problems = check_notebook(scratch)
    if problems:
        raise BookError(f"{stem} not stored (the old file is unchanged; the new run is in {scratch}): "
                        + "; ".join(problems))
    scratch.replace(path)
    return time.monotonic() - start


def digest(stem: str) -> str:
    """What a chapter's verification depends on: the notebook, support/, the Go module, the pins, the sanitizer."""
    h = hashlib.sha256()
    files = [notebook(stem), REQUIREMENTS, SANITIZE, *sorted((ROOT / "support").rglob("*.py")), *golang.sources()]
    for f in files:
        h.update(str(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f).encode())
        h.update(f.read_bytes() if f.exists() else b"<missing>")
    return h.hexdigest()


def is_verified(stem: str) -> bool:
    stamp = STAMPS / stem
    return stamp.exists() and stamp.read_text() == digest(stem)


def nbval_command(*paths: Path) -> list[str]:
    """Strict nbval (not ``--nbval-lax``) on notebooks, in this environment's kernel.

    Run it with :func:`nbval_env`: pytest's plugin autoloading is off (it would
    import hypothesis and anyio for nothing), and only nbval is loaded.
    """
    return [sys.executable, "-m", "pytest", "-p", "nbval.plugin", "-p", "no:cacheprovider", "--nbval",
            "--nbval-current-env", "--nbval-cell-timeout=600", "--nbval-sanitize-with", str(SANITIZE),
            "-q", "--color=no", "-rA", *map(str, paths)]


def nbval_env() -> dict[str, str]:
    return dict(kernel_env(), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", BOOK_GO_RECHECK="1")


def _nbval_one(stem: str) -> tuple[str, bool, str, float]:
    before = digest(stem)
    start = time.monotonic()
    result = subprocess.run(nbval_command(notebook(stem)), cwd=ROOT, env=nbval_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ok = result.returncode == 0
    stamp = STAMPS / stem
    if ok:
        STAMPS.mkdir(parents=True, exist_ok=True)
        stamp.write_text(before)
    else:
        stamp.unlink(missing_ok=True)  # outputs that failed once, even unchanged, are not verified
    return stem, ok, result.stdout, time.monotonic() - start


def verify(stems: list[str]) -> list[str]:
    """Run strict nbval on each chapter (two at a time); stamp the ones that pass; return the failures."""
    failed = []
    with ThreadPoolExecutor(JOBS) as pool:
        for stem, ok, output, took in pool.map(_nbval_one, stems):
            print(f"    nbval {stem}: {'passed' if ok else 'FAILED'} in {took:.1f}s", flush=True)
            if not ok:
                sys.stdout.write(_shorten(output))
                print(f"    to see what {stem} prints now: python3 -m book refresh {stem} "
                      "(it stores nothing if a cell fails, and names the error)", flush=True)
                failed.append(stem)
    return failed


def _shorten(output: str, limit: int = 12000) -> str:
    return output if len(output) <= limit else output[:limit] + f"\n… ({len(output) - limit} more characters)\n"


def hygiene(stems: list[str]) -> list[str]:
    problems: list[str] = []
    for stem in stems:
        problems += check_notebook(notebook(stem))
    notebooks_on_disk = sorted(p.stem for p in CHAPTERS.glob("*.ipynb"))
    for orphan in sorted(set(notebooks_on_disk) - set(stems)):
        problems.append(f"chapters/{orphan}.ipynb is not in _toc.yml: add it, or delete it")
    return problems


def stale(stems: list[str]) -> list[str]:
    return [s for s in stems if not is_verified(s)]
