"""Short paragraphs of plain styled runs, laid out and drawn without reportlab's Paragraph.

Every claim on every evidence page is one (a bold code that links to its row in
the matrix, then the competency's text), and so is every list of evidence
references in the matrix. A ``Paragraph`` of several fragments costs about ten
times a one-fragment one to break into lines and to draw, and a portfolio holds
thousands of these, so they are measured and drawn here, the way reportlab would
(same line breaks, spacing, colours and link areas). The same competency is
claimed by many items, so a short text's layout is made once per width.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from reportlab.lib.colors import Color
from reportlab.lib.fonts import tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus import Flowable

from app.export.fonts import split_by_font

_GAPS = re.compile(r"[^\S\xa0]+")  # where a line may break: white space but no-break space
_LINK_BELOW = 0.2  # link areas reach this many font sizes below the baseline (as reportlab)
_FUZZ = 1e-8
_REMEMBERED_CHARS = 2000  # layouts of longer texts are not kept (they are rare, and big)


@dataclass(frozen=True)
class Run:
    text: str
    font: str
    colour: Color
    target: str | None = None  # bookmark the run links to


class _Word(NamedTuple):
    pieces: tuple[tuple[int, str, float], ...]  # (run, text, width)
    width: float
    space: float  # width of the space after it (0 when none follows)
    space_run: int  # the run that space belongs to: it is measured and drawn in its font


class _Line(NamedTuple):
    spans: tuple[tuple[int, str, float, float], ...]  # (run, text, start x, end x of ink)
    word_space: float  # how much each space is narrowed (<= 0) to fit an overfull line


_Key = tuple[tuple[str, str], ...]  # (text, font) of each run: all a layout depends on


class RunsParagraph(Flowable):
    """Left-aligned text in runs of one font and colour each; runs may link."""

    def __init__(self, runs: Sequence[Run], style: ParagraphStyle) -> None:
        super().__init__()
        self.runs = tuple(_with_fallback_fonts(runs))
        self.style = style
        self.lines: tuple[_Line, ...] = ()
        self._wrapped_for: float | None = None

    @classmethod
    def linked(
        cls, parts: Sequence[tuple[str, bool, str | None]], style: ParagraphStyle, link: Color
    ) -> RunsParagraph:
        """(text, bold, bookmark or None) parts in ``style``'s family; linked parts in ``link``."""
        regular, bold = style.fontName, tt2ps(style.fontName, 1, 0)
        return cls(
            [
                Run(text, bold if strong else regular, style.textColor if target is None else link,
                    target)
                for text, strong, target in parts
            ],
            style,
        )  # fmt: skip

    @classmethod
    def listing(
        cls,
        entries: Sequence[tuple[str, str | None, bool]],
        style: ParagraphStyle,
        link: Color,
        separator: str = ", ",
    ) -> RunsParagraph:
        """(text, bookmark or None, italic) entries in ``style``, separated; linked entries
        in ``link``: the evidence references of the matrix, the codes of a duty."""
        runs: list[Run] = []
        for text, target, italic in entries:
            if runs:
                runs.append(Run(separator, style.fontName, style.textColor))
            font = tt2ps(style.fontName, 0, 1) if italic else style.fontName
            runs.append(Run(text, font, style.textColor if target is None else link, target))
        return cls(runs, style)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._wrapped_for != availWidth:
            style = self.style
            later = availWidth - style.leftIndent - style.rightIndent
            key = tuple((run.text, run.font) for run in self.runs)
            shrinkage = style.spaceShrinkage or 0.0
            first = later - style.firstLineIndent
            layout = _layout if sum(map(len, key)) <= _REMEMBERED_CHARS else _layout.__wrapped__
            self.lines = layout(key, style.fontSize, shrinkage, first, later)
            self._wrapped_for = availWidth
        self.width = availWidth
        self.height = len(self.lines) * self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if self._wrapped_for is None:  # else split the lines as last wrapped (as reportlab:
            self.wrap(availWidth, availHeight)  # a table passes its column's full width)
        style = self.style
        fits, lines = int(availHeight / style.leading), len(self.lines)
        if fits == 0 or (fits == 1 and not style.allowOrphans) or fits >= lines:
            return []
        if fits == lines - 1 and not style.allowWidows:  # keep the last line company
            if lines <= 3 and not (style.allowOrphans and lines == 3):
                return []
            fits -= 1
        return [self._part(self.lines[:fits], True), self._part(self.lines[fits:], False)]

    def _part(self, lines: tuple[_Line, ...], first: bool) -> RunsParagraph:
        """A paragraph of the text of ``lines`` (which a table may wrap again, narrower)."""
        runs: list[Run] = []
        for number, line in enumerate(lines):
            if number:
                runs[-1] = replace(runs[-1], text=runs[-1].text + " ")  # where it broke
            runs += [replace(self.runs[run], text=text) for run, text, _, _ in line.spans]
        style = self.style
        if not first and style.firstLineIndent:
            style = ParagraphStyle(f"{style.name}-rest", parent=style, firstLineIndent=0)
        return RunsParagraph(runs, style)

    def draw(self) -> None:
        canvas = self.canv
        style = self.style
        size, leading = style.fontSize, style.leading
        runs = self.runs
        canvas.saveState()
        y = self.height - size
        text = canvas.beginText(style.leftIndent + style.firstLineIndent, y)
        font: str | None = None
        colour: Color | None = None
        spacing = 0.0
        links: list[tuple[str, float, float, float]] = []
        for number, line in enumerate(self.lines):
            left = style.leftIndent + (style.firstLineIndent if number == 0 else 0)
            if number:
                text.setTextOrigin(left, y)
            if line.word_space != spacing:
                spacing = line.word_space
                text.setWordSpace(spacing)
            for run, chunk, start, end in line.spans:
                face = runs[run]
                if face.font != font:
                    font = face.font
                    text.setFont(font, size, leading)
                if face.colour != colour:
                    colour = face.colour
                    text.setFillColor(colour)
                text.textOut(chunk)
                if face.target is not None:
                    links.append((face.target, left + start, left + end, y))
            y -= leading
        canvas.drawText(text)
        canvas.restoreState()
        for target, start, end, baseline in links:
            rect = (start, baseline - _LINK_BELOW * size, end, baseline + size)
            canvas.linkRect("", target, rect, relative=1)


def _with_fallback_fonts(runs: Sequence[Run]) -> Iterator[Run]:
    """Runs whose characters their font lacks cut, those characters in a fallback font."""
    for run in runs:
        if run.text.isascii():
            yield run
            continue
        for piece, font in split_by_font(run.text, run.font):
            yield replace(run, text=piece, font=font)


@lru_cache(maxsize=4096)
def _layout(
    key: _Key, size: float, shrinkage: float, first: float, later: float
) -> tuple[_Line, ...]:
    """Greedy line breaking as reportlab's: a line may overrun by ``shrinkage`` of its
    spaces (they are narrowed when drawn); a word wider than a line is cut."""
    measures = [getFont(font).stringWidth for _, font in key]
    lines: list[_Line] = []
    words: list[_Word] = []
    width = spaces = 0.0
    room = first
    pending = _words(key, size, measures)
    pending.reverse()  # popped from the end
    while pending:
        word = pending.pop()
        gap = words[-1].space if words else 0.0
        new_width = width + gap + word.width
        limit = room + shrinkage * (spaces + gap)
        if new_width > limit and word.width > later + _FUZZ and _length(word) > 1:
            left = room - width - gap if words else room
            pending += reversed(_cut(word, size, measures, left, later))
            continue
        if new_width > limit and words:
            lines.append(_line(words, width, room))
            words, width, spaces, room = [], 0.0, 0.0, later
            pending.append(word)
            continue
        words.append(word)
        width, spaces = new_width, spaces + gap
    if words:
        lines.append(_line(words, width, room))
    return tuple(lines)


def _words(key: _Key, size: float, measures: list[Callable[[str, float], float]]) -> list[_Word]:
    """The words of the runs; a word may span runs, and ends where white space is."""
    words: list[_Word] = []
    pieces: list[tuple[int, str, float]] = []
    width = 0.0
    for index, (text, _) in enumerate(key):
        measure = measures[index]
        for n, part in enumerate(_GAPS.split(text)):
            if n and pieces:
                words.append(_Word(tuple(pieces), width, measure(" ", size), index))
                pieces, width = [], 0.0
            if part:
                part_width = measure(part, size)
                pieces.append((index, part, part_width))
                width += part_width
    if pieces:
        words.append(_Word(tuple(pieces), width, 0.0, 0))
    elif words:  # white space at the very end is not a gap
        words[-1] = words[-1]._replace(space=0.0)
    return words


def _line(words: list[_Word], width: float, room: float) -> _Line:
    """A line's text as runs to draw in turn, spaces drawn in their own run's font;
    an overfull line's spaces narrowed (a no-break space is drawn as a space, so it
    narrows too, as reportlab counts)."""
    word_space = 0.0
    if width - room > _FUZZ:
        spaces = len(words) - 1 + sum(t.count("\xa0") for w in words for _, t, _ in w.pieces)
        if spaces > 0:
            word_space = (room - width) / spaces
    spans: list[tuple[int, str, float, float]] = []
    x = 0.0
    last = len(words) - 1
    for index, word in enumerate(words):
        for run, text, piece_width in word.pieces:
            if spans and spans[-1][0] == run:
                _, before, start, _ = spans[-1]
                spans[-1] = (run, before + text, start, x + piece_width)
            else:
                spans.append((run, text, x, x + piece_width))
            x += piece_width
        if index < last:
            run = word.space_run
            if spans[-1][0] == run:
                _, before, start, end = spans[-1]
                spans[-1] = (run, before + " ", start, end)
            else:
                spans.append((run, " ", x, x))
            x += word.space + word_space
    return _Line(tuple(spans), word_space)


def _length(word: _Word) -> int:
    return sum(len(text) for _, text, _ in word.pieces)


def _cut(
    word: _Word,
    size: float,
    measures: list[Callable[[str, float], float]],
    room: float,
    later: float,
) -> list[_Word]:
    """A word too wide for any line, cut into pieces: the first fills ``room`` (or a
    whole line when too little is left), the others a line each."""
    out: list[_Word] = []
    limit = room if room > size else later
    current: list[tuple[int, str, float]] = []
    width = 0.0
    for run, text, _ in word.pieces:
        for char in text:
            char_width = measures[run](char, size)
            if current and width + char_width > limit:
                out.append(_Word(_joined(current), width, 0.0, 0))
                current, width, limit = [], 0.0, later
            current.append((run, char, char_width))
            width += char_width
    out.append(_Word(_joined(current), width, word.space, word.space_run))
    return out


def _joined(chars: list[tuple[int, str, float]]) -> tuple[tuple[int, str, float], ...]:
    pieces: list[tuple[int, str, float]] = []
    for run, char, width in chars:
        if pieces and pieces[-1][0] == run:
            pieces[-1] = (run, pieces[-1][1] + char, pieces[-1][2] + width)
        else:
            pieces.append((run, char, width))
    return tuple(pieces)
