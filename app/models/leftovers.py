"""Sweeping away what a killed export, import, backup or restore left behind.

Every writer stages its work under a name of its own and removes it whatever happens,
but a ``kill -9`` or a power cut gives it no chance. So the next start sweeps them:
when a portfolio is opened (its folder and the temporary folder) and when a file is
next written into a folder (that folder). Only our own leftovers go, and only stale
ones:

- exactly our names: ``.NAME.<8-12 letters or digits>.part`` (exports, CSVs, the
  signed files), ``NAME.partial`` / ``.NAME.restoring`` (backups, restores: only while
  they hold an SQLite database or its journal), ``.portfolio-import-XXXXXXXX`` beside an
  imported portfolio, ``portfolio-package-XXXXXXXX`` in the temporary folder;
- owned by this user, reached without following a symbolic link;
- untouched for ``STALE_AFTER_S`` (nothing is still writing them: every writer keeps
  changing what it writes far more often than that).

Anything else, however similar its name, is left alone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

from app.models.files import SQLITE_HEADER

log = logging.getLogger(__name__)

STALE_AFTER_S = 3600.0
_PART = re.compile(r"^\..+\.[A-Za-z0-9_]{8,12}\.part$")
_DATABASE_STAGING = re.compile(r"^(?:.+\.partial|\..+\.restoring)(?:-journal)?$")
_IMPORT_FOLDER = re.compile(r"^\.portfolio-import-[A-Za-z0-9_]{8}$")
_PACKAGE_FOLDER = re.compile(r"^portfolio-(?:package|verify)-[A-Za-z0-9_]{8}$")


def _mine(st: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or st.st_uid == getuid()


def _newest_change(folder: Path) -> float:
    """The latest change anywhere under ``folder`` (links not followed)."""
    newest = os.lstat(folder).st_mtime
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in (*dirs, *files):
            with contextlib.suppress(OSError):
                newest = max(newest, os.lstat(os.path.join(root, name)).st_mtime)
    return newest


_JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def _holds_a_database(path: Path) -> bool:
    """An SQLite database (or its rollback journal, or an empty journal): what a backup
    or a restore stages; a user's own file of that name never is."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError:
        return False
    if path.name.endswith("-journal"):
        return head == b"" or head.startswith(_JOURNAL_MAGIC)
    return head == SQLITE_HEADER


def _stale_file(entry: Path, limit: float) -> bool:
    st = os.lstat(entry)
    return stat.S_ISREG(st.st_mode) and _mine(st) and st.st_mtime < limit


def _stale_folder(entry: Path, limit: float) -> bool:
    st = os.lstat(entry)
    return stat.S_ISDIR(st.st_mode) and _mine(st) and _newest_change(entry) < limit


def _ours_and_stale(name: str, entry: Path, limit: float) -> bool:
    if _PART.match(name):
        return _stale_file(entry, limit)
    if _DATABASE_STAGING.match(name):
        return _stale_file(entry, limit) and _holds_a_database(entry)
    return False


def sweep_folder(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove our stale leftovers directly in ``folder``; return what was removed."""
    limit = (time.time() if now is None else now) - STALE_AFTER_S
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for item in entries:
        entry = Path(item.path)
        try:
            if _ours_and_stale(item.name, entry, limit):
                entry.unlink()
            elif _IMPORT_FOLDER.match(item.name) and _stale_folder(entry, limit):
                shutil.rmtree(entry)
            else:
                continue
        except OSError as exc:
            log.info("Could not sweep %s: %s", entry, exc)
            continue
        removed.append(entry)
    if removed:
        log.info("Swept %d stale leftover(s) in %s", len(removed), folder)
    return removed


def sweep_temporary_folder(*, now: float | None = None, folder: Path | None = None) -> list[Path]:
    """Remove our stale ``portfolio-package-*`` and ``portfolio-verify-*`` folders from the
    temporary folder."""
    where = Path(tempfile.gettempdir()) if folder is None else folder
    limit = (time.time() if now is None else now) - STALE_AFTER_S
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(where) if _PACKAGE_FOLDER.match(e.name)]
    except OSError:
        return removed
    for item in entries:
        entry = Path(item.path)
        try:
            if _stale_folder(entry, limit):
                shutil.rmtree(entry)
                removed.append(entry)
        except OSError as exc:
            log.info("Could not sweep %s: %s", entry, exc)
    return removed


def sweep_on_start(portfolio: Path) -> None:
    """What the next start sweeps: the portfolio's folder and the temporary folder."""
    sweep_folder(Path(portfolio).parent)
    sweep_temporary_folder()
