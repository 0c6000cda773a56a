"""The embedded TrueType fonts: DejaVu Sans (a family) and DejaVu Sans Mono, and
fallback fonts for the characters they lack.

Registered once per process with reportlab, from absolute paths given by
``resource_path``; reportlab embeds the subset of glyphs each PDF uses.

DejaVu has no Chinese, Japanese or Korean characters and no emoji. Text is set in a
fallback font for those (``split_by_font``) when one is found: in the app's own
``resources/fonts/fallback/`` folder, or among the computer's fonts (the folders
fontconfig reads on Linux, the system font folders on Windows and macOS; never
required). reportlab can embed only TrueType outlines, so a font is used only if it
loads. Whatever still has no glyph is remembered per PDF (``missing_glyphs``): the
export lists it in a warning instead of letting it vanish as empty boxes.
"""

from __future__ import annotations

import os
import sys
import threading
import unicodedata
import weakref
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import getFont

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
                    pdfmetrics.registerFont(_EmbeddedFont(name, str(path)))
                except Exception as exc:  # a damaged or missing install
                    raise PortfolioError(
                        f"The font {path.name} is missing or damaged; reinstall the app."
                    ) from exc
            regular, bold, italic, bold_italic = family
            pdfmetrics.registerFontFamily(
                regular, normal=regular, bold=bold, italic=italic, boldItalic=bold_italic
            )
        _registered = True


# ---- characters the embedded fonts lack ----------------------------------------------------

FONT_DIRS_ENV = "PORTFOLIO_FONT_DIRS"  # extra font folders (os.pathsep); "" = none but ours
# Fonts with TrueType outlines (which reportlab can embed) and wide coverage, best first:
# Linux (Droid Sans Fallback, WenQuanYi), Windows (YaHei, SimSun, Segoe UI Emoji and
# Symbol), macOS (Arial Unicode), and monochrome emoji and symbol fonts.
FALLBACK_FILES = (
    "droidsansfallbackfull.ttf",
    "droidsansfallback.ttf",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "msyh.ttc",
    "simsun.ttc",
    "arial unicode.ttf",
    "arialuni.ttf",
    "notoemoji-regular.ttf",
    "notoemoji[wght].ttf",
    "seguiemj.ttf",
    "symbola.ttf",
    "seguisym.ttf",
    "notosanssymbols2-regular.ttf",
)
_SILENT = frozenset(" \xa0\u200b\u200c\u200d\u2060\ufeff")  # nothing to draw anyway
_missing: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_missing_lock = threading.Lock()


class _EmbeddedFont(SubsetFont):
    """An embedded font that remembers, per PDF, the characters it has no glyph for."""

    def __init__(self, name: str, path: str, subfontIndex: int = 0) -> None:
        super().__init__(name, path, subfontIndex=subfontIndex)
        self.covered = frozenset(map(chr, self.face.charToGlyph))

    def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> list[Any]:
        if isinstance(text, str) and not text.isascii():
            lacking = set(text).difference(self.covered)
            if lacking:
                with _missing_lock:
                    _missing.setdefault(doc, set()).update(lacking)
        return super().splitString(text, doc, encoding)


def missing_glyphs(doc: Any) -> list[str]:
    """Characters drawn in PDF document ``doc`` that no font had a glyph for (sorted;
    invisible ones such as joiners and variation selectors left out)."""
    with _missing_lock:
        found = set(_missing.get(doc, ()))
    return sorted(c for c in found if not _invisible(c))


def _invisible(char: str) -> bool:
    if char in _SILENT or unicodedata.category(char) in ("Cf", "Cc", "Zs"):
        return True
    point = ord(char)
    return 0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF  # variation selectors


def describe_missing(chars: list[str], limit: int = 12) -> str:
    """ "🚀 (U+1F680), 中 (U+4E2D)" and how many more."""
    shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in chars[:limit])
    more = len(chars) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def split_by_font(text: str, font_name: str) -> list[tuple[str, str]]:
    """``text`` as (piece, font) runs: characters ``font_name`` lacks in a fallback font
    that has them (when there is one), the rest in ``font_name``."""
    if text.isascii():
        return [(text, font_name)]
    covered = _covered(font_name)
    if covered.issuperset(text):
        return [(text, font_name)]
    runs: list[tuple[str, str]] = []
    for char in text:
        font = font_name
        if char not in covered and char not in _SILENT:
            font = _fallback_for(char) or font_name
        if runs and runs[-1][1] == font:
            runs[-1] = (runs[-1][0] + char, font)
        else:
            runs.append((char, font))
    return runs


def text_width(text: str, font_name: str, size: float) -> float:
    """Width of ``text`` as ``draw_string`` sets it (fallback fonts included)."""
    return sum(
        pdfmetrics.stringWidth(piece, font, size) for piece, font in split_by_font(text, font_name)
    )


def draw_string(
    canvas: Any, x: float, y: float, text: str, font_name: str, size: float, right: bool = False
) -> None:
    """``canvas.drawString`` (or ``drawRightString``) with fallback fonts for characters
    ``font_name`` lacks."""
    runs = split_by_font(text, font_name)
    if len(runs) == 1:
        canvas.setFont(font_name, size)
        (canvas.drawRightString if right else canvas.drawString)(x, y, text)
        return
    if right:
        x -= text_width(text, font_name, size)
    line = canvas.beginText(x, y)
    for piece, font in runs:
        line.setFont(font, size)
        line.textOut(piece)
    canvas.drawText(line)


@lru_cache(maxsize=64)
def _covered(font_name: str) -> frozenset[str]:
    font = getFont(font_name)
    covered = getattr(font, "covered", None)
    if isinstance(covered, frozenset):
        return covered
    face = getattr(font, "face", None)
    return frozenset(map(chr, getattr(face, "charToGlyph", {})))


@lru_cache(maxsize=4096)
def _fallback_for(char: str) -> str | None:
    for name in fallback_fonts():
        if char in _covered(name):
            return name
    return None


_fallbacks: tuple[str, ...] | None = None


def fallback_fonts() -> tuple[str, ...]:
    """Names of the fallback fonts registered with reportlab (found once per process)."""
    global _fallbacks
    with _lock:
        if _fallbacks is None:
            names = []
            for index, path in enumerate(_fallback_files()):
                name = f"Fallback{index}-{path.stem}"
                try:
                    pdfmetrics.registerFont(_EmbeddedFont(name, str(path)))
                except Exception:  # PostScript outlines, a bitmap font, a damaged file
                    continue
                names.append(name)
            _fallbacks = tuple(names)
        return _fallbacks


def forget_fallback_fonts() -> None:
    """Look for fallback fonts afresh on next use (after the font folders changed)."""
    global _fallbacks
    with _lock:
        _fallbacks = None
    _fallback_for.cache_clear()


def _fallback_files() -> list[Path]:
    """The bundle's fallback fonts, then the computer's known ones, best first."""
    bundled = sorted(resource_path("fonts", "fallback").glob("*.tt[fc]"))
    wanted = {name: rank for rank, name in enumerate(FALLBACK_FILES)}
    found: dict[str, Path] = {}
    for folder in font_folders():
        for root, _dirs, files in os.walk(folder):
            for file in files:
                key = file.lower()
                if key in wanted and key not in found:
                    found[key] = Path(root) / file
    return bundled + [found[name] for name in sorted(found, key=wanted.__getitem__)]


def font_folders() -> list[Path]:
    """Where this computer keeps fonts: ``PORTFOLIO_FONT_DIRS`` when set, else fontconfig's
    folders (Linux) or the system's (Windows, macOS)."""
    override = os.environ.get(FONT_DIRS_ENV)
    if override is not None:
        return [Path(p) for p in override.split(os.pathsep) if p]
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home))
        folders = [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    elif sys.platform == "darwin":
        folders = [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library/Fonts"]
    else:
        folders = list(_fontconfig_folders(Path("/etc/fonts/fonts.conf"), home))
    return [folder for folder in dict.fromkeys(folders) if folder.is_dir()]


def _fontconfig_folders(conf: Path, home: Path) -> Iterator[Path]:
    """The <dir> folders of fontconfig's main file (the usual ones if it is unreadable)."""
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    try:
        root = ElementTree.parse(conf).getroot()
        entries = [(d.text or "", d.get("prefix", "")) for d in root.iter("dir")]
    except (OSError, ElementTree.ParseError):
        entries = [("/usr/share/fonts", ""), ("/usr/local/share/fonts", ""), ("fonts", "xdg")]
    for text, prefix in entries:
        text = text.strip()
        if not text:
            continue
        if prefix == "xdg":
            yield data_home / text
        elif text.startswith("~"):
            yield home / text[1:].lstrip("/")
        else:
            yield Path(text)
