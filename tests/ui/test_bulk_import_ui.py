"""File ▸ Import Evidence Items, driven as a user would: notes in, items out, or nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.ui.main_window import MainWindow

WAIT = 60_000


def notes(folder: Path, bad: bool = False) -> Path:
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: Built the pipeline\nksb: [K1]\nstatus: ready\n---\nI did it.\n"
    )
    ksb = "K99" if bad else "K7"
    (folder / "b.md").write_text(f"---\ntitle: Terraform\nksb: [{ksb}]\n---\n")
    return folder


def action(qtbot, window: MainWindow, name: str) -> QAction:
    qtbot.waitUntil(lambda: window.findChild(QAction, name) is not None)
    found = window.findChild(QAction, name)
    assert found is not None
    return found


def test_a_folder_of_notes_becomes_items(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    folder = notes(tmp_path / "notes")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    before = window.evidence_page.model.rowCount()
    action(qtbot, window, "bulkImportFolderAction").trigger()
    qtbot.waitUntil(lambda: "Imported 2" in window.statusBar().currentMessage(), timeout=WAIT)
    assert window.statusBar().currentMessage() == "Imported 2 evidence items: E004, E005."
    qtbot.waitUntil(lambda: window.evidence_page.model.rowCount() == before + 2)
    assert window.document.item_by_ref("E004").ksbs == ("K1",)


def test_a_bad_note_adds_nothing_and_says_where(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    folder = notes(tmp_path / "notes", bad=True)
    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: shown.append(text))
    before = window.evidence_page.model.rowCount()
    action(qtbot, window, "bulkImportFolderAction").trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
    assert "notes/b.md line 3: ST0825 has no competency K99" in shown[0]
    assert window.evidence_page.model.rowCount() == before
