"""A ULN field checked as it is typed: marked and explained when wrong, cleared once fixed.

Ten digits are checked (check digit included) the moment the tenth is typed; fewer
than ten are only called short once the field is left, so nobody is told off while
still typing.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLabel, QLineEdit

from app.errors import InvalidInputError
from app.services.portfolio import validate_uln
from app.ui.errors import ERROR_COLOUR


class UlnCheck(QObject):
    """Watches ``field``; shows what is wrong in ``message``; ``validityChanged`` on change."""

    validityChanged = Signal(bool)

    def __init__(self, field: QLineEdit, message: QLabel) -> None:
        super().__init__(field)
        self.field = field
        self.message = message
        self._valid = True
        field.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,10}"), field))
        field.textChanged.connect(lambda _text: self.check(finished=False))
        field.editingFinished.connect(lambda: self.check(finished=True))
        self.check(finished=False)

    def is_valid(self) -> bool:
        """True when the ULN is empty or a valid one (ten digits, the check digit right)."""
        return self._valid

    def check(self, *, finished: bool) -> None:
        text = self.field.text().strip()
        problem: str | None = None
        try:
            validate_uln(text)
        except InvalidInputError as exc:
            # fewer than ten digits while typing: not wrong yet, just not finished
            problem = str(exc) if finished or len(text) == 10 else ""
        valid = problem is None
        self._show(problem or None)
        if valid != self._valid:
            self._valid = valid
            self.validityChanged.emit(valid)

    def _show(self, problem: str | None) -> None:
        self.message.setText(problem or "")
        self.message.setVisible(bool(problem))
        self.field.setProperty("invalid", bool(problem))
        self.field.setStyleSheet(
            f"QLineEdit {{ border: 2px solid {ERROR_COLOUR}; }}" if problem else ""
        )
        self.field.setAccessibleDescription(problem or "")
