"""The Coverage page: heatmap, target, legend, the gaps, and the texts of the current cell."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services.queries import MAX_TARGET, ItemFilter
from app.ui.document import PortfolioDocument
from app.ui.heatmap import HeatmapGrid, LegendWidget, describe
from app.ui.heatmap_data import HeatmapData


class CoveragePage(QWidget):
    filterRequested = Signal(object)  # ItemFilter: show exactly these items in the list
    targetChanged = Signal(int)
    summaryChanged = Signal(str)  # a short line for the status bar

    def __init__(
        self, document: PortfolioDocument, target: int = 1, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._framework_key = document.framework_key
        self._stale = True
        self._user_sized = False  # the user dragged the splitter: their sizes stand

        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.summary = QLabel(self)
        self.summary.setAccessibleName(self.tr("Coverage summary"))
        self.summary.setWordWrap(True)  # a narrow window wraps it rather than growing
        self.heading.setWordWrap(True)

        self.target = QSpinBox(self)
        self.target.setRange(1, MAX_TARGET)
        self.target.setValue(max(1, min(target, MAX_TARGET)))
        self.target.setAccessibleName(self.tr("Target items per competency"))
        self.target.setToolTip(self.tr("How many ready items each competency needs"))
        target_label = QLabel(self.tr("&Target per KSB:"), self)
        target_label.setBuddy(self.target)
        self.employer_only = QCheckBox(self.tr("Confirmed by &employer"), self)
        self.employer_only.setToolTip(
            self.tr(
                "Count only the claims the employer confirmed (a signer whose organisation "
                "is the Employer in Portfolio Details) for the items as they are now"
            )
        )
        self.legend = LegendWidget(self)
        self.legend.set_target(self.target.value())

        self.grid = HeatmapGrid(self)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidget(self.grid)
        # the grid takes the viewport's width: its cells narrow to fit (down to a legible
        # minimum, below which the area scrolls sideways)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.scroll_area.setFocusProxy(self.grid)

        self.hint = hint = QLabel(self)
        hint.setWordWrap(True)

        self.gaps = QListWidget(self)
        self.gaps.setAccessibleName(self.tr("Competencies below the target"))
        self.gaps.setWordWrap(True)
        # on a short screen the heatmap keeps its rows; the lists scroll, two lines at least
        self.gaps.setMinimumHeight(2 * self.gaps.fontMetrics().height() + 8)
        gaps_box = QGroupBox(self.tr("Gaps"), self)
        gaps_layout = QVBoxLayout(gaps_box)
        gaps_layout.addWidget(self.gaps)

        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName(self.tr("The selected cell"))
        details_box = QGroupBox(self.tr("Selected cell"), self)
        details_layout = QVBoxLayout(details_box)
        # on a short screen the texts scroll rather than being cut off
        details_scroll = QScrollArea(details_box)
        details_scroll.setWidget(self.details)
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        details_scroll.setMinimumHeight(2 * self.details.fontMetrics().height() + 8)
        details_layout.addWidget(details_scroll)

        self.panels_splitter = lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(gaps_box)
        lower.addWidget(details_box)
        lower.setChildrenCollapsible(False)
        lower.setSizes([1, 1])
        upper = QWidget(self)
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.scroll_area, 100)  # up to its maximum: the whole grid
        upper_layout.addWidget(hint)
        upper_layout.addStretch(1)
        self.splitter = split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setChildrenCollapsible(False)
        # the grid grows to its full height first (its maximum); the panels take the rest
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        split.setSizes([1000, 200])  # the grid first, as much as it needs
        split.splitterMoved.connect(self._on_splitter_moved)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.employer_only)
        top.addWidget(target_label)
        top.addWidget(self.target)
        second = QHBoxLayout()
        second.addWidget(self.summary, 1)
        second.addWidget(self.legend)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(split, 1)

        # several changes in one go (a macro, a suggestion) cost one recount
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)

        self.target.valueChanged.connect(self._on_target)
        self.employer_only.toggled.connect(self.refresh)
        self.grid.cellActivated.connect(self._on_cell)
        self.grid.columnActivated.connect(self._on_column)
        self.grid.currentChanged.connect(self._show_details)
        self.gaps.itemActivated.connect(self._on_gap)
        self.gaps.itemClicked.connect(self._on_gap)
        document.coverageChanged.connect(self.schedule_refresh)

    # --- data -----------------------------------------------------------------------------------

    def framework_key(self) -> str:
        return self._framework_key

    def set_framework(self, key: str) -> None:
        if key != self._framework_key:
            self._framework_key = key
            self.refresh()

    def schedule_refresh(self) -> None:
        self._stale = True
        self._refresh_timer.start()

    def refresh(self) -> None:
        """Recount and redraw (a few milliseconds even for 10,000 items)."""
        self._refresh_timer.stop()
        framework = self._document.framework(self._framework_key)
        employer_only = self.employer_only.isChecked()
        report = self._document.coverage(
            self._framework_key,
            self.target.value(),
            with_items=False,
            confirmed_by_employer=employer_only,
        )
        counted = (
            self.tr(
                "Numbers count ready items whose claim the employer confirmed, as they are now."
            )
            if employer_only
            else self.tr("Numbers count ready items.")
        )
        self.hint.setText(
            counted
            + " "
            + self.tr(
                "Bold codes: below the target; green ones: met. Click a cell or a code (or "
                "press Enter) to list its items."
            )
        )
        data = HeatmapData(framework, report, self._document.framework_key)
        self._stale = False
        self.grid.set_data(data)
        # the whole grid without scrolling where the screen allows
        extra = (
            2 * self.scroll_area.frameWidth()
            + self.scroll_area.horizontalScrollBar().sizeHint().height()
        )
        needed = self.grid.sizeHint().height() + extra
        # on a short screen the grid scrolls rather than push the window off it
        self.scroll_area.setMinimumHeight(min(needed, 110))
        self.scroll_area.setMaximumHeight(needed)  # any spare height goes to the panels below
        self._share_height()
        heading = self.tr("Coverage of {key} {title} v{version}").format(
            key=framework.key, title=framework.title, version=framework.version
        )
        if framework.option is not None:
            heading += self.tr(", option {n}: {title}").format(
                n=framework.option.n, title=framework.option.title
            )
        self.heading.setText(heading)
        linked = report.summary.linked_cells
        text = self.tr("{met} of {n} competencies meet the target").format(
            met=report.summary.met, n=report.summary.competencies
        )
        if linked:
            text += self.tr(" · {covered} of {linked} linked cells have evidence").format(
                covered=report.summary.covered_cells, linked=linked
            )
        self.summary.setText(text)
        self._fill_gaps(data)
        self.summaryChanged.emit(
            self.tr("{key}: {met}/{n} met").format(
                key=framework.key, met=report.summary.met, n=report.summary.competencies
            )
        )

    def data(self) -> HeatmapData | None:
        return self.grid.data()

    # --- the height between the grid and the panels ---------------------------------------------

    def _share_height(self) -> None:
        """The whole grid at its natural size where the window allows, yet the panels keep a
        few lines; on a short window the grid's rows shrink (to a legible minimum) first."""
        if self._user_sized:
            return
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        extra = (
            2 * self.scroll_area.frameWidth()
            + self.scroll_area.horizontalScrollBar().sizeHint().height()
        )
        hint = self.hint.heightForWidth(max(1, self.hint.width())) + 6
        natural = self.grid.sizeHint().height() + extra + hint
        smallest = self.grid.minimumSizeHint().height() + extra + hint
        lines = self.gaps.fontMetrics().lineSpacing()
        panels = self.panels_splitter.minimumSizeHint().height() + 3 * lines
        upper = max(smallest, min(natural, total - panels))
        self.splitter.setSizes([upper, total - upper])

    def _on_splitter_moved(self, _pos: int, _index: int) -> None:
        self._user_sized = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._share_height()

    def _fill_gaps(self, data: HeatmapData) -> None:
        self.gaps.clear()
        gaps = data.gaps()
        for competency, total in gaps:
            drafts = self.tr(" (+{d} draft)").format(d=total.drafts) if total.drafts else ""
            name = competency.name or competency.text
            short = name if len(name) <= 110 else name[:109] + "…"
            entry = QListWidgetItem(
                f"{competency.code}  {total.count}/{data.target}{drafts} — {short}"
            )
            entry.setData(Qt.ItemDataRole.UserRole, competency.code)
            entry.setToolTip(competency.text)
            self.gaps.addItem(entry)
        if not gaps:
            done = QListWidgetItem(self.tr("No gaps: every competency meets the target."))
            done.setFlags(Qt.ItemFlag.NoItemFlags)
            self.gaps.addItem(done)

    # --- clicks ---------------------------------------------------------------------------------

    def _on_target(self, value: int) -> None:
        self.legend.set_target(value)
        self.refresh()
        self.targetChanged.emit(value)

    def _on_cell(self, row: int, column: int) -> None:
        data = self.grid.data()
        if data is None:
            return
        flt = data.filter_for_cell(row, column)
        if flt is not None:
            self.filterRequested.emit(self._as_counted(flt, data, column))

    def _on_column(self, column: int) -> None:
        data = self.grid.data()
        if data is not None:
            flt = data.filter_for_column(column)
            self.filterRequested.emit(self._as_counted(flt, data, column))

    def _as_counted(self, flt: ItemFilter, data: HeatmapData, column: int) -> ItemFilter:
        """The filter narrowed to the items the cell counts: with "Confirmed by employer" on,
        only those whose claim of the competency the employer confirmed (the same coverage
        count as the heatmap's, with its list of items)."""
        if not self.employer_only.isChecked():
            return flt
        report = self._document.coverage(
            self._framework_key, data.target, with_items=True, confirmed_by_employer=True
        )
        code = data.columns[column].code
        refs = next((c.items for c in report.competencies if c.code == code), ())
        return replace(flt, refs=tuple(refs))

    def _on_gap(self, entry: QListWidgetItem) -> None:
        code = entry.data(Qt.ItemDataRole.UserRole)
        data = self.grid.data()
        if code and data is not None:
            # a gap: show every item with the competency, drafts included, to finish them
            self.filterRequested.emit(ItemFilter(ksb=data.qualify(code)))

    def _show_details(self, row: int, column: int) -> None:
        data = self.grid.data()
        if data is not None and data.column_count:
            self.details.setText(describe(data, row, column))
