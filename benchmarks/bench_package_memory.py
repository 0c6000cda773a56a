"""Peak memory of ``verify`` and ``import package`` on a bomb and on the largest real package.

Two packages, each signed by a throwaway key:
- a bomb: a portfolio.json of 500 MB (one long reflection) deflated to under 1 MB;
- the largest legitimate members: a portfolio with two 512 MB attachments (the most
  the app attaches), exported as the app does (with a stand-in PDF).
Each command runs in a fresh process; the figure is its peak resident set (VmHWM, Linux).
Target (issue 12): the bomb is refused before anything is allocated, and memory stays
within a small multiple of the largest legitimate member (512 MB).
Run: .venv/bin/python benchmarks/bench_package_memory.py [--json-mb 500] [--attachment-mb 512]
Needs about 2.5 GB free in the temporary folder.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# VmHWM: this process's own peak (ru_maxrss would carry the parent's across fork and exec)
MEASURE = """
import sys
from app.cli import main
code = main(sys.argv[1:])
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(f"exit {code}, peak {int(status) // 1024} MB", file=sys.stderr)
"""


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return " | ".join(lines[-2:])


def bomb(folder: Path, json_mb: int) -> Path:
    """A signed package whose portfolio.json is ``json_mb`` MB of one reflection."""
    from app.export.package import FORMAT, manifest_bytes
    from app.schema.manifest import FileEntry
    from app.services import signing

    key = signing.load_or_create_key(folder / "bomb-key.pem")
    head = b'{"format": "apprentice-portfolio-json/1", "items": [{"body": "'
    tail = b'"}]}'
    chunk = b"a" * (1 << 20)
    size = len(head) + json_mb * len(chunk) + len(tail)
    digest = hashlib.sha256(head)
    for _ in range(json_mb):
        digest.update(chunk)
    digest.update(tail)
    pdf = b"%PDF-1.4\n%%EOF\n"
    files = [
        FileEntry(path="portfolio.json", size=size, sha256=digest.hexdigest()),
        FileEntry(path="portfolio.pdf", size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest()),
    ]
    manifest = manifest_bytes("2026-01-01T00:00:00+00:00", key, files, format_=FORMAT)
    out = folder / "bomb.portfolio"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", manifest)
        zf.writestr("manifest.sig", key.sign(manifest))
        zf.writestr("portfolio.pdf", pdf)
        info = zipfile.ZipInfo("portfolio.json")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            fh.write(head)
            for _ in range(json_mb):
                fh.write(chunk)
            fh.write(tail)
    return out


def large(folder: Path, attachment_mb: int) -> Path:
    """A real portfolio with two ``attachment_mb`` MB attachments, exported as a package."""
    from app.export.package import export_package
    from app.services import attachments, evidence, signing
    from app.services.portfolio import create_portfolio
    from tests.package_helpers import fake_pdf

    path = folder / "large.sqlite3"
    db = create_portfolio(path, name="Ada Lovelace", uln="1234567899")
    try:
        for n in (1, 2):
            data = bytes([n]) * (attachment_mb << 20)
            with db.transaction() as s:
                evidence.add_item(
                    s,
                    title=f"Disk image {n}",
                    date="2026-03-02",
                    status="ready",
                    body="A large attachment.",
                    files=[attachments.FileData(f"image-{n}.bin", data)],
                )
            del data
        key = signing.load_or_create_key(folder / "large-key.pem")
        out = folder / "large.portfolio"
        export_package(db, out, key=key, build_pdf=fake_pdf)
    finally:
        db.close()
    path.unlink()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json-mb", type=int, default=500)
    parser.add_argument("--attachment-mb", type=int, default=512)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-package-memory-") as temp:
        folder = Path(temp)
        env = {
            **os.environ,
            "PORTFOLIO_DATA_DIR": str(folder / "data"),
            "PORTFOLIO_CONFIG_DIR": str(folder / "config"),
        }
        os.environ.update(env)
        cases = [
            (f"bomb: {args.json_mb} MB portfolio.json", bomb(folder, args.json_mb)),
            (f"two {args.attachment_mb} MB attachments", large(folder, args.attachment_mb)),
        ]
        for label, package in cases:
            print(f"{label} ({package.stat().st_size // 1024} KB package)")
            print(f"  verify:          {_run(env, 'verify', str(package))}")
            target = folder / f"imported-{package.stem}.sqlite3"
            print(
                f"  import package:  "
                f"{_run(env, '--file', str(target), 'import', 'package', str(package))}"
            )
            target.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
