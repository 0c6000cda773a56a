"""Paragraphs of user text, cut into bounded pieces.

reportlab re-wraps a paragraph's whole remaining text at every page it spills
onto, so one 100 kB paragraph costs minutes. Long paragraphs are therefore cut
(at a space where there is one) into consecutive paragraphs of at most
``CHUNK_CHARS`` characters that sit flush against each other.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import _handleBulletWidth
from reportlab.platypus.paragraph import split as rl_split
from reportlab.platypus.paragraph import strip as rl_strip
from reportlab.platypus.paraparser import ParaFrag

from app.export.runs import RunsParagraph

CHUNK_CHARS = 1500
_LOOK_BACK = 200  # how far before the limit to look for a space to cut at
_SOFT_HYPHEN = "\xad"


class Para(Paragraph):
    """A Paragraph that keeps its line breaks for the width it was last wrapped at.

    reportlab wraps most paragraphs two or three times at the same width (to keep
    a heading with what follows, to size a table row, then to draw); line breaking
    is the single largest cost of an export, and its result depends on the width only.
    """

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def __init__(
        self,
        text: str,
        style: ParagraphStyle | None = None,
        bulletText: str | None = None,
        frags: list[object] | None = None,
        **kwargs: Any,
    ) -> None:
        if frags is None and style is not None and "<" not in text:
            frags, text = [_plain_frag(text, style)], ""  # no tags: skip the parser
        super().__init__(text, style, bulletText=bulletText, frags=frags, **kwargs)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        cached = self._wrapped
        # reportlab sometimes copies or resets a paragraph (splitting tables): trust
        # the cache only while the line breaks it describes are still there
        if cached is not None and cached[0] == availWidth and "blPara" in self.__dict__:
            return cached[1]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size

    def breakLines(self, width: float | list[float]) -> Any:
        """reportlab's own line breaking, done faster for the common case (see
        ``_plain_lines``); anything else goes to reportlab."""
        lines = _plain_lines(self, width)
        return lines if lines is not None else super().breakLines(width)


def _plain_lines(paragraph: Paragraph, width: float | list[float]) -> Any:
    """The line breaks reportlab's ``breakLines`` makes for one fragment of plain text,
    or None when the paragraph needs more than that path does.

    This is reportlab's own loop for that case (same widths, same result) without
    its per-word checks for hyphenation, soft hyphens and words too long for a line
    (such paragraphs go to reportlab), and with each word's width remembered: line
    breaking is the largest single cost of an export.
    """
    style = paragraph.style
    frags = paragraph.frags
    if len(frags) != 1 or style.wordWrap or style.shaping or style.endDots:
        return None
    if getattr(style, "hyphenationLang", "") or style.uriWasteReduce or style.embeddedHyphenation:
        return None
    frag = frags[0]
    if not isinstance(frag, ParaFrag) or not hasattr(frag, "text"):
        return None
    if hasattr(frag, "cbDefn") or hasattr(frag, "backColor") or _SOFT_HYPHEN in frag.text:
        return None
    max_widths = list(width) if isinstance(width, (list, tuple)) else [width]
    paragraph._width_max = 0
    paragraph.height = 0
    paragraph._splitLongWordCount = paragraph._hyphenations = 0
    _handleBulletWidth(paragraph.bulletText, style, max_widths)
    font_name, font_size = frag.fontName, frag.fontSize
    ascent, descent = getAscentDescent(font_name, font_size)
    text = rl_strip(frag.text)
    if not text:
        return frag.clone(kind=0, lines=[], ascent=ascent, descent=descent, fontSize=font_size)
    words = rl_split(text)
    known = _word_widths(font_name, font_size, paragraph.encoding)
    widths = [known[word] for word in words]
    if style.splitLongWords and max(widths) > min(max_widths):
        return None  # a word wider than a line: reportlab cuts it
    space = known[" "]
    shrink = style.spaceShrinkage * space
    last_line = len(max_widths) - 1
    line_number = 0
    max_width = max_widths[0]
    lines: list[tuple[float, list[str]]] = []
    line: list[str] = []
    current = -space
    for word, word_width in zip(words, widths, strict=True):
        new_width = current + space + word_width
        if new_width <= max_width + shrink * len(line) or not line:
            line.append(word)
            current = new_width
            continue
        if current > paragraph._width_max:
            paragraph._width_max = current
        lines.append((max_width - current, line))
        line = [word]
        current = word_width
        line_number += 1
        max_width = max_widths[min(last_line, line_number)]
    if current > paragraph._width_max:
        paragraph._width_max = current
    lines.append((max_width - current, line))
    return frag.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=font_size)


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


class _WordWidths(dict[str, float]):
    """Widths of the words already measured in one font and size.

    reportlab measures a word in about a microsecond and an export measures some
    hundred thousand of them, most of them words it has seen before.
    """

    LIMIT = 200_000  # words remembered per font and size, to bound the memory
    LONGEST = 64  # characters: longer "words" (pasted hashes, long URLs) are not kept

    def __init__(self, font_name: str, size: float, encoding: str | None) -> None:
        super().__init__()
        self._measure = partial(getFont(font_name).stringWidth, size=size, encoding=encoding)

    def __missing__(self, word: str) -> float:
        width: float = self._measure(word)
        if len(word) <= self.LONGEST:
            if len(self) >= self.LIMIT:
                self.clear()
            self[word] = width
        return width


_widths: dict[tuple[str, float, str | None], _WordWidths] = {}


def _word_widths(font_name: str, size: float, encoding: str | None) -> _WordWidths:
    key = (font_name, size, encoding)
    known = _widths.get(key)
    if known is None:
        known = _widths[key] = _WordWidths(font_name, size, encoding)
    return known


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


_templates: dict[int, tuple[ParagraphStyle, object, tuple[str, ...]]] = {}


def _plain(
    markup: str, style: ParagraphStyle, bullet: str | None, kind: type[Paragraph]
) -> Paragraph | None:
    """A paragraph of text without tags, made without reportlab's markup parser."""
    if "<" in markup:
        return None
    return kind("", style, bulletText=bullet, frags=[_plain_frag(markup, style)])


def _plain_frag(markup: str, style: ParagraphStyle) -> object:
    """The one fragment of a tagless paragraph, cloned from a parsed template.

    Parsing is a sixth of an export's time and most paragraphs (justifications,
    labels, plain reflection paragraphs) have no tags at all.
    """
    entry = _templates.get(id(style))
    if entry is None or entry[0] is not style:
        template = Paragraph("x", style).frags[0]
        lists = tuple(k for k, v in vars(template).items() if isinstance(v, list))
        entry = (style, template, lists)
        _templates[id(style)] = entry
    _, template, lists = entry
    text = markup
    if "&" in text:
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    fresh: dict[str, list[object]] = {name: [] for name in lists}  # unshared
    words = rl_split(rl_strip(text))  # as reportlab splits: a no-break space stays
    return template.clone(text=" ".join(words), **fresh)  # type: ignore[attr-defined]


def linked_paragraph(
    parts: list[tuple[str, bool, str | None]], style: ParagraphStyle, link_colour: Color
) -> RunsParagraph:
    """A paragraph of (text, bold, bookmark or None) runs, without reportlab's Paragraph.

    Every competency claim on every evidence page is one of these (a linked code,
    then its text): as Paragraphs of two fragments, breaking and drawing them was a
    fifth of an export.
    """
    return RunsParagraph.linked(parts, style, link_colour)
