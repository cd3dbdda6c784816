"""Run mypy on small snippets and return what it says, so the chapter shows mypy's real verdicts.

Mental model: each snippet is written to a file of its own under
``_build/options-mypy/`` and all of them are checked in one ``mypy --strict``
run through :func:`mypy.api.run` (mypy is pinned in ``requirements.txt``, so
its messages are stable). The result lists each snippet's messages under its
name, file paths shortened to the snippet's name.
Taught in the chapter ``options``.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

__all__ = ["mypy_verdicts"]

_ROOT = Path(__file__).resolve().parents[2]
_WORK = _ROOT / "_build" / "options-mypy"
_WIDTH = 76  # the page shows 80 columns; each message is wrapped under its location
_MESSAGE = re.compile(r"(?P<path>[^:]+):(?P<line>\d+): (?P<severity>error|note): "
                      r"(?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?$")


def mypy_verdicts(snippets: dict[str, str]) -> str:
    """mypy's messages for each snippet (``name.py: ok`` when it has none), in the order given.

    Each message is printed as ``name.py:LINE: error [code]`` with mypy's text
    wrapped below it, so it fits the page.
    """
    from mypy import api

    _WORK.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    for name, source in snippets.items():
        if not name.isidentifier():
            raise ValueError(f"snippet name {name!r} must be an identifier (it becomes a file name)")
        snippet = _WORK / f"{name}.py"
        snippet.write_text(source)
        files.append(str(snippet))
    config = _WORK / "mypy.ini"  # the project root on mypy's path, whatever the caller's directory
    config.write_text(f"[mypy]\nmypy_path = {_ROOT}\n")
    stdout, stderr, _status = api.run(["--config-file", str(config), "--strict", "--no-error-summary",
                                       "--hide-error-context", "--no-color-output",
                                       "--cache-dir", str(_WORK / ".cache"), *files])
    if stderr.strip():
        raise RuntimeError(f"mypy could not run: {stderr.strip()}")
    by_name: dict[str, list[str]] = {name: [] for name in snippets}
    for line in stdout.splitlines():
        match = _MESSAGE.match(line)
        if match is None or Path(match["path"]).stem not in by_name:
            continue
        code = f" [{match['code']}]" if match["code"] else ""
        entry = [f"{Path(match['path']).stem}.py:{match['line']}: {match['severity']}{code}"]
        entry += textwrap.wrap(match["message"], width=_WIDTH, initial_indent="    ", subsequent_indent="    ")
        by_name[Path(match["path"]).stem] += entry
    lines = []
    for name, messages in by_name.items():
        lines += messages or [f"{name}.py: ok"]
    return "\n".join(lines)
