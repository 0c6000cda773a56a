"""No text vanishes from the PDF without a word (issue 12, item 3): a reflection too long
to print is cut with a visible note; characters the embedded fonts lack (CJK, emoji) are
set in a fallback font where the computer has one; whatever still cannot be shown is
listed in a warning (PdfResult.warnings, a line on stderr from the CLI, a message in the
app)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.cli import main
from app.export import fonts, item_section, markdown_html
from app.export.pdf import build_pdf
from app.models.db import open_portfolio
from app.services import evidence
from tests.pdf_reading import all_text, fonts_used
from tests.snapshot_factory import blob_source, make_item, make_snapshot

CJK = "持续集成流水线"  # "continuous integration pipeline"
EMOJI = "🚀"
HOSTILE_BODY = (
    f"## {CJK}\n\nWe shipped it {EMOJI} and it held.\n\n- 日本語のテキスト\n- 한국어 텍스트\n\n"
    f"```\nprint('{CJK}')  # {EMOJI}\n```\n\nJoined emoji: 👩‍💻 and a flag 🇬🇧.\n"
)


@pytest.fixture
def font_folders(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fallback fonts looked up afresh for the test (and after it)."""
    fonts.register_fonts()
    fonts.forget_fallback_fonts()
    yield
    monkeypatch.undo()
    fonts.forget_fallback_fonts()


def export(tmp_path: Path, body: str, title: str = "Pipeline") -> tuple[PdfReader, tuple[str, ...]]:
    snapshot = make_snapshot([make_item(1, title, body=body)])
    result = build_pdf(snapshot, blob_source({}), tmp_path / "p.pdf")
    return PdfReader(tmp_path / "p.pdf"), result.warnings


def test_without_fallback_fonts_every_missing_character_is_listed(
    tmp_path: Path, font_folders: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(fonts.FONT_DIRS_ENV, "")  # no font folders: only the embedded fonts
    _, warnings = export(tmp_path, HOSTILE_BODY, title=f"{CJK} {EMOJI}")

    assert "We shipped it" in all_text(tmp_path / "p.pdf")  # the rest is there
    assert len(warnings) == 1
    warning = warnings[0]
    assert "could not be shown" in warning
    for char in (EMOJI, "持", "日", "한", "👩", "💻"):
        assert f"{char} (U+{ord(char):04X})" in warning or "more" in warning
    assert "U+200D" not in warning and "U+FE0F" not in warning  # invisible joiners: no noise


def test_a_fallback_font_on_the_computer_shows_cjk_and_only_emoji_are_listed(
    tmp_path: Path, font_folders: None
) -> None:
    if not fonts.fallback_fonts():
        pytest.skip("no TrueType fallback font with CJK on this computer")
    if not all(fonts._fallback_for(c) for c in CJK):
        pytest.skip("the fallback fonts here lack these characters")
    reader, warnings = export(tmp_path, HOSTILE_BODY, title=f"{CJK} {EMOJI}")

    text = all_text(tmp_path / "p.pdf")
    assert CJK in text  # in the title, the heading, the contents and the code block
    assert text.count(CJK) >= 3
    assert any("Fallback" in name for name in fonts_used(reader))
    joined = " ".join(warnings)
    assert "持" not in joined and "日" not in joined
    if fonts._fallback_for(EMOJI) is None:  # a monochrome emoji font would show it
        assert f"{EMOJI} (U+1F680)" in joined


def test_a_plain_latin_portfolio_has_no_warnings(tmp_path: Path) -> None:
    _, warnings = export(tmp_path, "Plain words, Łódź, café, naïve — “quotes”.")
    assert warnings == ()


def test_the_print_limit_of_a_reflection_is_two_million_characters() -> None:
    assert markdown_html.MAX_REFLECTION_CHARS == 2_000_000


def test_a_reflection_past_the_limit_is_cut_with_a_note_and_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = 3_000  # the 2,000,000 of the app, scaled down to keep the test quick
    monkeypatch.setattr(markdown_html, "_MAX_INPUT", limit)
    monkeypatch.setattr(item_section, "MAX_REFLECTION_CHARS", limit)
    body = "word " * 700 + "THE-END-MARKER"  # 3,514 characters
    _, warnings = export(tmp_path, body)

    text = " ".join(all_text(tmp_path / "p.pdf").split())
    assert "THE-END-MARKER" not in text
    assert "The reflection is cut here" in text
    assert "514 are in the portfolio" in text
    assert warnings == (
        "E001's reflection is cut at 3,000 characters in the PDF (514 more are in the portfolio).",
    )


def test_the_cli_warns_on_stderr_and_succeeds(
    tmp_path: Path, db, capsys: pytest.CaptureFixture[str], font_folders: None, monkeypatch
) -> None:
    monkeypatch.setenv(fonts.FONT_DIRS_ENV, "")
    with db.transaction() as session:
        evidence.add_item(
            session, title=f"Launch {EMOJI}", date="2026-01-12", body="It went well.",
            status="ready", ksbs=["K1"], duties=[],
        )  # fmt: skip
    db.close()
    out = tmp_path / "out.pdf"
    status = main(["--file", str(db.path), "export", "pdf", str(out)])
    captured = capsys.readouterr()

    assert status == 0
    assert out.is_file()
    assert "Wrote" in captured.out
    lines = [line for line in captured.err.splitlines() if line.startswith("Warning: ")]
    assert len(lines) == 1 and f"{EMOJI} (U+1F680)" in lines[0]
    assert open_portfolio(db.path) is not None  # the portfolio is untouched and opens
