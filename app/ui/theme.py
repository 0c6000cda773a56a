"""Look and feel: HiDPI, the Fusion style, and the system / light / dark palette.

By default the app follows the system's colour scheme. View ▸ Appearance (or
``PORTFOLIO_APPEARANCE=light|dark``) overrides it for this session.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QMenu,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleHintReturn,
    QStyleOption,
    QWidget,
)

APPEARANCES = ("system", "light", "dark")


def prepare_application() -> None:
    """Before the QApplication exists: crisp rendering at fractional scale factors."""
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )


class _AppStyle(QProxyStyle):
    """Fusion without the style's own icons on dialog buttons (Save, Cancel…): the app's
    icons come from one set (app.ui.icons), never from Qt's fallbacks."""

    def styleHint(
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
        returnData: QStyleHintReturn | None = None,
    ) -> int:
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, returnData)

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if (
            element in _CHECK_INDICATORS
            and option.palette.color(QPalette.ColorRole.Base).lightness() < 100
        ):
            # On a dark palette Fusion outlines a check box in a colour darker than the
            # window: an unticked box in a list (Request Sign-off's items) disappeared.
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(option.palette.color(QPalette.ColorRole.Mid).lighter(150))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            side = min(option.rect.width(), option.rect.height()) - 1
            box = QRectF(option.rect.x() + 0.5, option.rect.y() + 0.5, side, side)
            box.moveCenter(QRectF(option.rect).center())
            painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 2.0, 2.0)
            painter.restore()


_CHECK_INDICATORS = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
)


def app_style() -> QStyle:
    """Fusion (the same look everywhere, and it honours the palette fully), adjusted."""
    return _AppStyle(QStyleFactory.create("Fusion"))


def apply_style(app: QApplication) -> None:
    app.setStyle(app_style())
    appearance = os.environ.get("PORTFOLIO_APPEARANCE", "system").lower()
    set_appearance(appearance if appearance in APPEARANCES else "system")


_current = "system"


def current_appearance() -> str:
    return _current


def set_appearance(appearance: str) -> None:
    global _current
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    _current = appearance
    hints = QGuiApplication.styleHints()
    if appearance == "system":
        if hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
        palette = app.style().standardPalette()
        if hints.colorScheme() == Qt.ColorScheme.Dark:
            palette = dark_palette()
        app.setPalette(palette)
        return
    scheme = Qt.ColorScheme.Dark if appearance == "dark" else Qt.ColorScheme.Light
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(scheme)
    app.setPalette(dark_palette() if appearance == "dark" else light_palette())


def light_palette() -> QPalette:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app.style().standardPalette()


def dark_palette() -> QPalette:
    """A dark palette with AA contrast for text, for platforms that do not provide one."""
    palette = QPalette()
    window = QColor("#2B2D30")
    base = QColor("#1E1F22")
    text = QColor("#E6E6E6")
    disabled = QColor("#8A8C90")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#26282B"),
        QPalette.ColorRole.ToolTipBase: QColor("#3C3F41"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: disabled,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#3A3D41"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#FF6B6B"),
        QPalette.ColorRole.Light: QColor("#4A4D52"),
        QPalette.ColorRole.Midlight: QColor("#404348"),
        QPalette.ColorRole.Mid: QColor("#5A5D62"),
        QPalette.ColorRole.Dark: QColor("#18191B"),
        QPalette.ColorRole.Shadow: QColor("#000000"),
        QPalette.ColorRole.Highlight: QColor("#3D7AD6"),
        QPalette.ColorRole.HighlightedText: QColor("#FFFFFF"),
        QPalette.ColorRole.Link: QColor("#7AB7FF"),
        QPalette.ColorRole.LinkVisited: QColor("#C39BFF"),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def add_appearance_menu(menu: QMenu, parent: QObject) -> QMenu:
    """View ▸ Appearance: System / Light / Dark."""
    submenu = menu.addMenu(menu.tr("&Appearance"))
    group = QActionGroup(parent)
    labels = {
        "system": menu.tr("Follow the &System"),
        "light": menu.tr("&Light"),
        "dark": menu.tr("&Dark"),
    }
    for appearance in APPEARANCES:
        action = QAction(labels[appearance], group)
        action.setCheckable(True)
        action.setChecked(appearance == _current)
        action.setData(appearance)
        submenu.addAction(action)
    group.triggered.connect(lambda action: set_appearance(action.data()))
    return submenu
