"""Create the project's ``.venv`` from ``requirements.txt`` and re-run inside it.

Standard library only: this runs on a machine that has nothing but ``python3``.

The environment is trusted only when its stamp matches. The stamp records a hash
of ``requirements.txt`` and the interpreter version, and it is written last,
after every package installed and imported. A failed or interrupted install
therefore leaves no stamp, and the next run deletes the half-made ``.venv`` and
starts again instead of trusting it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".book-stamp"
# Imported once after install: a broken wheel shows up here, not mid-test.
SMOKE_IMPORTS = "import trio, nbval, matplotlib, jupyter_book, hypothesis, mypy, hypercorn"


class BootstrapError(RuntimeError):
    """The environment could not be made; the message names the cause."""


def venv_python() -> Path:
    return VENV / "bin" / "python"


def wanted_stamp() -> str:
    try:
        digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    except FileNotFoundError:
        raise BootstrapError(f"{REQUIREMENTS} is missing") from None
    return f"{digest} python{sys.version_info[0]}.{sys.version_info[1]} {sys.platform}\n"


def inside_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def is_fresh() -> bool:
    try:
        return STAMP.read_text() == wanted_stamp() and venv_python().exists()
    except FileNotFoundError:
        return False


def _run(cmd: list[str], what: str) -> None:
    started = time.monotonic()
    print(f"book: {what} …", file=sys.stderr, flush=True)
    result = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:])
        raise BootstrapError(f"{what} failed (exit {result.returncode}); .venv is left untrusted and rebuilt next run")
    print(f"book: {what} done in {time.monotonic() - started:.1f}s", file=sys.stderr, flush=True)


def create() -> None:
    """Build ``.venv`` from scratch; write the stamp only when all of it worked."""
    if VENV.exists():
        print("book: requirements.txt changed or the last install did not finish; rebuilding .venv", file=sys.stderr)
        shutil.rmtree(VENV)
    _run([sys.executable, "-m", "venv", str(VENV)], "creating .venv")
    py = str(venv_python())
    _run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip==25.3"], "upgrading pip")
    _run([py, "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)], "installing requirements.txt")
    _run([py, "-c", SMOKE_IMPORTS], "checking the installed packages import")
    STAMP.write_text(wanted_stamp())


def link_project() -> None:
    """Put the project root on the venv's path, so kernels can ``import support``."""
    site = next((VENV / "lib").glob("python3*/site-packages"))
    pth = site / "book-project.pth"
    text = f"{ROOT}\n"
    if not pth.exists() or pth.read_text() != text:
        pth.write_text(text)


def ensure_and_reexec(argv: list[str]) -> None:
    """Make sure ``.venv`` is current, then replace this process with it."""
    if not is_fresh():
        create()
    link_project()
    py = str(venv_python())
    os.execv(py, [py, "-m", "book", *argv])
