"""The reflection editor's formatting bar: Bold, Italic, Link (Ctrl+B/I/K) and a word count.

The buttons type Markdown around the selection, as the apprentice would by hand, so
what is stored is still plain Markdown; each change is saved and undone like typing.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QToolButton, QWidget

_WORD = re.compile(r"\S+")
LINK_PLACEHOLDER = "https://"


def word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


class FormatBar(QWidget):
    def __init__(self, body: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body = body
        self.bold_action = self._action(self.tr("Bold"), "Ctrl+B", lambda: self.wrap("**"))
        self.italic_action = self._action(self.tr("Italic"), "Ctrl+I", lambda: self.wrap("*"))
        self.link_action = self._action(self.tr("Link"), "Ctrl+K", self.link)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: list[QToolButton] = []
        for action, style in (
            (self.bold_action, "bold"),
            (self.italic_action, "italic"),
            (self.link_action, ""),
        ):
            button = QToolButton(self)
            button.setDefaultAction(action)
            font = button.font()
            font.setBold(style == "bold")
            font.setItalic(style == "italic")
            button.setFont(QFont(font))
            layout.addWidget(button)
            self.buttons.append(button)
        layout.addStretch(1)
        self.count = QLabel(self)
        self.count.setAccessibleName(self.tr("Word count"))
        layout.addWidget(self.count)

    def _action(self, text: str, keys: str, slot: object) -> QAction:
        action = QAction(text, self.body)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        native = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(self.tr("{what} ({keys})").format(what=text, keys=native))
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        self.body.addAction(action)  # the keys work while typing in the reflection
        return action

    def set_editable(self, editable: bool) -> None:
        for button in self.buttons:
            button.setVisible(editable)
        for action in (self.bold_action, self.italic_action, self.link_action):
            action.setEnabled(editable)

    def update_count(self, text: str) -> None:
        n = word_count(text)
        self.count.setText(self.tr("1 word") if n == 1 else self.tr("{n} words").format(n=n))

    def wrap(self, marker: str) -> None:
        """``marker`` around the selection (or an empty pair, the cursor between them)."""
        if self.body.isReadOnly():
            return
        cursor = self.body.textCursor()
        selected = cursor.selectedText()
        cursor.beginEditBlock()
        cursor.insertText(f"{marker}{selected}{marker}")
        cursor.endEditBlock()
        if not selected:
            cursor.movePosition(QTextCursor.MoveOperation.Left, n=len(marker))
        self.body.setTextCursor(cursor)
        self.body.setFocus()

    def link(self) -> None:
        """``[selection](https://)`` with the address selected, ready to be typed."""
        if self.body.isReadOnly():
            return
        cursor = self.body.textCursor()
        label = cursor.selectedText() or self.tr("link text")
        cursor.insertText(f"[{label}]({LINK_PLACEHOLDER})")
        cursor.movePosition(QTextCursor.MoveOperation.Left, n=1)
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(LINK_PLACEHOLDER)
        )
        self.body.setTextCursor(cursor)
        self.body.setFocus()
