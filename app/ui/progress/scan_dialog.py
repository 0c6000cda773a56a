"""Entering a skills scan, and confirming one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date as Date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import PortfolioError
from app.services.skills_scan import SCALE, RatingInput
from app.ui.errors import show_error
from app.ui.progress.store import ProgressStore

NOT_RATED = -1


def date_edit(parent: QWidget, day: Date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def to_date(edit: QDateEdit) -> Date:
    value = edit.date()
    return Date(value.year(), value.month(), value.day())


def rating_combo(parent: QWidget, blank: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.addItem(blank, NOT_RATED)
    for value, name in SCALE:
        combo.addItem(f"{value} {name}", value)
    return combo


class ScanDialog(QDialog):
    """Every competency with a rating (pre-filled with the latest), a note, and who confirmed."""

    CODE, COMPETENCY, RATING, NOTE, AGREED = range(5)

    def __init__(
        self,
        store: ProgressStore,
        current: Mapping[str, int | None],
        preset: Sequence[RatingInput] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("New skills scan"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(900, 640)

        self.date = date_edit(self, store.today())
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Optional: what this scan was for"))
        form = QFormLayout()
        form.addRow(self.tr("Date"), self.date)
        form.addRow(self.tr("Note"), self.note)

        intro = QLabel(
            self.tr(
                "Rate each competency as you stand today: 0 new to me, 1 awareness, 2 working, "
                "3 practitioner, 4 expert. The form starts from your latest ratings; leave one "
                "as “—” to skip it this time."
            ),
            self,
        )
        intro.setWordWrap(True)

        self.competencies = store.scan_competencies()
        self.table = QTableWidget(len(self.competencies), 5, self)
        self.table.setAccessibleName(self.tr("Ratings"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Code"),
                self.tr("Competency"),
                self.tr("Rating"),
                self.tr("Note"),
                self.tr("Agreed by employer"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.COMPETENCY, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.CODE, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(self.NOTE, 180)
        given = {r.code.upper(): r for r in preset or ()}
        for row, competency in enumerate(self.competencies):
            code = QTableWidgetItem(competency.code.rpartition(":")[2])
            code.setFlags(Qt.ItemFlag.ItemIsEnabled)
            code.setToolTip(competency.code)
            text = QTableWidgetItem(competency.label)
            text.setFlags(Qt.ItemFlag.ItemIsEnabled)
            text.setToolTip(competency.label)
            self.table.setItem(row, self.CODE, code)
            self.table.setItem(row, self.COMPETENCY, text)
            rating = rating_combo(self.table, "—")
            agreed = rating_combo(self.table, self.tr("same"))
            agreed.setEnabled(False)
            preset_rating = given.get(competency.code.upper()) or given.get(
                competency.code.rpartition(":")[2].upper()
            )
            value = preset_rating.rating if preset_rating else current.get(competency.code)
            if value is not None:
                rating.setCurrentIndex(rating.findData(value))
            if preset_rating and preset_rating.agreed is not None:
                agreed.setCurrentIndex(agreed.findData(preset_rating.agreed))
            self.table.setCellWidget(row, self.RATING, rating)
            self.table.setCellWidget(row, self.AGREED, agreed)
            self.table.setItem(
                row, self.NOTE, QTableWidgetItem(preset_rating.note if preset_rating else "")
            )
        self.table.resizeRowsToContents()

        self.confirmation = QGroupBox(self.tr("Confirmed by my employer or line manager"), self)
        self.confirmation.setCheckable(True)
        self.confirmation.setChecked(False)
        self.confirmer = QLineEdit(self.confirmation)
        self.confirmer_role = QLineEdit(self.confirmation)
        self.confirmer_role.setPlaceholderText(self.tr("e.g. Line manager"))
        self.confirmed_on = date_edit(self.confirmation, store.today())
        confirm_form = QFormLayout(self.confirmation)
        confirm_form.addRow(self.tr("Name"), self.confirmer)
        confirm_form.addRow(self.tr("Role"), self.confirmer_role)
        confirm_form.addRow(self.tr("Date"), self.confirmed_on)
        confirm_form.addRow(
            QLabel(
                self.tr("Where they agreed a different rating, choose it in the last column."),
                self.confirmation,
            )
        )
        self.confirmation.toggled.connect(self._confirmation_toggled)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.confirmation)
        layout.addWidget(buttons)

    def _confirmation_toggled(self, on: bool) -> None:
        for row in range(self.table.rowCount()):
            widget = self.table.cellWidget(row, self.AGREED)
            if widget is not None:
                widget.setEnabled(on)

    def rating_combo_for(self, code: str) -> QComboBox:
        row = next(i for i, c in enumerate(self.competencies) if c.code == code)
        widget = self.table.cellWidget(row, self.RATING)
        assert isinstance(widget, QComboBox)
        return widget

    def agreed_combo_for(self, code: str) -> QComboBox:
        row = next(i for i, c in enumerate(self.competencies) if c.code == code)
        widget = self.table.cellWidget(row, self.AGREED)
        assert isinstance(widget, QComboBox)
        return widget

    def ratings(self) -> list[RatingInput]:
        confirmed = self.confirmation.isChecked()
        result = []
        for row, competency in enumerate(self.competencies):
            rating = self.table.cellWidget(row, self.RATING)
            agreed = self.table.cellWidget(row, self.AGREED)
            assert isinstance(rating, QComboBox) and isinstance(agreed, QComboBox)
            value = int(rating.currentData())
            if value == NOT_RATED:
                continue
            agreed_value = int(agreed.currentData())
            note_item = self.table.item(row, self.NOTE)
            result.append(
                RatingInput(
                    code=competency.code,
                    rating=value,
                    note=note_item.text() if note_item is not None else "",
                    agreed=agreed_value if confirmed and agreed_value != NOT_RATED else None,
                )
            )
        return result

    def save(self) -> None:
        confirmed = self.confirmation.isChecked()
        try:
            self.store.add_scan(
                date=to_date(self.date),
                ratings=self.ratings(),
                note=self.note.text(),
                confirmed_by=self.confirmer.text() if confirmed else None,
                confirmer_role=self.confirmer_role.text() if confirmed else "",
                confirmed_on=to_date(self.confirmed_on) if confirmed else None,
            )
        except PortfolioError as exc:
            show_error(self, exc)  # the form stays open: nothing typed is lost
            return
        self.accept()


class ConfirmDialog(QDialog):
    """Record that the employer or line manager confirmed an existing scan."""

    def __init__(self, store: ProgressStore, scan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.scan_id = scan_id
        self.setWindowTitle(self.tr("Confirm skills scan"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.name = QLineEdit(self)
        self.role = QLineEdit(self)
        self.role.setPlaceholderText(self.tr("e.g. Line manager"))
        self.date = date_edit(self, store.today())
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Date"), self.date)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def save(self) -> None:
        try:
            self.store.confirm_scan(
                self.scan_id, name=self.name.text(), role=self.role.text(), date=to_date(self.date)
            )
        except PortfolioError as exc:
            show_error(self, exc)
            return
        self.accept()
