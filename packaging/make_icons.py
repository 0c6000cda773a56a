"""Render resources/icons/portfolio.svg to the PNG, .ico and .icns files the installers use.

The outputs are committed, so a release build never renders anything; run this again only
after changing the SVG:  QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_RGBA8888)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    pixels = bytes(image.constBits())
    return Image.frombuffer(
        "RGBA", (size, size), pixels, "raw", "RGBA", image.bytesPerLine(), 1
    ).copy()


def main() -> int:
    _app = QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(ICONS / "portfolio.svg"))
    if not renderer.isValid():
        print("make_icons: portfolio.svg is not a valid SVG", file=sys.stderr)
        return 1
    images = {size: render(renderer, size) for size in PNG_SIZES}
    for size, image in images.items():
        # No timestamps or text chunks, so the files only change when the drawing does.
        image.save(ICONS / f"portfolio-{size}.png", optimize=True)
    images[256].save(ICONS / "portfolio.ico", sizes=[(s, s) for s in ICO_SIZES])
    images[512].save(ICONS / "portfolio.icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
