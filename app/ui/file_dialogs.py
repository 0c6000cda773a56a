"""Choosing portfolio files (the static QFileDialog calls tests replace)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from app.config import PORTFOLIO_SUFFIX


def _tr(text: str) -> str:
    return QCoreApplication.translate("FileDialogs", text)


def _filter() -> str:
    return _tr("Portfolios (*{suffix});;All files (*)").format(suffix=PORTFOLIO_SUFFIX)


def choose_portfolio_to_open(parent: QWidget | None, folder: Path) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, _tr("Open Portfolio"), str(folder), _filter())
    return Path(name) if name else None


def choose_new_portfolio_path(parent: QWidget | None, folder: Path) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(
        parent,
        _tr("New Portfolio"),
        str(folder / f"portfolio{PORTFOLIO_SUFFIX}"),
        _filter(),
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix else path.with_suffix(PORTFOLIO_SUFFIX)
