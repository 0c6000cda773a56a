"""Markdown reflections to safe HTML: one path for the PDF and the live preview.

Python-Markdown runs with raw HTML switched off (its HTML block preprocessor
and inline HTML pattern are removed), so ``<b>`` or ``<img src=...>`` typed by
the apprentice stay text. Its output is then parsed again and only a whitelist
of elements and attributes survives: images become their alt text (nothing is
ever fetched), links stay clickable only for http/https/mailto targets (any other target is
kept as ``data-url``, shown as text). Control characters
are dropped for display; the stored text is never changed.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from markdown import Markdown
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension

# C0 (but tab and newline), DEL, C1, lone surrogates and non-characters
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_SEPARATORS = re.compile("\r\n?|[\u2028\u2029\x85]")

BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "blockquote",
     "table", "thead", "tbody", "tr", "th", "td", "hr"}
)  # fmt: skip
INLINE_TAGS = frozenset({"strong", "em", "b", "i", "code", "a", "br"})
_VOID = frozenset({"br", "hr"})
_DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "svg", "math"})
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_MAX_INPUT = 2_000_000  # characters: beyond this the rest is cut for display
MAX_REFLECTION_CHARS = _MAX_INPUT  # (the PDF notes the cut where it happens)
# Lists and quotes nested deeper than this (on one line, e.g. "- - - x" or ">>>x") are
# shown flat past this depth; any element deeper than MAX_ELEMENT_DEPTH in the result
# (nested emphasis, links, lists in quotes) keeps only its text. Real reflections nest
# a few levels; the bounds keep every recursive step (the serialiser, the PDF
# renderer) far from Python's recursion limit.
MAX_NESTING = 12
MAX_ELEMENT_DEPTH = 40
FLATTENED_NOTE = "Nesting deeper than {depth} levels is shown flat."
TOO_DEEP_NOTE = "This reflection is nested too deeply to format, so it is shown as typed."


def strip_controls(text: str) -> str:
    """``text`` without control characters, line endings normalised to ``\\n``."""
    return _CONTROL.sub("", _LINE_SEPARATORS.sub("\n", text))


@dataclass
class Node:
    """An element of the sanitised tree; ``children`` are Nodes or text."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


def markdown_tree(text: str) -> Node:
    """Parse a reflection into a sanitised element tree (root tag ``div``)."""
    source, flattened = _bound_nesting(strip_controls(text[:_MAX_INPUT]))
    html, formatted = _markdown_to_html(source)
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    root = builder.root
    if not formatted:
        root.children.insert(0, _note(TOO_DEEP_NOTE))
    elif flattened or builder.flattened:
        root.children.append(_note(FLATTENED_NOTE.format(depth=MAX_NESTING)))
    return root


def _note(text: str) -> Node:
    """A paragraph in italics saying how the reflection is shown."""
    return Node("p", children=[Node("em", children=[text])])


def render_markdown_html(text: str) -> str:
    """Safe HTML for ``text``: only whitelisted tags, every string escaped."""
    return "".join(_serialise(child) for child in markdown_tree(text).children)


_local = threading.local()

# Python-Markdown tries every inline pattern on every piece of text, two fifths of its
# time. A pattern cannot match a text that has none of the characters it starts with,
# so a text that has none of them is converted without it: the same HTML, sooner.
# Patterns not named here always run.
_INLINE_TRIGGERS = {
    "backtick": "`",
    "escape": "\\",
    "reference": "[",
    "link": "[",
    "image_link": "[",
    "image_reference": "[",
    "short_reference": "[",
    "short_image_ref": "[",
    "autolink": "<",
    "automail": "<",
    "entity": "&",
    "em_strong": "*_",
}


def _markdown_to_html(text: str) -> tuple[str, bool]:
    """The HTML for ``text``, and False when it was too deeply nested to format."""
    source = _defuse_brackets(text)
    unused = frozenset(
        name
        for name, starts in _INLINE_TRIGGERS.items()
        if not any(char in source for char in starts)
    )
    try:
        return _markdown(unused).reset().convert(source), True
    except RecursionError:
        # nesting that _bound_nesting cannot see (e.g. thousands of nested emphasis
        # markers): show the text as it was typed
        return f"<pre><code>{escape(text, quote=False)}</code></pre>", False


def _markdown(unused: frozenset[str]) -> Markdown:
    """This thread's converter without the ``unused`` inline patterns."""
    converters: dict[frozenset[str], Markdown] | None = getattr(_local, "converters", None)
    if converters is None:
        converters = _local.converters = {}
    md = converters.get(unused)
    if md is None:
        md = Markdown(
            extensions=[TableExtension(), FencedCodeExtension(), SaneListExtension()],
            output_format="html",
        )
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        for name in unused:
            md.inlinePatterns.deregister(name, strict=False)
        converters[unused] = md
    return md


# one container marker at the start of a line: a quote, a bullet or a number
_CONTAINER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]?")
_ESCAPE_MARKER = re.compile(r"([>*+.)-])")


def _bound_nesting(text: str) -> tuple[str, bool]:
    """``text`` with lines nesting more than MAX_NESTING lists or quotes cut back.

    The first marker past the limit is escaped, so the rest of the line shows as
    typed at the deepest level instead of nesting further. Returns the text and
    whether any line was cut.
    """
    if not any(text.count(marker) > MAX_NESTING for marker in "->*+.)"):
        return text, False
    lines = text.split("\n")
    fenced = False
    flattened = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        position = 0
        for _ in range(MAX_NESTING):
            match = _CONTAINER.match(line, position)
            if match is None:
                break
            position = match.end()
        else:
            if _CONTAINER.match(line, position):
                # escaping the first marker makes the rest of the line plain text
                rest = line[position:].lstrip()
                lines[index] = line[:position] + _ESCAPE_MARKER.sub(r"\\\1", rest, count=1)
                flattened = True
    return "\n".join(lines), flattened


BRACKETS_PER_PARAGRAPH = 100
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def _defuse_brackets(text: str) -> str:
    """Escape ``[`` in any paragraph that has more than a hundred of them.

    Python-Markdown's link matching is quadratic in nested brackets: ten thousand
    of them take seconds, a hundred thousand an hour. No real paragraph has a
    hundred links; such a paragraph is shown with its brackets as typed. Fenced
    code is left alone.
    """
    if text.count("[") <= BRACKETS_PER_PARAGRAPH:
        return text
    lines = text.split("\n")
    fenced = False
    start = 0  # first line of the current paragraph

    def defuse(first: int, last: int) -> None:
        block = lines[first:last]
        if sum(line.count("[") for line in block) <= BRACKETS_PER_PARAGRAPH:
            return
        for n in range(first, last):
            lines[n] = lines[n].replace("[", "\\[")

    for index, line in enumerate(lines):
        if _FENCE.match(line):
            if not fenced:
                defuse(start, index)
            fenced = not fenced
            start = index + 1
        elif not fenced and not line.strip():
            defuse(start, index)
            start = index + 1
    if not fenced:
        defuse(start, len(lines))
    return "\n".join(lines)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("div")
        self._stack: list[Node] = [self.root]
        self._dropping = 0
        self._skipped: list[str] = []  # elements past MAX_ELEMENT_DEPTH, still open
        self.flattened = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_WITH_CONTENT:
            self._dropping += 1
            return
        if self._dropping:
            return
        values = {k: v or "" for k, v in attrs}
        parent = self._stack[-1]
        if tag == "img":
            alt = strip_controls(values.get("alt", "")).strip()
            parent.children.append(f"[image: {alt}]" if alt else "[image]")
            return
        if tag not in BLOCK_TAGS and tag not in INLINE_TAGS:
            return  # unknown element: keep its text, drop the element
        if len(self._stack) > MAX_ELEMENT_DEPTH:
            # too deep: keep the text, drop the element (a block still breaks the words)
            self.flattened = True
            if tag in BLOCK_TAGS:
                parent.children.append(" ")
            if tag not in _VOID:
                self._skipped.append(tag)
            return
        node = Node(tag, _safe_attrs(tag, values))
        parent.children.append(node)
        if tag not in _VOID:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and tag in (BLOCK_TAGS | INLINE_TAGS) and not self._dropping:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_WITH_CONTENT:
            self._dropping = max(0, self._dropping - 1)
            return
        if self._dropping:
            return
        if tag in self._skipped:  # closing an element dropped for depth
            while self._skipped.pop() != tag:
                pass
            return
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self._dropping or not data:
            return
        self._stack[-1].children.append(strip_controls(data))


def _safe_attrs(tag: str, values: dict[str, str]) -> dict[str, str]:
    if tag == "a":
        href = strip_controls(values.get("href", "")).strip()
        if not href:
            return {}
        # only web and mail targets stay clickable; any other target is kept as text
        return {"href" if href.lower().startswith(_SAFE_SCHEMES) else "data-url": href}
    if tag == "ol" and values.get("start", "").isdigit():
        return {"start": str(min(int(values["start"]), 1_000_000))}
    if tag in ("th", "td"):
        style = values.get("style", "") + " " + values.get("align", "")
        for align in ("left", "center", "right"):
            if align in style:
                return {"align": align}
    return {}


def _serialise(node: Node | str) -> str:
    if isinstance(node, str):
        return escape(node, quote=False)
    attrs = "".join(f' {k}="{escape(v, quote=True)}"' for k, v in node.attrs.items())
    if node.tag in _VOID:
        return f"<{node.tag}{attrs} />"
    inner = "".join(_serialise(child) for child in node.children)
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>"
