"""Portfolio core speed: coverage and full-text search on a 10,000-item portfolio.

Targets (issue 2): coverage <= 20 ms, search <= 10 ms, on a 2-core machine.
Run: .venv/bin/python benchmarks/bench_core.py [--items N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from app.models.db import Database, open_portfolio
from app.services import evidence, queries
from app.services.evidence import ItemFilter
from app.services.portfolio import create_portfolio

WORDS = [
    *[
        "pipeline",
        "terraform",
        "kubernetes",
        "helm",
        "ansible",
        "docker",
        "incident",
        "postmortem",
        "monitoring",
    ],
    *[
        "prometheus",
        "grafana",
        "alerting",
        "rollback",
        "canary",
        "blue",
        "green",
        "deployment",
        "jenkins",
    ],
    *[
        "security",
        "scanning",
        "dependency",
        "review",
        "pairing",
        "retrospective",
        "backlog",
        "agile",
        "kanban",
    ],
    *[
        "capacity",
        "latency",
        "availability",
        "runbook",
        "automation",
        "testing",
        "unit",
        "integration",
    ],
]


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """DevOps words plus 3,000 filler words, drawn with a Zipf-like frequency as prose is."""
    filler = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9))) for _ in range(3000)
    ]
    words = [*filler[:200], *WORDS, *filler[200:]]
    weights = [1 / (rank + 1) for rank in range(len(words))]
    return words, weights


def build(db: Database, count: int, rng: random.Random) -> list[str]:
    words, weights = vocabulary(rng)
    with db.transaction() as s:
        view = queries.get_framework(s)
        codes = [c.code for c in view.competencies]
        duties = [g.code for g in view.groups]
        for n in range(count):
            body = " ".join(rng.choices(words, weights, k=150))
            evidence.add_item(
                s,
                title=" ".join(rng.choices(words, weights, k=5)).capitalize(),
                date=f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                body=body,
                status="ready" if n % 4 else "draft",
                ksbs=rng.sample(codes, k=rng.randint(1, 5)),
                duties=rng.sample(duties, k=rng.randint(1, 2)),
            )
    return words


def timed(fn, repeat: int = 30) -> tuple[float, float]:
    fn()  # warm the page cache and statement cache, as a running app would be
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument(
        "--keep", type=Path, help="build the portfolio here and keep it (reused if it exists)"
    )
    args = parser.parse_args()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.sqlite3"
        if path.exists():
            db = open_portfolio(path)
            words, _ = vocabulary(rng)
            print(f"reusing {path} ({path.stat().st_size / 1e6:.1f} MB)")
        else:
            db = create_portfolio(path, name="Bench Mark")
            start = time.perf_counter()
            words = build(db, args.items, rng)
            print(
                f"built {args.items} items in {time.perf_counter() - start:.1f} s "
                f"({path.stat().st_size / 1e6:.1f} MB)"
            )
        with db.reader() as s:
            med, worst = timed(lambda: queries.compute_coverage(s, with_items=False))
            print(
                f"coverage, counts + cells (heatmap)   median {med:6.2f} ms  max {worst:6.2f} ms"
                "  (target <= 20 ms)"
            )
            med, worst = timed(lambda: queries.compute_coverage(s))
            print(
                f"coverage, + item refs (--json)       median {med:6.2f} ms  max {worst:6.2f} ms"
                "  (target <= 20 ms)"
            )
            for query in ("kubernetes rollback", "terraform", "incid", words[0]):
                hits = len(queries.item_ids(s, ItemFilter(search=query)))
                med, worst = timed(lambda q=query: queries.item_ids(s, ItemFilter(search=q)))
                print(
                    f"search {query!r:22} median {med:6.2f} ms  max {worst:6.2f} ms  "
                    f"({hits} hits; target <= 10 ms)"
                )
            med, worst = timed(lambda: queries.item_ids(s, ItemFilter(ksb="K7")))
            print(f"filter by KSB       median {med:6.2f} ms  max {worst:6.2f} ms")
        db.close()


if __name__ == "__main__":
    main()
