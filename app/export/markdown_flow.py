"""A reflection's sanitised Markdown tree mapped to reportlab flowables.

Only the elements ``markdown_html`` lets through are mapped; every string is
escaped before it reaches a ``Paragraph``, and the only tags in paragraph
markup are the ones written here. Links are shown as their text followed by
the address, never followed or fetched.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Indenter, Paragraph, Table
from reportlab.platypus.flowables import HRFlowable

from app.export.flowables import CodeBlock
from app.export.fonts import MONO, register_fonts
from app.export.markdown_html import INLINE_TAGS, Node, markdown_tree, strip_controls
from app.export.paragraphs import Para, paragraphs
from app.export.styles import (
    BODY,
    CELL,
    CELL_BOLD,
    MD_HEADINGS,
    MD_LIST,
    MD_QUOTE,
    MD_QUOTE_LIST,
    RULE,
    SHADE,
    table_style,
)

LIST_INDENT = 14.0
QUOTE_INDENT = 12.0
MAX_INDENT_DEPTH = 6  # deeper nesting is shown without further indent
_BULLETS = ("•", "◦", "–")
LINK_TEXT = "#555555"
_HEADINGS = {f"h{level}": style for level, style in enumerate(MD_HEADINGS, start=1)}


def markdown_flowables(text: str) -> list[Flowable]:
    """Flowables for a Markdown reflection (an empty list for empty text)."""
    register_fonts()  # the styles name our fonts
    return _Renderer().blocks(markdown_tree(text), depth=0, quoted=False)


def plain_text_flowables(text: str) -> list[Flowable]:
    """The reflection as typed, no formatting: the fallback when formatting fails."""
    return [CodeBlock(strip_controls(text))] if text.strip() else []


def inline_markup(node: Node) -> str:
    """Paragraph markup for a node's inline content; all text escaped."""
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(escape(child))
            continue
        inner = inline_markup(child)
        tag = child.tag
        if tag in ("strong", "b"):
            parts.append(f"<b>{inner}</b>")
        elif tag in ("em", "i"):
            parts.append(f"<i>{inner}</i>")
        elif tag == "code":
            parts.append(f'<font name="{MONO}">{inner}</font>')
        elif tag == "br":
            parts.append("<br/>")
        elif tag == "a":
            parts.append(inner)
            url = child.attrs.get("href") or child.attrs.get("data-url") or ""
            if url and url != child.text().strip():
                parts.append(f' <font color="{LINK_TEXT}">({escape(url)})</font>')
        else:
            parts.append(inner)
    return "".join(parts)


class QuoteParagraph(Para):
    """A paragraph inside a block quote: drawn with a rule down its left edge."""

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(2)
        bar_x = -QUOTE_INDENT + 3
        canvas.line(bar_x, -self.style.spaceAfter, bar_x, self.height)
        canvas.restoreState()
        super().draw()


def _paragraph(markup: str, quoted: bool, style: ParagraphStyle | None = None) -> list[Flowable]:
    if quoted:
        return paragraphs(markup, style or MD_QUOTE, kind=QuoteParagraph)
    return paragraphs(markup, style or BODY)


class _Renderer:
    def blocks(self, node: Node, depth: int, quoted: bool) -> list[Flowable]:
        out: list[Flowable] = []
        loose: list[Node | str] = []  # inline content directly inside a block

        def flush() -> None:
            if any(isinstance(c, Node) or c.strip() for c in loose):
                out.extend(_paragraph(inline_markup(Node("p", children=list(loose))), quoted))
            loose.clear()

        for child in node.children:
            if isinstance(child, str) or child.tag not in _BLOCK_HANDLERS:
                loose.append(child)
                continue
            flush()
            out.extend(_BLOCK_HANDLERS[child.tag](self, child, depth, quoted))
        flush()
        return out

    def paragraph(self, node: Node, depth: int, quoted: bool) -> list[Flowable]:
        return _paragraph(inline_markup(node), quoted)

    def heading(self, node: Node, depth: int, quoted: bool) -> list[Flowable]:
        return _paragraph(inline_markup(node), quoted, _HEADINGS[node.tag])

    def code(self, node: Node, depth: int, quoted: bool) -> list[Flowable]:
        return [CodeBlock(node.text())]

    def rule(self, node: Node, depth: int, quoted: bool) -> list[Flowable]:
        return [HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=4, spaceAfter=6)]

    def quote(self, node: Node, depth: int, quoted: bool) -> list[Flowable]:
        indent = QUOTE_INDENT if depth < MAX_INDENT_DEPTH else 0.0
        inner = self.blocks(node, depth + 1, quoted=True)
        return [Indenter(left=indent), *inner, Indenter(left=-indent)]

    def listing(self, node: Node, depth: int, quoted: bool) -> list[Flowable]:
        ordered = node.tag == "ol"
        number = int(node.attrs.get("start", "1")) if ordered else 0
        indent = LIST_INDENT if depth < MAX_INDENT_DEPTH else 0.0
        out: list[Flowable] = [Indenter(left=indent)]
        for item in node.children:
            if isinstance(item, str) or item.tag != "li":
                continue
            bullet = f"{number}." if ordered else _BULLETS[depth % len(_BULLETS)]
            number += 1
            out.extend(self.list_item(item, bullet, depth, quoted))
        out.append(Indenter(left=-indent))
        return out

    def list_item(self, item: Node, bullet: str, depth: int, quoted: bool) -> list[Flowable]:
        style: ParagraphStyle = MD_QUOTE_LIST if quoted else MD_LIST
        children = list(item.children)
        lead = Node("p")  # tight lists hold text directly, loose ones start with a <p>
        while children and (isinstance(children[0], str) or children[0].tag in INLINE_TAGS):
            lead.children.append(children.pop(0))
        head = children[0] if children else None
        if not lead.text().strip() and isinstance(head, Node) and head.tag == "p":
            lead = head
            children.pop(0)
        first = paragraphs(inline_markup(lead), style, bullet)
        rest = self.blocks(Node("li", children=children), depth + 1, quoted)
        if not rest:
            return first
        # nested blocks line up with the item's text, not its bullet
        indent = style.leftIndent if depth < MAX_INDENT_DEPTH else 0.0
        return [*first, Indenter(left=indent), *rest, Indenter(left=-indent)]

    def table(self, node: Node, depth: int, quoted: bool) -> list[Flowable]:
        rows: list[list[Paragraph]] = []
        header_rows = 0
        for section in node.children:
            if isinstance(section, str):
                continue
            trs = section.children if section.tag in ("thead", "tbody") else [section]
            for tr in trs:
                if isinstance(tr, str) or tr.tag != "tr":
                    continue
                cells = [c for c in tr.children if isinstance(c, Node) and c.tag in ("th", "td")]
                if not cells:
                    continue
                if section.tag == "thead":
                    header_rows += 1
                rows.append(
                    [Para(inline_markup(c), CELL_BOLD if c.tag == "th" else CELL) for c in cells]
                )
        if not rows:
            return []
        columns = max(len(r) for r in rows)
        for r in rows:
            r.extend(Para("", CELL) for _ in range(columns - len(r)))
        share = f"{100 / columns:.4f}%"
        table = Table(
            rows,
            colWidths=[share] * columns,
            repeatRows=header_rows,
            splitInRow=1,
            hAlign="LEFT",
        )
        commands: list[tuple[object, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.4, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        if header_rows:
            commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE))
        table.setStyle(table_style(commands))
        table.spaceBefore, table.spaceAfter = 2, 8
        return [table]


_BLOCK_HANDLERS = {
    "p": _Renderer.paragraph,
    **{tag: _Renderer.heading for tag in _HEADINGS},
    "pre": _Renderer.code,
    "hr": _Renderer.rule,
    "blockquote": _Renderer.quote,
    "ul": _Renderer.listing,
    "ol": _Renderer.listing,
    "table": _Renderer.table,
}
