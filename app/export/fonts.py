"""The embedded TrueType fonts: DejaVu Sans (a family) and DejaVu Sans Mono.

Registered once per process with reportlab, from absolute paths given by
``resource_path``; reportlab embeds the subset of glyphs each PDF uses.
"""

from __future__ import annotations

import threading
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.config import resource_path
from app.errors import PortfolioError

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


class _SubsetFont(TTFont):
    """A TrueType font that maps already-seen text to its subset codes in one step.

    reportlab maps every character of every string it draws through a Python loop,
    a tenth of an export's time. Once a document has assigned codes to the characters
    of a string (nearly always in the first subset), the mapping is ``str.translate``;
    anything else (new characters, later subsets) takes reportlab's own path, so the
    codes, and the file, are the same.
    """

    def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> list[Any]:
        state = self.state.get(doc)
        if state is None or not isinstance(text, str) or not text:
            return list(super().splitString(text, doc, encoding))
        assignments: dict[int, int] = state.assignments
        known: _FirstSubset | None = getattr(state, "app_first_subset", None)
        if known is None or known.size != len(assignments):
            known = _FirstSubset(assignments)
            state.app_first_subset = known
        if not known.chars.issuperset(text):
            return list(super().splitString(text, doc, encoding))
        return [(0, text.translate(known.codes).encode("latin-1"))]


class _FirstSubset:
    """The characters a document has placed in a font's first subset, and their codes."""

    def __init__(self, assignments: dict[int, int]) -> None:
        self.size = len(assignments)  # assignments only grow: a new size means new ones
        self.codes = {point: code for point, code in assignments.items() if code < 256}
        if 32 in self.codes:
            self.codes[0xA0] = self.codes[32]  # reportlab sets a no-break space as a space
        self.chars = frozenset(map(chr, self.codes))


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
                    pdfmetrics.registerFont(_SubsetFont(name, str(path)))
                except Exception as exc:  # a damaged or missing install
                    raise PortfolioError(
                        f"The font {path.name} is missing or damaged; reinstall the app."
                    ) from exc
            regular, bold, italic, bold_italic = family
            pdfmetrics.registerFontFamily(
                regular, normal=regular, bold=bold, italic=italic, boldItalic=bold_italic
            )
        _registered = True
