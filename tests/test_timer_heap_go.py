"""The timer model against real Go: random AfterFunc/Stop/Reset sequences replayed on both sides.

Go runs ``chapters/go/timer_heap/replay`` once, inside a ``testing/synctest``
bubble, over every sequence; the model replays each with
:func:`support.timer_heap.replay_afterfunc`. Both must report the same
Stop/Reset results and the same firings at the same virtual milliseconds.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from support.golang import run_go
from support.timer_heap import replay_afterfunc

SEQUENCES = 300


def _sequence(rng: random.Random) -> str:
    """Random calls by one driver goroutine. The driver acts only at multiples of 10 ms and every
    deadline falls on 5 ms past one, so no call races a firing: the order is Go's rule, not the
    scheduler's. Ties among firings are allowed (both sides print them sorted)."""
    ops: list[str] = []
    made = 0
    for _ in range(rng.randrange(4, 25)):
        choice = rng.random()
        if made == 0 or (choice < 0.2 and made < 5):
            ops.append(f"a{made}:{10 * rng.randrange(0, 10) + 5}")
            made += 1
        elif choice < 0.45:
            ops.append(f"s{rng.randrange(made)}")
        elif choice < 0.75:
            ops.append(f"r{rng.randrange(made)}:{10 * rng.randrange(0, 10) + 5}")
        else:
            ops.append(f"w{10 * rng.randrange(1, 7)}")
    if rng.random() < 0.5:
        ops.append("w100")  # let everything still pending fire
    return " ".join(ops)


def test_example_matches_go():
    go = run_go("timer_heap/replay", synctest=True).output.splitlines()
    assert len(go) == 2
    assert replay_afterfunc(go[0]) == go[1]


def test_random_sequences_match_go(tmp_path: Path):
    rng = random.Random(12)
    lines = [_sequence(rng) for _ in range(SEQUENCES)]
    path = tmp_path / "sequences.txt"
    path.write_text("\n".join(lines) + "\n")
    go = run_go("timer_heap/replay", synctest=True, env={"TIMER_REPLAY": str(path)}).output.splitlines()
    assert len(go) == len(lines)
    mismatches = [(line, g, m) for line, g in zip(lines, go, strict=True) if (m := replay_afterfunc(line)) != g]
    assert not mismatches, f"{len(mismatches)} of {len(lines)} differ; first: {mismatches[0]}"
    # the comparison means something: Stop and Reset gave both answers, and timers fired
    text = " ".join(go)
    assert "=true" in text and "=false" in text and "@" in text


@pytest.mark.parametrize("bad", ["x0", "a0", "s0", "a0:15 r1:5", "w", "a0:1.5"])
def test_replay_refuses_bad_ops(bad):
    with pytest.raises(ValueError, match="bad op"):
        replay_afterfunc(bad)
