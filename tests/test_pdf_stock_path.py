"""With stock reportlab (an untested reportlab version, or PORTFOLIO_STOCK_REPORTLAB=1) the
PDF looks the same as with the fast paths of app/export/reportlab_private.py: same text on
every page, same links to the same pages, same page count, for a realistic portfolio."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.export import reportlab_private
from app.export.context import REVIEW, PdfOptions
from app.export.pdf import export_portfolio_pdf
from app.models.db import open_portfolio
from tests.pdf_reading import internal_links, outline_pages, page_texts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tools/make_demo.py's portfolio: ~25 items of Markdown, images, logs, drafts."""
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "tools" / "make_demo.py")
    assert spec is not None and spec.loader is not None
    make_demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_demo)
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    make_demo.build(path)
    return path


def export(portfolio: Path, out: Path, stock: bool) -> PdfReader:
    options = PdfOptions(include_drafts=True, audience=REVIEW)
    db = open_portfolio(portfolio)
    try:
        with reportlab_private.stock_reportlab(stock):
            assert reportlab_private.fast_paths() is not stock
            export_portfolio_pdf(db, out, options)
    finally:
        db.close()
    return PdfReader(out)


def links_by_page(reader: PdfReader) -> list[list[int]]:
    """Target page of each internal link, page by page (where on the page may differ by
    a fraction of a point: reportlab's paragraph and ours measure the same text)."""
    return [sorted(page for _, page in internal_links(reader, n)) for n in range(len(reader.pages))]


def test_stock_reportlab_gives_the_same_text_links_and_pages(demo: Path, tmp_path: Path) -> None:
    if not reportlab_private.fast_paths():
        pytest.skip("the fast paths are off here: there is only one path to compare")
    fast = export(demo, tmp_path / "fast.pdf", stock=False)
    stock = export(demo, tmp_path / "stock.pdf", stock=True)

    assert len(fast.pages) > 20
    assert len(stock.pages) == len(fast.pages)
    assert page_texts(stock) == page_texts(fast)
    fast_links = links_by_page(fast)
    assert sum(map(len, fast_links)) > 100
    assert links_by_page(stock) == fast_links
    assert outline_pages(stock) == outline_pages(fast)


def test_an_untested_reportlab_version_turns_the_fast_paths_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reportlab_private.reportlab, "Version", "99.0.0")
    monkeypatch.delenv(reportlab_private.STOCK_ENV, raising=False)
    assert reportlab_private._decide() is False
    monkeypatch.setattr(reportlab_private.reportlab, "Version", "5.1.0")
    assert reportlab_private._decide() is True
    monkeypatch.setenv(reportlab_private.STOCK_ENV, "1")
    assert reportlab_private._decide() is False


def test_no_module_but_the_fence_imports_a_private_reportlab_name() -> None:
    offenders = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        if path.name == "reportlab_private.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reportlab"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private or any(part.startswith("_") for part in node.module.split(".")):
                    offenders.append(f"{path.relative_to(ROOT)}: {node.module} {private}")
    assert offenders == []
