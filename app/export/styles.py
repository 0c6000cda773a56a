"""Paragraph styles and colours of the EPA portfolio PDF."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import TableStyle

from app.export.fonts import MONO, SANS, SANS_BOLD

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
ACCENT = colors.HexColor("#1F4E79")
RULE = colors.HexColor("#BBBBBB")
SHADE = colors.HexColor("#EEF2F6")
CODE_BACK = colors.HexColor("#F4F4F4")
NOTICE_BACK = colors.HexColor("#FFF4E5")
NOTICE_EDGE = colors.HexColor("#B35C00")
LINK = colors.HexColor("#1F4E79")

BODY = ParagraphStyle(
    "Body",
    fontName=SANS,
    bulletFontName=SANS,
    fontSize=9.5,
    leading=13,
    textColor=INK,
    spaceAfter=5,
)
SMALL = ParagraphStyle("Small", parent=BODY, fontSize=8, leading=10.5, spaceAfter=3)
MUTED_SMALL = ParagraphStyle("MutedSmall", parent=SMALL, textColor=MUTED)
CELL = ParagraphStyle("Cell", parent=BODY, fontSize=8.5, leading=11, spaceAfter=0)
CELL_BOLD = ParagraphStyle("CellBold", parent=CELL, fontName=SANS_BOLD)
CELL_SMALL = ParagraphStyle("CellSmall", parent=CELL, fontSize=7.5, leading=9.5)
CELL_MONO = ParagraphStyle("CellMono", parent=CELL, fontName=MONO, fontSize=7, leading=9)
CELL_CENTER = ParagraphStyle("CellCenter", parent=CELL_SMALL, alignment=TA_CENTER)

COVER_TITLE = ParagraphStyle(
    "CoverTitle",
    parent=BODY,
    fontName=SANS_BOLD,
    fontSize=24,
    leading=30,
    spaceAfter=6,
    textColor=ACCENT,
)
COVER_NAME = ParagraphStyle(
    "CoverName", parent=BODY, fontName=SANS_BOLD, fontSize=16, leading=21, spaceAfter=18
)
SECTION = ParagraphStyle(
    "Section",
    parent=BODY,
    fontName=SANS_BOLD,
    fontSize=16,
    leading=20,
    spaceBefore=0,
    spaceAfter=10,
    textColor=ACCENT,
    keepWithNext=1,
)
SUBSECTION = ParagraphStyle(
    "Subsection",
    parent=BODY,
    fontName=SANS_BOLD,
    fontSize=12,
    leading=15,
    spaceBefore=10,
    spaceAfter=6,
    textColor=ACCENT,
    keepWithNext=1,
)
ITEM_TITLE = ParagraphStyle("ItemTitle", parent=SECTION, fontSize=15, leading=19, spaceAfter=4)
ITEM_META = ParagraphStyle("ItemMeta", parent=BODY, textColor=MUTED, spaceAfter=8)
LABEL = ParagraphStyle(
    "Label",
    parent=BODY,
    fontName=SANS_BOLD,
    fontSize=10.5,
    leading=14,
    spaceBefore=8,
    spaceAfter=4,
    keepWithNext=1,
)
CLAIM = ParagraphStyle("Claim", parent=BODY, spaceAfter=1, keepWithNext=1)
JUSTIFICATION = ParagraphStyle("Justification", parent=BODY, leftIndent=14, spaceAfter=6)
NO_JUSTIFICATION = ParagraphStyle(
    "NoJustification", parent=JUSTIFICATION, textColor=MUTED, fontName="DejaVuSans-Oblique"
)
NOTICE = ParagraphStyle(
    "Notice",
    parent=BODY,
    backColor=NOTICE_BACK,
    borderColor=NOTICE_EDGE,
    borderWidth=0.8,
    borderPadding=5,
    spaceBefore=6,
    spaceAfter=10,
)
SIGN_LINE = ParagraphStyle("SignLine", parent=BODY, spaceBefore=14, spaceAfter=2)

# Markdown reflections
MD_HEADINGS = tuple(
    ParagraphStyle(
        f"MdH{level}",
        parent=BODY,
        fontName=SANS_BOLD,
        fontSize=size,
        leading=size * 1.3,
        spaceBefore=6,
        spaceAfter=3,
        keepWithNext=1,
    )
    for level, size in enumerate((13, 12, 11, 10.5, 10, 9.5), start=1)
)
MD_QUOTE = ParagraphStyle("MdQuote", parent=BODY, textColor=MUTED)
MD_LIST = ParagraphStyle("MdList", parent=BODY, leftIndent=14, bulletIndent=2, spaceAfter=2)
MD_QUOTE_LIST = ParagraphStyle("MdQuoteList", parent=MD_LIST, textColor=MUTED)
CODE_FONT_SIZE = 8
CODE_LEADING = 10


def table_style(commands: list[tuple[object, ...]]) -> TableStyle:
    """A TableStyle whose default cell font is ours (reportlab's default is Helvetica,
    which would otherwise appear, unembedded, in the PDF's font list)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), SANS, 8.5), *commands])
