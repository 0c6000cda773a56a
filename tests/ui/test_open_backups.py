"""Opening a portfolio backs it up the way the user's backup settings say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.models.backup import BackupPolicy, automatic_backup
from app.services.backups import list_backups
from app.settings import Settings, save_settings
from app.ui.document import PortfolioDocument
from app.ui.windows import WindowManager


def older_backups(path: Path, folder: Path, count: int) -> None:
    """``count`` automatic backups made days ago (the file has changed since)."""
    policy = BackupPolicy(folder=folder)
    for days in range(count, 0, -1):
        when = datetime.now(UTC) - timedelta(days=days)
        automatic_backup(path, policy, now=when, force=True)


def test_opening_in_a_window_rotates_backups_by_the_users_settings(
    qtbot, filled_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    older_backups(filled_path, folder, 3)
    settings = Settings(backup_folder=str(folder), backup_keep_recent=2, backup_keep_daily_days=0)
    assert len(list_backups(filled_path, settings)) == 3

    manager = WindowManager(settings)
    window = manager.open_path(filled_path)
    assert window is not None
    try:
        kept = list_backups(filled_path, settings)
        assert [b.reason for b in kept] == ["open", "auto"]  # the new one, and one older
    finally:
        window.close()


def test_open_without_settings_follows_the_saved_ones(filled_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "saved backups"
    older_backups(filled_path, folder, 2)
    settings = Settings(backup_folder=str(folder), backup_keep_recent=1, backup_keep_daily_days=0)
    save_settings(settings)

    document = PortfolioDocument.open(filled_path)
    try:
        assert [b.reason for b in list_backups(filled_path, settings)] == ["open"]
    finally:
        document.close()


def test_a_read_only_open_makes_no_backup(filled_path: Path, tmp_path: Path) -> None:
    settings = Settings(backup_folder=str(tmp_path / "backups"))
    document = PortfolioDocument.open(filled_path, read_only=True, settings=settings)
    try:
        assert list_backups(filled_path, settings) == []
    finally:
        document.close()
