"""``book clean``: remove what the commands made. Standard library only, so it works without ``.venv``."""

from __future__ import annotations

import shutil

from book._bootstrap import ROOT, VENV

CACHES = (".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "_build", ".jupyter_cache")


def clean(everything: bool = False) -> None:
    targets = [ROOT / name for name in CACHES]
    targets += [p for p in ROOT.rglob("__pycache__") if VENV not in p.parents]
    targets += [p for p in ROOT.rglob(".ipynb_checkpoints") if VENV not in p.parents]
    if everything:
        targets.append(VENV)
    for path in targets:
        if path.exists():
            shutil.rmtree(path)
            print(f"book: removed {path.relative_to(ROOT)}")
