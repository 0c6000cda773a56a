"""The Evidence page: the filter bar and list on the left, the editor on the right."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.queries import ItemFilter
from app.services.views import FrameworkView
from app.ui.document import PortfolioDocument
from app.ui.drafts import DraftStore
from app.ui.editor import EvidenceEditor
from app.ui.evidence_model import (
    COL_DATE,
    COL_FILES,
    COL_KSBS,
    COL_REF,
    COL_SIGNOFF,
    COL_STATUS,
    COL_TITLE,
    EvidenceModel,
)
from app.ui.filter_bar import FilterBar


class EvidencePage(QWidget):
    def __init__(
        self,
        document: PortfolioDocument,
        stack: QUndoStack,
        drafts: DraftStore,
        on_error: Callable[[BaseException], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._total = 0
        self._total_stale = True

        self.filter_bar = FilterBar(self)
        self.model = EvidenceModel(document, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Evidence items"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # The indicator first: enabling sorting sorts by it, and its default (column 0,
        # descending) would query all the ids twice more before the window is shown.
        self.table.horizontalHeader().setSortIndicator(COL_REF, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        # fixed row heights: the view never asks 10,000 rows for their size
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        fm = self.fontMetrics()
        for column, sample in (
            (COL_REF, "E0000"),
            (COL_DATE, "2026-12-31"),
            (COL_STATUS, "Ready__"),
            (COL_KSBS, "KSBs_"),
            (COL_FILES, "Files_"),
            (COL_SIGNOFF, "Signed off_"),
        ):
            header.resizeSection(column, fm.horizontalAdvance(sample) + 24)
        # shown once an item has a sign-off (the sign-off extension says so): an empty
        # column would squeeze the titles on a laptop screen
        self.table.setColumnHidden(COL_SIGNOFF, True)

        self.editor = EvidenceEditor(document, stack, drafts, on_error, self)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.filter_bar.filterChanged.connect(self.apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._restore_current)
        document.itemsChanged.connect(self._items_added_or_removed)
        self._remembered: int | None = None
        self._update_counts()

    # --- filtering ------------------------------------------------------------------------------

    def set_framework(self, framework: FrameworkView) -> None:
        self.filter_bar.set_framework(framework, self._document.framework_key)
        self.editor.set_framework(framework)

    def apply_filter(self, flt: ItemFilter) -> None:
        try:
            self.model.set_filter(flt)
        except Exception:
            self.model.set_filter(ItemFilter())
            raise
        self._update_counts()
        if self.current_item_id() is None and self.model.rowCount() and self.editor.current_item():
            self.editor.show_item(None)

    def show_filter(self, flt: ItemFilter) -> None:
        """Set the filter bar to ``flt`` (e.g. from a heatmap click) and apply it."""
        self.filter_bar.set_filter(flt)

    def _update_counts(self) -> None:
        shown = self.model.rowCount()
        if self.model.filter() == ItemFilter():
            self._total = shown
        elif self._total_stale:
            self._total = len(self._document.item_ids())
        self._total_stale = False
        self.filter_bar.set_counts(shown, self._total)

    def _items_added_or_removed(self) -> None:
        self._total_stale = True
        self._update_counts()

    # --- the current item -----------------------------------------------------------------------

    def current_item_id(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.model.item_id(index.row())

    def select_item(self, item_id: int) -> bool:
        """Make ``item_id`` current (clearing filters that hide it); False if it is gone."""
        row = self.model.row_of(item_id)
        if row is None and self.model.filter() != ItemFilter():
            self.filter_bar.clear()
            row = self.model.row_of(item_id)
        if row is None:
            return False
        index = self.model.index(row, COL_REF)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.editor.show_item(self.model.item_id(current.row()) if current.isValid() else None)

    def _remember_current(self) -> None:
        self._remembered = self.current_item_id()

    def _restore_current(self) -> None:
        self._update_counts()
        remembered, self._remembered = self._remembered, None
        if remembered is None:
            return
        row = self.model.row_of(remembered)
        if row is None:
            self.editor.show_item(None)
            return
        index = self.model.index(row, COL_REF)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
