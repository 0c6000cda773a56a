"""macOS hands double-clicked files to the app as QFileOpenEvents: they open as
``portfolio open PATH`` would (a package for review, a portfolio in a window)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from app.export.package import export_package
from app.models.db import open_portfolio
from app.ui.main import FileOpenHandler, install_file_open_handler
from app.ui.main_window import MainWindow
from tests.package_helpers import fake_pdf

LONG_WAIT = 10_000  # ms: generous for a loaded machine; waits end as soon as the state is right


@pytest.fixture
def handler(qtbot, manager) -> Iterator[FileOpenHandler]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    installed = install_file_open_handler(app, manager)
    yield installed
    app.removeEventFilter(installed)
    installed.deleteLater()


@pytest.fixture
def package(filled_path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "inbox" / "ada.portfolio"
    out.parent.mkdir()
    db = open_portfolio(filled_path)
    try:
        export_package(db, out, build_pdf=fake_pdf)
    finally:
        db.close()
    return out


def double_click(path: Path) -> None:
    app = QCoreApplication.instance()
    assert app is not None
    QCoreApplication.postEvent(app, QFileOpenEvent(str(path)))


def test_a_double_clicked_portfolio_opens_in_a_window(
    qtbot, manager, handler, filled_path: Path
) -> None:
    double_click(filled_path)
    qtbot.waitUntil(lambda: len(manager.windows) == 1, timeout=LONG_WAIT)
    window: MainWindow = manager.windows[0]
    qtbot.waitExposed(window)
    assert window.windowTitle() == "Ada Lovelace — filled.sqlite3 — Apprentice Portfolio"
    assert not window.document.read_only
    assert window.evidence_page.model.rowCount() == 3


def test_a_double_clicked_package_opens_for_review_beside_the_open_window(
    qtbot, manager, window: MainWindow, handler, package: Path
) -> None:
    double_click(package)
    qtbot.waitUntil(lambda: len(manager.windows) == 2, timeout=LONG_WAIT)
    review = manager.windows[-1]
    qtbot.waitExposed(review)
    assert review.document.read_only
    assert review.banner.text().startswith("Read-only — signed by key ")
    assert window.isVisible()  # the apprentice's own portfolio stays open


def test_a_double_clicked_file_that_is_not_a_portfolio_says_so(
    qtbot, manager, handler, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def warning(_parent: object, _title: str, text: str, *_args: object) -> None:
        shown.append(text)

    monkeypatch.setattr(QMessageBox, "warning", warning)
    notes = tmp_path / "notes.txt"
    notes.write_text("just some text", encoding="utf-8")
    double_click(notes)
    qtbot.waitUntil(lambda: bool(shown), timeout=LONG_WAIT)
    assert "not an Apprentice Portfolio" in shown[0]
    assert manager.windows == []
