"""Deleting an evidence item in the window, and Edit > Undo bringing it back whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from app.ui.main_window import MainWindow
from tests.ui.test_window import LONG_WAIT, cell_count, refs_shown, select


@pytest.fixture
def no_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deleting asks nothing (undo is the safety net): fail if a question is put."""

    def question(*_args: object, **_kwargs: object) -> QMessageBox.StandardButton:
        raise AssertionError("the delete asked a question")

    monkeypatch.setattr(QMessageBox, "question", question)


def attach_image(qtbot, window: MainWindow, tmp_path: Path) -> None:
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    png = tmp_path / "pipeline.png"
    assert image.save(str(png))
    panel = window.evidence_page.editor.attachments
    panel.attach_paths([png])
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=LONG_WAIT)


def test_delete_then_undo_brings_the_item_back_with_its_tags_and_attachment(
    qtbot, window: MainWindow, tmp_path: Path, no_questions: None
) -> None:
    select(window, "E001")
    attach_image(qtbot, window, tmp_path)
    before = window.document.item_by_ref("E001")
    assert cell_count(window, "D5", "K1") == 2  # E001 and E002

    window.delete_item_action.trigger()
    assert refs_shown(window) == ["E002", "E003"]
    assert window.evidence_page.filter_bar.count.text() == "2 items"
    qtbot.waitUntil(lambda: cell_count(window, "D5", "K1") == 1, timeout=LONG_WAIT)
    assert window.evidence_page.editor.current_item().ref == "E002"  # the next one is shown
    assert window.statusBar().currentMessage() == "E001 deleted — Undo (Ctrl+Z)"
    assert window.undo_action.isEnabled()
    assert window.undo_action.text() == "&Undo delete E001"

    window.undo_action.trigger()
    assert refs_shown(window) == ["E001", "E002", "E003"]
    qtbot.waitUntil(lambda: cell_count(window, "D5", "K1") == 2, timeout=LONG_WAIT)
    editor = window.evidence_page.editor
    assert editor.current_item() == before
    assert editor.title.text() == "CI pipeline for the payments API"
    assert editor.tags.row("K1").check.isChecked()
    assert editor.tags.row("K1").justification.text() == "Frequent merging with automated tests"
    panel = editor.attachments
    assert panel.list.count() == 1 and panel.list.item(0).text().startswith("pipeline.png")
    assert window.redo_action.text() == "&Redo delete E001"

    window.redo_action.trigger()  # deleted again
    assert refs_shown(window) == ["E002", "E003"]
    window.undo_action.trigger()
    assert window.document.item_by_ref("E001") == before
    # the steps before the delete still undo: the attachment it came back with goes
    assert window.undo_action.text() == "&Undo attach pipeline.png to E001"
    window.undo_action.trigger()
    assert window.document.item_by_ref("E001").attachments == ()


def test_what_was_just_typed_comes_back_with_the_item(
    qtbot, window: MainWindow, no_questions: None
) -> None:
    select(window, "E002")
    body = window.evidence_page.editor.body
    qtbot.keyClick(body, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(body, " Reviewed by the platform team.")
    window.delete_item_action.trigger()  # before the autosave delay has passed
    assert refs_shown(window) == ["E001", "E003"]
    window.undo_action.trigger()
    assert window.document.item_by_ref("E002").body.endswith("Reviewed by the platform team.")
    assert window.evidence_page.editor.current_item().ref == "E002"


def test_deleting_while_filtered_keeps_the_filter(
    qtbot, window: MainWindow, no_questions: None
) -> None:
    from app.services.queries import ItemFilter

    window.show_items(ItemFilter(ksb="K1"))
    assert refs_shown(window) == ["E001", "E002"]
    select(window, "E002")
    window.delete_item_action.trigger()
    window.redo_action.trigger()  # nothing to redo: nothing changes
    assert refs_shown(window) == ["E001"]
    window.undo_action.trigger()
    assert refs_shown(window) == ["E001", "E002"]
    assert window.evidence_page.model.filter() == ItemFilter(ksb="K1")
