"""Markdown reflections → safe HTML (shared by the live preview and the PDF)."""

from __future__ import annotations

import io
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from app.export.fonts import register_fonts
from app.export.markdown_flow import markdown_flowables
from app.export.markdown_html import BLOCK_TAGS, INLINE_TAGS, render_markdown_html
from tests.pdf_reading import page_texts


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def tags_in(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_raw_html_typed_by_the_apprentice_stays_text() -> None:
    html = render_markdown_html('x <b>bold <img src=/etc/passwd> <font color="[[1]]">')
    assert html == ('<p>x &lt;b&gt;bold &lt;img src=/etc/passwd&gt; &lt;font color="[[1]]"&gt;</p>')
    assert tags_in(html) == [("p", [])]


def test_html_blocks_and_scripts_are_not_passed_through() -> None:
    html = render_markdown_html("<div>\n<script>alert(1)</script>\n</div>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert {tag for tag, _ in tags_in(html)} == {"p"}


def test_markdown_images_are_never_fetched_only_described() -> None:
    html = render_markdown_html("![the build graph](/etc/passwd) and ![](http://x/y.png)")
    assert "[image: the build graph]" in html and "[image]" in html
    assert "img" not in {tag for tag, _ in tags_in(html)}
    assert "passwd" not in html and "y.png" not in html


def test_only_web_and_mail_links_stay_clickable() -> None:
    html = render_markdown_html(
        "[a](https://example.org/x?y=1&z=2) [b](javascript:alert(1)) [c](foo) <mailto:a@b.uk>"
    )
    hrefs = [dict(attrs).get("href") for tag, attrs in tags_in(html) if tag == "a"]
    assert hrefs[0] == "https://example.org/x?y=1&z=2"
    assert hrefs[1] is None and hrefs[2] is None
    assert 'data-url="javascript:alert(1)"' in html
    assert any(h and h.startswith("mailto:") for h in hrefs)


def test_control_characters_are_dropped_for_display() -> None:
    assert render_markdown_html("a\x00b\x07c\x1b[31md\x7f") == "<p>abc[31md</p>"


def test_markdown_features_are_rendered() -> None:
    text = (
        "# Title\n\nSome **bold**, *italic* and `code`.\n\n"
        "- one\n    - nested\n- two\n\n3. three\n4. four\n\n"
        "```python\nprint('<hi>')\n```\n\n> quoted\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n---\n"
    )
    html = render_markdown_html(text)
    tags = [tag for tag, _ in tags_in(html)]
    for tag in ("h1", "strong", "em", "code", "ul", "li", "ol", "pre", "blockquote", "table",
                "th", "td", "hr"):  # fmt: skip
        assert tag in tags, tag
    assert '<ol start="3">' in html  # sane lists keep the starting number
    assert "print(&#x27;&lt;hi&gt;&#x27;)" in html or "print('&lt;hi&gt;')" in html
    assert '<td align="right">2</td>' in html


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_gives_only_whitelisted_markup(text: str) -> None:
    html = render_markdown_html(text)
    for tag, attrs in tags_in(html):
        assert tag in BLOCK_TAGS | INLINE_TAGS
        for name, value in attrs:
            assert name in {"href", "data-url", "start", "align"}
            if name == "href":
                assert (value or "").lower().startswith(("http://", "https://", "mailto:"))


_MARKDOWNISH = st.text(
    alphabet=st.sampled_from([*list("ab <>&*_`#-+>|[]()!\\\n\t1.:/\"'="), "\x00", "é", "Ж"]),
    max_size=300,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), _MARKDOWNISH))
def test_any_text_lays_out_as_a_pdf(text: str) -> None:
    register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4)
    doc.build(markdown_flowables(text) or [])
    assert out.getvalue().startswith(b"%PDF")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.from_regex(r"[A-Za-z0-9]{1,12}", fullmatch=True), min_size=1, max_size=40))
def test_plain_words_read_back_exactly(words: list[str]) -> None:
    from pypdf import PdfReader

    register_fonts()
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(markdown_flowables(" ".join(words)))
    out.seek(0)
    assert " ".join(page_texts(PdfReader(out))) == " ".join(words)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=2000), _MARKDOWNISH))
def test_any_reflection_exports_without_falling_back(tmp_path_factory, text: str) -> None:
    from pypdf import PdfReader

    from app.export.pdf import build_pdf
    from app.services.blob_source import MemoryBlobSource
    from tests.snapshot_factory import make_item, make_snapshot

    out = tmp_path_factory.mktemp("md") / "p.pdf"
    build_pdf(make_snapshot([make_item(1, body=text)]), MemoryBlobSource({}), out)
    texts = page_texts(PdfReader(out))
    assert "Declaration of authenticity" in texts[-1]
    assert not any("could not" in t for t in texts)  # formatted, not the plain fallback


def test_bracket_bombs_are_shown_as_typed() -> None:
    # How fast: benchmarks/bench_markdown.py (unguarded, Python-Markdown needs minutes).
    html = render_markdown_html("[" * 20_000 + "x" + "]" * 20_000 + "\n\n[a link](https://a.uk)")
    assert "[" * 50 in html and "]" * 50 in html
    assert '<a href="https://a.uk">a link</a>' in html  # other paragraphs keep their links


def test_brackets_in_fenced_code_are_never_touched() -> None:
    html = render_markdown_html("```\n" + "[" * 300 + "\n```")
    assert "[" * 300 in html and "\\" not in html
