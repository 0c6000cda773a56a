"""Backups as the app and the CLI use them.

- ``maybe_backup(path, settings)``: the app calls it after a change is saved;
  it makes an automatic backup when the newest is older than the interval in
  the settings, and rotates the old ones.
- ``backup_now``: ``portfolio backup [DEST]``.
- ``restore``: ``portfolio restore SRC``: checks SRC fully first, keeps a copy
  of the current file beside it, then puts SRC in its place.
- ``restore_newest_good``: recovery of a damaged file from its newest backup
  that passes the full check (the damaged file is kept beside it).

Each function works on the file's path, not on an open ``Database``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.errors import NotFoundError, PortfolioError
from app.models import backup as backup_files
from app.models.backup import BackupFile, BackupPolicy, Progress
from app.models.files import check_is_portfolio, connect_existing, file_kind_problem
from app.models.lock import real_path, writing
from app.models.outputs import check_output
from app.models.revisions import is_known_revision
from app.models.schema_guard import check_file
from app.services.integrity import CheckResult, check_portfolio
from app.settings import Settings
from app.wording import counted


@dataclass(frozen=True)
class RestoreResult:
    target: Path  # the portfolio that was replaced (or created)
    source: Path  # the backup it now holds
    kept: Path | None  # where the previous file was kept, if there was one


def policy_from_settings(settings: Settings) -> BackupPolicy:
    return BackupPolicy(
        folder=settings.resolved_backup_folder(),
        keep_recent=settings.backup_keep_recent,
        keep_daily_days=settings.backup_keep_daily_days,
        interval_minutes=settings.backup_interval_minutes,
    )


def backup_folder(path: Path, settings: Settings) -> Path:
    """Where the automatic (and default manual) backups of ``path`` go."""
    return backup_files.portfolio_backup_folder(Path(path), settings.resolved_backup_folder())


def list_backups(path: Path, settings: Settings) -> list[BackupFile]:
    """The backups of ``path`` in its backup folder, newest first."""
    return backup_files.list_backups(backup_folder(path, settings), Path(path))


def maybe_backup(path: Path, settings: Settings, *, now: datetime | None = None) -> Path | None:
    """An automatic backup if the newest is older than the settings' interval.

    Cheap when no backup is due (one folder listing), so the app may call it
    after every saved change; run it off the GUI thread, as a backup of a
    large file takes a moment. Returns the new backup or None.
    """
    return backup_files.automatic_backup(
        Path(path), policy_from_settings(settings), reason="auto", now=now
    )


def backup_now(
    path: Path,
    settings: Settings,
    dest: Path | None = None,
    *,
    progress: Progress | None = None,
    force: bool = False,
) -> Path:
    """A backup on demand: into the backup folder, into the folder ``dest``, or as
    the new file ``dest`` (an existing ordinary file only with ``force``; never the
    portfolio, its companions or another database). Returns the backup's path."""
    path = Path(path)
    _require_portfolio(path)
    if dest is None:
        folder = backup_folder(path, settings)
        return backup_files.online_backup(path, folder, reason="manual", progress=progress)
    dest = Path(dest).expanduser()
    if dest.is_dir():
        return backup_files.online_backup(path, dest, reason="manual", progress=progress)
    check_output(dest, what="backup", force=force, protected=[path])
    return backup_files.backup_to(path, dest, progress=progress, force=force)


def _require_portfolio(path: Path) -> None:
    if not path.exists():
        raise NotFoundError(f"No portfolio at {path}.")
    check_is_portfolio(path)
    check_file(path, "backed up")


def _file_revision(path: Path) -> str | None:
    conn = connect_existing(path)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        conn.close()
    return str(row[0]) if row else None


def verify_backup(src: Path, *, progress: Progress | None = None) -> CheckResult:
    """The full check of a backup before it may replace a portfolio; raises if it fails."""
    src = Path(src)
    if not src.exists():
        raise NotFoundError(f"The backup {src} does not exist.")
    problem = file_kind_problem(src, "backup")
    if problem is not None:  # a pipe or a device is refused at once, never opened
        raise PortfolioError(f"{problem} Nothing was changed.")
    try:
        check_is_portfolio(src)
    except PortfolioError as exc:
        raise PortfolioError(
            f"{src} is not a portfolio backup ({exc}); nothing was changed."
        ) from exc
    check_file(src, "restored")
    reporter = None if progress is None else (lambda done, total, _msg: progress(done, total))
    result = check_portfolio(src, full=True, progress=reporter)
    if not result.ok:
        raise PortfolioError(
            f"{src} is not a good backup: {result.problems[0]} Nothing was changed."
        )
    try:
        revision = _file_revision(src)
    except sqlite3.Error as exc:
        raise PortfolioError(f"{src} is not a good backup ({exc}); nothing was changed.") from exc
    if revision is not None and not is_known_revision(revision):
        raise PortfolioError(
            f"{src} was saved by a newer version of Apprentice Portfolio; update the app "
            "before restoring it. Nothing was changed."
        )
    return result


def restore(
    src: Path,
    target: Path,
    *,
    label: str = "before-restore",
    progress: Progress | None = None,
) -> RestoreResult:
    """Put the backup ``src`` in place of the portfolio ``target``.

    ``src`` passes the full check first; the current ``target`` (if any) is
    kept beside it as ``<stem>.<label>-<time><suffix>``; the swap is atomic and
    takes the writer lock, so it is refused while the app has ``target`` open.
    """
    src, target = Path(src), real_path(Path(target))  # through a link: the real file
    if target.exists() and src.resolve() == target.resolve():
        raise PortfolioError(f"{src} is the portfolio itself; choose a backup to restore.")
    if not target.parent.is_dir():
        raise PortfolioError(f"The folder {target.parent} does not exist; create it first.")
    verify_backup(src, progress=progress)
    with writing(target):
        staged = backup_files.stage_copy(src, target)
        try:
            kept = backup_files.keep_copy(target, label) if target.exists() else None
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        backup_files.put_back(staged, target)
    return RestoreResult(target=target, source=src, kept=kept)


def restore_newest_good(
    path: Path, settings: Settings, *, progress: Progress | None = None
) -> RestoreResult:
    """Restore ``path`` from its newest backup that passes the full check.

    The current (damaged) file is kept beside it as ``<stem>.damaged-<time>``.
    """
    path = Path(path)
    candidates = list_backups(path, settings)
    reasons: list[str] = []
    for candidate in candidates:
        try:
            verify_backup(candidate.path, progress=progress)
        except PortfolioError as exc:
            reasons.append(str(exc))
            continue
        return restore(candidate.path, path, label="damaged", progress=progress)
    folder = backup_folder(path, settings)
    if not candidates:
        raise NotFoundError(
            f"There is no backup of {path} in {folder}; the file has been left as it is."
        )
    raise PortfolioError(
        f"None of the {counted(len(candidates), 'backup')} of {path} in {folder} passed the check "
        f"(the newest: {reasons[0]}); the file has been left as it is."
    )
