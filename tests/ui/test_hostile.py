"""Whatever an apprentice types is kept exactly and shown as text, never as markup."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtWidgets import QMessageBox

from app.errors import InvalidInputError
from app.ui.evidence_model import COL_TITLE
from app.ui.main_window import MainWindow

LONG_WAIT = 5000


def test_typed_text_round_trips_exactly(qtbot, window: MainWindow, hostile: str) -> None:
    window.new_item_action.trigger()
    editor = window.evidence_page.editor
    title = hostile[:400] if hostile.strip() else "Blank-looking"
    editor.title.setText(title)
    editor.title.textEdited.emit(title)
    editor.body.setPlainText(hostile)
    editor.flush()
    saved = window.document.item_by_ref("E004")
    assert saved.title == title and saved.body == hostile
    model = window.evidence_page.model
    row = model.row_of(saved.id)
    assert model.data(model.index(row, COL_TITLE)) == " ".join(title[:300].split())
    editor.render_preview()
    assert "<img" not in editor.preview.toHtml().lower().replace("&lt;img", "")
    for bad in ("/etc/passwd", "[[1]]"):
        if bad in hostile:  # the text stays visible as text
            assert bad in editor.preview.toPlainText()


def test_an_error_quoting_markup_is_shown_as_text(qtbot, monkeypatch, window: MainWindow) -> None:
    from PySide6.QtGui import QTextDocument

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    window.show_error(InvalidInputError("The date 'x <b>bold</b>' is not a date."))
    (text,) = shown
    rendered = QTextDocument()
    if QtGui.Qt.mightBeRichText(text):  # as the message box decides
        rendered.setHtml(text)
    else:
        rendered.setPlainText(text)
    assert rendered.toPlainText() == "The date 'x <b>bold</b>' is not a date."
