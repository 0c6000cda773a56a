"""kill -9 at random moments: the file stays whole and every confirmed item survives.

A writer loop runs ``portfolio item add`` (with a reflection and an attachment)
and now and then ``portfolio backup``; it is killed with SIGKILL after a random
delay, 50 times over, on one portfolio. After every kill ``check`` must pass,
every ref the writer printed must be there with its exact reflection and
attachment bytes, and every backup it printed must pass SQLite's quick check.
``benchmarks/bench_crash.py`` runs more trials and prints the numbers.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pytest

from tests.crash_harness import run_trials

TRIALS = 50
EXEC_TRIALS = 3  # of which a few start a whole new interpreter, as a user's command does


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the writer zygote forks (POSIX)")
def test_kill_9_at_random_moments_loses_nothing_confirmed(tmp_path: Path) -> None:
    seed = random.randrange(1_000_000)
    stats = run_trials(tmp_path, TRIALS, exec_trials=EXEC_TRIALS, seed=seed)
    print(f"crash test (seed {seed}): {stats.line()}", file=sys.stderr)
    assert stats.trials == TRIALS
    assert stats.kills == TRIALS  # every writer died by SIGKILL, mid-flight
    assert stats.problems == [], f"seed {seed}"
    assert stats.confirmed > 0
    # An item may be committed and the writer killed before it printed the ref:
    # at most one such item per trial, never fewer items than were confirmed.
    assert stats.confirmed <= stats.found <= stats.confirmed + TRIALS
