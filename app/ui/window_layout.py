"""The main window's size, position and splitters, remembered from one run to the next.

The values live in the user's settings (``Settings.window_layout``, saved by the
window manager when a window closes); this module reads them off a window and
puts them back, on a screen that is still there: a position left on a monitor
unplugged since falls back to the window centred on the primary screen, and a
size larger than the screen shrinks to fit it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from app.settings import WindowLayout

DEFAULT_SIZE = QSize(1280, 820)
# room left on the screen for the window manager's frame and title bar: a window sized to
# the whole available area would otherwise reach past its bottom edge
FRAME = QSize(16, 40)
GRIP = QSize(120, 24)  # this much of the title bar on a screen, and the user can drag it back
CASCADE = 28  # px a second window is set below and right of the one it opens beside


def fit_dialog(dialog: QWidget, width: int, height: int) -> None:
    """Size ``dialog`` ``width`` x ``height``, or smaller where its screen (a laptop at
    150 %, a small monitor) has less room, so its title bar and buttons stay on it."""
    owner = dialog.parentWidget() or dialog
    screen = owner.screen()
    if screen is not None:
        room = screen.availableGeometry().size() - FRAME
        width, height = min(width, room.width()), min(height, room.height())
    dialog.resize(width, height)


def screen_areas() -> list[QRect]:
    """Each screen's available area (without task bars), the primary screen's first."""
    primary = QGuiApplication.primaryScreen()
    screens = [primary, *(s for s in QGuiApplication.screens() if s is not primary)]
    return [s.availableGeometry() for s in screens if s is not None]


def _grip_visible(rect: QRect, screen: QRect) -> bool:
    title_bar = QRect(rect.topLeft(), QSize(rect.width(), GRIP.height()))
    shown = title_bar.intersected(screen)
    return shown.width() >= min(GRIP.width(), rect.width()) and shown.height() >= GRIP.height()


def placement(
    saved: QRect | None, screens: Sequence[QRect], default: QSize = DEFAULT_SIZE
) -> QRect:
    """Where a window goes: ``saved`` (frame position, inner size) kept on the screen that
    shows its title bar, shrunk to fit that screen; else centred on the primary screen
    (``screens[0]``) at the saved size or ``default``, no larger than that screen."""
    if not screens:
        return saved if saved is not None else QRect(QPoint(0, 0), default)
    if saved is not None:
        for screen in screens:
            if _grip_visible(saved, screen):
                rect = QRect(saved.topLeft(), _fit(saved.size(), screen))
                # pull back inside whatever now hangs off the right or the bottom
                rect.moveLeft(max(screen.left(), min(rect.left(), screen.right() - rect.width())))
                rect.moveTop(max(screen.top(), min(rect.top(), screen.bottom() - rect.height())))
                return rect
    primary = screens[0]
    size = _fit(saved.size() if saved is not None else default, primary)
    rect = QRect(QPoint(0, 0), size)
    rect.moveCenter(primary.center())
    return rect


def _fit(size: QSize, screen: QRect) -> QSize:
    """``size`` no larger than ``screen`` leaves room for, frame and title bar included."""
    room = QSize(max(1, screen.width() - FRAME.width()), max(1, screen.height() - FRAME.height()))
    return size.boundedTo(room)


def capture_layout(
    window: QMainWindow, splitters: Mapping[str, QSplitter], kept: WindowLayout | None = None
) -> WindowLayout:
    """``window`` as it is now. A splitter not laid out this run (on a page never shown)
    keeps the sizes in ``kept``, the layout the window was opened with."""
    maximized = window.isMaximized() or window.isFullScreen()
    inner = window.normalGeometry() if maximized else window.geometry()
    frame_offset = window.geometry().topLeft() - window.frameGeometry().topLeft()
    corner = inner.topLeft() - frame_offset
    sizes: dict[str, tuple[int, ...]] = dict(kept.splitters) if kept is not None else {}
    for name, splitter in splitters.items():
        now = tuple(splitter.sizes())
        if len(now) == splitter.count() and all(size > 0 for size in now):
            sizes[name] = now
    return WindowLayout(
        x=corner.x(),
        y=corner.y(),
        width=inner.width(),
        height=inner.height(),
        maximized=maximized,
        splitters=tuple(sorted(sizes.items())),
    )


def restore_layout(
    window: QMainWindow, layout: WindowLayout | None, splitters: Mapping[str, QSplitter]
) -> None:
    """Size and place ``window`` (before it is shown) and split its panes as in ``layout``;
    with no layout, the default size, centred."""
    saved = None
    if layout is not None:
        saved = QRect(layout.x, layout.y, layout.width, layout.height)
    rect = placement(saved, screen_areas())
    window.resize(rect.size())
    window.move(rect.topLeft())
    if layout is None:
        return
    if layout.maximized:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    for name, splitter in splitters.items():
        sizes = layout.splitter(name)
        if sizes is not None and len(sizes) == splitter.count():
            splitter.setSizes(list(sizes))


def cascaded(layout: WindowLayout) -> WindowLayout:
    """``layout`` for a window opened beside another: a little below and to the right
    (``placement`` brings it back on screen if that goes too far)."""
    return replace(layout, x=layout.x + CASCADE, y=layout.y + CASCADE)
