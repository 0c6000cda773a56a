"""Shared by the package tests: a realistic portfolio, the CLI, and zip surgery."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from PIL import Image

from app.models.db import Database
from app.services import attachments, evidence, frameworks
from app.services.evidence import TagInput
from app.services.portfolio import create_portfolio
from app.services.signing import SigningKey
from tests.cli_run import run as run  # the package tests import it from here

ST0999 = {
    "referenceNumber": "ST0999",
    "title": "Cloud widget technician",
    "level": 3,
    "version": "1.1",
    "knowledges": [
        {"knowledgeId": "k-a", "detail": "Widgets & <gadgets>"},
        {"knowledgeId": "k-b", "detail": "Clouds"},
    ],
    "skills": [{"skillId": "s-a", "detail": "Assemble widgets"}],
    "behaviours": [{"behaviourId": "b-a", "detail": "Curious"}],
    "duties": [
        {
            "dutyID": "d-1",
            "dutyDetail": "Build widgets",
            "mappedKnowledge": ["k-b", "k-a"],
            "mappedSkills": ["s-a"],
            "mappedBehaviour": [],
        },
        {
            "dutyID": "d-2",
            "dutyDetail": "Float clouds",
            "mappedKnowledge": ["k-b"],
            "mappedSkills": [],
            "mappedBehaviour": ["b-a"],
        },
    ],
}


def png_bytes(colour: str = "red", size: tuple[int, int] = (60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


LOG = b"2026-03-02 deploy ok\n" * 50


def build_portfolio(path: Path) -> Database:
    """Items with every kind of data a package must carry, refs with a gap (E003 deleted)."""
    db = create_portfolio(
        path,
        name="Zoë O'Brien <b>",
        uln="1234567899",
        employer="AT&T Analytical",
        provider="S&P College",
    )
    with db.transaction() as s:
        frameworks.import_standard(s, json.dumps(ST0999))
    with db.transaction() as s:
        evidence.add_item(
            s,
            title="CI pipeline for <img src=/etc/passwd>",
            date="2026-03-02",
            status="ready",
            body="# Reflection\r\n\nI built *it* with `make` & [x](foo)\t— Łódź Ελληνικά 🚀\n",
            ksbs=[TagInput("K1", "a < b & AT&T"), TagInput("S14", '<font color="[[1]]">')],
            duties=[TagInput("D1", ""), TagInput("D5", "Kept the build green")],
            files=[
                attachments.FileData("pipeline.png", png_bytes()),
                attachments.FileData("deploy.log", LOG),
                attachments.FileData("empty.txt", b""),
            ],
        )
        evidence.add_item(
            s,
            title="Capacity review",
            date="2026-03-05",
            status="draft",
            body="Capacity planning notes. " * 2_000,
            ksbs=[
                TagInput("K2"),
                TagInput("DDAT-DEVOPS:DS1", "Forecast the load"),
                TagInput("ST0999:K1", "widgets"),
            ],
            duties=[TagInput("ST0999:D2", "clouds")],
            files=[attachments.FileData("deploy copy.log", LOG)],
        )
        evidence.add_item(s, title="Deleted later", date="2026-03-06")
        evidence.add_item(
            s,
            title="Incident write-up",
            date="2026-02-27",
            status="ready",
            body="",
            ksbs=["B1"],
            files=[attachments.FileData("graph.png", png_bytes("blue", (30, 90)))],
        )
    with db.transaction() as s:
        evidence.delete_item(s, "E003")
    return db


def fake_pdf(
    snapshot: object,
    blobs: object,
    out: Path,
    signer: str,
    progress: object = None,
    cancelled: object = None,
) -> None:
    """A stand-in PDF for tests about the zip itself (the real one is tested end to end)."""
    out.write_bytes(b"%PDF-1.4\n% stand-in signed by " + signer.encode() + b"\n%%EOF\n")


# --- zip surgery -----------------------------------------------------------------------------


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def write_zip(
    path: Path,
    entries: Iterable[tuple[str | zipfile.ZipInfo, bytes]],
) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def rewrite(
    source: Path,
    dest: Path,
    change: Callable[[dict[str, bytes]], dict[str, bytes]],
    *,
    sign_with: SigningKey | None = None,
) -> Path:
    """Copy a package with its members changed; ``sign_with`` remakes manifest and signature."""
    changed = change(members(source))
    if sign_with is not None:
        changed = signed(changed, sign_with)
    return write_zip(dest, sorted(changed.items()))


def signed(content: dict[str, bytes], key: SigningKey) -> dict[str, bytes]:
    """``content`` with a fresh, valid manifest and signature by ``key``."""
    manifest = json.loads(content.get("manifest.json", b"{}") or b"{}")
    files = [
        {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in sorted(content.items())
        if name not in ("manifest.json", "manifest.sig")
    ]
    manifest_bytes = json.dumps(
        {
            "format": "apprentice-portfolio-package/1",
            "created": manifest.get("created", "2026-03-02T00:00:00+00:00"),
            "public_key": key.public_base64,
            "files": files,
        },
        indent=2,
    ).encode()
    return {**content, "manifest.json": manifest_bytes, "manifest.sig": key.sign(manifest_bytes)}


def tree(folder: Path) -> set[str]:
    """Every path under ``folder``: to show that nothing was written."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}
