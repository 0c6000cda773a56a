"""Crash safety under kill -9: trials, kills, items confirmed vs found.

A writer loop runs ``portfolio item add`` (each with a reflection and an
attachment) and now and then ``portfolio backup``, and is killed with SIGKILL
at a random moment; after each kill ``check`` must pass and every item whose
ref was printed must be there, byte for byte. See ``tests/crash_harness.py``.

Run: .venv/bin/python benchmarks/bench_crash.py [--trials 200] [--exec 10] [--seed N]
(POSIX only: the writers are forked from a process that has the app imported;
``--exec`` starts that many of them as whole new interpreters instead.)
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--exec", dest="exec_trials", type=int, default=10)
    parser.add_argument("--seed", type=int, default=random.randrange(1_000_000))
    parser.add_argument("--max-delay", type=float, default=1.0, help="seconds before the kill")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-crash-") as folder:
        work = Path(folder)
        # Never touch the real user's data, settings or backups.
        os.environ["PORTFOLIO_DATA_DIR"] = str(work / "data")
        os.environ["PORTFOLIO_CONFIG_DIR"] = str(work / "config")
        os.environ.pop("PORTFOLIO_FILE", None)
        from tests.crash_harness import Crasher

        started = time.perf_counter()
        with Crasher(work, seed=args.seed, max_delay_s=args.max_delay) as crasher:
            for number in range(args.trials):
                crasher.trial(mode="exec" if number < args.exec_trials else "fork")
                if (number + 1) % 25 == 0:
                    print(f"  after {number + 1:>4}: {crasher.stats.line()}", flush=True)
            stats = crasher.stats
            size = crasher.path.stat().st_size
        elapsed = time.perf_counter() - started

    print(f"seed {args.seed}, {elapsed:.0f} s, final portfolio {size / 1e6:.1f} MB")
    print(
        f"trials {stats.trials}  kills {stats.kills}  items confirmed {stats.confirmed}  "
        f"found {stats.found}  confirmed backups {stats.backups_confirmed}"
    )
    lost = [p for p in stats.problems if "missing" in p]
    print(f"confirmed items lost: {len(lost)}   problems: {len(stats.problems)}")
    for problem in stats.problems[:20]:
        print(f"  {problem}")
    return 1 if stats.problems or stats.kills != stats.trials else 0


if __name__ == "__main__":
    sys.exit(main())
