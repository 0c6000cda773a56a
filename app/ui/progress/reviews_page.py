"""The Reviews page: when the next review is due, past reviews, and their actions."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import PortfolioError
from app.services.otj import format_minutes
from app.services.reviews import Review, ReviewStatus
from app.ui.errors import show_error
from app.ui.notice_label import NoticeLabel
from app.ui.progress.charts import short_date
from app.ui.progress.review_dialog import ReviewDialog
from app.ui.progress.store import ProgressStore


def _days(n: int) -> str:
    return _tr("1 day") if n == 1 else _tr("{n} days").format(n=n)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Reviews", text)


def status_text(status: ReviewStatus, with_rule: bool = False) -> str:
    """One plain sentence on when the next review is due (and the rule, with its source)."""
    if status.due is None:
        return _tr(
            "No progress review yet. Set your off-the-job plan to see when the first is due "
            "under the funding rules for your start date."
        )
    days = status.days_left or 0
    if status.overdue:
        # (counted from the last review, unless there has been none: then say so) — one
        # line beside its button on a laptop at 150 %, where two made the window too tall
        text = (
            _tr("Your progress review is overdue: it was due on {due} ({days} ago).")
            if status.last
            else _tr(
                "Your progress review is overdue: it was due on {due} ({days} ago), "
                "counting from the start of your plan."
            )
        ).format(due=short_date(status.due), days=_days(-days))
    elif days == 0:
        text = _tr("Your next progress review is due today.")
    else:
        text = _tr("Your next progress review is due by {due} (in {days}).").format(
            due=short_date(status.due), days=_days(days)
        )
    if status.late_actions:
        late = status.late_actions
        text += " " + (
            _tr("1 review action is overdue.")
            if late == 1
            else _tr("{n} review actions are overdue.").format(n=late)
        )
    if with_rule and status.rule_text:
        text += "\n" + status.rule_text
    return text


class ReviewsPage(QWidget):
    def __init__(self, store: ProgressStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.reviews: list[Review] = []

        self.status = NoticeLabel(None, self)
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName(self.tr("Next review"))
        self.record_button = QPushButton(self.tr("Record review…"), self)
        self.record_button.clicked.connect(lambda: self.record_review())
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.record_button)

        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Reviews"))
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        # who took part wraps onto the next line rather than behind a sideways scrollbar
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(self._show_review)
        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName(self.tr("Review"))
        self.action_table = QTableWidget(0, 4, self)
        self.action_table.setAccessibleName(self.tr("Actions"))
        self.action_table.setHorizontalHeaderLabels(
            [self.tr("Done"), self.tr("Action"), self.tr("Owner"), self.tr("Due")]
        )
        self.action_table.verticalHeader().hide()
        self.action_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.action_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.action_table.itemChanged.connect(self._action_ticked)
        self.edit_button = QPushButton(self.tr("Edit review…"), self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton(self.tr("Delete review"), self)
        self.delete_button.clicked.connect(self.delete_selected)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 2)
        right_layout.addWidget(QLabel(self.tr("Actions (tick when done)"), self))
        right_layout.addWidget(self.action_table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.edit_button)
        row.addWidget(self.delete_button)
        right_layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        self.record_button.setEnabled(not store.read_only)
        self.delete_button.setEnabled(not store.read_only)
        # read-only (an assessor's review): no editing controls at all, not greyed ones
        self.record_button.setVisible(not store.read_only)
        self.delete_button.setVisible(not store.read_only)
        self.edit_button.setVisible(not store.read_only)
        store.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        snap = self.store.snapshot()
        status = snap.review_status
        self.status.setText(status_text(status, with_rule=True))
        self.status.set_kind("overdue" if status.overdue else None)
        selected = self._selected_id()
        self.reviews = list(reversed(snap.reviews))  # newest first
        self.list.blockSignals(True)
        self.list.clear()
        for review in self.reviews:
            names = ", ".join(p.name for p in review.participants)
            found = snap.review_signoffs.get(review.id)
            mark = (
                self.tr("✓ signed by {n}").format(n=len(found.signed))
                if found is not None and found.signed
                else self.tr("unsigned")
            )
            item = QListWidgetItem(f"{short_date(review.date)} · {mark}\n{names}")
            item.setToolTip(names)
            item.setData(Qt.ItemDataRole.UserRole, review.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = [r.id for r in self.reviews]
        row = ids.index(selected) if selected in ids else (0 if ids else -1)
        self.list.setCurrentRow(row)
        self._show_review(row)

    def _selected_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _show_review(self, row: int) -> None:
        self.action_table.blockSignals(True)
        self.action_table.setRowCount(0)
        if not 0 <= row < len(self.reviews):
            self.detail.setPlainText(
                self.tr(
                    "No reviews recorded yet. Record each review with your employer and "
                    "training provider here."
                )
            )
            self.action_table.blockSignals(False)
            return
        review = self.reviews[row]
        lines = [self.tr("Review on {date}").format(date=short_date(review.date))]
        lines += [*self._signature_lines(review.id), ""]
        roles = {
            "apprentice": self.tr("apprentice"),
            "employer": self.tr("employer"),
            "provider": self.tr("training provider"),
            "other": self.tr("also present"),
        }
        for p in review.participants:
            lines.append(f"{p.name} ({roles.get(p.role, p.role)})")
        if review.otj_minutes is not None:
            lines.append("")
            lines.append(
                self.tr("Off-the-job hours reviewed: {time}").format(
                    time=format_minutes(review.otj_minutes)
                )
            )
        lines.append(self.tr("Next review due by {date}").format(date=short_date(review.next_due)))
        if review.notes:
            lines += ["", review.notes]
        self.detail.setPlainText("\n".join(lines))
        self.action_table.setRowCount(len(review.actions))
        for index, action in enumerate(review.actions):
            done = QTableWidgetItem()
            flags = Qt.ItemFlag.ItemIsEnabled
            if not self.store.read_only:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            done.setFlags(flags)
            done.setCheckState(Qt.CheckState.Checked if action.done else Qt.CheckState.Unchecked)
            done.setData(Qt.ItemDataRole.UserRole, action.id)
            self.action_table.setItem(index, 0, done)
            for column, value in enumerate(
                (action.text, action.owner, short_date(action.due) if action.due else ""), 1
            ):
                self.action_table.setItem(index, column, QTableWidgetItem(value))
        self.action_table.resizeColumnToContents(0)
        self.action_table.blockSignals(False)

    def _signature_lines(self, review_id: int) -> list[str]:
        """Who signed the review with their key (or that nobody has), and who declined."""
        found = self.store.snapshot().review_signoffs.get(review_id)
        signed = found.signed if found is not None else ()
        if not signed:
            lines = [
                self.tr(
                    "UNSIGNED: nobody has signed this review with their key yet. A sign-off "
                    "request asks the employer or the provider's reviewer to sign it."
                )
            ]
        else:
            lines = [
                self.tr("Signed by {signer} on {date}, key {key}").format(
                    signer=s.signer, date=s.signed[:10], key=s.fingerprint
                )
                for s in signed
            ]
        if found is not None:
            for s in found.signatures:
                if s.decision == "signed" and not s.current:
                    lines.append(
                        self.tr(
                            "Signed by {signer} on {date} for an earlier version: the review "
                            "was edited since; ask again to have it signed as it reads now."
                        ).format(signer=s.signer, date=s.signed[:10])
                    )
                if s.decision == "declined":
                    line = self.tr("Declined by {signer} on {date}").format(
                        signer=s.signer, date=s.signed[:10]
                    )
                    lines.append(line + (f": {s.comment}" if s.comment else ""))
            if found.asked:
                lines.append(
                    self.tr("Asked, no answer yet: {names}").format(names=", ".join(found.asked))
                )
        return lines

    def _action_ticked(self, item: QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        try:
            self.store.set_action_done(
                int(item.data(Qt.ItemDataRole.UserRole)),
                item.checkState() == Qt.CheckState.Checked,
            )
        except PortfolioError as exc:
            show_error(self, exc)

    def record_review(self) -> ReviewDialog:
        dialog = ReviewDialog(self.store, self)
        dialog.accepted.connect(lambda: self.select_review(dialog.saved))
        dialog.open()
        return dialog

    def edit_selected(self) -> ReviewDialog | None:
        """Change the selected review in the same form it was recorded with."""
        review_id = self._selected_id()
        review = next((r for r in self.reviews if r.id == review_id), None)
        if review is None or self.store.read_only:
            return None
        dialog = ReviewDialog(self.store, self, review=review)
        dialog.accepted.connect(lambda: self.select_review(dialog.saved))
        dialog.open()
        return dialog

    def select_review(self, review: Review | None) -> None:
        ids = [r.id for r in self.reviews]
        if review is not None and review.id in ids:
            self.list.setCurrentRow(ids.index(review.id))

    def delete_selected(self) -> None:
        review_id = self._selected_id()
        if review_id is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete review"), self.tr("Delete this review and its actions?")
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.store.delete_review(review_id)
        except PortfolioError as exc:
            show_error(self, exc)
