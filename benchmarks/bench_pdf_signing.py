"""What signing the EPA PDF (PAdES) adds to an export.

Builds the demo portfolio (tools/make_demo.py), exports its PDF signed and unsigned
(median of --runs each) and times the signature step alone; with --pdf FILE, also
times signing that file (for a large portfolio's PDF, e.g. one bench_pdf.py --keep made).

Run: .venv/bin/python benchmarks/bench_pdf_signing.py [--runs 3] [--pdf FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.export.pdf import export_portfolio_pdf  # noqa: E402
from app.export.pdf_signing import pdf_identity, sign_pdf_bytes, signing_time  # noqa: E402
from app.models.db import open_portfolio  # noqa: E402
from app.services import signing  # noqa: E402


def timed_export(db_path: Path, out: Path, *, sign: bool) -> float:
    db = open_portfolio(db_path)
    try:
        start = time.perf_counter()
        export_portfolio_pdf(db, out, sign=sign, force=True)
        return time.perf_counter() - start
    finally:
        db.close()


def time_signing(pdf: Path, key: signing.SigningKey, runs: int) -> tuple[float, int]:
    data = pdf.read_bytes()
    identity = pdf_identity(key, "Bench Apprentice")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sign_pdf_bytes(data, identity, "Bench Apprentice", signing_time("2026-01-01T00:00:00"))
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pdf", type=Path, help="also time signing this PDF")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        os.environ["PORTFOLIO_CONFIG_DIR"] = str(work / "config")
        os.environ["PORTFOLIO_DATA_DIR"] = str(work / "data")
        demo = work / "demo.sqlite3"
        subprocess.run(
            [sys.executable, str(ROOT / "tools" / "make_demo.py"), str(demo)],
            check=True,
            capture_output=True,
        )
        key = signing.load_or_create_key()
        timed_export(demo, work / "warm.pdf", sign=True)  # fonts, imports
        unsigned = [timed_export(demo, work / "u.pdf", sign=False) for _ in range(args.runs)]
        signed = [timed_export(demo, work / "s.pdf", sign=True) for _ in range(args.runs)]
        alone, size = time_signing(work / "u.pdf", key, args.runs)
        u, s = statistics.median(unsigned), statistics.median(signed)
        print(f"demo portfolio PDF: {size / 1e6:.2f} MB")
        print(f"  export unsigned  {u * 1000:8.1f} ms (median of {args.runs})")
        print(f"  export signed    {s * 1000:8.1f} ms (+{(s - u) / u * 100:.1f} %)")
        print(f"  signing alone    {alone * 1000:8.1f} ms")
        if args.pdf:
            alone, size = time_signing(args.pdf, key, args.runs)
            print(f"{args.pdf.name}: {size / 1e6:.2f} MB, signing alone {alone * 1000:.1f} ms")


if __name__ == "__main__":
    main()
