"""Small keyboard habits of search boxes: Escape clears one; long lists are searchable."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit


class _EscapeClears(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, QLineEdit)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and watched.text()
        ):
            watched.clear()
            return True  # an empty box lets Escape through (e.g. to close a dialog)
        return super().eventFilter(watched, event)


def clear_on_escape(field: QLineEdit) -> None:
    """Escape empties ``field`` (when it holds text)."""
    escape = _EscapeClears(field)
    field.installEventFilter(escape)


def make_searchable(combo: QComboBox, placeholder: str) -> None:
    """Let ``combo`` be typed into: any part of an entry finds it (a code or a word)."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)
    line = combo.lineEdit()
    if line is not None:
        line.setPlaceholderText(placeholder)
        # a half-typed search that matches nothing goes back to the entry chosen
        line.editingFinished.connect(lambda: _settle(combo))
    completer.activated.connect(lambda text: combo.setCurrentIndex(max(0, combo.findText(text))))


def _settle(combo: QComboBox) -> None:
    line = combo.lineEdit()
    if line is not None and combo.findText(line.text()) < 0:
        line.setText(combo.currentText())


class ListCompleter(QCompleter):
    """Completes the last of a comma-separated list of codes ("K1, S1" → "K1, S14")."""

    def __init__(self, codes: list[str], field: QLineEdit) -> None:
        super().__init__(codes, field)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setWidget(field)
        self.activated.connect(self._insert)
        field.textEdited.connect(self._update)

    def _last(self, text: str) -> str:
        return text.rsplit(",", 1)[-1].strip()

    def _update(self, text: str) -> None:
        last = self._last(text)
        popup = self.popup()
        if last:
            self.setCompletionPrefix(last)
        if last and self.completionCount():
            self.complete()
        elif popup is not None:
            popup.hide()

    def _insert(self, code: str) -> None:
        field = self.widget()
        assert isinstance(field, QLineEdit)
        text = field.text()
        head = text.rsplit(",", 1)[0] + ", " if "," in text else ""
        field.setText(head + code)


def complete_codes(field: QLineEdit, codes: list[str]) -> ListCompleter:
    """Offer ``codes`` while a comma-separated list of them is typed into ``field``."""
    return ListCompleter(codes, field)
