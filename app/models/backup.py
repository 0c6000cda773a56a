"""Backups of a portfolio file: online copies, rotation, and putting one back.

Every backup is made with SQLite's online backup API (consistent even while the
app is writing), written beside its final name, checked with ``quick_check``,
flushed to disk and only then renamed into place, so a backup that exists is a
good one. Automatic backups of a portfolio live in their own folder under the
backup folder (``<stem>-<8 hex of its path>``), so two portfolios never mix;
they are rotated: the newest N are kept plus the newest of each of the last D
days. Manual and before-migration backups are never rotated away.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.errors import PortfolioError
from app.models.files import (
    APPLICATION_ID,
    check_is_portfolio,
    connect,
    connect_existing,
    copy_raw,
    fsync_dir,
    fsync_file,
    os_error_message,
    read_only_uri,
    replace_database,
)
from app.models.leftovers import sweep_folder
from app.models.outputs import check_output

log = logging.getLogger(__name__)

STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
AUTOMATIC_REASONS = frozenset({"open", "auto"})
_PARTIAL = ".partial"
_STALE_PARTIAL = timedelta(hours=1)
_PAGES_PER_STEP = 1024

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BackupPolicy:
    """Where automatic backups go and how many are kept (from the user's settings)."""

    folder: Path  # the backup folder; each portfolio gets a subfolder of it
    keep_recent: int = 10
    keep_daily_days: int = 30
    interval_minutes: int = 15


@dataclass(frozen=True)
class BackupFile:
    path: Path
    created: datetime  # UTC, from the file name
    reason: str

    @property
    def automatic(self) -> bool:
        return self.reason in AUTOMATIC_REASONS


def portfolio_backup_folder(portfolio: Path, base: Path) -> Path:
    """The folder under ``base`` holding the backups of ``portfolio``."""
    resolved = str(Path(portfolio).resolve())
    digest = hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:8]
    return base / f"{_safe(Path(portfolio).stem)}-{digest}"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "portfolio"


def backup_name(portfolio: Path, when: datetime, reason: str) -> str:
    suffix = portfolio.suffix or ".sqlite3"
    return f"{_safe(portfolio.stem)}-{when.strftime(STAMP_FORMAT)}-{_safe(reason)}{suffix}"


def online_backup(
    src: Path,
    dest_dir: Path,
    *,
    reason: str = "manual",
    now: datetime | None = None,
    progress: Progress | None = None,
) -> Path:
    """Copy ``src`` consistently (even while open) into ``dest_dir``; return the copy."""
    when = now or datetime.now(UTC)
    dest = dest_dir / backup_name(src, when, reason)
    while dest.exists():  # two backups in one microsecond: keep both
        when += timedelta(microseconds=1)
        dest = dest_dir / backup_name(src, when, reason)
    return backup_to(src, dest, progress=progress)


def backup_to(
    src: Path, dest: Path, *, progress: Progress | None = None, force: bool = False
) -> Path:
    """Online backup of ``src`` into the new file ``dest``: checked, durable, atomic.

    Refuses to overwrite ``dest`` (``force`` allows an ordinary file, never a
    database or the portfolio's companions: ``app.models.outputs``). On any failure
    nothing is left at ``dest`` (nor half-written beside it) and a ``PortfolioError``
    says why.
    """
    src, dest = Path(src), Path(dest)
    if dest.exists() and not force:
        raise PortfolioError(f"{dest} already exists; choose another name for the backup.")
    if dest.parent.is_dir():
        check_output(dest, what="backup", force=force, protected=[src])
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PortfolioError(
            os_error_message(exc, f"create the backup folder {dest.parent}")
        ) from exc
    partial = dest.with_name(dest.name + _PARTIAL)
    sweep_folder(dest.parent)  # what a killed backup left here
    try:
        _copy_database(src, partial, progress)
        problem = _quick_check_problem(partial)
        if problem is not None:
            raise PortfolioError(
                f"Could not back up {src}: the copy failed the check ({problem}), so the "
                "portfolio itself is probably damaged; run 'portfolio check'."
            )
        fsync_file(partial)
        check_output(dest, what="backup", force=force, protected=[src])  # may have appeared
        partial.replace(dest)
        fsync_dir(dest.parent)
    except sqlite3.Error as exc:
        _discard(partial)
        raise PortfolioError(_backup_failure(src, dest, exc)) from exc
    except OSError as exc:
        _discard(partial)
        raise PortfolioError(os_error_message(exc, f"write the backup {dest}")) from exc
    except BaseException:
        _discard(partial)
        raise
    return dest


def _copy_database(src: Path, dest: Path, progress: Progress | None) -> None:
    source = connect_existing(src)
    try:
        target = connect(dest)
        try:

            def step(_status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            source.backup(target, pages=_PAGES_PER_STEP if progress else -1, progress=step)
            # One self-contained file: a backup must open on read-only media too.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
    finally:
        source.close()


def _discard(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-journal")):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)


def _backup_failure(src: Path, dest: Path, exc: sqlite3.Error) -> str:
    text = str(exc).lower()
    if not src.exists():
        return f"Could not back up {src}: it has disappeared (was the drive removed?)."
    if "full" in text:
        return f"Could not back up {src}: the disk holding {dest.parent} is full."
    if "readonly" in text or "unable to open" in text:
        return f"Could not back up {src}: {dest.parent} cannot be written to."
    if "malformed" in text or "not a database" in text:
        return (
            f"Could not back up {src}: the portfolio itself is damaged ({exc}); "
            "run 'portfolio check'."
        )
    if "i/o" in text:
        return (
            f"Could not back up {src} to {dest.parent}: the drive reported an I/O error "
            "(is it full or was it removed?)."
        )
    return f"Could not back up {src} to {dest}: {exc}."


def _quick_check_problem(path: Path) -> str | None:
    """What SQLite's quick check (and our application id) finds wrong with ``path``."""
    conn = connect(read_only_uri(path), uri=True)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    finally:
        conn.close()
    if rows != [("ok",)]:
        return f"SQLite's quick check failed ({rows[0][0]})"
    if app_id != APPLICATION_ID:
        return "it is not an Apprentice Portfolio file"
    return None


def quick_verify(path: Path) -> None:
    """Raise unless ``path`` is a portfolio file that passes SQLite's quick check."""
    check_is_portfolio(path)
    try:
        problem = _quick_check_problem(path)
    except sqlite3.Error as exc:
        problem = str(exc)
    if problem is not None:
        raise PortfolioError(f"{path} is damaged: {problem}.")


# --- the backups of one portfolio ---------------------------------------------------------------


def list_backups(folder: Path, portfolio: Path) -> list[BackupFile]:
    """The backups of ``portfolio`` in ``folder``, newest first."""
    suffix = re.escape(portfolio.suffix or ".sqlite3")
    pattern = re.compile(
        rf"^{re.escape(_safe(portfolio.stem))}-(\d{{8}}T\d{{12}}Z)-([A-Za-z0-9_.-]+){suffix}$"
    )
    found: list[BackupFile] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None:
            continue
        created = datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=UTC)
        found.append(BackupFile(path=entry, created=created, reason=match.group(2)))
    found.sort(key=lambda b: b.created, reverse=True)
    return found


def rotate(
    folder: Path,
    portfolio: Path,
    *,
    keep_recent: int,
    keep_daily_days: int,
    now: datetime | None = None,
) -> list[Path]:
    """Delete automatic backups beyond the newest ``keep_recent`` and one a day for
    ``keep_daily_days`` days (local calendar days); return what was deleted."""
    today = (now or datetime.now(UTC)).astimezone().date()
    automatic = [b for b in list_backups(folder, portfolio) if b.automatic]
    keep = {b.path for b in automatic[: max(keep_recent, 1)]}
    days_seen: set[object] = set()
    for backup in automatic:  # newest first: the first one seen of a day is its newest
        day = backup.created.astimezone().date()
        if (today - day).days < keep_daily_days and day not in days_seen:
            days_seen.add(day)
            keep.add(backup.path)
    deleted: list[Path] = []
    for backup in automatic:
        if backup.path in keep:
            continue
        try:
            backup.path.unlink()
            deleted.append(backup.path)
        except OSError as exc:
            log.warning("Could not remove old backup %s: %s", backup.path, exc)
    _remove_stale_partials(folder, now)
    return deleted


def _remove_stale_partials(folder: Path, now: datetime | None) -> None:
    """Leftovers of a backup cut short (power cut, kill) are removed once clearly stale."""
    limit = (now or datetime.now(UTC)).timestamp() - _STALE_PARTIAL.total_seconds()
    with contextlib.suppress(OSError):
        for entry in folder.glob(f"*{_PARTIAL}*"):
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < limit:
                    entry.unlink()


def last_change(portfolio: Path) -> float:
    """When the file (or its WAL) was last written, as a timestamp."""
    stamps = []
    for candidate in (portfolio, portfolio.with_name(portfolio.name + "-wal")):
        with contextlib.suppress(OSError):
            stamps.append(candidate.stat().st_mtime)
    return max(stamps, default=0.0)


def automatic_backup(
    portfolio: Path,
    policy: BackupPolicy,
    *,
    reason: str = "auto",
    now: datetime | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> Path | None:
    """Back ``portfolio`` up into its folder unless a backup is recent enough; rotate.

    Without ``force`` nothing is done when the newest backup is younger than
    the policy's interval, or when the file has not changed since it was made.
    Returns the new backup, or None.
    """
    when = now or datetime.now(UTC)
    folder = portfolio_backup_folder(portfolio, policy.folder)
    if not force:
        existing = list_backups(folder, portfolio)
        if existing:
            newest = existing[0].created
            if when - newest < timedelta(minutes=policy.interval_minutes):
                return None
            if last_change(portfolio) < newest.timestamp():
                return None  # nothing changed since
    made = online_backup(portfolio, folder, reason=reason, now=when, progress=progress)
    rotate(
        folder,
        portfolio,
        keep_recent=policy.keep_recent,
        keep_daily_days=policy.keep_daily_days,
        now=when,
    )
    return made


def backup_on_open(path: Path, policy: BackupPolicy) -> None:
    """The automatic backup on open; a failure is logged, never blocks opening."""
    try:
        automatic_backup(path, policy, reason="open")
    except PortfolioError as exc:
        log.warning("Automatic backup of %s failed: %s", path, exc)


def backup_before_migration(path: Path, policy: BackupPolicy | None, revision: str | None) -> Path:
    """The checked copy a migration is made after: into the portfolio's backup folder,
    or (no policy) beside it, to be removed once the migration has succeeded."""
    reason = f"before-migration-{revision or 'none'}"
    folder = path.parent if policy is None else portfolio_backup_folder(path, policy.folder)
    try:
        return online_backup(path, folder, reason=reason)
    except PortfolioError as exc:
        raise PortfolioError(
            f"{path} needs updating to this version's file format, but it could not be "
            f"backed up first ({str(exc).rstrip('.')}); nothing was changed."
        ) from exc


# --- putting a backup back ----------------------------------------------------------------------


def keep_copy(portfolio: Path, label: str, *, now: datetime | None = None) -> Path:
    """Keep the current ``portfolio`` beside it as ``<stem>.<label>-<stamp><suffix>``.

    A readable file is copied with the backup API (one self-contained file); a
    damaged one byte for byte, WAL included, so nothing in it is lost.
    """
    when = (now or datetime.now(UTC)).strftime(STAMP_FORMAT)
    suffix = portfolio.suffix or ".sqlite3"
    kept = portfolio.with_name(f"{portfolio.stem}.{_safe(label)}-{when}{suffix}")
    try:
        return backup_to(portfolio, kept)
    except PortfolioError as exc:
        log.info("Keeping %s byte for byte (%s)", portfolio, exc)
    try:
        copy_raw(portfolio, kept)
    except OSError as exc:
        _discard(kept)
        raise PortfolioError(
            os_error_message(exc, f"keep a copy of {portfolio} before replacing it")
            + " Nothing was changed."
        ) from exc
    return kept


def stage_copy(src: Path, target: Path, *, progress: Progress | None = None) -> Path:
    """A checked copy of ``src`` beside ``target``, ready for ``replace_database``."""
    staged = target.with_name(f".{target.name}.restoring")
    _discard(staged)
    return backup_to(src, staged, progress=progress)


def put_back(staged: Path, target: Path) -> None:
    """Swap the staged copy in for ``target`` (its WAL and shm files go first)."""
    try:
        replace_database(staged, target)
    except OSError as exc:
        _discard(staged)
        raise PortfolioError(os_error_message(exc, f"replace {target}")) from exc
