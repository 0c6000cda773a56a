"""Arbitrary text and file names survive add → check → export (PDF + signed package) →
verify → import, and backup → restore, exactly as typed."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.export.package import export_package, import_package, verify_package
from app.models.db import Database, open_portfolio
from app.services import backups, evidence, integrity, queries
from app.services.attachments import FileData
from app.services.evidence import TagInput
from app.services.signing import load_or_create_key
from app.settings import Settings

# Any Unicode but surrogates (not encodable in UTF-8): control characters, RTL marks,
# emoji, markup and Markdown included.
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)
titles = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=120).filter(
    lambda t: t.strip() != ""
)
file_names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60)
item = st.fixed_dictionaries(
    {
        "title": titles,
        "body": text,
        "why": text,
        "files": st.lists(st.tuples(file_names, st.binary(max_size=3000)), min_size=0, max_size=2),
    }
)


def as_typed(db: Database) -> list[tuple[object, ...]]:
    """Each item's ref, title, body, K1 justification and attachments (name, bytes)."""
    with db.reader() as session:
        every = queries.all_items(session)
    conn = sqlite3.connect(db.path)
    try:
        blob = {sha: bytes(data) for sha, data in conn.execute("SELECT sha256, data FROM blobs")}
    finally:
        conn.close()
    return [
        (
            i.ref,
            i.title,
            i.body,
            i.justifications.get("K1"),
            [(a.name, blob[a.sha256]) for a in i.attachments],
        )
        for i in every
    ]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=st.lists(item, min_size=1, max_size=3))
def test_whatever_is_typed_comes_back_out(
    template_portfolio: Path, tmp_path: Path, items: list[dict[str, object]]
) -> None:
    key = load_or_create_key(tmp_path / "signing.key")
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    path = work / "portfolio.sqlite3"
    shutil.copyfile(template_portfolio, path)
    db = open_portfolio(path)
    try:
        with db.transaction() as session:
            for entry in items:
                evidence.add_item(
                    session,
                    title=str(entry["title"]),
                    body=str(entry["body"]),
                    status="ready",
                    ksbs=[TagInput("K1", str(entry["why"]))],
                    files=[FileData(name=n, data=d) for n, d in entry["files"]],  # type: ignore[attr-defined]
                )
        typed = as_typed(db)
        assert [t[1:4] for t in typed] == [(e["title"], e["body"], e["why"]) for e in items]

        result = integrity.check_portfolio(path, full=True)
        assert result.ok, result.problems

        package = export_package(db, work / "out.portfolio", key=key)
    finally:
        db.close()
    verified = verify_package(package.path, signer=key.fingerprint)
    assert len(verified.document.items) == len(items)
    imported = import_package(package.path, work / "imported.sqlite3")
    again = open_portfolio(imported.path)
    try:
        assert as_typed(again) == typed
    finally:
        again.close()

    saved = backups.backup_now(path, Settings(), work / "backup.sqlite3")
    restored = backups.restore(saved, work / "restored.sqlite3")
    assert restored.kept is None
    assert integrity.check_portfolio(restored.target).ok
    back = open_portfolio(restored.target)
    try:
        assert as_typed(back) == typed
    finally:
        back.close()
