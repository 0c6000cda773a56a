"""The Progress page: skills scans, the progress tracker, and the gaps to a DDaT role level."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import PortfolioError
from app.services import progress_charts as charts
from app.services import skills_scan
from app.services.progress import ProgressSnapshot
from app.services.skills_scan import TrackerRow, rating_name
from app.ui.errors import show_error
from app.ui.progress.charts import (
    CURRENT_ROLE,
    FIRST_ROLE,
    DumbbellChart,
    DumbbellDelegate,
    HistoryChart,
    short_date,
)
from app.ui.progress.scan_dialog import ConfirmDialog, ScanDialog
from app.ui.progress.store import ProgressStore
from app.ui.table_model import RowsTableModel, sortable_table

SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class TrackerModel(RowsTableModel):
    """Each competency: first and latest rating, the change, and its evidence."""

    CODE, COMPETENCY, FIRST, NOW, CHANGE, PROGRESS, EVIDENCE = range(7)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[TrackerRow] = []
        self.headers = [
            self.tr("Code"),
            self.tr("Competency"),
            self.tr("First"),
            self.tr("Now"),
            self.tr("Change"),
            self.tr("Progress"),
            self.tr("Evidence"),
        ]

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == FIRST_ROLE:
            return row.first
        if role == CURRENT_ROLE:
            return row.current
        if role == SORT_ROLE:
            return {
                self.CODE: index.row(),
                self.COMPETENCY: row.label.lower(),
                self.FIRST: -1 if row.first is None else row.first,
                self.NOW: -1 if row.current is None else row.current,
                self.CHANGE: -99 if row.change is None else row.change,
                self.PROGRESS: -1 if row.current is None else row.current,
                self.EVIDENCE: row.evidence,
            }[column]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.CODE:
                return row.code.rpartition(":")[2]
            if column == self.COMPETENCY:
                return row.label
            if column == self.FIRST:
                return "—" if row.first is None else str(row.first)
            if column == self.NOW:
                return "—" if row.current is None else str(row.current)
            if column == self.CHANGE:
                return "" if row.change is None else f"{row.change:+d}"
            if column == self.EVIDENCE:
                drafts = self.tr(" (+{n} draft)").format(n=row.drafts) if row.drafts else ""
                return f"{row.evidence}{drafts}"
        if role == Qt.ItemDataRole.ToolTipRole:
            first = "—" if row.first is None else f"{row.first} {rating_name(row.first)}"
            now = "—" if row.current is None else f"{row.current} {rating_name(row.current)}"
            return self.tr("{code} {label}\nFirst scan: {first}\nNow: {now}").format(
                code=row.code, label=row.label, first=first, now=now
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column not in (
            self.CODE,
            self.COMPETENCY,
        ):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class SkillsPage(QWidget):
    def __init__(self, store: ProgressStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.snapshot: ProgressSnapshot | None = None

        self.new_button = QPushButton(self.tr("New skills scan…"), self)
        self.new_button.clicked.connect(lambda: self.new_scan())
        self.import_button = QPushButton(self.tr("Import ratings…"), self)
        self.import_button.setToolTip(
            self.tr("Start a scan from a CSV file with the columns code and rating (0–4).")
        )
        self.import_button.clicked.connect(self.import_ratings)
        self.level = QComboBox(self)
        self.level.setAccessibleName(self.tr("DDaT role level to compare with"))
        for code, title in store.role_levels():
            self.level.addItem(f"{code} {title}", code)
        self.level.activated.connect(self._level_chosen)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addWidget(self.import_button)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("Compare with DDaT level:"), self))
        top.addWidget(self.level)
        top.addStretch(1)

        self.history = HistoryChart(self)
        self.role_title = QLabel(self)
        self.role_title.setWordWrap(True)
        self.role_chart = DumbbellChart(self)
        self.gaps = QLabel(self)
        self.gaps.setWordWrap(True)
        scale = QLabel(
            self.tr(
                "Ratings use the DDaT scale: 0 new to me, 1 awareness, 2 working, "
                "3 practitioner, 4 expert. Your first scan is the initial assessment; where "
                "your employer confirmed a scan with a different rating, the agreed rating "
                "counts."
            ),
            self,
        )
        scale.setWordWrap(True)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self._heading(self.tr("Mean rating at each scan")))
        left_layout.addWidget(self.history)
        left_layout.addWidget(self.role_title)
        left_layout.addWidget(self.role_chart)
        left_layout.addWidget(self.gaps)
        left_layout.addWidget(scale)
        left_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(left)

        self.model = TrackerModel(self)
        self.proxy, self.table = sortable_table(
            self,
            self.model,
            sort_role=SORT_ROLE,
            accessible_name=self.tr("Progress tracker"),
            sort_column=TrackerModel.CODE,
            order=Qt.SortOrder.AscendingOrder,
        )
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setItemDelegateForColumn(TrackerModel.PROGRESS, DumbbellDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TrackerModel.COMPETENCY, QHeaderView.ResizeMode.Stretch)
        # the short columns fixed to their headings (or widest value), so the competency's
        # text has the rest, however narrow the window
        metrics = self.fontMetrics()
        for column, sample in (
            (TrackerModel.CODE, "DS10"),
            (TrackerModel.FIRST, "First"),
            (TrackerModel.NOW, "Now"),
            (TrackerModel.CHANGE, "Change"),
            (TrackerModel.EVIDENCE, "Evidence"),
        ):
            heading = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(heading))
            header.resizeSection(column, width + 24)
        header.resizeSection(TrackerModel.PROGRESS, 120)
        header.setMinimumSectionSize(metrics.horizontalAdvance("Now") + 16)
        tracker_box = QWidget(self)
        tracker_layout = QVBoxLayout(tracker_box)
        tracker_layout.setContentsMargins(0, 0, 0, 0)
        tracker_layout.addWidget(self._heading(self.tr("Progress tracker")))
        tracker_layout.addWidget(self.summary)
        tracker_layout.addWidget(self.table)

        self.scans = QTableWidget(0, 4, self)
        self.scans.setAccessibleName(self.tr("Skills scans"))
        self.scans.setHorizontalHeaderLabels(
            [self.tr("Date"), self.tr("Ratings"), self.tr("Mean"), self.tr("Confirmed by")]
        )
        self.scans.verticalHeader().hide()
        self.scans.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.scans.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.scans.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.scans.horizontalHeader().setStretchLastSection(True)
        self.confirm_button = QPushButton(self.tr("Confirm…"), self)
        self.confirm_button.setToolTip(
            self.tr("Record that your employer or line manager agreed this scan.")
        )
        self.confirm_button.clicked.connect(self.confirm_selected)
        self.delete_button = QPushButton(self.tr("Delete scan"), self)
        self.delete_button.clicked.connect(self.delete_selected)
        scans_box = QWidget(self)
        scans_layout = QVBoxLayout(scans_box)
        scans_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self._heading(self.tr("Skills scans")))
        row.addStretch(1)
        row.addWidget(self.confirm_button)
        row.addWidget(self.delete_button)
        scans_layout.addLayout(row)
        scans_layout.addWidget(self.scans)

        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(tracker_box)
        right.addWidget(scans_box)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(scroll)
        split.addWidget(right)
        split.setStretchFactor(0, 2)  # the tracker's columns need the wider half
        split.setStretchFactor(1, 3)
        # from the start, not only once resized: at 1024 px the competency's text kept
        # eight characters beside the chart's natural width
        split.setSizes([380, 620])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        for button in (self.new_button, self.import_button, self.confirm_button,
                       self.delete_button):  # fmt: skip
            button.setEnabled(not store.read_only)
            button.setVisible(not store.read_only)  # hidden for a reader, not greyed
        self.level.setEnabled(not store.read_only)
        store.changed.connect(self.refresh)
        self.refresh()

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text, self)
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        label.setFont(font)
        return label

    # --- showing --------------------------------------------------------------------------------

    def refresh(self) -> None:
        snap = self.snapshot = self.store.snapshot()
        tracker, role = snap.tracker, snap.role
        index = self.level.findData(role.level)
        if index >= 0:
            self.level.setCurrentIndex(index)
        self.history.set_points(charts.history_points(tracker))
        self.role_title.setText(
            self.tr(
                "<b>Against DDaT {level} {title}</b>: {met} of {total} skills at the level "
                "the role needs."
            ).format(level=role.level, title=_html(role.title), met=role.met, total=len(role.rows))
        )
        self.role_chart.set_rows(charts.role_rows(role), required=True)
        if role.gaps:
            parts = []
            for g in role.gaps:
                now = self.tr("not rated") if g.current is None else rating_name(g.current)
                parts.append(
                    self.tr("{code} {name}: needs {needed}, now {now}").format(
                        code=g.code, name=_html(g.name), needed=g.required_level, now=now
                    )
                )
            self.gaps.setText(self.tr("<b>Gaps to this level</b><br>") + "<br>".join(parts))
        else:
            self.gaps.setText(self.tr("No gaps: every skill is at the level this role needs."))
        self.model.set_rows(list(tracker.rows))
        if tracker.history:
            self.summary.setText(
                (self.tr("1 scan.") if len(snap.scans) == 1
                 else self.tr("{n} scans.").format(n=len(snap.scans)))
                + " "
                + self.tr("Mean rating {first:.1f} at the first scan, {now:.1f} now;").format(
                    first=tracker.overall_first or 0, now=tracker.overall_current or 0
                )
                + " "
                + (self.tr("1 competency has moved up.") if tracker.improved == 1
                   else self.tr("{n} competencies have moved up.").format(n=tracker.improved))
            )  # fmt: skip
        else:
            self.summary.setText(
                self.tr("No skills scan yet. Your first scan is your initial assessment.")
            )
        self.scans.setRowCount(len(snap.scans))
        for row, scan in enumerate(reversed(snap.scans)):
            mean = sum(r.effective for r in scan.ratings) / len(scan.ratings)
            who = "; ".join(
                f"{c.name}{', ' + c.role if c.role else ''} ({short_date(c.date)})"
                for c in scan.confirmations
            )
            label = short_date(scan.date)
            if scan.initial:
                label += self.tr(" (initial assessment)")
            values = [label, str(len(scan.ratings)), f"{mean:.1f}", who or self.tr("not confirmed")]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, scan.id)
                self.scans.setItem(row, column, item)
        self.scans.resizeColumnsToContents()

    # --- actions --------------------------------------------------------------------------------

    def _level_chosen(self, index: int) -> None:
        try:
            self.store.set_role_level(str(self.level.itemData(index)))
        except PortfolioError as exc:
            show_error(self, exc)

    def new_scan(self, preset: list[skills_scan.RatingInput] | None = None) -> ScanDialog:
        """Open the scan form, filled in with the latest ratings (or ``preset``)."""
        current = {}
        if self.snapshot is not None:
            current = {r.code: r.current for r in self.snapshot.tracker.rows}
        dialog = ScanDialog(self.store, current, preset, self)
        dialog.open()
        return dialog

    def import_ratings(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import ratings"), str(Path.home()), self.tr("CSV files (*.csv)")
        )
        if not name:
            return
        try:
            raw = Path(name).read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise PortfolioError(
                    self.tr("{name} is not UTF-8 text; save it as CSV UTF-8.").format(name=name)
                ) from exc
            ratings = skills_scan.parse_ratings_csv(text)
        except OSError as exc:
            show_error(
                self,
                PortfolioError(
                    self.tr("Cannot read {name}: {why}.").format(name=name, why=exc.strerror or exc)
                ),
            )
            return
        except PortfolioError as exc:
            show_error(self, exc)
            return
        self.new_scan(ratings)

    def _selected_scan(self) -> int | None:
        items = self.scans.selectedItems()
        return int(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def confirm_selected(self) -> None:
        scan_id = self._selected_scan()
        if scan_id is None:
            QMessageBox.information(
                self, self.tr("Confirm a scan"), self.tr("Select the scan to confirm first.")
            )
            return
        dialog = ConfirmDialog(self.store, scan_id, self)
        dialog.open()

    def delete_selected(self) -> None:
        scan_id = self._selected_scan()
        if scan_id is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete scan"),
            self.tr("Delete this skills scan and all its ratings?"),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.store.delete_scan(scan_id)
        except PortfolioError as exc:
            show_error(self, exc)


def _html(value: str) -> str:
    from html import escape

    return escape(value)
