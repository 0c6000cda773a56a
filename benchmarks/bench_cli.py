"""Command-line speed: each read command as a fresh process, as a user runs it.

Builds a realistic portfolio (the demo apprentice's items, repeated to --items, with
attachments and tags) and a signed package of it, then times `python -m app --file X ...`
for every read command: the median wall time of --runs fresh processes each.
Target (issue 18): <= 0.25 s from source, <= 0.4 s frozen (--frozen). Find the costs with
`.venv/bin/python -X importtime -m app --file X item list 2>imports.txt`.

Run: .venv/bin/python benchmarks/bench_cli.py [--items 300] [--runs 7]
     [--dir DIR] (build there once and reuse it) [--save DIR] (each command's output)
     [--frozen build/linux/pyinstaller-dist/portfolio/portfolio] (the frozen bundle's)
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

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.25
FROZEN_TARGET_S = 0.4


def build(folder: Path, items: int, env: dict[str, str]) -> tuple[Path, Path, Path]:
    """The portfolio file and signed packages of it (the assessor's copy and the review
    copy, which carries the programme records), in ``folder`` (made once)."""
    sys.path.insert(0, str(ROOT))
    from app.services import evidence
    from tools.make_demo import ITEMS
    from tools.make_demo import build as build_demo

    path = folder / "bench.sqlite3"
    package = folder / "bench.portfolio"
    review = folder / "bench-review.portfolio"
    if not path.exists():
        build_demo(path)
        from app.models.db import open_portfolio

        db = open_portfolio(path)
        with db.transaction() as s:
            for n in range(len(ITEMS), items):
                spec = ITEMS[n % len(ITEMS)]
                evidence.add_item(
                    s,
                    title=f"{spec['title']} ({n // len(ITEMS) + 1})",
                    date=str(spec["date"]),
                    body=str(spec["body"]),
                    status=str(spec.get("status", "ready")),
                    ksbs=spec["ksbs"],  # type: ignore[arg-type]
                    duties=spec["duties"],  # type: ignore[arg-type]
                )
        db.close()
    for out, audience in ((package, "assessor"), (review, "review")):
        if not out.exists():
            subprocess.run(
                [
                    *(sys.executable, "-m", "app", "--file", str(path)),
                    *("export", "package", str(out), "--for", audience),
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
    return path, package, review


def time_command(
    words: list[str],
    env: dict[str, str],
    runs: int,
    *,
    python: tuple[str, ...] = ("-m", "app"),
    root: Path = ROOT,
    program: Path | None = None,
) -> tuple[float, bytes]:
    """The median wall time of ``runs`` fresh processes, run from the checkout ``root``
    (or of the frozen ``program``, the bundle's ``portfolio``, when given)."""
    times: list[float] = []
    out = b""
    command = [str(program)] if program is not None else [sys.executable, *python]
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([*command, *words], cwd=root, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(words)} failed: {done.stderr.decode()}")
        out = done.stdout
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dir", type=Path, help="build the portfolio here once and reuse it")
    parser.add_argument("--save", type=Path, help="write each command's output into this folder")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="CHECKOUT",
        help="also time another checkout (e.g. `git archive REV | tar -x -C DIR`), run for "
        "run alternately with this one, so that both see the same machine load",
    )
    parser.add_argument(
        "--frozen",
        type=Path,
        metavar="PROGRAM",
        help="time the frozen bundle's command line instead (build/…/portfolio; target "
        f"{FROZEN_TARGET_S} s): the portfolio and packages are still made from source",
    )
    args = parser.parse_args()
    target = FROZEN_TARGET_S if args.frozen else TARGET_S

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env["PORTFOLIO_CONFIG_DIR"] = str(folder / "config")
        env["PORTFOLIO_DATA_DIR"] = str(folder / "data")
        path, package, review = build(folder, args.items, env)
        f = ["--file", str(path)]
        commands = {
            "item list": [*f, "item", "list"],
            "item list --json": [*f, "item", "list", "--json"],
            "item show E150": [*f, "item", "show", "E150"],
            "item show E150 --json": [*f, "item", "show", "E150", "--json"],
            "coverage": [*f, "coverage"],
            "coverage --json": [*f, "coverage", "--json"],
            "frameworks list": [*f, "frameworks", "list"],
            "frameworks list --json": [*f, "frameworks", "list", "--json"],
            "frameworks show ST0825": [*f, "frameworks", "show", "ST0825"],
            "frameworks show ST0825 --json": [*f, "frameworks", "show", "ST0825", "--json"],
            "verify PACKAGE": ["verify", str(package)],
            # the review copy: drafts too (and programme records, when there are any)
            "verify REVIEW-PACKAGE": ["verify", str(review)],
        }
        what = f"frozen {args.frozen}" if args.frozen else "from source"
        print(
            f"{args.items} items; {what}; median of {args.runs} fresh processes; target {target} s"
        )
        other = f" {'compare':>8}" if args.compare else ""
        print(f"{'command':<32} {'seconds':>8}{other}  target")
        # the floor on this machine now: a Python that imports nothing (the load shows here)
        bare, _ = time_command([], env, args.runs, python=("-c", "pass"))
        print(f"{'(python -c pass)':<32} {bare:8.3f}")
        worst = 0.0
        for name, words in commands.items():
            if args.compare:
                pairs = [
                    (
                        time_command(words, env, 1, program=args.frozen)[0],
                        time_command(words, env, 1, root=args.compare)[0],
                    )
                    for _ in range(args.runs)
                ]
                theirs = f" {statistics.median(p[1] for p in pairs):8.3f}"
            median, out = time_command(
                words, env, 1 if args.compare else args.runs, program=args.frozen
            )
            if args.compare:
                median = statistics.median(p[0] for p in pairs)
            worst = max(worst, median)
            mark = "ok" if median <= target else "OVER"
            print(f"{name:<32} {median:8.3f}{theirs if args.compare else ''}  {mark}")
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / (name.replace(" ", "_").replace("-", "") + ".out")).write_bytes(
                    out.replace(str(folder).encode(), b"FOLDER")
                )
        print(f"{'slowest':<32} {worst:8.3f}  {'ok' if worst <= target else 'OVER'}")


if __name__ == "__main__":
    main()
