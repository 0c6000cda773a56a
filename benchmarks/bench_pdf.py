"""EPA portfolio PDF speed: a 300-item portfolio with 100 photos (1–3 MB JPEGs).

Measures, each export in a fresh process (so peak memory is the export's own):
  cached  build_pdf with the print renditions already in the portfolio file
  cold    build_pdf making every rendition from the original photo inside the timed run
and the same content as one HTML file converted by LibreOffice (`soffice --headless
--convert-to pdf`), the route apprentices take today with a word processor.

Targets (issue 4): cached <= 3 s, cold <= 8 s, PDF <= 40 MB, peak memory <= 400 MB,
ours <= 1/3 of LibreOffice's time.

Run: .venv/bin/python benchmarks/bench_pdf.py [--items 300] [--photos 100] [--keep DIR]
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

from PIL import Image

from app.services import queries

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.export.markdown_html import render_markdown_html  # noqa: E402
from app.export.pdf import PdfOptions, build_pdf, placed_images  # noqa: E402
from app.models.db import open_portfolio  # noqa: E402
from app.services import evidence  # noqa: E402
from app.services.attachments import FileData  # noqa: E402
from app.services.blob_source import SqliteBlobSource  # noqa: E402
from app.services.evidence import TagInput  # noqa: E402
from app.services.portfolio import create_portfolio  # noqa: E402
from app.services.renditions import make_renditions  # noqa: E402
from app.services.snapshot import take_snapshot  # noqa: E402
from app.services.views import PortfolioSnapshot, Rendition  # noqa: E402

WORDS = (  # noqa: SIM905 - a word list reads better as text
    "pipeline terraform kubernetes helm ansible docker incident postmortem monitoring "
    "prometheus grafana alerting rollback canary deployment jenkins actions security "
    "scanning dependency review pairing retrospective backlog agile kanban cost capacity "
    "latency availability runbook automation testing unit integration contract the a to of "
    "and we I our team service because so that with when it was is then for on in"
).split()


def photo(rng: random.Random) -> bytes:
    """A noisy gradient photo of 1–3 MB, like a phone picture of a whiteboard or rack."""
    width = rng.randrange(2000, 2900, 100)
    height = width * 3 // 4
    noise = Image.effect_noise((width, height), rng.randint(30, 45))
    ramp = Image.linear_gradient("L").resize((width, height))
    glow = Image.radial_gradient("L").resize((width, height))
    image = Image.merge(
        "RGB",
        (
            Image.blend(noise, ramp, 0.5),
            Image.blend(Image.effect_noise((width, height), 40), glow, 0.6),
            ramp.rotate(rng.randint(0, 359)),
        ),
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.randint(84, 92))
    return out.getvalue()


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, k=words)).capitalize() + "."


def reflection(rng: random.Random) -> str:
    """About 350 words of Markdown: headings, paragraphs, a list, sometimes code and a table."""
    parts = ["## What I did", " ".join(sentence(rng, 14) for _ in range(6))]
    parts.append("\n".join(f"- {sentence(rng, 8)}" for _ in range(4)))
    parts += ["## What I learned", " ".join(sentence(rng, 16) for _ in range(6))]
    if rng.random() < 0.4:
        parts.append("```bash\nterraform plan -out plan.tfplan && terraform apply plan.tfplan\n```")
    if rng.random() < 0.3:
        parts.append("| Stage | Before | After |\n|---|--:|--:|\n| test | 14 min | 6 min |")
    parts.append("> " + sentence(rng, 12))
    return "\n\n".join(parts)


def build_portfolio(path: Path, items: int, photos: int, rng: random.Random) -> list[Path]:
    """The portfolio file (renditions made as the app makes them: when attached)."""
    photo_dir = path.parent / "photos"
    photo_dir.mkdir(exist_ok=True)
    db = create_portfolio(
        path, name="Ada Lovelace", uln="1234567899", employer="Analytical Engines Ltd",
        provider="Babbage College",
    )  # fmt: skip
    every = max(1, items // max(1, photos))
    photo_files: list[Path] = []
    try:
        with db.transaction() as s:
            view = queries.get_framework(s)
            codes = [c.code for c in view.competencies]
            duties = [g.code for g in view.groups]
            for n in range(items):
                files = []
                if n % every == 0 and len(photo_files) < photos:
                    data = photo(rng)
                    file = photo_dir / f"photo{len(photo_files) + 1:03d}.jpg"
                    file.write_bytes(data)
                    photo_files.append(file)
                    files.append(FileData(name=file.name, data=data))
                evidence.add_item(
                    s,
                    title=sentence(rng, 6)[:-1],
                    date=f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    body=reflection(rng),
                    status="ready" if n % 5 else "draft",
                    ksbs=[
                        TagInput(c, sentence(rng, 18)) for c in rng.sample(codes, rng.randint(2, 5))
                    ],
                    duties=[
                        TagInput(d, sentence(rng, 12))
                        for d in rng.sample(duties, rng.randint(1, 2))
                    ],
                    files=files,
                )
    finally:
        db.close()
    return photo_files


def load_snapshot(path: Path) -> PortfolioSnapshot:
    db = open_portfolio(path)
    try:
        with db.reader() as s:
            return take_snapshot(s)
    finally:
        db.close()


class ColdBlobSource(SqliteBlobSource):
    """No cached renditions: each is made from the original photo, on worker threads
    started as the export starts (the layout of the first pages overlaps them), in the
    order the export places them."""

    def __init__(self, path: Path, snapshot: PortfolioSnapshot) -> None:
        super().__init__(path)
        self._lock = threading.Lock()
        images = placed_images(snapshot, PdfOptions())
        self._made = make_renditions((digest, partial(self._read, digest)) for digest in images)

    def _read(self, digest: str) -> bytes | None:
        with self._lock:  # one SQLite connection, shared by the workers
            return self.read(digest)

    def rendition(self, sha256: str) -> Rendition | None:
        made = self._made.get(sha256)
        return made.result() if made is not None else None


def child(mode: str, portfolio: Path, out: Path) -> None:
    """One export in this process; prints seconds, pages, size and peak RSS as JSON."""
    snapshot = load_snapshot(portfolio)
    start, cpu = time.perf_counter(), time.process_time()
    if mode == "cold":
        blobs: SqliteBlobSource = ColdBlobSource(portfolio, snapshot)
    else:
        blobs = SqliteBlobSource(portfolio)
    result = build_pdf(snapshot, blobs, out, force=True)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu  # all threads of this process
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "cpu": cpu, "pages": result.pages, "size": result.size,
                      "peak_mb": peak_kb / 1024}))  # fmt: skip


def run_child(mode: str, portfolio: Path, out: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--portfolio", str(portfolio), "--out",
         str(out)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def write_html(snapshot: PortfolioSnapshot, photos: dict[str, Path], out: Path) -> None:
    """The same content as one HTML page, photos at full resolution as a word processor has."""
    e = html.escape
    fw = snapshot.framework
    info = snapshot.info
    parts = [
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>",
        f"<title>EPA portfolio {e(info.apprentice_name)}</title></head><body>",
        "<h1>End-point assessment portfolio</h1>",
        f"<table><tr><td>Apprentice</td><td>{e(info.apprentice_name)}</td></tr>",
        f"<tr><td>ULN</td><td>{e(info.uln)}</td></tr><tr><td>Standard</td>",
        f"<td>{e(fw.title)} {e(fw.key)} v{e(fw.version)}</td></tr></table>",
        "<h1>Contents</h1><ul>",
        *[f"<li>{e(i.ref)} {e(i.title)}</li>" for i in snapshot.items],
        "</ul><h1>Coverage</h1><table border='1'><tr><th>Code</th><th>Count</th></tr>",
        *[f"<tr><td>{c.code}</td><td>{c.count}</td></tr>" for c in snapshot.coverage.competencies],
        "</table><h1>KSB mapping matrix</h1><table border='1'>",
    ]
    for c in fw.competencies:
        refs = ", ".join(i.ref for i in snapshot.items if c.code in i.ksbs)
        parts.append(f"<tr><td>{e(c.code)}</td><td>{e(c.text)}</td><td>{refs}</td></tr>")
    parts.append("</table>")
    for item in snapshot.items:
        parts.append(f"<h2 style='page-break-before: always'>{e(item.ref)} {e(item.title)}</h2>")
        parts.append(f"<p>Date: {item.date} Status: {item.status}</p>")
        for tag in (*item.duty_tags, *item.ksb_tags):
            parts.append(f"<p><b>{e(tag.code)}</b> {e(tag.justification)}</p>")
        parts.append(render_markdown_html(item.body))
        for a in item.attachments:
            if a.name in photos:
                parts.append(f"<p><img src='{photos[a.name].as_uri()}' width='600'></p>")
        parts.append("<table border='1'>")
        parts += [f"<tr><td>{e(a.name)}</td><td>{a.size}</td><td>{a.sha256}</td></tr>"
                  for a in item.attachments]  # fmt: skip
        parts.append("</table>")
    parts.append("<h1>Declaration</h1><p>I confirm that this is my own work.</p></body></html>")
    out.write_text("\n".join(parts), encoding="utf-8")


def libreoffice(html_file: Path, workdir: Path) -> float | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice: not installed (apt-get install libreoffice-writer-nogui); "
              "no comparison")  # fmt: skip
        return None
    profile = (workdir / "lo-profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless",
               "--infilter=HTML (StarWriter)", "--convert-to", "pdf:writer_pdf_Export",
               "--outdir", str(workdir / "lo")]  # fmt: skip
    warm = workdir / "warm.html"
    warm.write_text("<html><body><p>warm up</p></body></html>", encoding="utf-8")
    subprocess.run([*command, str(warm)], capture_output=True, check=True, timeout=300)
    start = time.perf_counter()
    subprocess.run([*command, str(html_file)], capture_output=True, check=True, timeout=1800)
    seconds = time.perf_counter() - start
    made = workdir / "lo" / (html_file.stem + ".pdf")
    print(f"LibreOffice         {seconds:7.2f} s  {'':7}  {made.stat().st_size / 1e6:6.1f} MB")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the files")
    parser.add_argument("--no-libreoffice", action="store_true")
    parser.add_argument("--child", choices=["cached", "cold"], help=argparse.SUPPRESS)
    parser.add_argument("--portfolio", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.portfolio, args.out)
        return

    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        portfolio = work / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{portfolio}{suffix}").unlink(missing_ok=True)
        start = time.perf_counter()
        photo_files = build_portfolio(portfolio, args.items, args.photos, random.Random(4))
        sizes = [p.stat().st_size / 1e6 for p in photo_files]
        print(f"portfolio: {args.items} items, {len(photo_files)} photos "
              f"({min(sizes):.1f}–{max(sizes):.1f} MB, {sum(sizes):.0f} MB in all), "
              f"built in {time.perf_counter() - start:.0f} s")  # fmt: skip

        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} before the runs")
        print(f"{'':18}{'wall':>9}  {'cpu':>7}  {'size':>9}  {'pages':>6}  {'peak RSS':>9}  target")
        ours: dict[str, dict[str, float]] = {}
        for mode, target in (("cached", 3.0), ("cold", 8.0)):
            figures = run_child(mode, portfolio, work / f"{mode}.pdf")
            ours[mode] = figures
            print(f"ours ({mode:6})     {figures['seconds']:7.2f} s  {figures['cpu']:5.2f} s  "
                  f"{figures['size'] / 1e6:6.1f} MB  {int(figures['pages']):6}  "
                  f"{figures['peak_mb']:6.0f} MB  "
                  f"<= {target:.0f} s, <= 40 MB, <= 400 MB")  # fmt: skip

        if args.no_libreoffice:
            return
        snapshot = load_snapshot(portfolio)
        html_file = work / "portfolio.html"
        write_html(snapshot, {p.name: p for p in photo_files}, html_file)
        seconds = libreoffice(html_file, work)
        if seconds:
            ratio = ours["cached"]["seconds"] / seconds
            cold = ours["cold"]["seconds"] / seconds
            print(f"ours / LibreOffice: cached {ratio:.2f}, cold {cold:.2f} (target <= 0.33)")


if __name__ == "__main__":
    main()
