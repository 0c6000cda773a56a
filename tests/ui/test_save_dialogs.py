"""The app's save dialogs keep their overwrite question but never write over the portfolio,
its companions or another database: one sentence says why, and nothing is written."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.services.portfolio import create_portfolio
from app.settings import Settings


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []

    def record(_parent: object, _title: str, text: str, *_args: object) -> object:
        said.append(text)
        return QMessageBox.StandardButton.Ok

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, record)
    return said


@pytest.fixture
def window(qtbot, tmp_path: Path, warnings: list[str]) -> Iterator[object]:
    from app.ui.windows import WindowManager

    path = tmp_path / "p.sqlite3"
    create_portfolio(path, name="Ada Lovelace").close()
    manager = WindowManager(Settings())
    opened = manager.open_path(path, read_only=False)
    assert opened is not None
    qtbot.waitExposed(opened)
    qtbot.waitUntil(lambda: hasattr(opened, "progress_pages"))
    yield opened
    opened.close()


def choose(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(path), ""))


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-lock"])
def test_the_off_the_job_export_refuses_the_portfolio_and_its_companions(
    window, monkeypatch: pytest.MonkeyPatch, warnings: list[str], suffix: str
) -> None:
    portfolio = window.document.path
    target = portfolio.with_name(portfolio.name + suffix)
    if suffix:
        target.write_bytes(b"SQLite's own bytes")
    before = digest(target)
    choose(monkeypatch, target)
    window.progress_pages.otj.export_csv()
    assert len(warnings) == 1
    assert str(target) in warnings[0]
    assert "portfolio itself" in warnings[0] or "portfolio's own files" in warnings[0]
    assert digest(target) == before


def test_the_package_export_refuses_another_database(
    window, monkeypatch: pytest.MonkeyPatch, warnings: list[str], tmp_path: Path
) -> None:
    from app.ui.review import export_package

    other = tmp_path / "other.portfolio"
    create_portfolio(other, name="Someone else").close()
    before = digest(other)
    choose(monkeypatch, other)
    export_package(window)
    assert len(warnings) == 1 and "is an SQLite database" in warnings[0]
    assert digest(other) == before


def test_the_pdf_dialog_refuses_the_portfolio_in_one_sentence(window) -> None:
    from app.ui.export import ExportPdfDialog

    dialog = ExportPdfDialog(window.document, window)
    dialog.path.setText(str(window.document.path.with_suffix(".pdf")))
    assert dialog.problem() is None
    dialog.path.setText(str(window.document.path) + "-wal.pdf")
    assert dialog.problem() is None  # an ordinary new name is fine
    portfolio_named_pdf = window.document.path.with_name("copy.pdf")
    portfolio_named_pdf.symlink_to(window.document.path)
    dialog.path.setText(str(portfolio_named_pdf))
    assert dialog.problem() == (
        f"{portfolio_named_pdf} is the portfolio itself; choose another name for the PDF "
        "(it is never written over the portfolio)."
    )
    dialog.close()
