"""What the assessment pages have in common: each reads the assessment store again after
every change, at once when it is in sight, else when it next comes into sight (a save in
the editor must not wait for every check of a large portfolio)."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from app.ui.assessment.store import AssessmentStore


class StorePage(QWidget):
    def __init__(self, store: AssessmentStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._stale = True

    def refresh(self) -> None:
        """Read again now if the page is in sight, else when it next comes into sight."""
        self._stale = True
        if self.isVisible():
            self._stale = False
            self.read()

    def read(self) -> None:
        """Show what the store holds now."""
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
