"""Recording a progress review: who took part, notes, OTJ hours reviewed, actions."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import InvalidInputError, PortfolioError
from app.services import reviews
from app.ui.errors import show_error
from app.ui.progress.plan_dialog import hours_minutes, pair
from app.ui.progress.scan_dialog import date_edit, to_date
from app.ui.progress.store import ProgressStore
from app.ui.window_layout import fit_dialog


class DueDateDelegate(QStyledItemDelegate):
    """A due date is picked from a calendar (typed as YYYY-MM-DD, or left empty)."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QDateEdit(parent)
        editor.setCalendarPopup(True)
        editor.setDisplayFormat("yyyy-MM-dd")
        editor.setAccessibleName(self.tr("Due date"))
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QDateEdit)
        text = str(index.data() or "")
        date = QDate.fromString(text, "yyyy-MM-dd")
        editor.setDate(date if date.isValid() else QDate.currentDate().addDays(14))

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, QDateEdit)
        model.setData(index, editor.date().toString("yyyy-MM-dd"))


def previous_participants(store: ProgressStore) -> dict[str, str]:
    """Role -> name of who took part in the latest review (empty before the first)."""
    recorded = store.snapshot().reviews
    if not recorded:
        return {}
    latest = max(recorded, key=lambda r: (r.date, r.id))
    return {p.role: p.name for p in latest.participants}


class ReviewDialog(QDialog):
    TEXT, OWNER, DUE = range(3)

    def __init__(
        self,
        store: ProgressStore,
        parent: QWidget | None = None,
        review: reviews.Review | None = None,
    ) -> None:
        """``review``: a recorded review to change (None records a new one)."""
        super().__init__(parent)
        self.store = store
        self.saved: reviews.Review | None = None
        self.editing = review
        self.setWindowTitle(
            self.tr("Edit progress review") if review else self.tr("Record a progress review")
        )
        self.setWindowModality(Qt.WindowModality.WindowModal)
        fit_dialog(self, 720, 640)
        info = store.document.info()
        today = store.today()

        self.date = date_edit(self, today)
        self.apprentice = QLineEdit(info.apprentice_name, self)
        # real values, not placeholders that only look filled in: who came to the last
        # review, else the employer and provider in Portfolio Details
        last = previous_participants(store)
        self.employer = QLineEdit(last.get("employer", info.employer), self)
        self.employer.setPlaceholderText(self.tr("Employer or line manager"))
        self.provider = QLineEdit(last.get("provider", info.provider), self)
        self.provider.setPlaceholderText(self.tr("Training provider's tutor"))
        self.other = QLineEdit(self)
        self.other.setPlaceholderText(self.tr("Anyone else (optional)"))
        minutes = store.otj_minutes_to(today)
        self.otj_h, self.otj_m = hours_minutes(self, minutes, 100_000)
        self._otj_typed = False
        self.otj_h.valueChanged.connect(self._otj_edited)
        self.otj_m.valueChanged.connect(self._otj_edited)
        self.date.dateChanged.connect(self._date_changed)
        self.notes = QPlainTextEdit(self)
        self.notes.setAccessibleName(self.tr("Discussion notes"))
        self.notes.setPlaceholderText(self.tr("What was discussed: progress, support, next steps"))

        form = QFormLayout()
        form.addRow(self.tr("Date"), self.date)
        form.addRow(self.tr("Apprentice"), self.apprentice)
        form.addRow(self.tr("Employer"), self.employer)
        form.addRow(self.tr("Training provider"), self.provider)
        form.addRow(self.tr("Also present"), self.other)
        form.addRow(self.tr("Off-the-job hours reviewed"), pair(self, self.otj_h, self.otj_m))

        self.action_table = QTableWidget(0, 3, self)
        self.action_table.setAccessibleName(self.tr("Actions"))
        self.action_table.setHorizontalHeaderLabels(
            [self.tr("Action"), self.tr("Owner"), self.tr("Due")]
        )
        self.due_delegate = DueDateDelegate(self.action_table)
        self.action_table.setItemDelegateForColumn(self.DUE, self.due_delegate)
        self.action_table.verticalHeader().hide()
        self.action_table.horizontalHeader().setSectionResizeMode(
            self.TEXT, QHeaderView.ResizeMode.Stretch
        )
        add = QPushButton(self.tr("Add action"), self)
        add.clicked.connect(lambda: self.add_action_row())
        remove = QPushButton(self.tr("Remove action"), self)
        remove.clicked.connect(self._remove_action)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        next_due = QLabel(self.store.review_rule(), self)
        next_due.setObjectName("reviewRule")
        next_due.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Notes"), self))
        layout.addWidget(self.notes, 2)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Actions agreed"), self))
        row.addStretch(1)
        row.addWidget(add)
        row.addWidget(remove)
        layout.addLayout(row)
        layout.addWidget(self.action_table, 1)
        layout.addWidget(next_due)
        layout.addWidget(buttons)
        if review is not None:
            self._load(review)

    def _load(self, review: reviews.Review) -> None:
        """Fill the form with ``review`` as recorded."""
        self.date.setDate(QDate(review.date.year, review.date.month, review.date.day))
        people = {p.role: p.name for p in review.participants}
        for role, edit in (("apprentice", self.apprentice), ("employer", self.employer),
                           ("provider", self.provider), ("other", self.other)):  # fmt: skip
            edit.setText(people.get(role, ""))
        self.notes.setPlainText(review.notes)
        minutes = review.otj_minutes or 0
        self.otj_h.setValue(minutes // 60)
        self.otj_m.setValue(minutes % 60)
        self._otj_typed = True  # the recorded figure stays unless changed here
        for action in review.actions:
            self.add_action_row(
                action.text, action.owner, action.due.isoformat() if action.due else ""
            )

    def _otj_edited(self) -> None:
        self._otj_typed = True

    def _date_changed(self) -> None:
        if self._otj_typed:
            return  # the user's own figure wins
        minutes = self.store.otj_minutes_to(to_date(self.date))
        for spin, value in ((self.otj_h, minutes // 60), (self.otj_m, minutes % 60)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)

    def add_action_row(self, text: str = "", owner: str = "", due: str = "") -> int:
        row = self.action_table.rowCount()
        self.action_table.insertRow(row)
        for column, value in enumerate((text, owner, due)):
            self.action_table.setItem(row, column, QTableWidgetItem(value))
        return row

    def _remove_action(self) -> None:
        row = self.action_table.currentRow()
        if row >= 0:
            self.action_table.removeRow(row)

    def _cell(self, row: int, column: int) -> str:
        item = self.action_table.item(row, column)
        return item.text() if item is not None else ""

    def participants(self) -> list[reviews.Participant]:
        people = []
        for role, edit in (("apprentice", self.apprentice), ("employer", self.employer),
                           ("provider", self.provider), ("other", self.other)):  # fmt: skip
            if edit.text().strip():
                people.append(reviews.Participant(role, edit.text()))
        return people

    def save(self) -> None:
        try:
            actions = []
            for row in range(self.action_table.rowCount()):
                text, owner, due = (self._cell(row, c) for c in range(3))
                if not (text.strip() or owner.strip() or due.strip()):
                    continue
                try:
                    actions.append(reviews.make_action(text, owner, due.strip() or None))
                except InvalidInputError as exc:
                    raise InvalidInputError(
                        self.tr("Action {n}: {why}").format(n=row + 1, why=exc)
                    ) from exc
            date = to_date(self.date)
            people = self.participants()
            notes = self.notes.toPlainText()
            minutes = self.otj_h.value() * 60 + self.otj_m.value()
            if self.editing is not None:
                # an action already ticked done stays done when its text is kept
                done = {a.text for a in self.editing.actions if a.done}
                actions = [replace(a, done=a.text in done) for a in actions]
                self.saved = self.store.update_review(
                    self.editing.id,
                    date=date,
                    participants=people,
                    notes=notes,
                    otj_minutes=minutes,
                    actions=actions,
                )
            else:
                self.saved = self.store.add_review(
                    date=date, participants=people, notes=notes, otj_minutes=minutes,
                    actions=actions,
                )  # fmt: skip
        except PortfolioError as exc:
            show_error(self, exc)  # the form stays open with everything typed
            return
        self.accept()
