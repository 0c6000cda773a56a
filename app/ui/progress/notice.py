"""The home-screen notice: an overdue progress review, said plainly."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from app.ui.notice_label import NoticeLabel
from app.ui.progress.reviews_page import status_text
from app.ui.progress.store import ProgressStore


class ReviewNotice(QFrame):
    """Shown above the pages while a progress review is overdue; hidden otherwise."""

    openReviews = Signal()

    def __init__(self, store: ProgressStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.suppressed = False
        self.label = NoticeLabel("overdue", self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setAccessibleName(self.tr("Overdue review"))
        self.button = QPushButton(self.tr("Record the review…"), self)
        self.button.clicked.connect(self.openReviews)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        store.changed.connect(self.refresh)
        self.refresh()

    def set_suppressed(self, suppressed: bool) -> None:
        """Hide the notice while the page it points to is open (that page says it)."""
        self.suppressed = suppressed
        self.refresh()

    def refresh(self) -> None:
        if self.store.read_only:  # an assessor reviewing a package: not their reminder
            self.hide()
            return
        status = self.store.snapshot().review_status
        self.label.setText(status_text(status))
        self.setVisible(status.overdue and not self.suppressed)
