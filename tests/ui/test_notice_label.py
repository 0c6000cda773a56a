"""Notices (the read-only banner, the OTJ warnings, an overdue review) keep readable
colours that suit the appearance, and follow it when it changes."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from app.ui.notice_label import KINDS, NoticeLabel, notice_style
from app.ui.theme import dark_palette, light_palette


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    q = QColor(colour)
    return 0.2126 * channel(q.red()) + 0.7152 * channel(q.green()) + 0.0722 * channel(q.blue())


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _colours(style: str) -> tuple[str, str]:
    background = style.split("background: ")[1].split(";")[0]
    text = style.split("color: ")[1].split(";")[0]
    return background, text


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dark", [False, True])
def test_every_notice_reads_at_wcag_aa_contrast(kind: str, dark: bool) -> None:
    background, text = _colours(notice_style(kind, dark))
    assert _contrast(background, text) >= 4.5


def test_a_notice_turns_dark_with_the_window_and_back(qtbot) -> None:
    label = NoticeLabel("banner")
    qtbot.addWidget(label)
    label.setPalette(light_palette())
    light_background, _ = _colours(label.styleSheet())
    assert QColor(light_background).lightness() > 200

    label.setPalette(dark_palette())
    dark_background, _ = _colours(label.styleSheet())
    assert QColor(dark_background).lightness() < 80

    label.setPalette(light_palette())
    assert _colours(label.styleSheet())[0] == light_background


def test_a_plain_notice_has_no_colours_until_it_has_a_kind(qtbot) -> None:
    label = NoticeLabel(None)
    qtbot.addWidget(label)
    assert label.styleSheet() == ""
    label.set_kind("overdue")
    assert "font-weight: bold" in label.styleSheet()
    label.set_kind(None)
    assert label.styleSheet() == ""
