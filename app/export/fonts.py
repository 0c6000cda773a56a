"""The embedded TrueType fonts: DejaVu Sans (a family) and DejaVu Sans Mono.

Registered once per process with reportlab, from absolute paths given by
``resource_path``; reportlab embeds the subset of glyphs each PDF uses.
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics

from app.config import resource_path
from app.errors import PortfolioError
from app.export.reportlab_private import SubsetFont

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
SANS_ITALIC = "DejaVuSans-Oblique"
SANS_BOLD_ITALIC = "DejaVuSans-BoldOblique"
MONO = "DejaVuSansMono"
MONO_BOLD = "DejaVuSansMono-Bold"
MONO_ITALIC = "DejaVuSansMono-Oblique"
MONO_BOLD_ITALIC = "DejaVuSansMono-BoldOblique"

_FAMILIES = (
    (SANS, SANS_BOLD, SANS_ITALIC, SANS_BOLD_ITALIC),
    (MONO, MONO_BOLD, MONO_ITALIC, MONO_BOLD_ITALIC),
)
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register both families (so <b>/<i> pick the right face), once per process."""
    global _registered
    with _lock:
        if _registered:
            return
        for family in _FAMILIES:
            for name in family:
                path = resource_path("fonts", f"{name}.ttf")
                try:
                    pdfmetrics.registerFont(SubsetFont(name, str(path)))
                except Exception as exc:  # a damaged or missing install
                    raise PortfolioError(
                        f"The font {path.name} is missing or damaged; reinstall the app."
                    ) from exc
            regular, bold, italic, bold_italic = family
            pdfmetrics.registerFontFamily(
                regular, normal=regular, bold=bold, italic=italic, boldItalic=bold_italic
            )
        _registered = True
