"""Paragraphs of user text, cut into bounded pieces.

reportlab re-wraps a paragraph's whole remaining text at every page it spills
onto, so one 100 kB paragraph costs minutes. Long paragraphs are therefore cut
(at a space where there is one) into consecutive paragraphs of at most
``CHUNK_CHARS`` characters that sit flush against each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from app.export import reportlab_private as fast
from app.export.fonts import split_by_font
from app.export.runs import RunsParagraph

CHUNK_CHARS = 1500
_LOOK_BACK = 200  # how far before the limit to look for a space to cut at


class Para(Paragraph):
    """A Paragraph that keeps its line breaks for the width it was last wrapped at.

    reportlab wraps most paragraphs two or three times at the same width (to keep
    a heading with what follows, to size a table row, then to draw); line breaking
    is the single largest cost of an export, and its result depends on the width only.
    """

    _wrapped: tuple[float, tuple[float, float]] | None = None
    frags: list[Any]

    def __init__(
        self,
        text: str,
        style: ParagraphStyle | None = None,
        bulletText: str | None = None,
        frags: list[object] | None = None,
        **kwargs: Any,
    ) -> None:
        if frags is None and style is not None:
            plain = fast.plain_frag(text, style)
            if plain is not None:
                frags, text = [plain], ""  # no tags: skip the parser
        super().__init__(text, style, bulletText=bulletText, frags=frags, **kwargs)
        if not all(getattr(frag, "text", "").isascii() for frag in self.frags):
            self.frags = _with_fallback_fonts(self.frags)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        cached = self._wrapped
        # reportlab sometimes copies or resets a paragraph (splitting tables): trust
        # the cache only while the line breaks it describes are still there
        if cached is not None and cached[0] == availWidth and fast.still_wrapped(self):
            return cached[1]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size

    def breakLines(self, width: float | list[float]) -> Any:
        """reportlab's own line breaking, done faster for the common case (see
        ``reportlab_private.plain_lines``); anything else goes to reportlab."""
        lines = fast.plain_lines(self, width)
        return lines if lines is not None else super().breakLines(width)


def _with_fallback_fonts(frags: list[Any]) -> list[Any]:
    """Fragments whose characters their font lacks cut into runs, those characters in a
    fallback font that has them (``fonts.split_by_font``)."""
    out: list[Any] = []
    for frag in frags:
        text = getattr(frag, "text", "")
        runs = split_by_font(text, frag.fontName) if text and not text.isascii() else []
        if not runs or (len(runs) == 1 and runs[0][1] == frag.fontName):
            out.append(frag)
            continue
        for piece, font in runs:
            fresh = {k: list(v) for k, v in vars(frag).items() if isinstance(v, list)}
            out.append(frag.clone(text=piece, fontName=font, **fresh))
    return out


def paragraphs(
    markup: str,
    style: ParagraphStyle,
    bullet: str | None = None,
    kind: type[Paragraph] = Para,
) -> list[Flowable]:
    """``kind(markup, style)``, or several of them when the text is long."""
    whole = _plain(markup, style, bullet, kind) or kind(markup, style, bulletText=bullet)
    frags = list(whole.frags)
    if sum(len(getattr(f, "text", "") or "") for f in frags) <= CHUNK_CHARS:
        return [whole]
    pieces = _cut(frags)
    out: list[Flowable] = []
    for index, piece in enumerate(pieces):
        first, last = index == 0, index == len(pieces) - 1
        piece_style = ParagraphStyle(
            f"{style.name}-piece",
            parent=style,
            spaceBefore=style.spaceBefore if first else 0,
            spaceAfter=style.spaceAfter if last else 0,
        )
        out.append(kind("", piece_style, bulletText=bullet if first else None, frags=piece))
    return out


def _cut(frags: list[object]) -> list[list[object]]:
    pieces: list[list[object]] = []
    current: list[object] = []
    size = 0
    for frag in frags:
        text: str = getattr(frag, "text", "") or ""
        while size + len(text) > CHUNK_CHARS:
            room = CHUNK_CHARS - size
            cut = text.rfind(" ", max(0, room - _LOOK_BACK), room)
            if cut <= 0:
                cut = room
            if cut > 0:
                current.append(frag.clone(text=text[:cut]))  # type: ignore[attr-defined]
            pieces.append(current)
            current, size = [], 0
            text = text[cut:].lstrip(" ")
        if text or not getattr(frag, "text", ""):
            current.append(frag.clone(text=text) if hasattr(frag, "text") else frag)  # type: ignore[attr-defined]
            size += len(text)
    if current:
        pieces.append(current)
    return [p for p in pieces if p]


def _plain(
    markup: str, style: ParagraphStyle, bullet: str | None, kind: type[Paragraph]
) -> Paragraph | None:
    """A paragraph of text without tags, made without reportlab's markup parser."""
    frag = fast.plain_frag(markup, style)
    return None if frag is None else kind("", style, bulletText=bullet, frags=[frag])


def linked_paragraph(
    parts: list[tuple[str, bool, str | None]], style: ParagraphStyle, link_colour: Color
) -> Flowable:
    """A paragraph of (text, bold, bookmark or None) runs, without reportlab's Paragraph.

    Every competency claim on every evidence page is one of these (a linked code,
    then its text): as Paragraphs of two fragments, breaking and drawing them was a
    fifth of an export. With the fast paths off it is reportlab's own Paragraph.
    """
    if not fast.fast_paths():
        runs = [(text, "b" if strong else None, target) for text, strong, target in parts]
        return Para(_markup(runs, link_colour), style)
    return RunsParagraph.linked(parts, style, link_colour)


def listing_paragraph(
    entries: Sequence[tuple[str, str | None, bool]],
    style: ParagraphStyle,
    link_colour: Color,
    separator: str = ", ",
) -> Flowable:
    """(text, bookmark or None, italic) entries, separated; linked entries in
    ``link_colour`` (the evidence references of the matrix, the codes of a duty).
    With the fast paths off it is reportlab's own Paragraph."""
    if not fast.fast_paths():
        runs: list[tuple[str, str | None, str | None]] = []
        for text, target, italic in entries:
            if runs:
                runs.append((separator, None, None))
            runs.append((text, "i" if italic else None, target))
        return Para(_markup(runs, link_colour), style)
    return RunsParagraph.listing(entries, style, link_colour, separator)


_QUOTE = {'"': "&quot;"}


def _markup(runs: list[tuple[str, str | None, str | None]], link_colour: Color) -> str:
    """Paragraph markup of (text, "b"/"i"/None, bookmark or None) runs."""
    colour = link_colour.hexval().replace("0x", "#")
    out = []
    for text, face, target in runs:
        piece = escape(text)
        if face:
            piece = f"<{face}>{piece}</{face}>"
        if target is not None:
            piece = f'<a href="#{escape(target, _QUOTE)}" color="{colour}">{piece}</a>'
        out.append(piece)
    return "".join(out)
