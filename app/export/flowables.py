"""Small custom flowables: bookmarks, deferred page numbers, wrapping code blocks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.export.fonts import MONO, SANS, SANS_BOLD, draw_string, split_by_font, text_width
from app.export.styles import CODE_BACK, CODE_FONT_SIZE, CODE_LEADING, INK, RULE


@dataclass
class BuildState:
    """What one build learns while laying out: page of each bookmark, item in hand."""

    pages: dict[str, int] = field(default_factory=dict)
    page_refs: set[str] = field(default_factory=set)  # keys whose page number is printed
    current_item: str | None = None  # ref of the item being laid out, if any
    total_pages: int = 0
    on_item: Callable[[int], None] | None = None
    draft_open: bool = False  # a draft item's pages are being drawn
    draft_pages: set[int] = field(default_factory=set)  # pages a draft item occupies


class Anchor(Flowable):
    """A zero-size bookmark: a link target, an outline entry, a page number for contents."""

    def __init__(
        self, key: str, state: BuildState, outline: str | None = None, level: int = 0
    ) -> None:
        super().__init__()
        self.key = key
        self.state = state
        self.outline = outline
        self.level = level
        self.keepWithNext = 1
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.state.current_item = None  # a section, not an item, is being laid out now
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        self.state.current_item = None
        canvas.bookmarkHorizontal(self.key, 0, 18)
        if self.outline is not None:
            canvas.addOutlineEntry(self.outline, self.key, self.level)
        self.state.pages.setdefault(self.key, canvas.getPageNumber())


class ItemMarker(Anchor):
    """The start of one evidence item: reports progress and remembers the item."""

    def __init__(
        self,
        key: str,
        state: BuildState,
        outline: str,
        ref: str,
        index: int,
        draft: bool = False,
    ) -> None:
        super().__init__(key, state, outline, level=1)
        self.ref = ref
        self.index = index
        self.draft = draft

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # layout is sequential: from here on, a failure belongs to this item
        self.state.current_item = self.ref
        return 0, 0

    def draw(self) -> None:
        super().draw()
        self.state.current_item = self.ref
        self.state.draft_open = self.draft
        if self.draft:
            self.state.draft_pages.add(self.canv.getPageNumber())
        if self.state.on_item is not None:
            self.state.on_item(self.index)


class DraftEnd(Flowable):
    """Zero-size: the draft item drawn before it ends on this page (see ``ItemMarker``)."""

    def __init__(self, state: BuildState) -> None:
        super().__init__()
        self.state = state
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.state.draft_open = False


def page_begins(state: BuildState, page: int) -> None:
    """A page starts: a draft item still open runs onto it."""
    if state.draft_open:
        state.draft_pages.add(page)


def page_form_name(key: str) -> str:
    """The form XObject that will hold ``key``'s page number, drawn once it is known."""
    return f"pageno-{key}"


class ContentsLine(Flowable):
    """One line of the contents: a title, its page number (filled in at save), one link."""

    def __init__(self, title: str, key: str, level: int, state: BuildState) -> None:
        super().__init__()
        self.title = title
        self.key = key
        self.level = level
        state.page_refs.add(key)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = 19.0 if self.level == 0 else 12.5
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        font = SANS_BOLD if self.level == 0 else SANS
        size = 9.5 if self.level == 0 else 8.5
        indent = 12.0 * self.level
        canvas.setFillColor(INK)
        canvas.setFont(font, size)
        room = self.width - indent - 40
        draw_string(canvas, indent, 3, fit_text(self.title, font, size, room), font, size)
        canvas.saveState()
        canvas.translate(self.width, 3)
        canvas.doForm(page_form_name(self.key))
        canvas.restoreState()
        canvas.linkRect("", self.key, (0, 0, self.width, self.height - 3), relative=1)


class CodeBlock(Flowable):
    """Monospaced text on a tinted panel; long lines wrap, long blocks split across pages."""

    def __init__(self, text: str, font_size: float = CODE_FONT_SIZE) -> None:
        super().__init__()
        self.text = text.expandtabs(4).rstrip("\n")
        self.font_size = font_size
        self.leading = CODE_LEADING * font_size / CODE_FONT_SIZE
        self.padding = 4.0
        self.lines: list[str] = []
        self._wrapped_for: float | None = None
        self.spaceBefore = 2
        self.spaceAfter = 6

    def _wrap_lines(self, width: float) -> None:
        if self._wrapped_for == width:
            return
        char_width = stringWidth("M", MONO, self.font_size)
        per_line = max(8, int((width - 2 * self.padding) // char_width))
        lines: list[str] = []
        for line in self.text.split("\n"):
            while len(line) > per_line:
                lines.append(line[:per_line])
                line = line[per_line:]
            lines.append(line)
        self.lines = lines
        self._wrapped_for = width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._wrap_lines(availWidth)
        self.width = availWidth
        self.height = len(self.lines) * self.leading + 2 * self.padding
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._wrap_lines(availWidth)
        fits = int((availHeight - 2 * self.padding) // self.leading)
        if fits < 2 or fits >= len(self.lines):
            return []
        head, tail = CodeBlock("", self.font_size), CodeBlock("", self.font_size)
        for part, lines in ((head, self.lines[:fits]), (tail, self.lines[fits:])):
            part.lines = lines
            part._wrapped_for = availWidth
            part.text = "\n".join(lines)
        head.spaceAfter = 0
        tail.spaceBefore = 0
        return [head, tail]

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(CODE_BACK)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=1)
        canvas.setFillColor(INK)
        text = canvas.beginText(self.padding, self.height - self.padding - self.font_size)
        text.setFont(MONO, self.font_size, self.leading)
        for line in self.lines:
            if line.isascii():
                text.textLine(line)
                continue
            for piece, font in split_by_font(line, MONO):  # characters Mono lacks
                text.setFont(font, self.font_size, self.leading)
                text.textOut(piece)
            text.setFont(MONO, self.font_size, self.leading)
            text.textLine("")
        canvas.drawText(text)
        canvas.restoreState()


class Deferred(Flowable):
    """A stand-in for flowables made only when the layout reaches them.

    An evidence item's flowables (and the rendition of each of its images) are made
    as its first page is laid out, not all before the layout starts: renditions still
    being made do not hold up the pages before them, and only the items being laid
    out are held in memory. ``expand_deferred`` replaces the stand-ins.
    """

    def __init__(self, make: Callable[[], list[Flowable]]) -> None:
        super().__init__()
        self.make = make

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        raise RuntimeError("a deferred flowable was laid out before it was expanded")


def expand_deferred(flowables: list[Flowable]) -> None:
    """Replace the stand-ins the layout is about to take up (the next flowable, or the
    first one after a run that keeps with the next) with what they make."""
    index = 0
    while index < len(flowables):
        flowable = flowables[index]
        if isinstance(flowable, Deferred):
            flowables[index : index + 1] = flowable.make()
            continue
        if not flowable.getKeepWithNext():
            return
        index += 1


class SignatureLine(Flowable):
    """A label and a ruled line to sign or write on."""

    def __init__(self, label: str, value: str = "", width_share: float = 1.0) -> None:
        super().__init__()
        self.label = label
        self.value = value
        self.width_share = width_share

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth * self.width_share
        self.height = 30
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        label_width = 80.0
        canvas.setFont(SANS, 9.5)
        canvas.setFillColor(INK)
        canvas.drawString(0, 6, self.label)
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        canvas.line(label_width, 4, self.width, 4)
        if self.value:
            value = fit_text(self.value, SANS, 9.5, self.width - label_width - 8)
            draw_string(canvas, label_width + 4, 8, value, SANS, 9.5)


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width`` points on one line."""
    if text_width(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if text_width(text[:middle] + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "…"
