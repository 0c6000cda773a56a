"""Help: the About box (with the frameworks' Crown copyright attribution) and the shortcuts."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def about_text(window: QMainWindow, version: str) -> str:
    from app.ui.main_window import MainWindow

    parts = [
        f"<h3>Apprentice Portfolio {escape(version)}</h3>",
        "<p>"
        + escape(
            window.tr(
                "Keep your evidence, tag it against your standard, watch the coverage fill in, "
                "and export your end-point assessment portfolio. Works offline; makes no network "
                "connections."
            )
        )
        + "</p>",
    ]
    if isinstance(window, MainWindow):
        seen: set[str] = set()
        for summary in window.document.frameworks():
            framework = window.document.framework(summary.key)
            if framework.attribution and framework.key not in seen:
                seen.add(framework.key)
                parts.append(
                    f"<p><b>{escape(framework.key)}</b> {escape(framework.title)}: "
                    f"{escape(framework.attribution)}</p>"
                )
    return "".join(parts)


def _all_menus(window: QWidget) -> dict[QAction, QMenu]:
    """Every menu of ``window``, by the action that opens it.

    (Not ``QAction.menu()``: PySide6 takes the returned menu's wrapper as its own, and
    the window's own reference to that menu stops working once it is collected.)"""
    return {menu.menuAction(): menu for menu in window.findChildren(QMenu)}


def _menu_actions(
    menu: QMenu, prefix: str, submenus: dict[QAction, QMenu]
) -> list[tuple[str, QAction]]:
    found: list[tuple[str, QAction]] = []
    for action in menu.actions():
        sub = submenus.get(action)
        name = action.text().replace("&", "")
        if isinstance(sub, QMenu):
            found += _menu_actions(sub, f"{prefix}{name} ▸ ", submenus)
        elif not action.isSeparator() and not action.shortcut().isEmpty():
            found.append((prefix + name, action))
    return found


def shortcuts_dialog(window: QMainWindow) -> QDialog:
    """Every menu action that has a shortcut, as a table (built from the menus themselves)."""
    dialog = QDialog(window)
    dialog.setWindowTitle(window.tr("Keyboard Shortcuts"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    rows: list[tuple[str, QAction]] = []
    menus = _all_menus(window)
    for top in window.menuBar().actions():
        menu = menus.get(top)
        if isinstance(menu, QMenu):
            rows += _menu_actions(menu, top.text().replace("&", "") + " ▸ ", menus)
    table = QTableWidget(len(rows), 2, dialog)
    table.setHorizontalHeaderLabels([window.tr("Command"), window.tr("Shortcut")])
    table.setAccessibleName(window.tr("Keyboard shortcuts"))
    table.verticalHeader().hide()
    # one line a row (the default row was 30 px: half the shortcuts needed scrolling)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setAlternatingRowColors(True)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for row, (name, action) in enumerate(rows):
        table.setItem(row, 0, QTableWidgetItem(name))
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        table.setItem(row, 1, QTableWidgetItem(keys))
    # the command column takes what is left; the shortcut column is always fully shown
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    from app.ui.window_layout import fit_dialog

    fit_dialog(dialog, 640, 520)
    return dialog
