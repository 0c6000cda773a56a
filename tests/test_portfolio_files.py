"""The application layer before a portfolio is open (app/services/portfolio_files.py),
without any widget: what the app checks, offers and restores when it opens a file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.models.db import Database
from app.services import backups, evidence, portfolio_files
from app.settings import Settings
from tests.sqlite_reading import titles


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(backup_folder=str(tmp_path / "backups"))


def damage_first_page(path: Path) -> None:
    """The header and the schema gone: the file is no longer recognisable as ours."""
    with path.open("r+b") as fh:
        fh.write(os.urandom(4096))


def test_only_a_portfolio_or_one_backed_up_before_is_worth_checking(
    db: Database, portfolio_path: Path, settings: Settings, tmp_path: Path
) -> None:
    db.close()
    notes = tmp_path / "notes.txt"
    notes.write_text("not a portfolio")
    assert not portfolio_files.worth_checking(tmp_path / "missing.sqlite3", settings)
    assert not portfolio_files.worth_checking(tmp_path, settings)  # a folder
    assert not portfolio_files.worth_checking(notes, settings)  # opening says what it is
    assert portfolio_files.worth_checking(portfolio_path, settings)
    assert portfolio_files.quick_check(portfolio_path).ok

    assert portfolio_files.backups_of(portfolio_path, settings) == []
    backups.backup_now(portfolio_path, settings)
    damage_first_page(portfolio_path)
    # no longer recognisable, but backed up before: ours to offer that backup for
    assert portfolio_files.worth_checking(portfolio_path, settings)
    assert not portfolio_files.quick_check(portfolio_path).ok


def test_the_newest_good_backup_is_restored_and_the_damaged_file_kept(
    db: Database, portfolio_path: Path, settings: Settings
) -> None:
    with db.transaction() as session:
        evidence.add_item(session, title="In the backup")
    backups.backup_now(portfolio_path, settings)
    with db.transaction() as session:
        evidence.add_item(session, title="Added after the backup")
    db.close()
    (made,) = portfolio_files.backups_of(portfolio_path, settings)
    assert made.path.parent == portfolio_files.backup_folder(portfolio_path, settings)
    damage_first_page(portfolio_path)
    damaged = portfolio_path.read_bytes()

    restored = portfolio_files.restore_newest_good(portfolio_path, settings)

    assert restored.source == made.path
    assert restored.kept is not None and restored.kept.read_bytes() == damaged
    assert titles(portfolio_path) == ["In the backup"]
    assert portfolio_files.quick_check(portfolio_path).ok
