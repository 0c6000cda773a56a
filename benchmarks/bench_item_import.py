"""Bulk import speed: ``portfolio item import`` of 300 Markdown notes with 100 photos.

Target (issue 16): <= 10 s for the whole command, start-up included (300 single
``item add`` calls took about 230 s). The photos are 12-megapixel JPEGs like a
phone's (4000 x 3000), each different, so every one gets its own print rendition.
Run: .venv/bin/python benchmarks/bench_item_import.py [--items 300] [--photos 100]
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
from pathlib import Path

from PIL import Image, ImageDraw

KSBS = ["K1", "K2", "K4", "K5", "K8", "K11", "S1", "S2", "S9", "S14", "B1", "B3"]


def make_photo(path: Path, seed: int) -> None:
    rnd = random.Random(seed)
    image = Image.new("RGB", (4000, 3000), (rnd.randrange(256), 90, 160))
    draw = ImageDraw.Draw(image)
    for _ in range(40):  # shapes and edges, so the JPEG is photo-sized, not flat
        x, y = rnd.randrange(4000), rnd.randrange(3000)
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        draw.ellipse((x, y, x + rnd.randrange(50, 900), y + rnd.randrange(50, 900)), fill=colour)
    image.save(path, "JPEG", quality=90)


def build(folder: Path, items: int, photos: int) -> None:
    (folder / "photos").mkdir(parents=True)
    for n in range(photos):
        make_photo(folder / "photos" / f"p{n:03d}.jpg", n)
    rnd = random.Random(16)
    for n in range(items):
        codes = ", ".join(rnd.sample(KSBS, 3))
        attach = f"attachments: [photos/p{n:03d}.jpg]\n" if n < photos else ""
        (folder / f"{n:03d}.md").write_text(
            f"---\ntitle: 'Evidence {n}: pipeline and infrastructure work'\n"
            f"date: 2026-{1 + n % 12:02d}-{1 + n % 28:02d}\nstatus: ready\n"
            f"ksb: [{codes}]\nduty: [{1 + n % 13}]\n{attach}---\n"
            + "## Context\n\nWhy the work was needed.\n\n## What I did\n\n"
            + "I changed the pipeline. " * 40
            + "\n\n## Result\n\nIt shipped.\n",
            encoding="utf-8",
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--photos", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        notes = root / "notes"
        started = time.perf_counter()
        build(notes, args.items, args.photos)
        size = sum(p.stat().st_size for p in (notes / "photos").iterdir()) / 1e6
        print(
            f"built {args.items} notes, {args.photos} photos ({size:.0f} MB) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        portfolio = root / "p.sqlite3"
        cli = [sys.executable, "-m", "app", "--file", str(portfolio)]
        subprocess.run([*cli, "init", "--name", "Bench Mark"], check=True, capture_output=True)
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [*cli, "item", "import", str(notes)], check=False, capture_output=True, text=True
        )
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        refs = done.stdout.split()
        print(
            f"item import: {len(refs)} items, {args.photos} photos in {elapsed:.2f} s wall, "
            f"{cpu:.2f} s CPU over all threads (target <= 10 s; load average {load:.1f} on "
            f"{os.cpu_count()} cores) — {'OK' if elapsed <= 10 else 'SLOWER THAN TARGET'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
