"""Tests of benchmarks/go_peers.py: the Go pipeline peer builds, checks itself and reports its settings.

No timing is asserted (the machine is shared): only that a rate comes back for
each ``GOMAXPROCS`` asked, and that bad arguments are refused before Go runs.
"""

from __future__ import annotations

import pytest

from benchmarks.go_peers import go_pipeline_rate, go_programs_run


def test_one_rate_per_gomaxprocs() -> None:
    rates = go_pipeline_rate(2_000, rounds=1, procs=(1, 2))
    assert sorted(rates) == [1, 2]
    assert all(rate > 0 for rate in rates.values())
    assert go_programs_run() >= 1


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"n": 0}, ValueError, "n must be at least 1"),
    ({"buffer": -1}, ValueError, "buffer must be at least 1"),
    ({"rounds": True}, TypeError, "rounds must be an int"),
    ({"n": 2.5}, TypeError, "n must be an int"),
    ({"procs": ()}, ValueError, "procs must name at least one"),
    ({"procs": (0,)}, ValueError, "GOMAXPROCS value in procs must be at least 1"),
])
def test_bad_arguments_are_refused(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        go_pipeline_rate(**kwargs)  # type: ignore[arg-type]
