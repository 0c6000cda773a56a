"""Whatever an apprentice types or attaches, the export completes and shows it as text."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.export import item_section
from app.export.pdf import build_pdf
from app.services.views import TagView
from tests.conftest import HOSTILE_STRINGS
from tests.pdf_reading import page_texts
from tests.snapshot_factory import (
    attachment,
    blob_source,
    default_items,
    info,
    jpeg_bytes,
    make_snapshot,
)

PDF_HOSTILE = [
    *HOSTILE_STRINGS,
    "",
    "bell\x07 null\x00 escape\x1b[31m del\x7f c1\x85 end",
    "<b>unclosed <i>tags",
    "&amp; &lt; &#0; &nbsp;",
]
# Glyphs DejaVu does not have (CJK, emoji) print as empty boxes; the rest must read back.
_UNPRINTABLE = ("🚀", "中文")


@pytest.fixture(params=PDF_HOSTILE, ids=lambda s: repr(s[:24]))
def pdf_hostile(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def expected_text(value: str) -> str:
    """What a reader should find: the string as typed, minus control characters."""
    kept = "".join(c for c in value if c.isprintable() or c in " \t")
    for glyph in _UNPRINTABLE:
        kept = kept.replace(glyph, "")
    return " ".join(kept.split())


def test_hostile_text_everywhere_exports_and_reads_back_literally(
    pdf_hostile: str, tmp_path: Path
) -> None:
    items, blobs = default_items()
    note, data = attachment(b"notes", pdf_hostile or "notes.txt", "text/plain", ident=9)
    blobs[note.sha256] = data
    items[0] = replace(
        items[0],
        title=pdf_hostile,
        ksb_tags=(TagView("K1", pdf_hostile),),
        attachments=(*items[0].attachments, note),
    )
    items[1] = replace(items[1], body=pdf_hostile)
    person = info(apprentice_name=pdf_hostile, employer=pdf_hostile, provider=pdf_hostile)
    out = tmp_path / "p.pdf"
    build_pdf(make_snapshot(items, portfolio=person), blob_source(blobs), out)

    texts = page_texts(PdfReader(out))
    # a glyph the font lacks reads back as NUL (and prints as an empty box)
    text = " ".join(" ".join(texts).replace("\x00", "").split())
    assert "Declaration of authenticity" in texts[-1]  # the export ran to the end
    assert "E004 · Pairing on the payments service" in text
    assert "could not" not in text.replace("Image could not be shown: broken.png", "")
    wanted = expected_text(pdf_hostile)
    if len(wanted) > 200:  # long text wraps; check it is there, in pieces
        assert text.count(wanted[:60]) >= 2
    elif wanted and pdf_hostile != "[x](foo)":
        # title, justification, reflection, file name, cover fields, header
        assert text.count(wanted) >= 6, wanted
    if pdf_hostile == "[x](foo)":  # Markdown in the reflection: a link shown with its target
        assert "x (foo)" in text
    if pdf_hostile == "":
        assert "Untitled" in text and "No justification given." in text


def test_unbalanced_and_raw_html_in_a_reflection_stays_text(tmp_path: Path) -> None:
    body = (
        'Before <img src="/etc/passwd"> <font color="red">red</font> <b>bold\n\n'
        "<script>alert(1)</script>\n\n<div>\nblock\n</div>\n\n![diagram](/etc/hosts)"
    )
    items, blobs = default_items()
    items[0] = replace(items[0], body=body)
    out = tmp_path / "p.pdf"
    build_pdf(make_snapshot(items), blob_source(blobs), out)
    text = " ".join(page_texts(PdfReader(out)))
    assert 'Before <img src="/etc/passwd"> <font color="red">red</font> <b>bold' in text
    assert "<script>alert(1)</script>" in text
    assert "<div> block </div>" in text
    assert "[image: diagram]" in text


def test_a_reflection_that_breaks_the_formatter_is_shown_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items, blobs = default_items()
    items[1] = replace(items[1], body="**the** reflection of item two")

    def broken(text: str) -> list[object]:
        if "item two" in text:
            raise RuntimeError("formatter bug")
        return real(text)

    real = item_section.markdown_flowables
    monkeypatch.setattr(item_section, "markdown_flowables", broken)
    out = tmp_path / "p.pdf"
    build_pdf(make_snapshot(items), blob_source(blobs), out)
    text = " ".join(page_texts(PdfReader(out)))
    assert "could not be formatted, so it is shown as typed" in text
    assert "**the** reflection of item two" in text
    assert "E004 · Pairing on the payments service" in text


def test_a_reflection_that_breaks_the_layout_costs_only_its_formatting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportlab.platypus import Flowable

    class Exploding(Flowable):
        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            raise ValueError("layout bug")

    items, blobs = default_items()
    items[1] = replace(items[1], body="layout bomb here")
    real = item_section.markdown_flowables

    def bomb(text: str) -> list[object]:
        return [Exploding()] if "bomb" in text else real(text)

    monkeypatch.setattr(item_section, "markdown_flowables", bomb)
    out = tmp_path / "p.pdf"
    build_pdf(make_snapshot(items), blob_source(blobs), out)
    texts = page_texts(PdfReader(out))
    e002 = next(t for t in texts if "E002 · Terraform" in t)
    assert "could not be laid out with its formatting" in e002
    assert "layout bomb here" in e002
    assert "Declaration of authenticity" in texts[-1]


def test_a_missing_or_damaged_rendition_gets_a_placeholder(tmp_path: Path) -> None:
    from app.services.blob_source import MemoryBlobSource
    from app.services.views import Rendition

    photo, data = attachment(jpeg_bytes(), "site.jpg", "image/jpeg", ident=7)
    shot, shot_data = attachment(b"GIF89a broken", "diagram.gif", "image/gif", ident=8)
    items, _ = default_items()
    items[0] = replace(items[0], attachments=(photo, shot))
    damaged = Rendition("image/jpeg", 640, 480, b"\xff\xd8 not a jpeg at all")
    blobs = MemoryBlobSource({photo.sha256: data, shot.sha256: shot_data}, {photo.sha256: damaged})
    out = tmp_path / "p.pdf"
    build_pdf(make_snapshot(items), blobs, out)
    text = " ".join(page_texts(PdfReader(out)))
    assert "Image could not be shown: site.jpg" in text
    assert "Image could not be shown: diagram.gif" in text
    assert "diagram.gif" in text and "13 bytes" in text  # still listed, with its size


PATHOLOGICAL_MARKDOWN = {
    "deep quotes": "> " * 1000 + "deep",
    "deep lists": "".join("    " * i + f"- level {i}\n" for i in range(60)),
    "wide table": "|"
    + "|".join(f"c{i}" for i in range(80))
    + "|\n|"
    + "---|" * 80
    + "\n|"
    + "|".join("word" * 20 for _ in range(80))
    + "|\n",
    "long code line": "```\n" + "y" * 100_000 + "\n```",
    "unclosed fence": "```\nnever closed <b>",
    "brackets": "[" * 5000 + "]" * 5000,
}


@pytest.mark.parametrize("body", PATHOLOGICAL_MARKDOWN.values(), ids=PATHOLOGICAL_MARKDOWN.keys())
def test_pathological_markdown_is_laid_out_with_its_formatting(body: str, tmp_path: Path) -> None:
    from app.services.blob_source import MemoryBlobSource
    from tests.snapshot_factory import make_item

    out = tmp_path / "p.pdf"
    build_pdf(make_snapshot([make_item(1, body=body)]), MemoryBlobSource({}), out)
    texts = page_texts(PdfReader(out))
    assert not any("could not" in t for t in texts)
    assert "Declaration of authenticity" in texts[-1]
