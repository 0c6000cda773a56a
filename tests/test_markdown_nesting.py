"""Deeply nested Markdown is shown flat past a depth, saying so, in the preview and the PDF."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from app.cli import main
from app.export.fonts import register_fonts
from app.export.markdown_flow import markdown_flowables
from app.export.markdown_html import (
    FLATTENED_NOTE,
    MAX_ELEMENT_DEPTH,
    MAX_NESTING,
    TOO_DEEP_NOTE,
    Node,
    markdown_tree,
    render_markdown_html,
)
from app.models.db import open_portfolio
from app.services import evidence
from tests.pdf_reading import page_texts

NESTING_BOMBS = {
    "lists": "- " * 166 + "x",
    "quotes": ">" * 5000,
    "quote-lines": "\n".join(">" * depth + " x" for depth in range(1, 400)),
    "lists-in-quotes": "> - " * 300 + "x",
    "numbered": "1. " * 200 + "x",
    "mixed-bullets": "* + - " * 100 + "x",
    "emphasis": "*" * 5000 + "x" + "*" * 5000,
    "underscores": "_" * 3000 + "x" + "_" * 3000,
    "nested-emphasis": "*a " * 2000 + "x" + " a*" * 2000,
    "nested-strong": "**a " * 1500 + "x" + " a**" * 1500,
    "links": "[a](" * 3000,
    "nested-links": "[a" * 200 + "](https://a.uk)" * 200,
}


@pytest.fixture(params=list(NESTING_BOMBS.values()), ids=list(NESTING_BOMBS))
def bomb(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _depth(node: Node) -> int:
    deepest, stack = 0, [(node, 0)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((c, depth + 1) for c in current.children if isinstance(c, Node))
    return deepest


def test_a_nesting_bomb_renders_bounded_for_the_preview(bomb: str) -> None:
    tree = markdown_tree(bomb)
    assert _depth(tree) <= MAX_ELEMENT_DEPTH + 1
    html = render_markdown_html(bomb)
    assert html.startswith("<")


def test_a_nesting_bomb_lays_out_as_a_pdf(bomb: str) -> None:
    register_fonts()
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(markdown_flowables(bomb))
    assert out.getvalue().startswith(b"%PDF")


def test_166_nested_list_markers_show_their_text_and_say_they_were_flattened() -> None:
    html = render_markdown_html("- " * 166 + "x")
    assert html.count("<ul>") == MAX_NESTING
    # the markers past the limit are shown as typed, before the text
    assert "- - - x" in html
    assert FLATTENED_NOTE.format(depth=MAX_NESTING) in html


def test_5000_quote_markers_nest_only_to_the_limit_and_say_so() -> None:
    html = render_markdown_html(">" * 5000)
    assert html.count("<blockquote>") == MAX_NESTING
    assert FLATTENED_NOTE.format(depth=MAX_NESTING) in html


def test_ordinary_nesting_is_untouched_and_carries_no_note() -> None:
    text = (
        "> a quote\n> > inside it\n\n- one\n    - nested\n        - deeper\n- two\n\n**bold *em***"
    )
    html = render_markdown_html(text)
    assert "Nesting deeper" not in html and "nested too deeply" not in html
    assert html.count("<ul>") == 3 and html.count("<blockquote>") == 2


def test_markers_inside_fenced_code_are_never_touched() -> None:
    html = render_markdown_html("```\n" + "- " * 40 + "x\n```")
    assert "- " * 40 + "x" in html and "\\" not in html and "Nesting" not in html


def test_nesting_the_converter_cannot_handle_is_shown_as_typed_with_a_note() -> None:
    # the flat fallback keeps every character, headed by a sentence saying why
    html = render_markdown_html("*" * 5000 + "x" + "*" * 5000)
    assert "x" in html
    assert TOO_DEEP_NOTE in html or FLATTENED_NOTE.format(depth=MAX_NESTING) in html


def test_export_of_a_portfolio_with_nesting_bombs_prints_no_traceback(
    tmp_path: Path, template_portfolio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.sqlite3"
    shutil.copyfile(template_portfolio, path)
    db = open_portfolio(path)
    with db.transaction() as s:
        for name, body in NESTING_BOMBS.items():
            evidence.add_item(s, title=f"Bomb {name}", date="2026-01-12", body=body, status="ready")
    db.close()
    out = tmp_path / "epa.pdf"
    code = main(["--file", str(path), "export", "pdf", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    text = " ".join(page_texts(PdfReader(out)))
    assert "Nesting deeper than" in " ".join(text.split())
    assert "could not be formatted" not in text


def test_a_logged_export_failure_is_one_line_and_its_traceback_goes_to_the_log(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import logging

    from app.config import user_data_dir
    from app.crashlog import route_logging

    route_logging()
    try:
        raise RecursionError("maximum recursion depth exceeded")
    except RecursionError:
        logging.getLogger("app.export.item_section").exception("could not format E001")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "could not format E001" in err
    assert "Traceback" not in err
    assert "RecursionError" in (user_data_dir() / "logs" / "errors.log").read_text()
