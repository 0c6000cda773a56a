"""Settings: defaults, the user's file, and IT's locked machine policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.settings import Settings, load_settings, save_settings, with_recent_file


@pytest.fixture
def policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policy.json"
    monkeypatch.setenv("PORTFOLIO_POLICY_FILE", str(path))
    return path


def test_defaults_when_nothing_is_set(policy: Path) -> None:
    settings = load_settings()
    assert settings == Settings()
    assert settings.resolved_backup_folder().name == "backups"


def test_user_choices_survive_a_restart(policy: Path, tmp_path: Path) -> None:
    save_settings(with_recent_file(Settings(backup_keep_recent=3), tmp_path / "a.sqlite3"))
    loaded = load_settings()
    assert loaded.backup_keep_recent == 3
    assert loaded.recent_files == (str((tmp_path / "a.sqlite3").resolve()),)


def test_policy_sets_defaults_and_locks_what_it_lists(policy: Path) -> None:
    policy.write_text(
        json.dumps(
            {
                "settings": {"backup_folder": "/srv/backups", "backup_keep_recent": 20},
                "locked": ["backup_folder"],
            }
        )
    )
    save_settings(Settings(backup_folder="/home/me/bk", backup_keep_recent=5))
    loaded = load_settings()
    assert loaded.backup_folder == "/srv/backups"  # locked: the user's value is ignored
    assert loaded.backup_keep_recent == 5  # not locked: the user's choice wins
    assert loaded.is_managed("backup_folder") and not loaded.is_managed("backup_keep_recent")


@pytest.mark.parametrize(
    "text",
    [
        "{broken",
        "[]",
        '{"settings": {"backup_keep_recent": -4}}',
        '{"settings": {"export_page_size": "A0"}}',
    ],
)
def test_bad_policy_or_values_fall_back_to_defaults(policy: Path, text: str) -> None:
    policy.write_text(text)
    assert load_settings() == Settings()
