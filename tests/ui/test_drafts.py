"""Crash-safe drafts: written atomically, found again, applied once, then gone."""

from __future__ import annotations

from pathlib import Path

from app.models.db import Database
from app.ui.document import PortfolioDocument
from app.ui.drafts import Draft, DraftStore
from app.ui.recovery import apply_drafts
from tests.ui.conftest import add_items


def test_a_draft_survives_and_is_found_again(tmp_path: Path, hostile: str) -> None:
    store = DraftStore(tmp_path / "drafts", tmp_path / "p.sqlite3")
    store.save(Draft("E001", {"body": hostile}, {"K1": hostile}))
    again = DraftStore(tmp_path / "drafts", tmp_path / "p.sqlite3").load_all()
    assert again == [Draft("E001", {"body": hostile}, {"K1": hostile})]
    assert not list((tmp_path / "drafts").glob("*.partial"))


def test_drafts_belong_to_one_portfolio(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    DraftStore(folder, tmp_path / "a.sqlite3").save(Draft("E001", {"title": "A"}))
    assert DraftStore(folder, tmp_path / "b.sqlite3").load_all() == []


def test_an_empty_draft_removes_the_file(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts", tmp_path / "p.sqlite3")
    store.save(Draft("E001", {"title": "A"}))
    store.save(Draft("E001"))
    assert store.load_all() == []


def test_damaged_drafts_are_ignored(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts", tmp_path / "p.sqlite3")
    store.save(Draft("E001", {"title": "A"}))
    (path,) = (tmp_path / "drafts").glob("*.json")
    path.write_text("{not json", encoding="utf-8")
    assert store.load_all() == []


def test_recovery_puts_typed_text_into_the_portfolio(db: Database, tmp_path: Path) -> None:
    add_items(db)
    store = DraftStore(tmp_path / "drafts", db.path)
    store.save(Draft("E001", {"body": "Typed just before the power cut"}, {"K1": "Shows K1"}))
    store.save(Draft("E002", {"title": ""}))  # an empty title is not applied
    store.save(Draft("E999", {"body": "for an item deleted since"}))
    document = PortfolioDocument(db)
    assert apply_drafts(document, store) == ["E001"]
    item = document.item_by_ref("E001")
    assert item.body == "Typed just before the power cut"
    assert item.justifications["K1"] == "Shows K1"
    assert document.item_by_ref("E002").title == "Terraform modules for staging"
    assert store.load_all() == []
