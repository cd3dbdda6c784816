"""Tests of benchmarks/go_peers.py: the Go pipeline peer builds, checks itself and reports its settings.

No timing is asserted (the machine is shared): only that a rate comes back for
each ``GOMAXPROCS`` asked, and that bad arguments are refused before Go runs.
"""

from __future__ import annotations

import pytest

from benchmarks.go_peers import go_pipeline_rate


def test_one_rate_per_gomaxprocs() -> None:
    rates = go_pipeline_rate(2_000, rounds=1, procs=(1, 2))
    assert sorted(rates) == [1, 2]
    assert all(rate > 0 for rate in rates.values())


@pytest.mark.parametrize("kwargs", [{"n": 0}, {"buffer": -1}, {"rounds": True}, {"procs": ()}, {"procs": (0,)}])
def test_bad_arguments_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"must be (a )?positive"):
        go_pipeline_rate(**kwargs)  # type: ignore[arg-type]
