"""The bar above the evidence list: search as you type, and KSB / duty / status filters."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.services.queries import ItemFilter
from app.services.views import FrameworkView
from app.ui.debounce import Debouncer
from app.ui.search_field import clear_on_escape, make_searchable

SEARCH_DELAY_MS = 150  # a search per pause, not per keystroke
_TOOLTIP = Qt.ItemDataRole.ToolTipRole


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class FilterBar(QWidget):
    filterChanged = Signal(object)  # ItemFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._framework_key = ""
        self._qualify: dict[str, str] = {}
        self._refs: tuple[str, ...] | None = None
        self._quiet = False

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search titles, reflections and tags"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search evidence"))
        self.search.setMinimumWidth(160)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.status = QComboBox(self)
        self.status.setAccessibleName(self.tr("Filter by status"))
        self.status.addItem(self.tr("Any status"), None)
        self.status.addItem(self.tr("Draft"), "draft")
        self.status.addItem(self.tr("Ready"), "ready")

        self.duty = QComboBox(self)
        self.duty.setAccessibleName(self.tr("Filter by duty"))
        self.duty.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.duty.setMinimumContentsLength(9)

        self.ksb = QComboBox(self)
        self.ksb.setAccessibleName(self.tr("Filter by competency"))
        self.ksb.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.ksb.setMinimumContentsLength(9)

        self.refs_label = QLabel(self)
        self.refs_label.setTextFormat(Qt.TextFormat.PlainText)
        self.refs_label.hide()

        self.clear_button = QPushButton(self.tr("Clear filters"), self)
        self.clear_button.setAccessibleName(self.tr("Clear filters"))
        self.clear_button.setEnabled(False)

        self.count = QLabel(self)
        self.count.setAccessibleName(self.tr("Items shown"))

        first = QHBoxLayout()
        first.addWidget(self.search, 1)
        first.addWidget(self.count)
        second = QHBoxLayout()
        second.addWidget(self.status)
        second.addWidget(self.duty, 1)
        second.addWidget(self.ksb, 1)
        second.addWidget(self.refs_label)
        second.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(first)
        layout.addLayout(second)

        clear_on_escape(self.search)
        make_searchable(self.duty, self.tr("Type a duty code or word"))
        make_searchable(self.ksb, self.tr("Type a KSB code or word"))
        self._search_debouncer = Debouncer(self._emit, SEARCH_DELAY_MS, parent=self)
        self.search.textChanged.connect(self._search_debouncer.poke)
        self.search.returnPressed.connect(self._search_debouncer.flush)
        for combo in (self.status, self.duty, self.ksb):
            combo.currentIndexChanged.connect(self._emit)
        self.clear_button.clicked.connect(self.clear)

    def set_framework(self, framework: FrameworkView, portfolio_key: str) -> None:
        """Offer the duties and competencies of ``framework`` (keeps no stale selection)."""
        self._quiet = True
        try:
            self._framework_key = framework.key

            def qualified(code: str) -> str:
                return code if framework.key == portfolio_key else f"{framework.key}:{code}"

            self.duty.clear()
            label = framework.group_label or self.tr("Group")
            self.duty.addItem(self.tr("Any {label}").format(label=label.lower()), None)
            for group in framework.groups:
                name = group.name or group.text
                self.duty.addItem(f"{group.code} — {_short(name)}", qualified(group.code))
                self.duty.setItemData(
                    self.duty.count() - 1, group.text, Qt.ItemDataRole.ToolTipRole
                )
            self.duty.setVisible(bool(framework.groups))
            self.ksb.clear()
            self.ksb.addItem(self.tr("Any competency"), None)
            for competency in framework.competencies:
                name = competency.name or competency.text
                self.ksb.addItem(f"{competency.code} — {_short(name)}", qualified(competency.code))
                self.ksb.setItemData(
                    self.ksb.count() - 1, competency.text, Qt.ItemDataRole.ToolTipRole
                )
        finally:
            self._quiet = False
        self._emit()

    def current_filter(self) -> ItemFilter:
        return ItemFilter(
            ksb=self.ksb.currentData(),
            duty=self.duty.currentData() if self.duty.isVisibleTo(self) else None,
            status=self.status.currentData(),
            search=self.search.text().strip() or None,
            refs=self._refs,
        )

    def set_filter(self, flt: ItemFilter) -> None:
        """Show ``flt`` in the widgets (e.g. from a heatmap click) and apply it."""
        self._quiet = True
        try:
            self.search.setText(flt.search or "")
            self._search_debouncer.cancel()
            _select_data(self.status, flt.status)
            _select_data(self.duty, flt.duty)
            _select_data(self.ksb, flt.ksb)
            self._refs = flt.refs
            if flt.refs is not None:
                shown = ", ".join(flt.refs[:6]) + (" …" if len(flt.refs) > 6 else "")
                self.refs_label.setText(self.tr("Only {refs}").format(refs=shown or "—"))
            self.refs_label.setVisible(flt.refs is not None)
        finally:
            self._quiet = False
        self._emit()

    def clear(self) -> None:
        self.set_filter(ItemFilter())

    def set_counts(self, shown: int, total: int) -> None:
        if shown == total:
            self.count.setText(
                self.tr("1 item") if total == 1 else self.tr("{n} items").format(n=total)
            )
        elif total == 1:
            self.count.setText(self.tr("{shown} of 1 item").format(shown=shown))
        else:
            self.count.setText(self.tr("{shown} of {total} items").format(shown=shown, total=total))

    def _emit(self) -> None:
        if self._quiet:
            return
        self._search_debouncer.cancel()
        flt = self.current_filter()
        self.clear_button.setEnabled(flt != ItemFilter())
        self.filterChanged.emit(flt)


def _select_data(combo: QComboBox, value: str | None) -> None:
    index = combo.findData(value) if value is not None else 0
    combo.setCurrentIndex(max(index, 0))
