"""Every use of reportlab's private code, in one place, behind one version gate.

The export is several times faster for reaching into reportlab: a quicker copy of its
line breaking for one-fragment paragraphs, its subset-code mapping done with
``str.translate``, link annotations written directly, a cheaper deep copy of the body
frame, paragraphs made without its markup parser, and a "keep with next" rule that reads
``KeepTogether``'s own measurements. Each leans on names reportlab does not promise to
keep (``_handleBulletWidth``, ``_listWrapOn``, ``blPara``, ``ParaFrag``, ``_absRect``,
``_bookmarkReference``, ``_addAnnotation``, ``pdfdoc.format``, a font's ``state``...).
Nothing outside this module touches a private reportlab name.

The fast paths are used only with a reportlab version they were tested against
(``TESTED_VERSIONS``: the one packaging/requirements-runtime.lock pins). With any other
version, or with ``PORTFOLIO_STOCK_REPORTLAB=1``, every one of them steps aside and stock
reportlab does the work: slower, the same look (tests/test_pdf_stock_path.py compares
the text, links and page count of both paths; CI runs the PDF tests on both).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import reportlab
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Frame, FrameBreak, KeepTogether, Paragraph

TESTED_VERSIONS = frozenset({"5.1.0"})
STOCK_ENV = "PORTFOLIO_STOCK_REPORTLAB"


def _decide() -> bool:
    if os.environ.get(STOCK_ENV, "").strip() not in ("", "0"):
        return False
    return reportlab.Version in TESTED_VERSIONS


_fast = _decide()


def fast_paths() -> bool:
    """Whether the fast paths are in use (a tested reportlab, not forced to stock)."""
    return _fast


def describe() -> str:
    """One line for logs and bug reports."""
    how = "fast paths" if _fast else "stock reportlab"
    return f"reportlab {reportlab.Version} ({how})"


@contextmanager
def stock_reportlab(stock: bool = True) -> Iterator[None]:
    """Lay out with stock reportlab (or with the fast paths) for the duration: for tests
    that compare both paths in one process."""
    global _fast
    before = _fast
    _fast = (not stock) and reportlab.Version in TESTED_VERSIONS
    try:
        yield
    finally:
        _fast = before


# The private imports: if one of them has gone, the fast paths are off (stock reportlab
# still works), rather than every export failing on import.
try:
    from reportlab.lib.rl_accel import fp_str
    from reportlab.pdfbase import pdfdoc
    from reportlab.platypus.flowables import _listWrapOn
    from reportlab.platypus.paragraph import _handleBulletWidth
    from reportlab.platypus.paragraph import split as rl_split
    from reportlab.platypus.paragraph import strip as rl_strip
    from reportlab.platypus.paraparser import ParaFrag
except ImportError:  # pragma: no cover - only on an untested reportlab
    _fast = False
    _LinkBase: Any = object
else:
    _LinkBase = pdfdoc.LinkAnnotation


# ---- fonts: subset codes by str.translate --------------------------------------------------


class SubsetFont(TTFont):
    """A TrueType font that maps already-seen text to its subset codes in one step.

    reportlab maps every character of every string it draws through a Python loop,
    a tenth of an export's time. Once a document has assigned codes to the characters
    of a string (nearly always in the first subset), the mapping is ``str.translate``;
    anything else (new characters, later subsets) takes reportlab's own path, so the
    codes, and the file, are the same.
    """

    def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> list[Any]:
        if not _fast:
            return list(super().splitString(text, doc, encoding))
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


def document_of(canvas: Any) -> Any:
    """The PDF document a canvas writes (what fonts are handed in ``splitString``)."""
    return canvas._doc


# ---- paragraphs: line breaking and tagless text without the parser -------------------------

_SOFT_HYPHEN = "\xad"


def still_wrapped(paragraph: Paragraph) -> bool:
    """Whether the line breaks of ``paragraph``'s last wrap are still there (reportlab
    sometimes copies or resets a paragraph when splitting tables)."""
    return _fast and "blPara" in paragraph.__dict__


def plain_lines(paragraph: Paragraph, width: float | list[float]) -> Any:
    """The line breaks reportlab's ``breakLines`` makes for one fragment of plain text,
    or None when the paragraph needs more than that path does (or the fast paths are off).

    This is reportlab's own loop for that case (same widths, same result) without
    its per-word checks for hyphenation, soft hyphens and words too long for a line
    (such paragraphs go to reportlab), and with each word's width remembered: line
    breaking is the largest single cost of an export.
    """
    if not _fast:
        return None
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


_templates: dict[int, tuple[ParagraphStyle, object, tuple[str, ...]]] = {}


def plain_frag(markup: str, style: ParagraphStyle) -> object | None:
    """The one fragment of a tagless paragraph, cloned from a parsed template; None when
    the fast paths are off (then reportlab's parser reads the text).

    Parsing is a sixth of an export's time and most paragraphs (justifications,
    labels, plain reflection paragraphs) have no tags at all.
    """
    if not _fast or "<" in markup:
        return None
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


# ---- links: internal link annotations written directly -------------------------------------

_NUMBER = (float, int)


class InternalLink(_LinkBase):
    """A borderless link annotation to ``destination``, a reportlab ``Destination``.

    reportlab formats each link through a generic dictionary of generic objects, a
    tenth of the time it takes to save the file; this writes exactly the same bytes
    directly and formats each destination once, however many links point at it.
    """

    def __init__(
        self, rect: tuple[float, float, float, float], destination: Any, formatted: dict[str, bytes]
    ) -> None:
        super().__init__(Rect=rect, Contents="", Destination=destination, Border="[0 0 0]")
        self._formatted = formatted  # destination name -> its bytes, shared by a canvas

    def format(self, document: Any) -> bytes:
        destination = self.Destination
        dest = self._formatted.get(destination.name)
        if dest is None:
            dest = pdfdoc.format(destination, document)
            self._formatted[destination.name] = dest
        rect = fp_str(*self.Rect).encode("latin-1")
        return (
            b"<<\n/Border [ 0 0 0 ] /Contents () /Dest "
            + dest
            + b" /Rect [ "
            + rect
            + b" ] /Subtype /Link /Type /Annot\n>>"
        )


def is_plain_rect(rect: object) -> bool:
    """Four plain numbers: what ``InternalLink`` formats the way reportlab does."""
    return (
        isinstance(rect, tuple) and len(rect) == 4 and all(type(value) in _NUMBER for value in rect)
    )


def add_internal_link(
    canvas: Any, destination_name: str, rect: Any, relative: int, formatted: dict[str, bytes]
) -> bool:
    """Add a plain link to a bookmark the quick way; False when the caller must use
    reportlab's ``linkRect`` (fast paths off, or a rectangle not of plain numbers)."""
    if not _fast:
        return False
    absolute = canvas._absRect(rect, relative)
    if not is_plain_rect(absolute):
        return False
    link = InternalLink(absolute, canvas._bookmarkReference(destination_name), formatted)
    canvas._addAnnotation(link)
    return True


# ---- layout: the body frame's copy, and "keep with next" -----------------------------------

_SHARED = (int, float, str, bool, type(None))


class QuickCopyFrame(Frame):
    """reportlab deep-copies the frame for every trial layout of a group kept
    together (thousands per export); its state is numbers and strings, which a
    copy can share, so only its containers are copied deeply."""

    def __deepcopy__(self, memo: dict[int, Any]) -> QuickCopyFrame:
        clone = copy.copy(self)
        memo[id(self)] = clone
        for name, value in vars(self).items():
            if not _fast or not isinstance(value, _SHARED):
                setattr(clone, name, copy.deepcopy(value, memo))
        return clone


class KeepWithStart(KeepTogether):
    """How ``keepWithNext`` groups are kept: a heading moves to the next page only when
    not even the start of what follows it fits below it (reportlab's own class moves
    the heading and a long table after it to a new page, leaving a blank one).

    It reads ``KeepTogether``'s own measurements; with the fast paths off it asks only
    through public methods (``wrapOn``, ``splitOn``), so it keeps the same look.
    ``top_height`` is the room at the top of an empty frame (``keep_with_start``)."""

    top_height = float("inf")

    def __init__(self, flowables: list[Flowable], maxHeight: float | None = None) -> None:
        super().__init__(flowables, maxHeight)
        self.parts: list[Flowable] = list(_flattened(flowables))

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if not _fast:
            return self._split_public(aW, aH)
        content: list[Flowable] = list(self._content)
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if aH >= self._H:  # all of it fits: the usual case, decided by wrap's measure
            return content
        if len(content) < 2:
            return list(super().split(aW, aH))
        *heads, last = content
        _, head_height = _listWrapOn(heads, aW, self.canv)
        room = aH - head_height
        if room > 0:
            _, height = last.wrapOn(self.canv, aW, room)
            if height <= room or last.splitOn(self.canv, aW, room):
                return content
        frame = getattr(self, "_frame", None)
        if frame is not None and getattr(frame, "_atTop", False):
            return content
        return [FrameBreak(), *content]

    def _split_public(self, aW: float, aH: float) -> list[Flowable]:
        """The same rule through public methods: heights and spacing measured one by
        one, the top of a frame known by its room."""
        content = list(self.parts)
        if len(content) < 2:
            return list(super().split(aW, aH))
        canvas = self.canv
        heights = [part.wrapOn(canvas, aW, 0xFFFFFFF)[1] for part in content]
        *heads, last = content
        head_height = _stacked(heads, heights[:-1])
        if _stacked(content, heights) <= aH:
            return content
        room = aH - head_height
        if room > 0:
            _, height = last.wrapOn(canvas, aW, room)
            if height <= room or last.splitOn(canvas, aW, room):
                return content
        if aH >= self.top_height - 1e-6:  # at the top of a frame: a new one is no roomier
            return content
        return [FrameBreak(), *content]


def keep_with_start(top_height: float) -> type[KeepWithStart]:
    """``KeepWithStart`` for a document whose empty frame has ``top_height`` of room."""
    return type("KeepWithStartInFrame", (KeepWithStart,), {"top_height": top_height})


def _flattened(flowables: Any) -> Iterator[Flowable]:
    for part in flowables:
        if isinstance(part, (list, tuple)):
            yield from _flattened(part)
        else:
            yield part


def _stacked(parts: list[Flowable], heights: list[float]) -> float:
    """Height of flowables laid one under another, as a frame spaces them (the larger of
    one's space after and the next one's space before; none above the first)."""
    total = 0.0
    after = 0.0
    first = True
    for part, height in zip(parts, heights, strict=True):
        if height <= 1e-8:
            continue
        if not first:
            total += max(part.getSpaceBefore() - after, 0)
        first = False
        total += height
        after = part.getSpaceAfter()
        total += after
    return total - after
