"""The Project page: the work-based project's scope with a live word count against the
500-word limit (red past it), the week-by-week plan and log, the KSB mapping with the
apprentice's notes, and the submission-pack export.

Everything goes through the assessment store (one transaction per action); the pack is
written off the GUI thread with progress and Cancel (``window.run_task``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import PortfolioError
from app.services.otj import format_minutes
from app.services.project import SCOPE_WORD_LIMIT, MappingRow, Week, word_count
from app.ui.assessment.page import StorePage
from app.ui.assessment.pdf_task import choose_pdf_path, export_pdf
from app.ui.assessment.store import AssessmentStore
from app.ui.errors import show_error
from app.ui.table_model import RowsTableModel

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

Index = QModelIndex | QPersistentModelIndex
OVER_STYLE = "color: #C62828; font-weight: bold;"


class WeeksModel(RowsTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Week] = []
        self.headers = [self.tr("Week"), self.tr("Plan"), self.tr("What I did"), self.tr("Hours")]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        week = self.rows[index.row()]
        column = index.column()
        if column == 0:
            return week.week
        if column == 1:
            return week.plan
        if column == 2:
            return week.log
        return format_minutes(week.minutes) if week.minutes else ""


class MappingModel(RowsTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[MappingRow] = []
        self.headers = [
            self.tr("Theme"),
            self.tr("KSB"),
            self.tr("Criteria"),
            self.tr("Evidence"),
            self.tr("Note"),
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return row.ksb_text
        if role == Qt.ItemDataRole.ToolTipRole and column == 3 and row.attachments:
            return "\n".join(row.attachments)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            row.theme,
            row.ksb,
            ", ".join(row.criteria),
            ", ".join(row.items) or self.tr("none yet"),
            row.note,
        )[column]


class ProjectPage(StorePage):
    def __init__(
        self, store: AssessmentStore, window: MainWindow, parent: QWidget | None = None
    ) -> None:
        super().__init__(store, parent)
        self.setObjectName("projectPage")
        self.window_ = window

        self.title = QLineEdit(self)
        self.title.setAccessibleName(self.tr("Project title"))
        self.scope = QPlainTextEdit(self)
        self.scope.setObjectName("projectScope")
        self.scope.setAccessibleName(self.tr("Project scope"))
        self.scope.setPlaceholderText(
            self.tr("The project summary agreed at gateway: at most 500 words.")
        )
        # two lines at the least (it scrolls): on a laptop at 150 % the page's minimum
        # was what made the window taller than the screen
        self.scope.setMinimumHeight(2 * self.scope.fontMetrics().lineSpacing() + 12)
        self.words = QLabel(self)
        self.words.setObjectName("scopeWords")
        self.scope.textChanged.connect(self._count_words)
        self.save_scope_button = QPushButton(self.tr("Save scope"), self)
        self.save_scope_button.clicked.connect(self.save_scope)
        self.pack_button = QPushButton(self.tr("Export submission pack…"), self)
        self.pack_button.clicked.connect(self.export_pack)
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.words, 1)
        scope_row.addWidget(self.save_scope_button)
        scope_row.addWidget(self.pack_button)
        scope_box = QWidget(self)
        scope_layout = QFormLayout(scope_box)
        scope_layout.addRow(self.tr("Title"), self.title)
        scope_layout.addRow(self.tr("Scope"), self.scope)
        scope_layout.addRow("", _row_widget(scope_box, scope_row))

        self.weeks_model = WeeksModel(self)
        self.weeks = QTableView(self)
        self.weeks.setObjectName("projectWeeks")
        self.weeks.setModel(self.weeks_model)
        self.weeks.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.weeks.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (0, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.weeks.verticalHeader().hide()
        self.weeks.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._load_week(current.row())
        )
        self.week = QSpinBox(self)
        self.week.setRange(1, 52)
        self.week.setPrefix(self.tr("Week "))
        self.week_plan = QLineEdit(self)
        self.week_plan.setPlaceholderText(self.tr("Planned"))
        self.week_log = QLineEdit(self)
        self.week_log.setPlaceholderText(self.tr("What I did"))
        self.week_hours = QSpinBox(self)
        self.week_hours.setRange(0, 168)
        self.week_hours.setSuffix(self.tr(" h"))
        self.save_week_button = QPushButton(self.tr("Save week"), self)
        self.save_week_button.clicked.connect(self.save_week)
        week_row = QHBoxLayout()
        for widget in (self.week, self.week_plan, self.week_log, self.week_hours):
            week_row.addWidget(widget, 1 if isinstance(widget, QLineEdit) else 0)
        week_row.addWidget(self.save_week_button)
        weeks_box = QWidget(self)
        weeks_layout = QVBoxLayout(weeks_box)
        weeks_layout.addWidget(self.weeks, 1)
        weeks_layout.addLayout(week_row)

        self.mapping_model = MappingModel(self)
        self.mapping = QTableView(self)
        self.mapping.setObjectName("projectMapping")
        self.mapping.setModel(self.mapping_model)
        self.mapping.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mapping.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.mapping.horizontalHeader().setStretchLastSection(True)
        self.mapping.verticalHeader().hide()
        self.mapping.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._load_note(current.row())
        )
        self.note = QLineEdit(self)
        self.note.setAccessibleName(self.tr("Where else it is shown"))
        self.note.setPlaceholderText(self.tr("Where else this KSB is shown (a demo, a document…)"))
        self.save_note_button = QPushButton(self.tr("Save note"), self)
        self.save_note_button.clicked.connect(self.save_note)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note, 1)
        note_row.addWidget(self.save_note_button)
        mapping_box = QWidget(self)
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.addWidget(self.mapping, 1)
        mapping_layout.addLayout(note_row)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(weeks_box, self.tr("Week by week"))
        self.tabs.addTab(mapping_box, self.tr("KSB mapping"))
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(scope_box)
        split.addWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        for button in (self.save_scope_button, self.save_week_button, self.save_note_button):
            button.setEnabled(not store.read_only)
        if store.read_only:  # a reader sees the project, with nothing to type into
            self.title.setReadOnly(True)
            self.scope.setReadOnly(True)
            for control in (
                self.save_scope_button,
                self.save_week_button,
                self.save_note_button,
                self.week,
                self.week_plan,
                self.week_log,
                self.week_hours,
                self.note,
            ):
                control.setVisible(False)
        store.changed.connect(self.refresh)
        self.load_scope()
        self.refresh()

    # --- reading ------------------------------------------------------------------------------

    def load_scope(self) -> None:
        current = self.store.current_project()
        self.title.setText(current.title)
        self.scope.setPlainText(current.scope)

    def read(self) -> None:
        current = self.store.current_project()
        self.weeks_model.set_rows(list(current.weeks))
        row = self.mapping.currentIndex().row()
        self.mapping_model.set_rows(self.store.mapping())
        if 0 <= row < self.mapping_model.rowCount():
            self.mapping.selectRow(row)

    def _count_words(self) -> None:
        words = word_count(self.scope.toPlainText())
        text = self.tr("{n} of {limit} words").format(n=words, limit=SCOPE_WORD_LIMIT)
        if words > SCOPE_WORD_LIMIT:
            text += " " + self.tr("(over the limit)")
        self.words.setText(text)
        self.words.setStyleSheet(OVER_STYLE if words > SCOPE_WORD_LIMIT else "")

    def _load_week(self, row: int) -> None:
        if not 0 <= row < len(self.weeks_model.rows):
            return
        week = self.weeks_model.rows[row]
        self.week.setValue(week.week)
        self.week_plan.setText(week.plan)
        self.week_log.setText(week.log)
        self.week_hours.setValue(week.minutes // 60)

    def _load_note(self, row: int) -> None:
        if 0 <= row < len(self.mapping_model.rows):
            self.note.setText(
                self.store.current_project().notes.get(self.mapping_model.rows[row].ksb, "")
            )

    # --- changing -----------------------------------------------------------------------------

    def save_scope(self) -> None:
        try:
            self.store.save_scope(self.title.text(), self.scope.toPlainText())
        except PortfolioError as exc:
            show_error(self, exc)

    def save_week(self) -> None:
        try:
            self.store.save_week(
                self.week.value(),
                self.week_plan.text(),
                self.week_log.text(),
                self.week_hours.value() * 60,
            )
        except PortfolioError as exc:
            show_error(self, exc)

    def save_note(self) -> None:
        row = self.mapping.currentIndex().row()
        if not 0 <= row < len(self.mapping_model.rows):
            return
        try:
            self.store.set_note(self.mapping_model.rows[row].ksb, self.note.text())
        except PortfolioError as exc:
            show_error(self, exc)

    def export_pack(self) -> None:
        out = choose_pdf_path(
            self, self.window_, self.tr("Export Submission Pack"), "submission pack.pdf"
        )
        if out is not None:
            export_pack(self.window_, out)


def export_pack(window: MainWindow, out: Path) -> None:
    """Write the submission pack off the GUI thread (an existing file is replaced: the
    save dialog has already asked)."""
    export_pdf(
        window,
        out,
        window.tr("Exporting the submission pack…"),
        window.document.export_project_pack,
    )


def _row_widget(parent: QWidget, layout: QHBoxLayout) -> QWidget:
    box = QWidget(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    box.setLayout(layout)
    return box
