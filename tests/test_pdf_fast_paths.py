"""The export's shortcuts (through reportlab and Python-Markdown) give what the long way gives."""

from __future__ import annotations

import random
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from app.config import resource_path
from app.export import markdown_html
from app.export import reportlab_private as fast
from app.export.fonts import SANS, register_fonts
from app.export.markdown_html import _defuse_brackets, _markdown, _markdown_to_html
from app.export.paragraphs import Para
from app.export.pdf import build_pdf
from app.export.styles import BODY, CELL_MONO, ITEM_TITLE, JUSTIFICATION, MD_LIST
from tests.snapshot_factory import default_portfolio

# The reportlab tests compare each fast path with reportlab's own way: only where in use.
reportlab_fast = pytest.mark.skipif(
    not fast.fast_paths(), reason="the fast paths are off (stock reportlab is in use)"
)

WORDS = (  # noqa: SIM905 - a word list reads better as text
    "pipeline terraform kubernetes helm the a to of and we I our team service because "
    "so that with when it was is then for on in availability, retrospective."
).split()


class _Doc:
    """Stands for a document: fonts keep their subset codes per document object."""


@reportlab_fast
def test_subset_codes_match_reportlabs_for_any_text() -> None:
    path = str(resource_path("fonts", f"{SANS}.ttf"))
    ours, theirs = fast.SubsetFont("ours", path), TTFont("theirs", path)
    rng = random.Random(7)
    alphabet = (
        [chr(c) for c in range(32, 127)]
        + list("\xa0—–·…●○€£Łódź")
        + [chr(c) for c in range(0x391, 0x3C9)]  # Greek
        + [chr(c) for c in range(0x410, 0x44F)]  # Cyrillic
        + [chr(c) for c in range(0x100, 0x17F)]  # Latin Extended-A
        + ["\U0001f680", "中", "\x00"]  # no glyph in the font
    )
    texts = ["", " ", "\xa0", "plain ascii text"]
    for _ in range(3000):
        texts.append("".join(rng.choices(alphabet[: rng.randint(95, len(alphabet))], k=20)))
    texts += texts[:500]  # seen again, once every character has its code
    doc_ours, doc_theirs = _Doc(), _Doc()
    for text in texts:
        assert ours.splitString(text, doc_ours) == theirs.splitString(text, doc_theirs), text
    assert len(ours.state[doc_ours].subsets) > 1  # the test reached later subsets


def exported_bytes(tmp_path: Path, name: str) -> bytes:
    snapshot, blobs = default_portfolio()
    out = tmp_path / name
    build_pdf(snapshot, blobs, out)
    return out.read_bytes()


@reportlab_fast
def test_internal_links_are_written_byte_for_byte_as_reportlab_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = exported_bytes(tmp_path, "ours.pdf")
    monkeypatch.setattr(fast, "is_plain_rect", lambda rect: False)  # every link via reportlab
    theirs = exported_bytes(tmp_path, "theirs.pdf")

    assert ours.count(b"/Subtype /Link") > 20
    assert ours == theirs


@reportlab_fast
def test_the_frames_quick_copy_lays_out_as_a_deep_copy_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = exported_bytes(tmp_path, "ours.pdf")
    monkeypatch.delattr(fast.QuickCopyFrame, "__deepcopy__")
    theirs = exported_bytes(tmp_path, "theirs.pdf")

    assert ours == theirs


def line_breaks(paragraph: Paragraph, widths: list[float], fast: bool) -> object:
    if fast:
        lines = paragraph.breakLines(list(widths))
    else:
        lines = Paragraph.breakLines(paragraph, list(widths))
    return (lines.kind, lines.lines, lines.fontSize, lines.ascent, paragraph._width_max)


@reportlab_fast
@pytest.mark.parametrize("style", [BODY, JUSTIFICATION, MD_LIST, CELL_MONO, ITEM_TITLE])
def test_plain_paragraphs_break_into_the_lines_reportlab_makes(style: ParagraphStyle) -> None:
    register_fonts()
    rng = random.Random(3)
    unusual = [*WORDS, "", "Łódź", "emoji🚀", "non\xa0breaking", "x" * 60, "soft\xadhyphen"]
    taken = 0
    for n in range(400):
        words = unusual if n % 4 == 0 else WORDS  # words reportlab cuts or hyphenates, now and then
        text = " ".join(rng.choices(words, k=rng.randint(0, 120)))
        widths = [rng.choice([481.0, 300.0, 120.0, 40.0]), rng.choice([481.0, 300.0, 120.0])]
        bullet = "•" if n % 3 == 0 else None
        ours = Para(escape(text), style, bulletText=bullet)
        theirs = Para(escape(text), style, bulletText=bullet)
        assert line_breaks(ours, widths, True) == line_breaks(theirs, widths, False), text
        taken += fast.plain_lines(Para(escape(text), style, bulletText=bullet), widths) is not None
    assert taken > 200  # most took the quick path


@reportlab_fast
def test_a_plain_paragraph_keeps_its_no_break_spaces() -> None:
    register_fonts()
    text = "keep\xa0together, then  spaces\tand\nbreaks"
    assert [f.text for f in Para(text, BODY).frags] == [f.text for f in Paragraph(text, BODY).frags]


_PIECES = [*"ab \n\t*_`[]()!<>&#;:/@.|-+=~\\\xa0", "http://x.y", "&amp;", "  \n", "```", "\n\n"]
MARKDOWNISH = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


@given(MARKDOWNISH)
@settings(max_examples=400, deadline=None)
def test_markdown_skips_only_inline_patterns_that_cannot_match(text: str) -> None:
    every_pattern = _markdown(frozenset()).reset().convert(_defuse_brackets(text))
    assert _markdown_to_html(text) == (every_pattern, True)


def test_reflections_without_markup_characters_skip_the_inline_patterns() -> None:
    _markdown_to_html("## What I did\n\nPlain words, a list:\n\n- one\n- two\n\n> quoted")
    converters = markdown_html._local.converters
    assert any(len(unused) == len(markdown_html._INLINE_TRIGGERS) for unused in converters)
