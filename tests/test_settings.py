"""Settings: defaults, the user's file, and IT's locked machine policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.settings import (
    Settings,
    WindowLayout,
    describe_settings,
    load_settings,
    save_settings,
    user_settings_path,
    with_recent_file,
)


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


LAYOUT = WindowLayout(
    x=-1200, y=40, width=1100, height=760, maximized=True, splitters=(("evidence", (300, 780)),)
)


def test_the_window_layout_is_remembered(policy: Path) -> None:
    save_settings(Settings(window_layout=LAYOUT))
    assert load_settings().window_layout == LAYOUT
    assert json.loads(user_settings_path().read_text())["window_layout"] == {
        "x": -1200,
        "y": 40,
        "width": 1100,
        "height": 760,
        "maximized": True,
        "splitters": {"evidence": [300, 780]},
    }


@pytest.mark.parametrize(
    "value",
    [
        "1100x760",
        {"x": 0, "y": 0, "width": 0, "height": 760},
        {"x": 0, "y": "0", "width": 900, "height": 760},
        {"x": 0, "y": 0, "width": 900, "height": 760, "maximized": "yes"},
        {"x": 0, "y": 0, "width": 900, "height": 760, "splitters": {"evidence": [-1, 5]}},
        {"x": 0, "y": 0, "width": 900, "height": 760, "splitters": {"evidence": []}},
        {"x": 10**9, "y": 0, "width": 900, "height": 760},
    ],
)
def test_a_damaged_window_layout_is_ignored(policy: Path, value: object) -> None:
    path = user_settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"window_layout": value, "backup_keep_recent": 3}))
    settings = load_settings()
    assert settings.window_layout is None
    assert settings.backup_keep_recent == 3  # the rest of the file still counts


def test_the_window_layout_is_not_a_setting_it_can_manage(policy: Path) -> None:
    policy.write_text(
        json.dumps({"settings": {"window_layout": LAYOUT.to_json()}, "locked": ["window_layout"]})
    )
    assert load_settings().window_layout is None
    assert not load_settings().is_managed("window_layout")
    save_settings(Settings(window_layout=LAYOUT))
    assert load_settings().window_layout == LAYOUT
    assert "window_layout" not in [s.name for s in describe_settings()]
