"""The desktop app: a damaged file is found on open and restored from a good backup on request;
File > Back Up Now / Check Portfolio; automatic backups while editing."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from app.models.db import Database
from app.services import backups, evidence
from app.settings import Settings
from app.ui.backup import AutomaticBackups, check_on_open
from tests.sqlite_reading import titles

Yes = QMessageBox.StandardButton.Yes
No = QMessageBox.StandardButton.No


class Boxes:
    """Stands in for QMessageBox's static functions; records what the user was told."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton) -> None:
        self.shown: list[tuple[str, str]] = []
        self.answer = answer
        for kind in ("information", "warning", "critical"):
            monkeypatch.setattr(QMessageBox, kind, self._recorder(kind))
        monkeypatch.setattr(QMessageBox, "question", self._question)

    def _recorder(self, kind: str) -> Any:
        def show(_parent: object, _title: str, text: str, *_args: object) -> Any:
            self.shown.append((kind, text))
            return QMessageBox.StandardButton.Ok

        return show

    def _question(self, _parent: object, _title: str, text: str, *_args: object) -> Any:
        self.shown.append(("question", text))
        return self.answer

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.shown]


def damage(path: Path) -> None:
    conn = sqlite3.connect(path)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'items'").fetchone()
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * size)
        fh.write(os.urandom(size))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(backup_folder=str(tmp_path / "backups"))


@pytest.fixture
def backed_up(db: Database, portfolio_path: Path, settings: Settings) -> Path:
    """A portfolio with one item in its latest backup and a second one added since."""
    with db.transaction() as session:
        evidence.add_item(session, title="In the backup")
    backups.backup_now(portfolio_path, settings)
    with db.transaction() as session:
        evidence.add_item(session, title="Added after the backup")
    db.close()
    return portfolio_path


def test_a_healthy_file_opens_without_a_word(qtbot, monkeypatch, backed_up, settings) -> None:
    boxes = Boxes(monkeypatch, No)
    assert check_on_open(None, backed_up, settings) == backed_up
    assert boxes.shown == []


def test_a_damaged_file_is_restored_from_the_newest_good_backup_when_asked(
    qtbot, monkeypatch, backed_up, settings
) -> None:
    damage(backed_up)
    damaged = backed_up.read_bytes()
    boxes = Boxes(monkeypatch, Yes)

    assert check_on_open(None, backed_up, settings) == backed_up

    assert boxes.kinds() == ["question", "information"]
    question = boxes.shown[0][1]
    assert question.startswith(f"The portfolio {backed_up.name} is damaged")
    assert "Restore the newest good backup" in question and "nothing is deleted" in question
    assert titles(backed_up) == ["In the backup"]
    (kept,) = backed_up.parent.glob("portfolio.damaged-*.sqlite3")
    assert kept.read_bytes() == damaged
    assert f"The damaged file is kept as {kept}" in boxes.shown[1][1]


def test_saying_no_leaves_the_damaged_file_alone(qtbot, monkeypatch, backed_up, settings) -> None:
    damage(backed_up)
    before = backed_up.read_bytes()
    boxes = Boxes(monkeypatch, No)
    assert check_on_open(None, backed_up, settings) is None
    assert boxes.kinds() == ["question"]
    assert backed_up.read_bytes() == before
    assert sorted(p.name for p in backed_up.parent.iterdir() if p.is_file()) == [
        "portfolio.sqlite3"
    ]


def test_with_no_backup_it_says_so_and_changes_nothing(
    qtbot, monkeypatch, backed_up, tmp_path
) -> None:
    damage(backed_up)
    before = backed_up.read_bytes()
    boxes = Boxes(monkeypatch, Yes)
    empty = Settings(backup_folder=str(tmp_path / "nothing-here"))
    assert check_on_open(None, backed_up, empty) is None
    assert boxes.kinds() == ["critical"]
    assert "There is no backup of it" in boxes.shown[0][1]
    assert backed_up.read_bytes() == before


def test_the_window_backs_up_checks_and_backs_up_while_editing(
    qtbot, monkeypatch, backed_up, settings
) -> None:
    from app.ui.windows import WindowManager

    monkeypatch.setattr("app.ui.backup.load_settings", lambda: settings)
    boxes = Boxes(monkeypatch, No)
    manager = WindowManager(settings)
    window = manager.open_path(backed_up)
    assert window is not None
    try:
        qtbot.waitUntil(lambda: window.findChild(QAction, "backupNowAction") is not None)
        folder = backups.backup_folder(backed_up, settings)
        before = {b.path for b in backups.list_backups(backed_up, settings)}

        window.findChild(QAction, "backupNowAction").trigger()
        qtbot.waitUntil(lambda: boxes.kinds() == ["information"], timeout=30_000)
        made = Path(boxes.shown[0][1].removeprefix("Backed up to ").rstrip("."))
        assert made.parent == folder and titles(made) == titles(backed_up)

        window.findChild(QAction, "checkPortfolioAction").trigger()
        qtbot.waitUntil(lambda: len(boxes.shown) == 2, timeout=30_000)
        assert boxes.shown[1] == ("information", boxes.shown[1][1])
        assert boxes.shown[1][1].startswith(f"No problems found in {backed_up}")

        auto = window.automatic_backups
        assert isinstance(auto, AutomaticBackups)
        auto.settings = Settings(backup_folder=settings.backup_folder, backup_interval_minutes=0)
        auto.timer.setInterval(0)
        window.document.add_item("Typed in the window")
        qtbot.waitUntil(
            lambda: any(b.reason == "auto" for b in backups.list_backups(backed_up, settings)),
            timeout=30_000,
        )
        newest = backups.list_backups(backed_up, settings)[0]
        assert newest.path not in before and "Typed in the window" in titles(newest.path)
    finally:
        window.close()


def test_check_portfolio_offers_the_newest_good_backup_and_reopens_it(
    qtbot, monkeypatch, backed_up, settings
) -> None:
    """Damage found by File > Check Portfolio: the message offers Restore Backup; choosing
    it closes the window, puts the good backup in place (the damaged file kept beside it)
    and opens the portfolio again, with no command to type."""
    from app.ui.windows import WindowManager

    monkeypatch.setattr("app.ui.backup.load_settings", lambda: settings)
    boxes = Boxes(monkeypatch, No)
    warnings: list[str] = []

    def click_restore(box: QMessageBox) -> int:
        warnings.append(box.text())
        next(b for b in box.buttons() if b.text() == "Restore Backup").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_restore)
    manager = WindowManager(settings)
    window = manager.open_path(backed_up)
    assert window is not None
    qtbot.waitUntil(lambda: window.findChild(QAction, "checkPortfolioAction") is not None)
    conn = sqlite3.connect(backed_up)  # a search entry for an item that does not exist
    with conn:
        conn.execute("INSERT INTO items_fts(rowid, title, body, tags) VALUES (9999, 'x', '', '')")
    conn.close()

    window.findChild(QAction, "checkPortfolioAction").trigger()
    qtbot.waitUntil(
        lambda: bool(manager.windows) and manager.windows[0] is not window, timeout=30_000
    )
    reopened = manager.windows[0]
    try:
        assert "holds 1 entry for deleted items" in warnings[0]
        assert "Restore Backup closes this window" in warnings[0]
        assert "portfolio restore" not in warnings[0]  # no command-line wording in the app
        assert reopened.document.path == backed_up
        assert titles(backed_up) == ["In the backup"]
        ((kind, text),) = boxes.shown
        assert kind == "information" and text.startswith(f"Restored {backed_up.name} from")
        kept = Path(text.rsplit(" kept as ", 1)[1].rstrip("."))
        assert kept.exists() and "Added after the backup" in titles(kept)
    finally:
        reopened.close()


def test_check_portfolio_with_no_backup_says_so_and_offers_nothing(
    qtbot, monkeypatch, db, portfolio_path, settings
) -> None:
    from app.ui.windows import WindowManager

    with db.transaction() as session:
        evidence.add_item(session, title="Only here")
    db.close()
    # File > Check Portfolio reads a backup folder that holds nothing (a new one, say)
    empty = Settings(backup_folder=str(portfolio_path.parent / "new backup folder"))
    monkeypatch.setattr("app.ui.backup.load_settings", lambda: empty)
    shown: list[tuple[str, list[str]]] = []

    def record(box: QMessageBox) -> int:
        shown.append((box.text(), [b.text() for b in box.buttons()]))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    manager = WindowManager(settings)
    window = manager.open_path(portfolio_path)
    assert window is not None
    try:
        qtbot.waitUntil(lambda: window.findChild(QAction, "checkPortfolioAction") is not None)
        conn = sqlite3.connect(portfolio_path)
        with conn:
            conn.execute(
                "INSERT INTO items_fts(rowid, title, body, tags) VALUES (9999, 'x', '', '')"
            )
        conn.close()
        window.findChild(QAction, "checkPortfolioAction").trigger()
        qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
        text, buttons = shown[0]
        assert "There is no backup of it" in text
        assert "Restore Backup" not in buttons
        assert manager.windows == [window] and titles(portfolio_path) == ["Only here"]
    finally:
        window.close()
