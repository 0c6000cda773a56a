"""Opening a portfolio file without the ORM: checks, the writer lock, reads.

The desktop app opens a portfolio at every start, and importing SQLAlchemy
takes longer there than drawing the whole first window. So everything that
opening an up-to-date file needs is here, on the sqlite3 driver alone:
recognising the file, holding the writer lock, reading its format revision,
the automatic backup on open, and ``ReadConnection`` for the reads that fill
the first window (``app.services.queries``). Only a file that needs migrating
loads SQLAlchemy and Alembic (``app.models.db.prepare_existing``) before it
opens. Nothing here imports SQLAlchemy; a test keeps it so.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import NotFoundError, PortfolioError
from app.models import backup as backups
from app.models.backup import BackupPolicy
from app.models.files import (
    check_is_portfolio,
    connect_existing,
    sqlite_error_message,
    sqlite_error_name,
)
from app.models.leftovers import sweep_on_start
from app.models.lock import WriterLock, hold_for_session, real_path, release_session
from app.models.schema_guard import refuse_foreign_schema

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5000

# --- the file format revision ---------------------------------------------------------------------
# Alembic is imported only when a file actually needs migrating: importing it costs
# about 0.2 s, and the desktop app opens a portfolio at every start.


def alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


_REVISION_LINE = re.compile(
    r"^(down_revision|revision)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|None)", re.M
)


def head_revision() -> str:
    """The newest file format: read from the migration scripts, as Alembic reads them.

    Falls back to Alembic for anything but a plain linear history.
    """
    revisions: dict[str, str | None] = {}
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = {
            m[0]: m[1] or m[2] or None for m in _REVISION_LINE.findall(script.read_text("utf-8"))
        }
        revision = found.get("revision")
        if revision:
            revisions[revision] = found.get("down_revision")
    heads = set(revisions) - {down for down in revisions.values() if down}
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def is_known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def revision_rows(conn: sqlite3.Connection) -> list[str] | None:
    """The revisions in the file's ``alembic_version`` table; None when it has none."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if not has_table:
        return None
    return [str(row[0]) for row in conn.execute("SELECT version_num FROM alembic_version")]


def single_revision(conn: sqlite3.Connection) -> str | None:
    """The file's one format revision; None when unversioned or anything unusual
    (several heads), which only the full path through Alembic may judge."""
    rows = revision_rows(conn)
    return rows[0] if rows is not None and len(rows) == 1 else None


# --- opening --------------------------------------------------------------------------------------


@dataclass
class OpenedFile:
    """A portfolio file checked, up to date, and (when exclusive) held by this process."""

    path: Path
    session_lock: WriterLock | None = None

    def release(self) -> None:
        if self.session_lock is not None:
            release_session(self.session_lock)
            self.session_lock = None


def missing_message(path: Path) -> str:
    return (
        f"No portfolio at {path}; create one with "
        f"'portfolio --file {path} init --framework ST0825 --name NAME'."
    )


def open_existing(
    path: Path, *, backups_policy: BackupPolicy | None = None, exclusive: bool = False
) -> OpenedFile:
    """Check the portfolio at ``path`` and bring it up to date, ready to read and write.

    - ``exclusive=True`` (the desktop app): hold the writer lock until the
      returned file is released; a second app, or a CLI write, is refused.
    - ``backups_policy``: make the automatic backup on open when the newest is
      older than its interval (and always before a migration).
    """
    path = real_path(path)  # through a symlink, act on the real file (a rollback too)
    if not path.exists():
        raise NotFoundError(missing_message(path))
    check_is_portfolio(path)
    check_schema(path, "opened")  # before anything is written: no backup, no migration
    opened = OpenedFile(path, hold_for_session(path) if exclusive else None)
    try:
        conn = connect_existing(path)
        try:
            revision = single_revision(conn)
        finally:
            conn.close()
        if revision is not None and revision == head_revision():
            if backups_policy is not None:
                backup_on_open(path, backups_policy)
        else:  # migrating (or judging an odd file) takes SQLAlchemy and Alembic
            from app.models.db import prepare_existing

            prepare_existing(path, backups_policy)
    except BaseException as exc:
        opened.release()
        if isinstance(exc, sqlite3.Error):
            message = sqlite_error_message(
                path, str(exc), name=sqlite_error_name(exc), action="opened"
            )
            raise PortfolioError(message) from exc
        raise
    sweep_on_start(path)  # what a killed export, import or backup left behind
    return opened


def check_schema(path: Path, action: str) -> None:
    """Refuse (one sentence) a file whose schema holds objects our migrations did not
    make: a planted trigger or view must never run (``app.models.schema_guard``)."""
    try:
        conn = connect_existing(path)
    except sqlite3.Error as exc:
        message = sqlite_error_message(path, str(exc), name=sqlite_error_name(exc), action=action)
        raise PortfolioError(message) from exc
    try:
        refuse_foreign_schema(conn, path, action)
    except sqlite3.Error as exc:
        message = sqlite_error_message(path, str(exc), name=sqlite_error_name(exc), action=action)
        raise PortfolioError(message) from exc
    finally:
        conn.close()


def backup_on_open(path: Path, policy: BackupPolicy) -> None:
    """The automatic backup on open; a failure is logged, never blocks opening."""
    try:
        backups.automatic_backup(path, policy, reason="open")
    except PortfolioError as exc:
        log.warning("Automatic backup of %s failed: %s", path, exc)


# --- reading --------------------------------------------------------------------------------------


class ReadConnection:
    """One read-only sqlite3 connection to an open portfolio, for ``app.services.queries``.

    ``query_only``: whatever a caller runs through it, it cannot change the file.
    Each ``read()`` block is one deferred transaction, so its reads agree with each
    other and see every change committed before it began (WAL keeps readers and the
    writer out of each other's way).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = connect_existing(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.execute("PRAGMA query_only = ON")
            self._conn = conn
        return self._conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent view for the block; storage errors become one clear sentence."""
        try:
            conn = self._connection()
            conn.execute("BEGIN")
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        try:
            yield conn
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        finally:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")

    def _error(self, exc: sqlite3.Error) -> PortfolioError:
        message = sqlite_error_message(
            self.path, str(exc), name=sqlite_error_name(exc), action="read"
        )
        return PortfolioError(message)

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
