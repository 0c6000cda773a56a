"""The portfolio file on disk: recognising it, its companions, replacing it safely.

An open SQLite file in WAL mode is really up to three files: ``NAME``,
``NAME-wal`` (committed changes not yet copied into ``NAME``) and ``NAME-shm``.
Anything that replaces ``NAME`` must deal with the other two, or SQLite would
replay a stale WAL onto the new file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.errors import NotAPortfolioError, NotFoundError, PortfolioError

# PRAGMA application_id marks a file as ours ("APPF"), so `--file` pointed at
# some other SQLite database is refused instead of being "migrated".
APPLICATION_ID = 0x41505046
SQLITE_HEADER = b"SQLite format 3\x00"
# Below this much free space an I/O error is most likely a full disk.
LOW_SPACE_BYTES = 4 * 1024 * 1024


def connect(database: str | Path, **kwargs: Any) -> sqlite3.Connection:
    """Every sqlite3 connection the app makes comes from here (the ORM's too, through
    ``harden``): a file is data, never code we trust."""
    conn = sqlite3.connect(database, **kwargs)
    try:
        harden(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def harden(conn: sqlite3.Connection) -> None:
    """``trusted_schema = OFF``: SQL functions and virtual tables that are not marked
    harmless may not run from a file's triggers, views, defaults or indexes; our own
    search-index triggers are TEMP triggers for that reason (``app.models.search_sync``).
    Loading extensions stays off (Python's default)."""
    conn.execute("PRAGMA trusted_schema = OFF")


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def shm_path(path: Path) -> Path:
    return path.with_name(path.name + "-shm")


def read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


# How an existing file can be opened: read-write, read-only, or (read-only media, no
# WAL beside it) immutable, which SQLite reads without its shared-memory file.
URI_MODES = {"rw": "mode=rw", "ro": "mode=ro", "immutable": "mode=ro&immutable=1"}


def connect_existing(path: Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection to the existing file ``path`` (never creating it), in autocommit mode.

    Read-write where allowed, so that closing it tidies the WAL away instead of
    leaving ``-wal``/``-shm`` files behind; read-only where the file or folder is.
    """
    return connect_existing_with_mode(path, timeout=timeout)[0]


def connect_existing_with_mode(
    path: Path, *, timeout: float = 5.0
) -> tuple[sqlite3.Connection, str]:
    """``connect_existing``, and which of ``URI_MODES`` it took."""
    uri = path.resolve().as_uri()
    conn = connect(f"{uri}?mode=rw", uri=True, isolation_level=None, timeout=timeout)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError:  # e.g. a read-only folder: no -shm can be made there
        conn.close()
    except BaseException:
        conn.close()
        raise
    else:
        return conn, "rw"
    conn = connect(f"{uri}?mode=ro", uri=True, isolation_level=None, timeout=timeout)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError:
        conn.close()
        if wal_path(path).exists():
            raise
        # Read-only media: with no WAL beside it nothing can be writing to it, so
        # SQLite may read it as it is, without its shared-memory file.
        immutable = URI_MODES["immutable"]
        return connect(
            f"{uri}?{immutable}", uri=True, isolation_level=None, timeout=timeout
        ), "immutable"
    except BaseException:
        conn.close()
        raise
    return conn, "ro"


def writable(path: Path) -> bool:
    """Whether the portfolio at ``path`` can be changed: the file and its folder (SQLite
    keeps its journal there, and the writer lock too) must both be writable."""
    real = Path(os.path.realpath(path))
    return os.access(real, os.W_OK) and os.access(real.parent, os.W_OK | os.X_OK)


def file_kind_problem(path: Path, what: str = "portfolio") -> str | None:
    """Why ``path`` cannot be a portfolio (or backup) file at all, without opening it:
    a folder, a pipe, a device or a socket (opening a pipe would wait for ever)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"Cannot read {path}: {exc.strerror or exc}."
    if stat.S_ISDIR(mode):
        return f"{path} is a folder, not a {what} file."
    if stat.S_ISFIFO(mode):
        return f"{path} is a pipe (FIFO), not a {what} file."
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return f"{path} is a device, not a {what} file."
    if not stat.S_ISREG(mode):
        return f"{path} is not an ordinary file (a socket?), so not a {what} file."
    return None


def missing_message(path: Path) -> str:
    return (
        f"No portfolio at {path}; create one with "
        f"'portfolio --file {path} init --framework ST0825 --name NAME'."
    )


def recognise(path: Path) -> None:
    """Refuse (one sentence) anything at ``path`` but an existing portfolio file."""
    if not path.exists():
        raise NotFoundError(missing_message(path))
    check_is_portfolio(path)


def check_is_portfolio(path: Path) -> None:
    """Raise unless ``path`` is an SQLite file carrying our application id."""
    problem = file_kind_problem(path)
    if problem is not None:
        raise NotAPortfolioError(problem)
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except FileNotFoundError as exc:
        raise PortfolioError(f"{path} does not exist.") from exc
    except OSError as exc:
        raise PortfolioError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if header != SQLITE_HEADER:
        raise NotAPortfolioError(f"{path} is not an Apprentice Portfolio file.")
    try:
        conn = connect_existing(path)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        name = sqlite_error_name(exc)
        if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or not name:
            raise NotAPortfolioError(f"{path} is not a readable portfolio file ({exc}).") from exc
        message = sqlite_error_message(path, str(exc), name=name, action="opened")
        raise PortfolioError(message) from exc
    if app_id != APPLICATION_ID:
        raise NotAPortfolioError(f"{path} is an SQLite file but not an Apprentice Portfolio.")


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_database(staged: Path, target: Path) -> None:
    """Put the complete, closed file ``staged`` in place of ``target``.

    The target's WAL and shared-memory files go first: left behind, SQLite
    would replay the old WAL onto the new file and damage it.
    """
    for companion in (wal_path(target), shm_path(target)):
        companion.unlink(missing_ok=True)
    os.replace(staged, target)
    fsync_dir(target.parent)


def copy_raw(src: Path, dest: Path) -> None:
    """Byte-for-byte copy of ``src`` and its WAL (for a file too damaged to read).

    The WAL is copied first: if a reader checkpoints in between, the copy holds
    the WAL's pages twice (harmless) rather than not at all.
    """
    if wal_path(src).exists():
        shutil.copyfile(wal_path(src), wal_path(dest))
    shutil.copyfile(src, dest)
    fsync_file(dest)
    fsync_dir(dest.parent)


def is_disk_full(folder: Path) -> bool:
    with contextlib.suppress(OSError):
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    return False


def os_error_message(exc: OSError, what: str) -> str:
    """A sentence for an OS error while doing ``what`` (e.g. "write the backup X")."""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"Could not {what}: the disk is full."
    if code == errno.EROFS:
        return f"Could not {what}: the drive is read-only."
    if code in (errno.EACCES, errno.EPERM):
        return f"Could not {what}: permission denied (the folder or file is read-only)."
    if code == errno.ENOENT:
        return f"Could not {what}: the folder no longer exists (was the drive removed?)."
    if code == errno.EIO:
        return f"Could not {what}: the drive reported an I/O error (was it removed?)."
    return f"Could not {what}: {exc.strerror or exc}."


def sqlite_error_message(path: Path, text: str, *, name: str = "", action: str = "changed") -> str:
    """One sentence for an SQLite error on the portfolio ``path``.

    ``name`` is SQLite's error name when known (``SQLITE_FULL``,
    ``SQLITE_IOERR_WRITE``…); ``action`` is what did not happen ("changed",
    "opened", "read", "created").
    """
    lowered = text.lower()
    name = name.upper()
    gone = action != "created" and not path.exists()  # a failed creation removes its file
    if str(path) != ":memory:" and (gone or name == "SQLITE_READONLY_DBMOVED"):
        return (
            f"The portfolio {path} has disappeared (was the drive removed or the file "
            f"moved?); nothing was {action}. Reconnect the drive and open it again."
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in lowered:
        return f"The portfolio {path} is busy in another program; close it there and try again."
    io_error = name.startswith("SQLITE_IOERR") or "i/o" in lowered
    if name == "SQLITE_FULL" or "full" in lowered or (io_error and is_disk_full(path.parent)):
        return f"The disk holding {path} is full; nothing was {action}. Free some space first."
    if name.startswith("SQLITE_READONLY") or "readonly" in lowered or "read-only" in lowered:
        if action == "opened":
            return (
                f"The portfolio {path} cannot be opened: it is read-only, or its folder cannot "
                "be written to (SQLite keeps its journal beside it); copy it to a folder you "
                "can write to."
            )
        return f"The portfolio {path} is read-only (or on a read-only drive); nothing was {action}."
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in lowered:
        return (
            f"The portfolio {path} cannot be opened: its folder is missing or cannot be "
            f"written to; nothing was {action}."
        )
    if name.startswith(("SQLITE_IOERR_READ", "SQLITE_IOERR_SHORT_READ")):
        return (
            f"The drive holding {path} could not be read (was it removed?); nothing was {action}."
        )
    if io_error:
        return (
            f"The portfolio {path} could not be written to its drive (it may be full, removed, "
            f"or unable to hold a file this large); nothing was {action}."
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in lowered:
        return (
            f"The portfolio {path} is damaged ({text}); nothing was {action}. "
            f"Run 'portfolio check' and restore a backup."
        )
    return f"The portfolio {path} could not be {action} ({text})."


@contextmanager
def storage_errors(path: Path, action: str) -> Iterator[None]:
    """An SQLite error in the block becomes one sentence (``sqlite_error_message``)."""
    try:
        yield
    except sqlite3.Error as exc:
        message = sqlite_error_message(path, str(exc), name=sqlite_error_name(exc), action=action)
        raise PortfolioError(message) from exc


def sqlite_error_name(exc: BaseException) -> str:
    """SQLite's name for the error (``SQLITE_FULL``…), or "" when not known."""
    return str(getattr(exc, "sqlite_errorname", "") or "")
