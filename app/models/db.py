"""Opening a portfolio file: engine, pragmas, migrations, transactions.

Nothing connects at import time: ``open_portfolio(path)`` is the one entry
point, so tests hand it a file in ``tmp_path``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import NotAPortfolioError, NotFoundError, PortfolioError

# PRAGMA application_id marks a file as ours ("APPF"), so `--file` pointed at
# some other SQLite database is refused instead of being "migrated".
APPLICATION_ID = 0x41505046
SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # We issue BEGIN ourselves (see _on_begin): the driver must not.
    dbapi_connection.isolation_level = None
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


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


@dataclass
class Database:
    """An open portfolio file."""

    path: Path
    engine: Engine

    def __post_init__(self) -> None:
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._write_sessions = sessionmaker(bind=writer, expire_on_commit=False)
        self._read_sessions = sessionmaker(bind=self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action: commits when the block ends, rolls back if it raises."""
        with self._write_sessions() as session:
            try:
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                raise _storage_error(self.path, exc) from exc
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A consistent read-only view (one deferred transaction)."""
        with self._read_sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    def close(self) -> None:
        self.engine.dispose()


def _storage_error(path: Path, exc: OperationalError) -> PortfolioError:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    if "locked" in text or "busy" in text:
        return PortfolioError(
            f"The portfolio {path} is busy in another program; close it there and try again."
        )
    if "readonly" in text or "read-only" in text:
        return PortfolioError(f"The portfolio {path} is read-only; nothing was changed.")
    if "disk" in text and "full" in text:
        return PortfolioError(f"The disk holding {path} is full; nothing was changed.")
    return PortfolioError(f"The portfolio {path} could not be written ({text}).")


def _check_is_portfolio(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise PortfolioError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if header != SQLITE_HEADER:
        raise NotAPortfolioError(f"{path} is not an Apprentice Portfolio file.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotAPortfolioError(f"{path} is not a readable portfolio file ({exc}).") from exc
    if app_id != APPLICATION_ID:
        raise NotAPortfolioError(f"{path} is an SQLite file but not an Apprentice Portfolio.")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)


def open_portfolio(
    path: Path,
    *,
    create: bool = False,
    backup_dir: Path | None = None,
) -> Database:
    """Open (or with ``create=True`` create) the portfolio at ``path``.

    Runs any pending migrations, after an online backup of the file into
    ``backup_dir`` when one is given.
    """
    path = Path(path)
    if path.exists():
        if create:
            raise PortfolioError(f"{path} already exists; choose another file name.")
        _check_is_portfolio(path)
    elif not create:
        raise NotFoundError(
            f"No portfolio at {path}; create one with "
            f"'portfolio --file {path} init --framework ST0825 --name NAME'."
        )
    elif not path.parent.is_dir():
        raise PortfolioError(f"The folder {path.parent} does not exist; create it first.")

    engine = make_engine(path)
    try:
        if create:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            upgrade(engine)
        else:
            revision = current_revision(engine)
            if revision != head_revision():
                if backup_dir is not None:
                    from app.models.backup import online_backup

                    online_backup(path, backup_dir, reason=f"before-migration-{revision}")
                upgrade(engine)
    except (OperationalError, DatabaseError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        if create:
            path.unlink(missing_ok=True)
        raise PortfolioError(f"Cannot open {path}: {exc}.") from exc
    except BaseException:
        engine.dispose()
        if create:
            path.unlink(missing_ok=True)
        raise
    return Database(path=path, engine=engine)
