"""The evidence list as a table model that opens 10,000 items instantly.

Like Anki's browser, the model holds only the ids of the matching items (one
cheap query, already filtered and sorted by SQLite) and fetches the rows
themselves lazily, a block at a time, when the view first asks for them.
Sorting and filtering therefore happen in SQL, not in a proxy that would have
to read every row; ``SORT_ROLE`` still gives each cell's sort value.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from app.services.queries import ItemFilter, SortKey
from app.services.views import ItemSummary
from app.ui.document import PortfolioDocument

log = logging.getLogger(__name__)

COL_REF = 0
COL_DATE = 1
COL_TITLE = 2
COL_STATUS = 3
COL_KSBS = 4
COL_FILES = 5
COL_SIGNOFF = 6  # filled by the sign-off extension (set_signoff); empty without it
COLUMN_COUNT = 7

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the value a column sorts by
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the item's database id
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 3  # the whole ItemSummary
WARNING_ROLE = Qt.ItemDataRole.UserRole + 4  # what a ready item still lacks ("" if nothing)

BLOCK_SIZE = 100  # rows fetched together when the view scrolls to an unfetched one

_ORDER_FOR_COLUMN: dict[int, SortKey] = {
    COL_REF: "ref",
    COL_DATE: "date",
    COL_TITLE: "title",
    COL_STATUS: "status",
    COL_KSBS: "ksbs",
    COL_FILES: "attachments",
}

Index = QModelIndex | QPersistentModelIndex


class EvidenceModel(QAbstractTableModel):
    def __init__(self, document: PortfolioDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._filter = ItemFilter()
        self._order: SortKey = "ref"
        self._descending = False
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._rows: dict[int, ItemSummary] = {}  # item id -> fetched row
        self._warnings: dict[int, str] = {}  # item id -> readiness warning, for fetched rows
        self._signoff: dict[int, tuple[str, str]] = {}  # item id -> (mark, tooltip)
        self._headers = (
            self.tr("Ref"),
            self.tr("Date"),
            self.tr("Title"),
            self.tr("Status"),
            self.tr("KSBs"),
            self.tr("Files"),
            self.tr("Signed off"),
        )
        self._status_labels = {"draft": self.tr("Draft"), "ready": self.tr("Ready")}
        document.itemChanged.connect(self._on_item_changed)
        document.itemsChanged.connect(self.refresh)
        self.refresh()

    # --- what the list shows --------------------------------------------------------------------

    def filter(self) -> ItemFilter:
        return self._filter

    def set_signoff(self, marks: dict[int, tuple[str, str]]) -> None:
        """What the Signed off column shows per item id: a short mark and its tooltip."""
        changed = set(marks) ^ set(self._signoff) | {
            ident for ident in marks if self._signoff.get(ident) != marks[ident]
        }
        self._signoff = dict(marks)
        for ident in changed:
            row = self._row_of.get(ident)
            if row is not None:
                cell = self.index(row, COL_SIGNOFF)
                self.dataChanged.emit(cell, cell)

    def set_filter(self, flt: ItemFilter) -> None:
        if flt != self._filter:
            self._filter = flt
            self.refresh()

    def refresh(self) -> None:
        """Ask the database again for the matching ids; rows are refetched as needed."""
        self.beginResetModel()
        try:
            ids = self._document.item_ids(self._filter, self._order)
        except Exception:
            self.endResetModel()
            raise
        if self._descending:
            ids.reverse()
        self._ids = ids
        self._row_of = {ident: row for row, ident in enumerate(ids)}
        self._rows.clear()
        self._warnings.clear()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = _ORDER_FOR_COLUMN.get(column)
        descending = order == Qt.SortOrder.DescendingOrder
        if key is None or (key == self._order and descending == self._descending):
            return
        self._order = key
        self._descending = order == Qt.SortOrder.DescendingOrder
        ids = self._document.item_ids(self._filter, self._order)
        if self._descending:
            ids.reverse()
        if len(ids) != len(self._ids) or set(ids) != set(self._row_of):
            self.refresh()  # the items themselves changed meanwhile
            return
        self.layoutAboutToBeChanged.emit()
        old_ids = self._ids
        self._ids = ids
        self._row_of = {ident: row for row, ident in enumerate(ids)}
        # selections and the current row stay on the same items
        froms: list[QModelIndex] = []
        tos: list[QModelIndex] = []
        for index in self.persistentIndexList():
            froms.append(index)
            if index.isValid() and index.row() < len(old_ids):
                tos.append(self.index(self._row_of[old_ids[index.row()]], index.column()))
            else:
                tos.append(QModelIndex())
        self.changePersistentIndexList(froms, tos)
        self.layoutChanged.emit()

    # --- ids and rows ---------------------------------------------------------------------------

    def item_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, item_id: int) -> int | None:
        return self._row_of.get(item_id)

    def ids(self) -> list[int]:
        return list(self._ids)

    def summary(self, row: int) -> ItemSummary | None:
        if not 0 <= row < len(self._ids):
            return None
        ident = self._ids[row]
        found = self._rows.get(ident)
        if found is None:
            self._fetch_block(row)
            found = self._rows.get(ident)
        return found

    def fetched_count(self) -> int:
        """How many rows have been read from the database (for tests and benchmarks)."""
        return len(self._rows)

    def _fetch_block(self, row: int) -> None:
        start = row - row % BLOCK_SIZE
        wanted = [i for i in self._ids[start : start + BLOCK_SIZE] if i not in self._rows]
        try:
            fetched = self._document.summaries(wanted)
            warnings = self._document.ready_warnings(wanted)
        except Exception:  # the file went away under us: show blanks, log why
            log.exception("Could not read evidence rows")
            return
        for summary in fetched:
            self._rows[summary.id] = summary
            self._warnings[summary.id] = warnings.get(summary.id, "")

    def _on_item_changed(self, item_id: int) -> None:
        row = self._row_of.get(item_id)
        if row is None:
            return
        self._rows.pop(item_id, None)
        self._warnings.pop(item_id, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, COLUMN_COUNT - 1))

    # --- QAbstractTableModel --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < COLUMN_COUNT:
            if role == Qt.ItemDataRole.DisplayRole:
                return self._headers[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_KSBS:
                return self.tr(
                    "How many competencies of the portfolio's framework it is tagged with"
                )
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role not in _ROLES_NEEDING_ROW:
            return None
        summary = self.summary(index.row())
        if summary is None:
            return None
        column = index.column()
        warning = self._warnings.get(summary.id, "")
        if role == Qt.ItemDataRole.DisplayRole:
            shown = self._display(summary, column)
            if warning and column == COL_STATUS:
                return self.tr("{status} ⚠").format(status=shown)
            return shown
        if role == SORT_ROLE:
            return _sort_value(summary, column)
        if role == SUMMARY_ROLE:
            return summary
        if role == WARNING_ROLE:
            return warning
        if warning and column == COL_STATUS and role == Qt.ItemDataRole.ToolTipRole:
            return warning
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_TITLE:
                return summary.title
            if column == COL_KSBS:
                return ", ".join((*summary.duties, *summary.ksbs)) or self.tr("Not tagged yet")
            if column == COL_FILES:
                return "\n".join(a.name for a in summary.attachments) or None
            if column == COL_SIGNOFF:
                return self._signoff.get(summary.id, ("", ""))[1] or None
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_KSBS, COL_FILES):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and summary.status == "draft":
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def _display(self, summary: ItemSummary, column: int) -> Any:
        if column == COL_REF:
            return summary.ref
        if column == COL_DATE:
            return summary.date
        if column == COL_TITLE:
            # one line in the table: the full title is in the tooltip and the editor
            return " ".join(summary.title[:300].split())
        if column == COL_STATUS:
            return self._status_labels.get(summary.status, summary.status)
        if column == COL_KSBS:
            return len(summary.ksbs)
        if column == COL_FILES:
            return len(summary.attachments)
        if column == COL_SIGNOFF:
            return self._signoff.get(summary.id, ("", ""))[0]
        return None


_ROLES_NEEDING_ROW = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.FontRole,
        SORT_ROLE,
        SUMMARY_ROLE,
        WARNING_ROLE,
    }
)


def _sort_value(summary: ItemSummary, column: int) -> Any:
    if column == COL_REF:
        return int(summary.ref.lstrip("E") or 0)
    if column == COL_DATE:
        return summary.date
    if column == COL_TITLE:
        return summary.title.casefold()
    if column == COL_STATUS:
        return summary.status
    if column == COL_KSBS:
        return len(summary.ksbs)
    if column == COL_FILES:
        return len(summary.attachments)
    return None
