"""A portfolio file before it is open: the application layer the desktop app uses then.

The desktop app reaches a portfolio through ``app.ui.document.PortfolioDocument``
once it is open, and through these before (or instead of) opening it: whether it can
be written, whether another window still holds it, the quick check before opening,
its backups, and restoring the newest good one. Each works on the file's path (off
the GUI thread where it takes a while); nothing here imports Qt or the ORM on load
(docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from pathlib import Path

from app.errors import PortfolioError
from app.models.backup import BackupFile
from app.models.files import check_is_portfolio, writable
from app.models.lock import is_held
from app.services import backups, integrity
from app.services.backups import RestoreResult
from app.services.integrity import CheckResult
from app.settings import Settings

__all__ = [
    "BackupFile",
    "CheckResult",
    "RestoreResult",
    "backup_folder",
    "backups_of",
    "can_write",
    "in_use",
    "quick_check",
    "restore_newest_good",
    "worth_checking",
]


def can_write(path: Path) -> bool:
    """Whether the portfolio at ``path`` can be changed (else it opens read-only)."""
    return writable(path)


def in_use(path: Path) -> bool:
    """Whether a program (this one included) has the portfolio open for writing now: a
    glance, not a reservation (``app.models.lock.is_held``)."""
    return is_held(path)


def worth_checking(path: Path, settings: Settings) -> bool:
    """Whether to quick-check ``path`` before opening it: a portfolio file, or a file
    too damaged to recognise that we have backed up before (ours to offer a backup
    for). Anything else is left to opening, which says what it is."""
    if not path.is_file():
        return False
    try:
        check_is_portfolio(path)
    except PortfolioError:
        return bool(backups.list_backups(path, settings))
    return True


def quick_check(path: Path) -> CheckResult:
    """SQLite's quick check and ours, before the file is opened."""
    return integrity.quick_check_file(path)


def backups_of(path: Path, settings: Settings) -> list[BackupFile]:
    """The backups of ``path`` in its backup folder, newest first."""
    return backups.list_backups(path, settings)


def backup_folder(path: Path, settings: Settings) -> Path:
    return backups.backup_folder(path, settings)


def restore_newest_good(path: Path, settings: Settings) -> RestoreResult:
    """Put the newest backup of ``path`` that passes the full check in its place; the
    damaged file is kept beside it."""
    return backups.restore_newest_good(path, settings)
