"""Opening a portfolio file: one sequence, each step owned by the module of its concern.

``open_existing`` is the only way an existing portfolio is opened, by the desktop
app (``app.ui.document``) and the command line (``app.cli.common``) alike::

    recognise   app.models.files        there, a file, SQLite, ours
    check       app.models.schema_guard nothing in it our migrations did not make
    lock        app.models.lock         the app holds the writer lock while open
    revision    app.models.revisions    which format; a newer one is refused
    back up     app.models.backup       on open (by the settings' interval), and
                                        always before a migration
    migrate     app.models.migration    under the writer lock; put back on failure
    sweep       app.models.leftovers    what a killed export or backup left behind
    connect     ReadConnection (below) for reads, ``app.models.db.database_for`` for the ORM

Opening an up-to-date file needs the sqlite3 driver alone: importing SQLAlchemy takes
longer than drawing the whole first window, so only a file that needs migrating (or a
change) loads it. Nothing here imports SQLAlchemy on load; a test keeps it so.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.models.backup import BackupPolicy, backup_before_migration, backup_on_open
from app.models.files import connect_existing, recognise, storage_errors
from app.models.leftovers import sweep_on_start
from app.models.lock import WriterLock, hold_for_session, real_path, release_session, writing
from app.models.revisions import head_revision, refuse_newer, revision_of
from app.models.schema_guard import check_file

BUSY_TIMEOUT_MS = 5000


@dataclass
class OpenedFile:
    """A portfolio file checked, up to date, and (when exclusive) held by this process."""

    path: Path
    session_lock: WriterLock | None = None

    def release(self) -> None:
        if self.session_lock is not None:
            release_session(self.session_lock)
            self.session_lock = None


def open_existing(
    path: Path, *, backups_policy: BackupPolicy | None = None, exclusive: bool = False
) -> OpenedFile:
    """Check the portfolio at ``path`` and bring it up to date, ready to read and write.

    - ``exclusive=True`` (the desktop app): hold the writer lock until the
      returned file is released; a second app, or a CLI write, is refused.
    - ``backups_policy``: make the automatic backup on open when the newest is
      older than its interval; before a migration the backup goes there too
      (without one, beside the file, and it is removed once migrated).
    """
    path = real_path(path)  # through a symlink, act on the real file (a rollback too)
    recognise(path)
    check_file(path, "opened")  # before anything is written: no backup, no migration
    session_lock = hold_for_session(path) if exclusive else None
    try:
        with storage_errors(path, "opened"):
            revision = revision_of(path)
            if revision is not None and revision == head_revision():
                if backups_policy is not None:
                    backup_on_open(path, backups_policy)
            else:
                refuse_newer(path, revision)
                with writing(path):  # none when the app holds it for the session already
                    revision = revision_of(path)  # another process may have migrated it
                    if revision != head_revision():
                        saved = backup_before_migration(path, backups_policy, revision)
                        from app.models.migration import migrate  # SQLAlchemy, Alembic

                        migrate(path, saved, keep_backup=backups_policy is not None)
    except BaseException:
        if session_lock is not None:
            release_session(session_lock)
        raise
    sweep_on_start(path)  # what a killed export, import or backup left behind
    return OpenedFile(path, session_lock)


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
        with storage_errors(self.path, "read"):
            conn = self._connection()
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
