"""Putting a deleted evidence item back (what Edit > Undo does after a delete)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import text

from app.errors import InvalidInputError
from app.models.db import Database, open_portfolio
from app.services import evidence, git_import, git_sources, otj, queries
from app.services.attachments import FileData
from app.services.evidence import TagInput
from app.services.views import CoverageReport, ItemView, SourceHint, SourceView
from tests.package_helpers import png_bytes

FRAMEWORKS = ("ST0825", "DDAT-DEVOPS", "TECIT50761")


def add_full_item(db: Database, **overrides: object) -> ItemView:
    """A ready item tagged against two frameworks, with an image and a log attached."""
    fields: dict[str, object] = {
        "title": "CI pipeline for the payments API",
        "date": "2026-01-12",
        "body": "Built a **GitHub Actions** pipeline.",
        "status": "ready",
        "ksbs": [TagInput("K1", "merged hourly"), "S14", TagInput("DDAT-DEVOPS:DS2", "on call")],
        "duties": [TagInput("D5", "scripted it"), "DDAT-DEVOPS:L1"],
        "files": [FileData("pipeline.png", png_bytes()), FileData("build.log", b"BUILD OK\n")],
    }
    fields.update(overrides)
    with db.transaction() as s:
        return evidence.add_item(s, **fields)  # type: ignore[arg-type]


def all_coverage(db: Database) -> dict[str, CoverageReport]:
    with db.reader() as s:
        return {key: queries.compute_coverage(s, key) for key in FRAMEWORKS}


def delete(db: Database, ref: str) -> evidence.ItemSnapshot:
    with db.transaction() as s:
        snapshot = evidence.snapshot_item(s, ref)
        evidence.delete_item(s, ref)
    return snapshot


def restore(db: Database, snapshot: evidence.ItemSnapshot) -> ItemView:
    with db.transaction() as s:
        return evidence.restore_item(s, snapshot)


def count(db: Database, table: str) -> int:
    with db.reader() as s:
        return int(s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_delete_then_restore_gives_back_the_same_item_and_coverage(
    db: Database, portfolio_path: Path
) -> None:
    add_full_item(db, title="Kept", body="Other work", files=[], ksbs=["K1"], duties=["D5"])
    item = add_full_item(db)
    with db.reader() as s:
        before = queries.get_item(s, item.ref)
    covered = all_coverage(db)
    assert before.other_tags and before.attachments and before.justifications["K1"]

    snapshot = delete(db, "E002")
    assert all_coverage(db)["ST0825"] != covered["ST0825"]
    assert count(db, "blobs") == count(db, "renditions") == 0  # orphans are gone

    assert restore(db, snapshot) == before
    assert all_coverage(db) == covered
    assert count(db, "blobs") == 2 and count(db, "renditions") == 1
    db.close()

    reopened = open_portfolio(portfolio_path)  # it is in the file, not just in the session
    try:
        with reopened.reader() as s:
            assert queries.get_item(s, "E002") == before
            _view, data = queries.read_attachment(s, before.attachments[0].id)
            assert data == png_bytes()
            found = queries.list_items(s, evidence.ItemFilter(search="actions"))
            assert [i.ref for i in found] == ["E002"]  # the search index has it again
            assert [i.ref for i in queries.list_items(s, evidence.ItemFilter(ksb="K1"))] == [
                "E001",
                "E002",
            ]
        with reopened.transaction() as s:  # refs are still never reused
            assert evidence.add_item(s, title="Next").ref == "E003"
    finally:
        reopened.close()


def test_redo_after_undo_deletes_it_again(db: Database) -> None:
    item = add_full_item(db)
    covered = all_coverage(db)
    snapshot = delete(db, item.ref)
    restore(db, snapshot)
    again = delete(db, item.ref)
    assert again == snapshot
    assert count(db, "items") == 0
    restore(db, again)
    assert all_coverage(db) == covered


def test_a_blob_still_used_elsewhere_is_shared_again(db: Database) -> None:
    shared = FileData("same.log", b"same bytes")
    add_full_item(db, files=[shared])
    second = add_full_item(db, files=[shared])
    snapshot = delete(db, second.ref)
    assert count(db, "blobs") == 1
    assert restore(db, snapshot).attachments == second.attachments
    assert count(db, "blobs") == 1


def test_restoring_over_an_existing_ref_is_refused_and_changes_nothing(db: Database) -> None:
    item = add_full_item(db)
    with db.reader() as s:
        snapshot = evidence.snapshot_item(s, item.ref)
    with pytest.raises(InvalidInputError, match=r"E001 cannot be restored: E001 is already"):
        restore(db, snapshot)
    with db.reader() as s:
        assert queries.get_item(s, item.ref) == item
    assert count(db, "attachments") == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ref": "E009"}, "is not the reference of evidence item number 1"),
        ({"status": "done"}, "is not one of"),
        ({"title": " "}, "title is empty"),
    ],
)
def test_a_damaged_snapshot_is_refused(
    db: Database, change: dict[str, object], message: str
) -> None:
    snapshot = delete(db, add_full_item(db).ref)
    with pytest.raises(InvalidInputError, match=message):
        restore(db, dataclasses.replace(snapshot, **change))  # type: ignore[arg-type]
    assert count(db, "items") == 0


def test_bytes_that_do_not_match_their_digest_are_refused(db: Database) -> None:
    snapshot = delete(db, add_full_item(db).ref)
    first, *rest = snapshot.attachments
    bad = dataclasses.replace(snapshot, attachments=(dataclasses.replace(first, data=b"x"), *rest))
    with pytest.raises(InvalidInputError, match=r"pipeline\.png do not match"):
        restore(db, bad)
    assert count(db, "items") == count(db, "blobs") == 0


def test_an_attachment_id_taken_meanwhile_gets_a_new_one(db: Database) -> None:
    item = add_full_item(db, files=[FileData("a.txt", b"a")])
    snapshot = delete(db, item.ref)
    with db.transaction() as s:  # SQLite hands the freed id to the next attachment
        other = evidence.add_item(s, title="Other", files=[FileData("b.txt", b"b")])
    assert other.attachments[0].id == item.attachments[0].id
    restored = restore(db, snapshot)
    assert [(a.name, a.sha256) for a in restored.attachments] == [
        ("a.txt", item.attachments[0].sha256)
    ]
    assert restored.attachments[0].id != other.attachments[0].id


def test_off_the_job_entries_name_it_again(db: Database) -> None:
    item = add_full_item(db)
    with db.transaction() as s:
        entry = otj.add_entry(
            s, otj.make_input(date="2026-01-12", minutes=90, activity="self-study", items=["E001"])
        )
    snapshot = delete(db, item.ref)
    with db.reader() as s:
        assert otj.list_entries(s)[0].items == ()
    restore(db, snapshot)
    with db.reader() as s:
        assert otj.list_entries(s)[0].items == ("E001",)
        assert otj.list_entries(s)[0].id == entry.id


def test_an_item_from_git_keeps_its_source(db: Database) -> None:
    item = add_full_item(db)
    source = SourceView(
        kind="merge",
        repository="payments-api",
        remote_url="git@example.com:team/payments-api.git",
        branch="main",
        tag="",
        author="Ada Lovelace <ada@example.com>",
        commits=("a" * 40, "b" * 40),
        hints=(SourceHint("K1", ("changed .github/workflows/ci.yml",)),),
        imported="2026-01-13T09:00:00+00:00",
    )
    with db.transaction() as s:
        git_import.restore_source(s, item.id, source)
    snapshot = delete(db, item.ref)
    assert snapshot.source == source
    with db.reader() as s:
        assert git_sources.sources_by_ref(s) == {}  # gone with the item
    restore(db, snapshot)
    with db.reader() as s:
        assert git_sources.sources_by_ref(s) == {"E001": source}  # provenance is back too


def test_hostile_text_survives_a_delete_and_restore(db: Database, hostile: str) -> None:
    title = hostile[:500] if hostile.strip() else "blank"
    item = add_full_item(
        db,
        title=title,
        body=hostile,
        ksbs=[TagInput("K7", hostile), TagInput("DDAT-DEVOPS:DS2", hostile)],
        duties=[TagInput("D5", hostile)],
        files=[FileData(hostile[:200] or "empty", hostile.encode())],
    )
    assert restore(db, delete(db, item.ref)) == item
