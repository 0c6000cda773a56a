"""File > Upgrade Standard…: move the portfolio to a newer version of its standard.

The dialog shows how each KSB and duty maps onto the chosen version (unchanged, text
changed, renumbered, removed) with the items each affects, and what will need
re-tagging. Upgrading takes a backup off the GUI thread, then moves the tags in one
transaction (``app.services.standard_upgrade``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import PortfolioError
from app.settings import load_settings
from app.ui.errors import error_label
from app.ui.window_layout import fit_dialog
from app.ui.worker import TaskContext

if TYPE_CHECKING:
    from app.services.standard_upgrade import UpgradePlan
    from app.ui.main_window import MainWindow

# the service's statuses, repeated so that installing the menu entry on a new window
# does not load the ORM before the window is drawn (tests/ui/test_startup.py)
REMOVED = "removed"
UNCHANGED = "unchanged"


def _tr(text: str) -> str:
    return QCoreApplication.translate("StandardUpgrade", text)


def _tags_move(n: int) -> str:
    return _tr("1 tag moves") if n == 1 else _tr("{n} tags move").format(n=n)


def _tags_stay(n: int) -> str:
    return _tr("1 tag stays") if n == 1 else _tr("{n} tags stay").format(n=n)


class UpgradeDialog(QDialog):
    """Choose a newer version, review the mapping, and upgrade."""

    def __init__(
        self, window: MainWindow, versions: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent or window)
        self.window_ = window
        self.plan: UpgradePlan | None = None
        info = window.document.info()
        self.setWindowTitle(self.tr("Upgrade Standard"))
        intro = QLabel(
            self.tr(
                "Your portfolio follows {key} v{version}. Choose the version to move to and "
                "check how each KSB and duty maps onto it. A backup is taken first; the old "
                "version stays installed."
            ).format(key=info.framework_key, version=info.framework_version),
            self,
        )
        intro.setWordWrap(True)
        self.version = QComboBox(self)
        self.version.setAccessibleName(self.tr("Version to move to"))
        for version in versions:
            self.version.addItem(f"v{version}", version)
        self.version.setCurrentIndex(self.version.count() - 1)
        self.option = QComboBox(self)
        self.option.setAccessibleName(self.tr("Option of the new version"))
        self.option_label = QLabel(self.tr("&Option"), self)
        self.option_label.setBuddy(self.option)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Now"), self.tr("Becomes"), self.tr("Change"), self.tr("Items affected")]
        )
        self.table.setAccessibleName(self.tr("How each KSB and duty maps"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.error = error_label(self)
        form = QFormLayout()
        form.addRow(self.tr("&Version"), self.version)
        form.addRow(self.option_label, self.option)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.upgrade_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.upgrade_button.setText(self.tr("&Upgrade"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        fit_dialog(self, 720, 520)
        self.version.currentIndexChanged.connect(self.review)
        self.option.activated.connect(self._option_chosen)
        self.buttons.accepted.connect(self.upgrade)
        self.buttons.rejected.connect(self.reject)
        self.review()

    def _option_chosen(self, *_args: object) -> None:
        self.review(option=self.option.currentData())

    def _show_options(self, plan: UpgradePlan) -> None:
        self.option.clear()
        if plan.new_option is None:
            self.option.addItem(self.tr("Choose the option you follow…"), None)
        for n, title in plan.options:
            self.option.addItem(f"{n}: {title}", n)
        if plan.new_option is not None:
            self.option.setCurrentIndex(self.option.findData(plan.new_option))
        self.option.setVisible(bool(plan.options))
        self.option_label.setVisible(bool(plan.options))

    def review(self, *_args: object, option: int | None = None) -> None:
        """Show the mapping onto the chosen version (and ``option`` of it, once chosen)."""
        self.error.hide()
        self.table.setRowCount(0)
        try:
            self.plan = self.window_.document.plan_standard_upgrade(
                self.version.currentData(), None if option is None else str(option)
            )
        except PortfolioError as exc:
            self.plan = None
            self.error.setText(str(exc))
            self.error.show()
            self.summary.clear()
            self.upgrade_button.setEnabled(False)
            self.option.hide()
            self.option_label.hide()
            return
        self._show_options(self.plan)
        for change in self.plan.changes:
            row = self.table.rowCount()
            self.table.insertRow(row)
            status = change.status
            if change.status != "text changed" and change.text_changed:
                status += self.tr(", text changed")
            cells = (change.old, change.new or "—", status, ", ".join(change.items))
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column < 2:
                    tip = change.old_text if column == 0 else change.new_text
                    cell.setToolTip(tip)
                if column == 2 and change.status == REMOVED:
                    cell.setForeground(Qt.GlobalColor.darkRed)
                elif column == 2 and change.status == UNCHANGED:
                    cell.setForeground(Qt.GlobalColor.darkGray)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        retag = self.plan.retag
        moved = sum(len(c.items) for c in self.plan.changes if c.new is not None)
        text = self.tr("{moved} to the new codes.").format(moved=_tags_move(moved))
        if retag:
            listed = ", ".join(f"{ref} ({code})" for ref, code in retag)
            text += " " + self.tr(
                "{n} on v{old} because v{new} removed the KSB or duty; re-tag afterwards: {listed}."
            ).format(
                n=_tags_stay(len(retag)),
                old=self.plan.old_version,
                new=self.plan.new_version,
                listed=listed,
            )
        if self.plan.new_option_title:
            text += " " + self.tr("Option: {title}.").format(title=self.plan.new_option_title)
        self.summary.setText(text)
        self.upgrade_button.setEnabled(
            not self.window_.document.read_only and not self.plan.needs_option
        )

    def upgrade(self) -> None:
        """Back up (off the GUI thread), then move the tags in one transaction."""
        if self.plan is None:
            return
        version = self.plan.new_version
        option = None if self.plan.new_option is None else str(self.plan.new_option)
        path = self.window_.document.path
        settings = load_settings()

        def work(ctx: TaskContext) -> Path:
            from app.services import standard_upgrade

            return standard_upgrade.backup_before_upgrade(path, settings)

        def done(backup: object) -> None:
            try:
                plan = self.window_.document.upgrade_standard(version, option)
            except PortfolioError as exc:
                self.error.setText(str(exc))
                self.error.show()
                return
            message = self.tr(
                "The portfolio now follows {key} v{version}. Backup: {backup}"
            ).format(key=plan.key, version=plan.new_version, backup=backup)
            if plan.retag:
                message += "\n\n" + self.tr("Re-tag: {listed}").format(
                    listed=", ".join(f"{ref} ({code})" for ref, code in plan.retag)
                )
            self.accept()
            QMessageBox.information(self.window_, self.tr("Upgrade Standard"), message)

        self.window_.run_task(self.tr("Backing up before the upgrade…"), work, on_success=done)


def open_upgrade(window: MainWindow) -> UpgradeDialog | None:
    """File > Upgrade Standard…: the dialog, or a message when there is nothing newer."""
    try:
        versions = window.document.standard_versions_newer()
    except PortfolioError as exc:
        window.show_error(exc)
        return None
    if not versions:
        info = window.document.info()
        QMessageBox.information(
            window,
            _tr("Upgrade Standard"),
            _tr(
                "No newer version of {key} than v{version} is installed. Import one with "
                "the Import standard… button of File ▸ New Portfolio, then upgrade."
            ).format(key=info.framework_key, version=info.framework_version),
        )
        return None
    dialog = UpgradeDialog(window, versions)
    dialog.open()
    return dialog


def install(window: MainWindow) -> None:
    """File > Upgrade Standard… (not in review mode)."""
    if window.document.read_only:
        return
    action = QAction(_tr("&Upgrade Standard…"), window)
    action.setObjectName("upgradeStandardAction")
    action.setStatusTip(_tr("Move the portfolio to a newer version of its standard"))
    action.triggered.connect(lambda _checked=False: open_upgrade(window))
    window.add_file_action(action)
