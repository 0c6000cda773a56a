"""Entering a skills scan, and confirming one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date as Date

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import PortfolioError
from app.services.skills_scan import SCALE, RatingInput
from app.ui.errors import show_error
from app.ui.progress.charts import short_date
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


RATING_KEYS = {getattr(Qt.Key, f"Key_{value}"): value for value, _name in SCALE}
CLEAR_KEYS = {Qt.Key.Key_Minus, Qt.Key.Key_Delete, Qt.Key.Key_Backspace}


class RatingDelegate(QStyledItemDelegate):
    """A rating cell edited with a list of the scale (double-click, F2 or Enter)."""

    def __init__(self, blank: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.blank = blank

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        return rating_combo(parent, self.blank)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        value = index.data(Qt.ItemDataRole.UserRole)
        editor.setCurrentIndex(max(0, editor.findData(NOT_RATED if value is None else value)))

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, QComboBox)
        value = int(editor.currentData())
        model.setData(index, value, Qt.ItemDataRole.UserRole)
        model.setData(index, rating_text(value, self.blank))


def rating_text(value: int, blank: str) -> str:
    return blank if value == NOT_RATED else f"{value} {dict(SCALE)[value]}"


class ScanDialog(QDialog):
    """Every competency on one line: a rating (pre-filled with the latest), what the
    employer agreed, a note; rated from the keyboard (0–4) down the list."""

    CODE, COMPETENCY, RATING, AGREED, NOTE = range(5)

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
        self._blank = "—"
        self._same = self.tr("same")

        self.date = date_edit(self, store.today())
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Optional: what this scan was for"))
        top = QHBoxLayout()
        date_label = QLabel(self.tr("&Date"), self)
        date_label.setBuddy(self.date)
        note_label = QLabel(self.tr("N&ote"), self)
        note_label.setBuddy(self.note)
        top.addWidget(date_label)
        top.addWidget(self.date)
        top.addSpacing(12)
        top.addWidget(note_label)
        top.addWidget(self.note, 1)

        scale = ", ".join(f"{value} {name}" for value, name in SCALE)
        self.intro = QLabel(
            self.tr(
                "Rate each competency as you stand today ({scale}). Select a row and type its "
                "digit: the next row follows, so you can rate down the list. − or Delete "
                "skips one this time; double-click a rating to pick from a list. Hover over a "
                "competency for its full text. The form starts from your latest ratings."
            ).format(scale=scale),
            self,
        )
        self.intro.setWordWrap(True)

        self.competencies = store.scan_competencies()
        self._rows = {c.code: row for row, c in enumerate(self.competencies)}
        table = self.table = QTableWidget(len(self.competencies), 5, self)
        table.setAccessibleName(self.tr("Ratings"))
        table.setAccessibleDescription(self.tr("Type 0 to 4 to rate the selected competency"))
        table.setHorizontalHeaderLabels(
            [self.tr("Code"), self.tr("Competency"), self.tr("Rating"), self.tr("Agreed"),
             self.tr("Note")]
        )  # fmt: skip
        agreed_header = table.horizontalHeaderItem(self.AGREED)
        if agreed_header is not None:
            agreed_header.setToolTip(self.tr("The rating your employer agreed, where different"))
        table.verticalHeader().hide()
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        # one line per competency, so twenty and more fit on a laptop screen
        vertical = table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + 8)
        self.rating_delegate = RatingDelegate(self._blank, table)
        self.agreed_delegate = RatingDelegate(self._same, table)
        table.setItemDelegateForColumn(self.RATING, self.rating_delegate)
        table.setItemDelegateForColumn(self.AGREED, self.agreed_delegate)

        given = {r.code.upper(): r for r in preset or ()}
        fixed = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        for row, competency in enumerate(self.competencies):
            code = QTableWidgetItem(competency.code.rpartition(":")[2])
            code.setFlags(fixed)
            code.setToolTip(competency.code)
            text = QTableWidgetItem(competency.label)
            text.setFlags(fixed)
            text.setToolTip(competency.label)
            table.setItem(row, self.CODE, code)
            table.setItem(row, self.COMPETENCY, text)
            preset_rating = given.get(competency.code.upper()) or given.get(
                competency.code.rpartition(":")[2].upper()
            )
            value = preset_rating.rating if preset_rating else current.get(competency.code)
            table.setItem(row, self.RATING, QTableWidgetItem())
            table.setItem(row, self.AGREED, QTableWidgetItem())
            self._set(row, self.RATING, NOT_RATED if value is None else value)
            agreed = preset_rating.agreed if preset_rating else None
            self._set(row, self.AGREED, NOT_RATED if agreed is None else agreed)
            table.setItem(
                row, self.NOTE, QTableWidgetItem(preset_rating.note if preset_rating else "")
            )
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(self.COMPETENCY, QHeaderView.ResizeMode.Stretch)
        metrics = table.fontMetrics()
        widest = max(metrics.horizontalAdvance(rating_text(v, "")) for v, _n in SCALE)
        header.resizeSection(self.CODE, metrics.horizontalAdvance("DS10_") + 16)
        header.resizeSection(self.RATING, widest + 36)
        header.resizeSection(self.AGREED, widest + 36)
        header.resizeSection(self.NOTE, 200)
        table.installEventFilter(self)
        if self.competencies:
            table.setCurrentCell(0, self.RATING)
        table.setFocus()  # ready to type ratings at once

        self.confirmation = QGroupBox(self.tr("Confirmed by my employer or line manager"), self)
        self.confirmation.setCheckable(True)
        self.confirmation.setChecked(False)
        self.confirmer = QLineEdit(self.confirmation)
        self.confirmer.setPlaceholderText(self.tr("Name"))
        self.confirmer.setAccessibleName(self.tr("Confirmed by"))
        self.confirmer_role = QLineEdit(self.confirmation)
        self.confirmer_role.setPlaceholderText(self.tr("Role, e.g. Line manager"))
        self.confirmer_role.setAccessibleName(self.tr("Their role"))
        self.confirmed_on = date_edit(self.confirmation, store.today())
        self.confirmed_on.setAccessibleName(self.tr("Confirmed on"))
        confirm_row = QHBoxLayout(self.confirmation)
        confirm_row.addWidget(self.confirmer, 2)
        confirm_row.addWidget(self.confirmer_role, 2)
        confirm_row.addWidget(self.confirmed_on)
        self.confirmation.setToolTip(
            self.tr("Where they agreed a different rating, set it in the Agreed column.")
        )
        self.confirmation.toggled.connect(self._confirmation_toggled)
        self._confirmation_toggled(False)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.intro)
        layout.addWidget(table, 1)
        layout.addWidget(self.confirmation)
        layout.addWidget(buttons)
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        height = 720 if screen is None else min(720, screen.height() - 48)
        width = 960 if screen is None else min(960, screen.width() - 32)
        self.resize(width, height)

    # --- ratings ----------------------------------------------------------------------------

    def _set(self, row: int, column: int, value: int) -> None:
        item = self.table.item(row, column)
        if item is None:
            return
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setText(rating_text(value, self._blank if column == self.RATING else self._same))

    def _value(self, row: int, column: int) -> int:
        item = self.table.item(row, column)
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return NOT_RATED if value is None else int(value)

    def rating(self, code: str) -> int | None:
        value = self._value(self._rows[code], self.RATING)
        return None if value == NOT_RATED else value

    def set_rating(self, code: str, value: int | None) -> None:
        self._set(self._rows[code], self.RATING, NOT_RATED if value is None else value)

    def agreed(self, code: str) -> int | None:
        value = self._value(self._rows[code], self.AGREED)
        return None if value == NOT_RATED else value

    def set_agreed(self, code: str, value: int | None) -> None:
        self._set(self._rows[code], self.AGREED, NOT_RATED if value is None else value)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if self._rate_by_key(event):
                return True
        return super().eventFilter(watched, event)

    def _rate_by_key(self, event: QKeyEvent) -> bool:
        """0–4 rate the current row (or set what was agreed, in that column), then the next
        row; − or Delete clears it. Typing in the Note column is left alone."""
        key = Qt.Key(event.key())
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if key not in RATING_KEYS and key not in CLEAR_KEYS:
            return False
        row, column = self.table.currentRow(), self.table.currentColumn()
        if row < 0 or column == self.NOTE:
            return False
        target = self.AGREED if column == self.AGREED else self.RATING
        if target == self.AGREED and not self.confirmation.isChecked():
            return True  # nothing agreed yet: the key does nothing rather than rate
        self._set(row, target, RATING_KEYS.get(key, NOT_RATED))
        if key in RATING_KEYS and row + 1 < self.table.rowCount():
            self.table.setCurrentCell(row + 1, column)
        return True

    def _confirmation_toggled(self, on: bool) -> None:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        for row in range(self.table.rowCount()):
            item = self.table.item(row, self.AGREED)
            if item is not None:
                item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if on else flags)
        self.table.setColumnHidden(self.AGREED, not on)

    def ratings(self) -> list[RatingInput]:
        confirmed = self.confirmation.isChecked()
        result = []
        for row, competency in enumerate(self.competencies):
            value = self._value(row, self.RATING)
            if value == NOT_RATED:
                continue
            agreed_value = self._value(row, self.AGREED)
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
        scan = next((x for x in store.snapshot().scans if x.id == scan_id), None)
        when = short_date(scan.date) if scan is not None else ""
        intro = QLabel(
            self.tr(
                "Record who agreed the ratings of the skills scan of {date}: your employer "
                "or line manager, and the day they agreed them."
            ).format(date=when),
            self,
        )
        intro.setWordWrap(True)
        self.setMinimumWidth(420)
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
        layout.addWidget(intro)
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
