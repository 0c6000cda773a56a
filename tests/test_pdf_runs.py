"""Claim lines (a linked code, then the competency's text) are laid out as reportlab
would lay out the same paragraph, and stay inside the page whatever they hold."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import pytest
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table

from app.export import reportlab_private
from app.export.fonts import register_fonts
from app.export.paragraphs import linked_paragraph
from app.export.runs import RunsParagraph
from app.export.styles import CELL, CLAIM, LINK
from tests.conftest import HOSTILE_STRINGS
from tests.pdf_reading import internal_links
from tests.snapshot_factory import COMPETENCIES

# Claims laid out by RunsParagraph (a fast path) against reportlab: only where it is in use.
pytestmark = pytest.mark.skipif(
    not reportlab_private.fast_paths(), reason="the fast paths are off (stock reportlab)"
)

TEXTS = [text for _, _, text in COMPETENCIES] + [s for s in HOSTILE_STRINGS if len(s) < 1000]
TEXTS += [
    "non\xa0breaking\xa0spaces keep words together " * 6,
    "a b c d e f g h i j k l m n o p q r s t u v w x y z " * 8,  # many spaces: may shrink
    "trailing space ",
]


def reportlab_lines(code: str, text: str, width: float) -> list[str]:
    markup = f'<a href="#ksb-1" color="#1F4E79"><b>{escape(code)}</b></a>{escape(text)}'
    paragraph = Paragraph(markup, CLAIM)
    paragraph.wrap(width, 10_000)
    lines = paragraph.blPara.lines
    if paragraph.blPara.kind == 0:
        return [" ".join(words) for _, words in lines]
    return ["".join(frag.text for frag in line.words).strip() for line in lines]


def our_lines(paragraph: RunsParagraph) -> list[str]:
    return ["".join(chunk for _, chunk, _, _ in line.spans) for line in paragraph.lines]


@pytest.fixture(autouse=True, scope="module")
def fonts() -> None:
    register_fonts()


@pytest.mark.parametrize("width", [481.0, 300.0, 150.0])
@pytest.mark.parametrize("text", TEXTS)
def test_claims_break_into_the_lines_reportlab_would_make(text: str, width: float) -> None:
    code = "K12"
    ours = linked_paragraph([(code, True, "ksb-1"), (f" — {text}", False, None)], CLAIM, LINK)
    ours.wrap(width, 10_000)

    assert our_lines(ours) == reportlab_lines(code, f" — {text}", width)


def test_a_code_too_long_for_a_line_is_cut_and_every_line_fits() -> None:
    code = "x" * 100_000
    paragraph = linked_paragraph([(code, True, "ksb-1"), (" — text", False, None)], CLAIM, LINK)
    _, height = paragraph.wrap(300, 800)

    assert height == len(paragraph.lines) * CLAIM.leading > 800
    for line in paragraph.lines:
        drawn = sum(
            stringWidth(chunk.rstrip(" "), "DejaVuSans-Bold" if run == 0 else "DejaVuSans", 9.5)
            for run, chunk, _, _ in line.spans
        )
        assert drawn <= 300 + 1e-6
    assert "".join(our_lines(paragraph)).replace(" ", "") == code + "—text"


def test_a_long_claim_splits_across_pages_without_leaving_one_line_behind() -> None:
    paragraph = linked_paragraph(
        [("K1", True, "ksb-1"), (" — " + "word " * 400, False, None)], CLAIM, LINK
    )
    paragraph.wrap(300, 800)
    lines = len(paragraph.lines)

    assert paragraph.split(300, CLAIM.leading * 1.5) == []  # one line would be an orphan
    head, tail = paragraph.split(300, CLAIM.leading * 5.5)
    assert head.wrap(300, 800)[1] == 5 * CLAIM.leading
    assert tail.wrap(300, 800)[1] == (lines - 5) * CLAIM.leading
    assert our_lines(head) + our_lines(tail) == our_lines(paragraph)


def test_a_claim_draws_its_text_and_links_its_code_only() -> None:
    paragraph = linked_paragraph(
        [("K1", True, "ksb-1"), (" — Continuous Integration" * 8, False, None)], CLAIM, LINK
    )
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.bookmarkPage("ksb-1")
    paragraph.wrap(300, 800)
    paragraph.drawOn(canvas, 50, 500)
    canvas.save()

    reader = PdfReader(buffer)
    text = reader.pages[0].extract_text()
    assert text.startswith("K1 — Continuous Integration — Continuous")
    assert text.count("Continuous Integration") == 8
    ((rect, page),) = internal_links(reader, 0)
    assert page == 0
    assert rect[0] == pytest.approx(50)  # from the start of the code to its end, no further
    assert rect[2] - rect[0] == pytest.approx(stringWidth("K1", "DejaVuSans-Bold", 9.5))


def test_some_of_these_claims_overrun_and_are_narrowed_as_reportlab_does() -> None:
    narrowed = 0
    for text in TEXTS:
        paragraph = linked_paragraph([("K12", True, "k"), (f" — {text}", False, None)], CLAIM, LINK)
        paragraph.wrap(481, 10_000)
        narrowed += sum(1 for line in paragraph.lines if line.word_space < 0)
    assert narrowed  # so the line-break comparison above covers narrowed lines too


def test_a_reference_list_in_a_table_splits_where_a_paragraph_would() -> None:
    entries = [(f"E{n:03d}", f"item-{n}", n % 3 == 0) for n in range(60)]
    markup = ", ".join(f"<i>{ref}</i>" if italic else ref for ref, _, italic in entries)
    heights = []
    for cell in (Paragraph(markup, CELL), RunsParagraph.listing(entries, CELL, LINK)):
        table = Table([["D1", cell]], colWidths=[100, 100], splitInRow=1)
        table.canv = Canvas(io.BytesIO())
        table.wrap(200, 1000)
        heights.append([part.wrap(200, 1000)[1] for part in table.split(200, 100)])

    assert heights[0] == heights[1]
    assert len(heights[0]) == 2


@pytest.mark.parametrize("orphans", [0, 1])
@pytest.mark.parametrize("widows", [0, 1])
def test_claims_split_with_reportlabs_orphan_and_widow_rules(orphans: int, widows: int) -> None:
    style = ParagraphStyle("Rules", parent=CLAIM, allowOrphans=orphans, allowWidows=widows)
    for words in (12, 30, 60):  # one to four lines at this width
        text = " — " + "word " * words
        ours = linked_paragraph([("K1", True, "ksb-1"), (text, False, None)], style, LINK)
        theirs = Paragraph(f"<b>K1</b>{escape(text)}", style)
        ours.wrap(200, 800)
        theirs.wrap(200, 800)
        for lines in range(6):
            height = style.leading * lines + 1
            split_ours = [part.wrap(200, 800)[1] for part in ours.split(200, height)]
            split_theirs = [part.wrap(200, 800)[1] for part in theirs.split(200, height)]
            if split_theirs == [theirs.height]:
                split_theirs = []  # reportlab returns the whole paragraph when it fits
            assert split_ours == split_theirs, (words, lines)
