"""Choosing portfolio files and export destinations (the static QFileDialog calls
tests replace)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.config import PORTFOLIO_SUFFIX
from app.models.outputs import output_problem
from app.ui.errors import message_box_text


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


def refuse_unsafe_output(
    parent: QWidget | None, path: Path, what: str, protected: Iterable[Path] = ()
) -> bool:
    """Show in one sentence why ``path`` must not be written (the portfolio, its
    companions, any database, a device); True when it was refused.

    The save dialog has already asked before replacing an ordinary file, so that
    is allowed (``force``); the rule itself lives in ``app.models.outputs``.
    """
    problem = output_problem(path, what=what, force=True, protected=tuple(protected))
    if problem is None:
        return False
    QMessageBox.warning(parent, _tr("Apprentice Portfolio"), message_box_text(problem))
    return True


def choose_save_path(
    parent: QWidget | None,
    title: str,
    suggested: Path,
    file_filter: str,
    *,
    what: str,
    suffix: str = "",
    protected: Iterable[Path] = (),
) -> Path | None:
    """Where to save an export: the usual save dialog (it confirms replacing a file),
    then the portfolio, its companions and any database are refused in one sentence."""
    name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
    if not name:
        return None
    path = Path(name)
    if suffix and not path.suffix:
        path = path.with_suffix(suffix)
    if refuse_unsafe_output(parent, path, what, protected):
        return None
    return path
