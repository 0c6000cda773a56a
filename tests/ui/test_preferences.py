"""Edit ▸ Preferences as a user goes through it, with and without IT's machine policy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QWidget

from app.settings import load_settings, user_settings_path
from app.ui.main_window import MainWindow
from app.ui.preferences import PreferencesDialog
from app.ui.windows import WindowManager


def open_preferences(qtbot, window: MainWindow) -> PreferencesDialog:
    window.preferences_action.trigger()
    # a dialog closed earlier may linger until deleted: the one on screen is the new one
    (dialog,) = [d for d in window.findChildren(PreferencesDialog) if d.isVisible()]
    qtbot.waitExposed(dialog)
    return dialog


def type_into(qtbot, field: QWidget, text: str) -> None:
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)


def save(qtbot, dialog: PreferencesDialog) -> None:
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


@pytest.fixture
def it_backups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine policy that locks the backup folder and suggests 20 recent backups."""
    folder = tmp_path / "IT backups"
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps(
            {
                "settings": {"backup_folder": str(folder), "backup_keep_recent": 20},
                "locked": ["backup_folder"],
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("PORTFOLIO_POLICY_FILE", str(policy))
    return folder


@pytest.fixture
def managed_window(qtbot, it_backups: Path, filled_path: Path) -> Iterator[MainWindow]:
    manager = WindowManager()  # reads the settings (and the policy) as the app does
    window = manager.open_path(filled_path)
    assert window is not None
    qtbot.waitExposed(window)
    yield window
    for open_window in list(manager.windows):
        open_window.close()


def test_preferences_sits_in_the_edit_menu_with_its_shortcut(window: MainWindow) -> None:
    action = window.preferences_action
    assert action in window.edit_menu.actions()
    assert action.text() == "&Preferences…"
    # Ctrl+, everywhere (Cmd+, on macOS): Qt's platform binding shows as the word
    # "Settings" on Linux, which the menu printed as if it were a key
    assert action.shortcut() == QKeySequence("Ctrl+,")


def test_the_dialog_shows_the_settings_in_force(qtbot, window: MainWindow) -> None:
    dialog = open_preferences(qtbot, window)
    assert dialog.windowTitle() == "Preferences"
    assert dialog.keep_recent.value() == 10
    assert dialog.keep_daily_days.value() == 30
    assert dialog.interval.value() == 15
    assert dialog.target.value() == 1
    assert dialog.page_size.currentText() == "A4"
    assert [dialog.page_size.itemText(i) for i in range(dialog.page_size.count())] == [
        "A4",
        "Letter",
    ]
    assert not dialog.notice.isVisible()  # nothing is managed here
    assert all(w.isEnabled() for widgets in dialog.editors.values() for w in widgets)


def test_changed_values_are_saved_and_kept(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "My portfolios"
    chosen.mkdir()

    def get_existing_directory(*_args: object, **_kwargs: object) -> str:
        return str(chosen)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", get_existing_directory)
    dialog = open_preferences(qtbot, window)
    qtbot.mouseClick(dialog.choose_portfolio_folder, Qt.MouseButton.LeftButton)
    assert dialog.portfolio_folder.text() == str(chosen)
    type_into(qtbot, dialog.backup_folder, str(tmp_path / "bk"))
    type_into(qtbot, dialog.keep_recent, "4")
    type_into(qtbot, dialog.keep_daily_days, "7")
    type_into(qtbot, dialog.interval, "60")
    type_into(qtbot, dialog.target, "3")
    dialog.page_size.setCurrentIndex(dialog.page_size.findText("Letter"))
    save(qtbot, dialog)

    settings = load_settings()
    assert settings.portfolio_folder == str(chosen)
    assert settings.backup_folder == str(tmp_path / "bk")
    assert (settings.backup_keep_recent, settings.backup_keep_daily_days) == (4, 7)
    assert settings.backup_interval_minutes == 60
    assert settings.heatmap_target == 3
    assert settings.export_page_size == "Letter"
    assert settings.recent_files  # what the app remembered before is kept too

    again = open_preferences(qtbot, window)  # shows what was saved
    assert again.keep_recent.value() == 4 and again.page_size.currentText() == "Letter"


def test_cancel_changes_nothing(qtbot, window: MainWindow) -> None:
    before = load_settings()
    dialog = open_preferences(qtbot, window)
    type_into(qtbot, dialog.keep_recent, "3")
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert load_settings() == before


def test_a_locked_setting_is_disabled_and_shows_the_policys_value(
    qtbot, managed_window: MainWindow, it_backups: Path
) -> None:
    dialog = open_preferences(qtbot, managed_window)
    assert dialog.backup_folder.text() == str(it_backups)
    assert not dialog.backup_folder.isEnabled()
    assert not dialog.choose_backup_folder.isEnabled()
    note = dialog.managed_notes["backup_folder"]
    assert note.isVisible() and note.text() == "Managed by your organisation"
    assert dialog.notice.isVisible()
    assert dialog.notice.text() == (
        "Managed by your organisation: Backup folder. Ask your IT team to change them."
    )
    # the policy's other value is only a default: the user may change it
    assert dialog.keep_recent.isEnabled() and dialog.keep_recent.value() == 20
    assert set(dialog.managed_notes) == {"backup_folder"}


def test_saving_keeps_unlocked_changes_and_never_writes_the_locked_one(
    qtbot, managed_window: MainWindow, it_backups: Path
) -> None:
    dialog = open_preferences(qtbot, managed_window)
    type_into(qtbot, dialog.keep_recent, "5")
    save(qtbot, dialog)

    settings = load_settings()
    assert settings.backup_keep_recent == 5
    assert settings.backup_folder == str(it_backups)
    assert settings.is_managed("backup_folder")
    saved = json.loads(user_settings_path().read_text(encoding="utf-8"))
    assert "backup_folder" not in saved and saved["backup_keep_recent"] == 5
