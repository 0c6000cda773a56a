"""The app says what an exported PDF could not show (issue 12, item 3): the export
finishes, and a message lists the characters no font here has."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from app.export import fonts
from app.models.db import open_portfolio
from app.services import evidence
from app.ui.export import ExportPdfDialog


@pytest.fixture
def emoji_path(filled_path: Path) -> Path:
    db = open_portfolio(filled_path)
    with db.transaction() as session:
        evidence.add_item(
            session, title="Launch day 🚀", date="2026-03-01", body="It went well 🎉.",
            status="ready", ksbs=["K1"], duties=[],
        )  # fmt: skip
    db.close()
    return filled_path


def test_the_app_lists_what_the_pdf_could_not_show(
    qtbot, manager, emoji_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(fonts.FONT_DIRS_ENV, "")  # only the embedded fonts: emoji are missing
    fonts.register_fonts()
    fonts.forget_fallback_fonts()
    try:
        with qtbot.waitSignal(manager.extensions_installed, timeout=30_000):
            window = manager.open_path(emoji_path)
        window.findChild(QAction, "exportPdfAction").trigger()
        qtbot.waitUntil(lambda: window.findChild(ExportPdfDialog) is not None)
        dialog = window.findChild(ExportPdfDialog)
        out = tmp_path / "exports" / "with emoji.pdf"
        out.parent.mkdir()
        dialog.path.setText(str(out))
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

        qtbot.waitUntil(
            lambda: window.findChild(QMessageBox, "exportWarnings") is not None, timeout=60_000
        )
        box = window.findChild(QMessageBox, "exportWarnings")
        assert out.is_file()  # the PDF is written all the same
        assert "with emoji.pdf was written" in box.text()
        assert "🚀 (U+1F680)" in box.informativeText()
        assert "🎉 (U+1F389)" in box.informativeText()
        assert "Exported" in window.statusBar().currentMessage()
        box.accept()
    finally:
        monkeypatch.undo()
        fonts.forget_fallback_fonts()
