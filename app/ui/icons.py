"""One icon set for the whole app: Material Design Icons through QtAwesome.

Icons are drawn from the font in the palette's text colour (and a muted one when
disabled), so they follow light and dark appearance; ``IconRefresher`` redraws the
icons it was given when the palette changes. Nothing here falls back to Qt's own
style icons. Material Design Icons are under the Apache License 2.0 (QtAwesome, MIT,
ships the font and its licence).

Importing QtAwesome and loading its font takes longer than drawing the first window,
so icons given to an ``IconRefresher`` are drawn once the first window is on screen
(``start_drawing``, called on its first paint) and at once after that.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

os.environ.setdefault("QT_API", "pyside6")  # QtAwesome reaches Qt through QtPy

NAMES: dict[str, str] = {
    "new": "mdi6.file-document-plus-outline",
    "delete": "mdi6.delete-outline",
    "undo": "mdi6.undo",
    "redo": "mdi6.redo",
    "open": "mdi6.folder-open-outline",
    "attach": "mdi6.paperclip",
    "file": "mdi6.file-outline",
    "evidence": "mdi6.text-box-multiple-outline",
    "coverage": "mdi6.view-grid-outline",
    "progress": "mdi6.chart-line",
    "otj": "mdi6.clock-outline",
    "reviews": "mdi6.account-group-outline",
    "assessment": "mdi6.clipboard-check-outline",
    "export": "mdi6.file-export-outline",
    "folder": "mdi6.folder-outline",
    "copy": "mdi6.content-copy",
    "project": "mdi6.briefcase-outline",
    "discussion": "mdi6.forum-outline",
    "gateway": "mdi6.flag-checkered",
    "themes": "mdi6.view-dashboard-outline",
}

# tab titles (as the pages name themselves) to icons
PAGE_ICONS = {
    "Evidence": "evidence",
    "Coverage": "coverage",
    "Progress": "progress",
    "Off-the-job": "otj",
    "Reviews": "reviews",
    "Assessment": "assessment",
    "Themes": "themes",
    "Project": "project",
    "Discussion": "discussion",
    "Gateway": "gateway",
}


def icon(name: str) -> QIcon:
    """The icon ``name`` (a key of NAMES) in the current palette's colours."""
    import qtawesome

    palette = QApplication.palette()
    normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    return qtawesome.icon(NAMES[name], color=normal.name(), color_disabled=disabled.name())


_drawing = False  # False until the first window has been painted
_waiting: list[IconRefresher] = []  # refreshers given icons before that


def start_drawing() -> None:
    """Draw every icon given so far, and any given from now on at once."""
    global _drawing
    if _drawing:
        return
    _drawing = True
    waiting = [r for r in _waiting if isValid(r)]
    _waiting.clear()
    for refresher in waiting:
        refresher.refresh()


class IconRefresher(QObject):
    """Keeps a widget tree's icons in the palette's colours (light, dark, system)."""

    def __init__(self, watched: QObject) -> None:
        super().__init__(watched)
        self._setters: list[tuple[Callable[[QIcon], None], str]] = []
        watched.installEventFilter(self)

    def set(self, setter: Callable[[QIcon], None], name: str) -> None:
        self._setters.append((setter, name))
        if _drawing:
            setter(icon(name))
        elif self not in _waiting:
            _waiting.append(self)

    def refresh(self) -> None:
        if not _drawing:
            return  # start_drawing draws them all
        for setter, name in self._setters:
            setter(icon(name))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.PaletteChange:
            self.refresh()
        return super().eventFilter(watched, event)
