"""The Discussion page: preparing for the professional discussion, theme by theme.

For the selected theme: its criteria and the ready evidence items tagged with its KSBs
(read-only), and the apprentice's own notes prompted as situation, task, action and
result; **Export prep sheet…** writes one page per theme, off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.errors import PortfolioError
from app.services.discussion import STAR, ThemePrep
from app.ui.assessment.page import StorePage
from app.ui.assessment.pdf_task import choose_pdf_path, export_pdf
from app.ui.assessment.store import AssessmentStore
from app.ui.errors import show_error

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


class DiscussionPage(StorePage):
    def __init__(
        self, store: AssessmentStore, window: MainWindow, parent: QWidget | None = None
    ) -> None:
        super().__init__(store, parent)
        self.setObjectName("discussionPage")
        self.window_ = window
        self.themes: list[ThemePrep] = []

        self.list = QListWidget(self)
        self.list.setObjectName("discussionThemes")
        self.list.setAccessibleName(self.tr("Discussion themes"))
        self.list.currentRowChanged.connect(self._show)
        # a long theme name wraps onto a second line rather than hiding behind a scrollbar
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.overview = QPlainTextEdit(self)
        self.overview.setObjectName("themeCriteria")
        self.overview.setReadOnly(True)
        labels = {
            "situation": self.tr("Situation"),
            "task": self.tr("Task"),
            "action": self.tr("Action"),
            "result": self.tr("Result"),
        }
        prompts = {
            "situation": self.tr("Where and when? What was going on?"),
            "task": self.tr("What did you have to do, and why?"),
            "action": self.tr("What did you do yourself? Say “I”, not “we”."),
            "result": self.tr("What happened, and what did you learn?"),
        }
        self.fields: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        for name in STAR:
            edit = QPlainTextEdit(self)
            edit.setObjectName(f"star_{name}")
            edit.setAccessibleName(labels[name])
            edit.setPlaceholderText(prompts[name])
            edit.setTabChangesFocus(True)
            self.fields[name] = edit
            form.addRow(labels[name], edit)
        self.save_button = QPushButton(self.tr("Save notes"), self)
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(not store.read_only)
        self.save_button.setVisible(not store.read_only)  # hidden for a reader, not greyed
        for edit in self.fields.values():
            edit.setReadOnly(store.read_only)
        self.sheet_button = QPushButton(self.tr("Export prep sheet…"), self)
        self.sheet_button.clicked.connect(self.export_sheet)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.sheet_button)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.overview, 2)
        right_layout.addLayout(form, 3)
        right_layout.addLayout(buttons)
        # on a short screen (a laptop at 150 %) the notes scroll: the page must not make
        # the whole window taller than the screen
        scroller = QScrollArea(self)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(right)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.list)
        split.addWidget(scroller)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        store.changed.connect(self.refresh)
        self.refresh()

    def read(self) -> None:
        row = max(0, self.list.currentRow())
        self.themes = self.store.discussion()
        self.list.blockSignals(True)
        self.list.clear()
        for theme in self.themes:
            item = QListWidgetItem(f"{theme.code} {theme.name}")
            item.setToolTip(f"{theme.code} {theme.name}")
            item.setData(Qt.ItemDataRole.UserRole, theme.code)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if self.themes:
            self.list.setCurrentRow(min(row, len(self.themes) - 1))
            self._show(self.list.currentRow())

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.themes):
            return
        theme = self.themes[row]
        lines = [f"{theme.code} {theme.name} — KSBs: {' '.join(theme.ksbs)}", ""]
        for c in theme.criteria:
            grade = self.tr("Pass") if c.grade == "pass" else self.tr("Distinction")
            lines.append(f"{c.code} [{grade}] {c.text}")
        lines.append("")
        lines.append(self.tr("Evidence to draw on:"))
        lines += [f"  {i.ref} {i.title} ({', '.join(i.ksbs)})" for i in theme.items] or [
            self.tr("  none yet: tag ready items with this theme's KSBs")
        ]
        self.overview.setPlainText("\n".join(lines))
        for name, edit in self.fields.items():
            edit.setPlainText(getattr(theme.notes, name))

    def save(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.themes):
            return
        values = {name: edit.toPlainText() for name, edit in self.fields.items()}
        try:
            self.store.save_discussion_notes(self.themes[row].code, **values)
        except PortfolioError as exc:
            show_error(self, exc)

    def export_sheet(self) -> None:
        out = choose_pdf_path(
            self, self.window_, self.tr("Export Prep Sheet"), "discussion prep.pdf"
        )
        if out is not None:
            export_sheet(self.window_, out)


def export_sheet(window: MainWindow, out: Path) -> None:
    export_pdf(
        window,
        out,
        window.tr("Exporting the prep sheet…"),
        window.document.export_discussion_sheet,
    )
