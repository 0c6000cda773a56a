"""Off-the-job import speed: ``portfolio otj import`` of a 100,000-row timesheet.

Target (issue 12, item 10): <= 10 s for the whole command, start-up included
(183 s before the import was written in bulk). Rows carry KSB codes and links to
evidence items, as a real log exported from another system does.
Run: .venv/bin/python benchmarks/bench_otj_import.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ACTIVITIES = ["self-study", "mentoring", "e-learning", "shadowing", "workshop", "taught-session"]
CODES = ["K1", "K2", "K7", "S14", "B1", "DDAT-DEVOPS:DS2", ""]


def timesheet(rows: int) -> str:
    rnd = random.Random(12)
    start = date(2024, 9, 2)
    lines = ["date,duration,activity,description,ksbs,items"]
    for n in range(rows):
        day = start + timedelta(days=n % 700)
        minutes = rnd.randrange(15, 240)
        lines.append(
            f"{day.isoformat()},{minutes // 60}:{minutes % 60:02d},{rnd.choice(ACTIVITIES)},"
            f'"Session {n}: notes, with a comma",{rnd.choice(CODES)},'
            + ("E001" if n % 10 == 0 else "")
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sheet = root / "log.csv"
        sheet.write_text(timesheet(args.rows), encoding="utf-8")
        env_cli = [sys.executable, "-m", "app", "--file", str(root / "p.sqlite3")]
        subprocess.run([*env_cli, "init", "--name", "Bench Mark"], check=True, capture_output=True)
        subprocess.run([*env_cli, "item", "add", "--title", "CI"], check=True, capture_output=True)
        load = os.getloadavg()[0]
        cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [*env_cli, "otj", "import", str(sheet)], capture_output=True, text=True, check=False
        )
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (after.ru_utime + after.ru_stime) - (cpu.ru_utime + cpu.ru_stime)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        first = done.stdout.splitlines()[0]
        print(
            f"otj import of {args.rows} rows: {elapsed:.2f} s wall, {used:.2f} s CPU "
            f"(target <= 10 s; load average {load:.1f} on {os.cpu_count()} cores) — {first}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
