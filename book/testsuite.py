"""pytest over ``tests/``, split into groups of files that run beside the chapters' nbval.

Options come from ``pyproject.toml``. Each group writes a JUnit report; the
seconds each test file took are recorded from it, and the next run deals the
files into groups of about equal expected time (longest first, each to the
least loaded group), so no group is much longer than the others.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from book.jobs import Done, Job, recorded, remember
from book.project import BUILD, ROOT, kernel_env

__all__ = ["pytest_jobs", "record_files"]

REPORTS = BUILD / ".junit"
_PREFIX = "pytest "
_DEFAULT = 5.0  # seconds assumed for a test file never timed
# Installed plugins no test uses (nbval runs in its own process, see book.verify): not loading them saves
# 0.5-0.6 s of CPU per group, measured with `time pytest -q tests/test_go_peers.py` with and without them.
_UNUSED_PLUGINS = ("-p", "no:nbval", "-p", "no:anyio")


def _files() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_*.py"))


def _deal(files: list[str], seconds: dict[str, float], groups: int) -> list[tuple[list[str], float]]:
    buckets: list[tuple[list[str], float]] = [([], 0.0) for _ in range(max(1, min(groups, len(files))))]
    for f in sorted(files, key=lambda f: -seconds.get(f, _DEFAULT)):
        index = min(range(len(buckets)), key=lambda i: buckets[i][1])
        names, total = buckets[index]
        buckets[index] = ([*names, f], total + seconds.get(f, _DEFAULT))
    return [(sorted(names), total) for names, total in buckets if names]


def pytest_jobs(groups: int) -> list[Job]:
    """``groups`` pytest runs that together cover every test file once."""
    last = recorded()
    REPORTS.mkdir(parents=True, exist_ok=True)
    for old in REPORTS.glob("*.xml"):  # a report left by an earlier run would be read as this one's
        old.unlink()
    jobs = []
    for index, (files, expected) in enumerate(_deal(_files(), last, groups)):
        report = REPORTS / f"group{index}.xml"
        cmd = (sys.executable, "-m", "pytest", "-q", "--color=no", *_UNUSED_PLUGINS, f"--junitxml={report}", *files)
        label = files[0] if len(files) == 1 else f"{len(files)} files from {Path(files[0]).stem}"
        jobs.append(Job(f"{_PREFIX}{label}", cmd, kernel_env(), estimate=expected))
    return jobs


def is_pytest(done: Done) -> bool:
    return done.job.name.startswith(_PREFIX)


def record_files() -> None:
    """Keep how long each test file took, read from the groups' JUnit reports, for the next deal."""
    seconds: dict[str, float] = defaultdict(float)
    for report in REPORTS.glob("*.xml"):
        try:
            root = ET.parse(report).getroot()
        except ET.ParseError:
            continue
        for case in root.iter("testcase"):
            module = case.get("classname", "").split(".")
            if len(module) >= 2 and module[0] == "tests":
                seconds[f"tests/{module[1]}.py"] += float(case.get("time", 0.0))
    remember(seconds)
