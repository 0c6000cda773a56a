"""The reflection editor's formatting keys and word count; searches that Escape clears and
competency filters that can be typed into."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.main_window import MainWindow
from tests.ui.test_window import select


def test_bold_italic_and_link_keys_type_markdown_and_the_word_count_follows(
    qtbot, window: MainWindow
) -> None:
    select(window, "E001")
    editor = window.evidence_page.editor
    body = editor.body
    body.setFocus()
    body.setPlainText("Built a pipeline")
    cursor = body.textCursor()
    cursor.setPosition(6)
    cursor.setPosition(16, cursor.MoveMode.KeepAnchor)  # "a pipeline"
    body.setTextCursor(cursor)
    qtbot.keyClick(body, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert body.toPlainText() == "Built **a pipeline**"
    cursor = body.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(5, cursor.MoveMode.KeepAnchor)  # "Built"
    body.setTextCursor(cursor)
    qtbot.keyClick(body, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert body.toPlainText() == "*Built* **a pipeline**"
    body.moveCursor(body.textCursor().MoveOperation.End)
    qtbot.keyClicks(body, " see ")
    qtbot.keyClick(body, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert body.toPlainText().endswith(" see [link text](https://)")
    assert body.textCursor().selectedText() == "https://"  # ready to type the address
    qtbot.keyClicks(body, "https://ci.example.org")
    editor.render_preview()
    assert editor.format_bar.count.text() == "6 words"
    editor.flush()
    saved = window.document.item_by_ref("E001").body
    assert saved == "*Built* **a pipeline** see [link text](https://ci.example.org)"
    # one word says so in the singular
    body.setPlainText("Done")
    editor.render_preview()
    assert editor.format_bar.count.text() == "1 word"


def test_escape_clears_the_search(qtbot, window: MainWindow) -> None:
    search = window.evidence_page.filter_bar.search
    search.setFocus()
    qtbot.keyClicks(search, "terraform")
    qtbot.waitUntil(lambda: window.evidence_page.model.rowCount() == 1)
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == ""
    qtbot.waitUntil(lambda: window.evidence_page.model.rowCount() == 3)


def test_the_competency_filter_can_be_typed_into(qtbot, window: MainWindow) -> None:
    bar = window.evidence_page.filter_bar
    combo = bar.ksb
    assert combo.isEditable()
    completer = combo.completer()
    completer.setCompletionPrefix("k7")  # a code, in any case
    assert completer.completionCount() >= 1
    match = completer.currentCompletion()
    assert match.startswith("K7 ")
    completer.activated.emit(match)
    assert combo.currentData() == "K7"
    qtbot.waitUntil(lambda: bar.current_filter().ksb == "K7")
    assert window.evidence_page.model.rowCount() == 1  # the Terraform item
