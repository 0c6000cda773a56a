"""The ORM over a portfolio file: engine, pragmas, transactions, creating a file.

Nothing connects at import time. An existing file is opened by the one sequence in
``app.models.opening``; ``database_for`` is its last step for the ORM, and
``open_portfolio(path)`` both together (or, with ``create=True``, a new file), so
tests hand it a file in ``tmp_path``.

Safety rules kept here:
- WAL with ``synchronous = FULL``: a committed action survives a crash or a power cut.
- One writer: the app holds the portfolio's writer lock while it has it open
  (``exclusive=True``); any other write takes it for that one transaction and
  is refused, with a message saying why, while the app has the file
  (see ``app.models.lock``).
- Migrations run only after a checked backup; if one fails the file is put back
  from that backup, exactly as it was.
- Storage failures (disk full, read-only, the drive removed) become one clear
  sentence, and the transaction is rolled back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import PortfolioError
from app.models.backup import BackupPolicy
from app.models.files import (
    APPLICATION_ID,
    SQLITE_HEADER,
    URI_MODES,
    connect,
    connect_existing_with_mode,
    harden,
    sqlite_error_message,
    sqlite_error_name,
)
from app.models.lock import WriterLock, hold_for_session, release_session, writing
from app.models.opening import open_existing
from app.models.revisions import alembic_config, head_revision
from app.models.schema_guard import expected_schema, trust_for_writing

__all__ = [
    "APPLICATION_ID",
    "SQLITE_HEADER",
    "BackupPolicy",
    "Database",
    "database_for",
    "make_engine",
    "open_portfolio",
    "upgrade",
    "utc_now",
]

log = logging.getLogger(__name__)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # We issue BEGIN ourselves (see _on_begin): the driver must not.
    dbapi_connection.isolation_level = None
    harden(dbapi_connection)  # trusted_schema = OFF, as on every connection
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA journal_mode = WAL")
    # FULL: every committed action survives a power cut, not only a crash.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _on_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")
    if mode == "IMMEDIATE":  # a write: holding the write lock, prove the schema is ours
        dbapi = connection.connection.dbapi_connection
        assert isinstance(dbapi, sqlite3.Connection)
        try:
            trust_for_writing(dbapi)
        except BaseException:
            connection.exec_driver_sql("ROLLBACK")
            raise


def _on_end(connection: Connection) -> None:
    dbapi = connection.connection.dbapi_connection
    if isinstance(dbapi, sqlite3.Connection):
        harden(dbapi)  # trusted again only by the next write's own check


def _query_only(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


def make_engine(path: Path, *, query_only: bool = False, mode: str = "rw") -> Engine:
    """The engine for ``path``; ``query_only`` connections refuse every change.

    ``mode`` "ro" or "immutable" (``app.models.files.URI_MODES``): a portfolio in a
    read-only file or folder, or on read-only media, opened read-only.
    """
    if mode != "rw" and str(path) != ":memory:":
        uri = f"{Path(path).resolve().as_uri()}?{URI_MODES[mode]}"
        engine = create_engine(
            "sqlite://",
            creator=lambda: connect(uri, uri=True, check_same_thread=False),
            future=True,
        )
        query_only = True
    else:
        engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "commit", _on_end)
    event.listen(engine, "rollback", _on_end)
    if query_only:
        event.listen(engine, "connect", _query_only)
    return engine


def access_mode(path: Path) -> str:
    """How the existing file ``path`` can be opened: "rw", "ro" or "immutable"."""
    try:
        conn, mode = connect_existing_with_mode(path)
    except sqlite3.Error:
        return "rw"  # let the engine's own connection say what is wrong
    conn.close()
    return mode


def database_for(
    path: Path, *, query_only: bool = False, session_lock: WriterLock | None = None
) -> Database:
    """The ORM over the portfolio at ``path``, opened by ``app.models.opening``: the last
    step of opening, for changes (read-only where the file or its folder is)."""
    engine = make_engine(path, query_only=query_only, mode=access_mode(path))
    return Database(path=path, engine=engine, session_lock=session_lock)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


@dataclass
class Database:
    """An open portfolio file."""

    path: Path
    engine: Engine
    session_lock: WriterLock | None = None  # held while open, by the app (exclusive=True)
    _identity: tuple[int, int] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._write_sessions = sessionmaker(bind=writer, expire_on_commit=False)
        self._read_sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        if str(self.path) != ":memory:":
            self._identity = _identity(self.path)

    @property
    def exclusive(self) -> bool:
        return self.session_lock is not None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action: commits when the block ends, rolls back if it raises."""
        with writing(self.path), self._write_sessions() as session:
            try:
                yield session
                self._check_still_there()
                session.commit()
            except (OperationalError, DatabaseError) as exc:
                with contextlib.suppress(Exception):
                    session.rollback()
                raise storage_error(self.path, exc) from exc
            except BaseException:
                with contextlib.suppress(Exception):
                    session.rollback()
                raise

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A consistent read-only view (one deferred transaction)."""
        with self._read_sessions() as session:
            try:
                yield session
            except (OperationalError, DatabaseError) as exc:
                raise storage_error(self.path, exc, action="read") from exc
            finally:
                with contextlib.suppress(Exception):
                    session.rollback()

    def _check_still_there(self) -> None:
        """Refuse to commit into a file that was removed or replaced while open.

        On Linux SQLite happily keeps writing to a deleted file (or one on a
        drive that was pulled out and came back as another device), and every
        change would be lost when it closes.
        """
        if self._identity is not None and _identity(self.path) != self._identity:
            raise PortfolioError(
                f"The portfolio {self.path} has disappeared or was replaced while open "
                "(was the drive removed?); your last change was not saved. "
                "Open it again to carry on."
            )

    def make_query_only(self) -> None:
        """From now on every connection refuses changes (those opened so far are closed)."""
        self.engine.dispose()
        event.listen(self.engine, "connect", _query_only)

    def hold_exclusive(self) -> None:
        """Take the writer lock until ``close()``, as ``open_portfolio(exclusive=True)``
        does (for a Database made another way, e.g. just created)."""
        if self.session_lock is None and str(self.path) != ":memory:":
            self.session_lock = hold_for_session(self.path)

    def close(self) -> None:
        self.engine.dispose()
        if self.session_lock is not None:
            release_session(self.session_lock)
            self.session_lock = None


def storage_error(
    path: Path, exc: OperationalError | DatabaseError, *, action: str = "changed"
) -> PortfolioError:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    name = sqlite_error_name(exc.orig) if exc.orig is not None else ""
    return PortfolioError(sqlite_error_message(path, text, name=name, action=action))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run our migrations. Callers have made the file themselves or proved its schema
    ours (``open_existing`` checks it first), so the migrations' own writes may fire the
    file's triggers (the search index's), as on any verified write."""
    from alembic import command

    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA trusted_schema = ON")
        command.upgrade(alembic_config(conn), revision)
    if str(engine.url.database or ":memory:") != ":memory:" and revision == "head":
        # Alembic is loaded now anyway: work out (and remember on disk) the schema the
        # next open compares against, so opening never needs Alembic.
        expected_schema(head_revision())


def open_portfolio(
    path: Path,
    *,
    create: bool = False,
    backup_dir: Path | None = None,
    backups_policy: BackupPolicy | None = None,
    exclusive: bool = False,
) -> Database:
    """Open (or with ``create=True`` create) the portfolio at ``path``.

    - ``backups_policy`` (or just ``backup_dir``, with the default rotation):
      make an automatic backup on open when the newest is older than the
      policy's interval, and always before a migration.
    - ``exclusive=True`` (the desktop app): hold the writer lock until
      ``close()``; a second app, or a CLI write, on the same file is refused.

    Pending migrations run after a checked backup; if one fails, the file is put
    back from that backup and a ``PortfolioError`` says so.
    """
    path = Path(path)
    policy = backups_policy
    if policy is None and backup_dir is not None:
        policy = BackupPolicy(folder=Path(backup_dir))
    if not create:
        opened = open_existing(path, backups_policy=policy, exclusive=exclusive)
        return database_for(opened.path, session_lock=opened.session_lock)
    if path.exists():
        raise PortfolioError(f"{path} already exists; choose another file name.")
    if not path.parent.is_dir():
        raise PortfolioError(f"The folder {path.parent} does not exist; create it first.")
    session_lock = hold_for_session(path) if exclusive else None
    engine = make_engine(path)
    try:
        with writing(path, creating=True):
            _create(engine, path)
    except BaseException as exc:
        engine.dispose()
        if session_lock is not None:
            release_session(session_lock)
        if isinstance(exc, OperationalError | DatabaseError):
            raise storage_error(path, exc, action="created") from exc
        if isinstance(exc, sqlite3.Error):
            message = sqlite_error_message(
                path, str(exc), name=sqlite_error_name(exc), action="created"
            )
            raise PortfolioError(message) from exc
        raise
    return Database(path=path, engine=engine, session_lock=session_lock)


def _create(engine: Engine, path: Path) -> None:
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(engine)
    except BaseException:
        engine.dispose()
        for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        raise
