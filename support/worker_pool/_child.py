"""Child processes of the worker pool chapter: one environment recipe, one way to report a child's failure.

Mental model: every child (server, load generator) runs this checkout's
``support`` package with this interpreter, so :func:`child_environment` puts
the project root first on ``PYTHONPATH`` and adds the variables asked for.
A child writes its stderr to a temporary file (never a pipe it could fill);
:func:`tail` reads its end into the error a parent raises.

Taught in the chapter ``worker_pool``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Final

ROOT: Final = Path(__file__).resolve().parents[2]


def child_environment(extra: Mapping[str, str] | None = None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: ``os.environ``) with ``support`` importable and ``extra`` set."""
    env = dict(os.environ if base is None else base)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(extra or {})
    return env


def tail(errors: IO[str], limit: int = 800) -> str:
    """The last ``limit`` characters a child wrote to ``errors`` (a temporary file)."""
    if errors.closed:
        return ""
    errors.flush()
    errors.seek(0)
    return errors.read()[-limit:].strip()
