"""The Themes page: a heatmap by the assessment plan's themes, gaps by theme, and the
selected theme's criteria with whether each rests on evidence.

One row per theme (project themes first, then the professional discussion's); its
cells are the theme's KSBs, each showing its code and the number of ready items, on
the same colour-blind-safe scale as the coverage heatmap. Plan texts can come from an
imported file, so they are shown as plain text, never as markup.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.assessment_plans import PREVAIL, ThemeCoverage, ThemeReport
from app.services.coverage_scale import colour_for
from app.ui.assessment.page import StorePage
from app.ui.assessment.store import AssessmentStore

Index = QModelIndex | QPersistentModelIndex
THEME, MET, FIRST_KSB = 0, 1, 2
THEME_ROLE = Qt.ItemDataRole.UserRole + 1


class ThemeHeatmapModel(QAbstractTableModel):
    """Themes × their KSBs: each cell a KSB's count of ready items."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: ThemeReport | None = None
        self.width = 0  # KSB columns: the most KSBs any theme has

    def set_report(self, report: ThemeReport | None) -> None:
        self.beginResetModel()
        self.report = report
        themes = report.themes if report else ()
        self.width = max((len(t.ksbs) for t in themes), default=0)
        self.endResetModel()

    def theme(self, row: int) -> ThemeCoverage | None:
        if self.report is None or not 0 <= row < len(self.report.themes):
            return None
        return self.report.themes[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.report is None else len(self.report.themes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIRST_KSB + self.width

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            theme = self.theme(section)
            return theme.method if theme else None
        if section == THEME:
            return self.tr("Theme")
        if section == MET:
            return self.tr("KSBs evidenced")
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        theme = self.theme(index.row())
        if theme is None:
            return None
        column = index.column()
        if role == THEME_ROLE:
            return theme
        if column == THEME:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{theme.code} {theme.name}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return theme.method_name
            return None
        if column == MET:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.tr("{met} of {total}").format(met=theme.met, total=len(theme.ksbs))
            return None
        position = column - FIRST_KSB
        if position >= len(theme.ksbs):
            return None
        ksb = theme.ksbs[position]
        target = self.report.target if self.report else 1
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{ksb.code}: {ksb.count}"
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            fill, ink = colour_for(ksb.count, target)
            return QBrush(QColor(fill if role == Qt.ItemDataRole.BackgroundRole else ink))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _ksb_tip(self, ksb.code, ksb.count, ksb.drafts, ksb.items)
        return None


def _ksb_tip(
    model: ThemeHeatmapModel, code: str, count: int, drafts: int, items: tuple[str, ...]
) -> str:
    text = (
        model.tr("{code}: 1 ready item").format(code=code)
        if count == 1
        else model.tr("{code}: {n} ready items").format(code=code, n=count)
    )
    if items:
        text += " (" + ", ".join(items) + ")"
    if drafts:
        text += "; " + (
            model.tr("1 draft") if drafts == 1 else model.tr("{n} drafts").format(n=drafts)
        )
    return text


class ThemesPage(StorePage):
    def __init__(self, store: AssessmentStore, parent: QWidget | None = None) -> None:
        super().__init__(store, parent)
        self.setObjectName("assessmentThemesPage")
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.prevail = QLabel(self.tr(PREVAIL), self)
        self.prevail.setObjectName("planPrevails")
        self.prevail.setWordWrap(True)
        self.prevail.setTextFormat(Qt.TextFormat.PlainText)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        self.model = ThemeHeatmapModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("themeHeatmap")
        self.table.setAccessibleName(self.tr("Coverage by theme"))
        self.table.setModel(self.model)
        # select cells, not rows: a selected row would hide its heat colours
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.show_theme(current.row())
        )

        self.details = QPlainTextEdit(self)
        self.details.setObjectName("themeDetails")
        self.details.setReadOnly(True)
        self.details.setAccessibleName(self.tr("The selected theme"))
        self.gaps = QPlainTextEdit(self)
        self.gaps.setObjectName("gapsByTheme")
        self.gaps.setReadOnly(True)
        self.gaps.setAccessibleName(self.tr("Gaps by theme"))

        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(_titled(self.tr("Selected theme: criteria and evidence"), self.details))
        lower.addWidget(_titled(self.tr("Gaps by theme"), self.gaps))
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.prevail)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        store.changed.connect(self.refresh)
        self.refresh()

    def read(self) -> None:
        row = self.table.currentIndex().row()
        report = self.store.theme_report()
        self.model.set_report(report)
        if report is None:
            self.title.setText(self.tr("This standard has no assessment plan."))
            self.summary.clear()
            self.details.clear()
            self.gaps.clear()
            return
        plan = report.plan
        self.title.setText(f"{plan.title} ({plan.framework} v{plan.framework_version})")
        complete = report.complete
        total = len(report.themes)
        self.summary.setText(
            self.tr("{complete} of {total} themes have evidence for every KSB.").format(
                complete=complete, total=total
            )
        )
        self.gaps.setPlainText(gaps_text(self, report))
        if self.model.rowCount():
            row = max(0, min(row, self.model.rowCount() - 1))
            self.table.setCurrentIndex(self.model.index(row, THEME))
            self.show_theme(row)

    def show_theme(self, row: int) -> None:
        theme = self.model.theme(row)
        if theme is None:
            self.details.clear()
            return
        self.details.setPlainText(theme_text(self, theme))


def theme_text(widget: QWidget, theme: ThemeCoverage) -> str:
    lines = [f"{theme.code} {theme.name} ({theme.method_name})", ""]
    lines.append(widget.tr("KSBs: {codes}").format(codes=" ".join(k.code for k in theme.ksbs)))
    if not theme.ksbs_verified:
        lines.append(widget.tr("(this theme's KSB list is not verified against the plan)"))
    items = ", ".join(theme.items) or widget.tr("none yet")
    lines.append(widget.tr("Evidence items: {items}").format(items=items))
    lines.append("")
    for criterion in theme.criteria:
        mark = "✓" if criterion.evidenced else "✗"
        grade = widget.tr("Pass") if criterion.grade == "pass" else widget.tr("Distinction")
        lines.append(f"{mark} {criterion.code} [{grade}] {criterion.text}")
    lines.append("")
    lines.append(widget.tr("✓: a KSB it rests on has evidence; ✗: none of them has yet."))
    return "\n".join(lines)


def gaps_text(widget: QWidget, report: ThemeReport) -> str:
    lines = []
    for theme in report.themes:
        if theme.gaps:
            lines.append(f"{theme.code} {theme.name}: {' '.join(theme.gaps)}")
    return "\n".join(lines) or widget.tr("No gaps: every theme's KSBs have evidence.")


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget(widget.parentWidget())
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(QLabel(title, box))
    layout.addWidget(widget)
    return box
