"""A notice label (a read-only banner, a warning, an overdue review) in colours that suit
the window: light in the light appearance, dark in the dark one, changing with it."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

# kind: ((background, text, border) light, (background, text, border) dark, extra rules)
_KINDS: dict[str, tuple[tuple[str, str, str], tuple[str, str, str], str]] = {
    "banner": (("#FFF4CE", "#3B2F00", "#E0C872"), ("#3A3215", "#FFE9A8", "#8A7326"), "bold"),
    "warning": (("#FFF4E5", "#3B2200", "#B35C00"), ("#3D2A14", "#FFDDB3", "#B35C00"), ""),
    "overdue": (("#FDE2D4", "#4A1500", "#D55E00"), ("#4A2014", "#FFD2BF", "#D55E00"), "bold"),
}
KINDS = tuple(_KINDS)


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` is a dark appearance (light text on a dark window)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def notice_style(kind: str, dark: bool) -> str:
    light_colours, dark_colours, weight = _KINDS[kind]
    background, text, border = dark_colours if dark else light_colours
    bold = " font-weight: bold;" if weight == "bold" else ""
    return (
        f"QLabel {{ background: {background}; color: {text}; border: 1px solid {border};"
        f" border-radius: 3px; padding: 6px 10px;{bold} }}"
    )


class NoticeLabel(QLabel):
    """``set_kind(None)`` shows it as a plain label."""

    def __init__(self, kind: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kind = kind
        self._restyle()

    @property
    def kind(self) -> str | None:
        return self._kind

    def set_kind(self, kind: str | None) -> None:
        self._kind = kind
        self._restyle()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()

    def _restyle(self) -> None:
        style = "" if self._kind is None else notice_style(self._kind, is_dark(self.palette()))
        if style != self.styleSheet():
            self.setStyleSheet(style)
