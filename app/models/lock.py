"""One writer per portfolio: an OS lock on a small file beside it.

The desktop app holds the lock for as long as it has a portfolio open (it
keeps items on screen, so another program's writes would go stale under it);
every other write (a CLI command, a restore, a migration) takes it for just
that one change. So:

- a second app on the same file is refused at open;
- a CLI write while the app has the file open is refused with a message saying so;
- two CLI writes take turns (the second waits a few seconds at most);
- reads never take the lock (SQLite's WAL gives them a consistent view).

The lock is ``flock`` (POSIX) or ``msvcrt.locking`` (Windows) on ``NAME-lock``:
the operating system drops it when the holder exits, even under ``kill -9``,
so a crash never leaves a portfolio locked. The file records who holds it, for
the message; it is removed on release where the platform allows.

The lock belongs to the file, not to the name it was reached by: ``NAME-lock`` sits
beside the real file (symlinks resolved), and on POSIX the portfolio file itself is
also ``flock``-ed, so a hard link (another name for the same device and inode) cannot
let a second writer in either. Within one process, sessions are keyed by device and
inode. (``flock`` never touches the POSIX byte-range locks SQLite itself uses.)
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.errors import PortfolioError
from app.models.files import os_error_message

log = logging.getLogger(__name__)

LockKind = Literal["app", "cli"]
WAIT_FOR_OTHER_COMMAND_S = 10.0
_POLL_S = 0.02
_WINDOWS_LOCK_OFFSET = 1 << 20  # lock a byte past the holder record, which stays readable

_held: dict[str, WriterLock] = {}  # locks this process holds for a whole session
_held_guard = threading.Lock()


class WriterBusyError(PortfolioError):
    """Another program is writing to (or has open) the same portfolio."""


def real_path(path: Path) -> Path:
    """The file ``path`` names, symlinks followed (the path itself if nothing is there)."""
    return Path(os.path.realpath(path))


def lock_path(path: Path) -> Path:
    real = real_path(path)
    return real.with_name(real.name + "-lock")


def _keys(path: Path) -> set[str]:
    """The keys of a file in this process: its real path, and its device and inode where
    it exists (so a hard link finds it, and so does the path once the file is gone)."""
    real = real_path(path)
    keys = {os.path.normcase(str(real))}
    try:
        st = os.stat(real)
    except OSError:
        return keys
    return keys | {f"{st.st_dev}:{st.st_ino}"}


@dataclass(frozen=True)
class Holder:
    kind: str
    pid: int
    host: str


class _Unsupported(Exception):
    """The file system does not do locks (some network shares)."""


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EDEADLK):
                return False
            raise _Unsupported from exc
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

    def _same_file(fd: int, path: Path) -> bool:
        return True  # an open file cannot be deleted under us on Windows

    def _lock_file_itself(path: Path) -> int | None:
        return None  # the lock file beside it is the lock; Windows has no flock

    def _unlock_file(fd: int) -> None:
        return None

    _REMOVE_ON_RELEASE = False
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return False
            raise _Unsupported from exc
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    def _same_file(fd: int, path: Path) -> bool:
        # The previous holder may have removed the file after we opened it.
        try:
            on_disk = os.stat(path)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino)

    # One descriptor per portfolio file, opened once and never closed: closing any
    # descriptor of a file drops every POSIX lock this process holds on it, including
    # the shared lock SQLite keeps on a WAL database while a connection is open.
    _file_fds: dict[tuple[int, int], int] = {}
    _file_fds_guard = threading.Lock()

    def _lock_file_itself(path: Path) -> int | None:
        """``flock`` the portfolio file itself (any name of it reaches the same lock);
        None when it does not exist yet or cannot be locked; ``BlockingIOError`` while
        another holds it. Released with ``_unlock_file``, never by closing."""
        try:
            st = os.stat(path)
        except OSError:
            return None  # being created: the lock file beside it stands
        key = (st.st_dev, st.st_ino)
        with _file_fds_guard:
            fd = _file_fds.get(key)
            if fd is None:
                try:
                    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
                except OSError:
                    return None
                _file_fds[key] = fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise BlockingIOError(exc.errno, exc.strerror) from exc
            return None  # no flock on this file system: the lock file beside it stands
        return fd

    def _unlock_file(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)

    _REMOVE_ON_RELEASE = True


def _read_holder(fd: int) -> Holder | None:
    try:
        raw = os.pread(fd, 512, 0) if hasattr(os, "pread") else b""
        data = json.loads(raw.decode("utf-8"))
        return Holder(kind=str(data["kind"]), pid=int(data["pid"]), host=str(data["host"]))
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None  # being written right now, or an old empty file


def _write_holder(fd: int, kind: LockKind) -> None:
    record = json.dumps({"kind": kind, "pid": os.getpid(), "host": socket.gethostname()})
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, record.encode("utf-8"))
    except OSError:
        pass  # only used for the message; the lock itself is what counts


class WriterLock:
    """The right to write to the portfolio at ``path``. Use as a context manager."""

    def __init__(self, path: Path, kind: LockKind, *, creating: bool = False) -> None:
        self.path = Path(path)
        self.kind = kind
        self.creating = creating
        self._fd: int | None = None
        self._file_fd: int | None = None  # the portfolio file itself, flock-ed (POSIX)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, *, wait_s: float = WAIT_FOR_OTHER_COMMAND_S) -> None:
        """Take the lock; raise a ``WriterBusyError`` saying who has it if we cannot."""
        target = lock_path(self.path)
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                if self.creating:
                    advice = os_error_message(exc, f"create {self.path}")
                    advice += " Choose a folder you can write to."
                else:
                    advice = os_error_message(exc, f"change {self.path}")
                    advice += " Copy the portfolio to a folder you can write to."
                raise PortfolioError(advice) from exc
            try:
                locked = _try_lock(fd)
            except _Unsupported:
                log.warning("No file locks on %s; writes are not guarded", target)
                os.close(fd)
                return
            if locked:
                if not _same_file(fd, target):
                    os.close(fd)  # the holder removed it as we opened it: start again
                    continue
                try:
                    self._file_fd = _lock_file_itself(real_path(self.path))
                except BlockingIOError:
                    # Held through another name of the same file (a hard link).
                    _unlock(fd)
                    os.close(fd)
                    if time.monotonic() >= deadline:
                        raise WriterBusyError(_linked_busy_message(self.path)) from None
                    time.sleep(_POLL_S)
                    continue
                _write_holder(fd, self.kind)
                self._fd = fd
                return
            holder = _read_holder(fd)
            os.close(fd)
            if (holder is not None and holder.kind == "app") or time.monotonic() >= deadline:
                raise WriterBusyError(_busy_message(self.path, holder))
            time.sleep(_POLL_S)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        file_fd, self._file_fd = self._file_fd, None
        if file_fd is not None:
            _unlock_file(file_fd)
        if fd is None:
            return
        try:
            if _REMOVE_ON_RELEASE:
                # Removed while still locked, so nobody can lock the old file after us.
                lock_path(self.path).unlink(missing_ok=True)
            _unlock(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def _linked_busy_message(path: Path) -> str:
    return (
        f"The portfolio {path} is open in another program under another name (a link to "
        "the same file); close it there and try again."
    )


def _busy_message(path: Path, holder: Holder | None) -> str:
    where = ""
    if holder is not None:
        here = holder.host == socket.gethostname()
        where = f" (process {holder.pid})" if here else f" (on the computer {holder.host})"
    if holder is not None and holder.kind == "app":
        return (
            f"The portfolio {path} is open in the Apprentice Portfolio app{where}; "
            "make the change there, or close it there and try again."
        )
    return (
        f"The portfolio {path} is being changed by another command{where}; "
        "wait for it to finish and try again."
    )


def is_held(path: Path) -> bool:
    """Whether some program (this one included) holds the writer lock on ``path`` now.

    A glance, not a reservation: the answer may change the moment after. A second
    launch of the app uses it to tell a portfolio still being closed (held) from one
    nobody has open (free)."""
    try:
        fd = os.open(lock_path(path), os.O_RDWR)
    except OSError:
        return False  # no lock file: released (POSIX removes it), or never taken
    try:
        try:
            locked = _try_lock(fd)
        except _Unsupported:
            return False  # no locks here: nobody can be said to hold one
        if locked:
            _unlock(fd)
        return not locked
    finally:
        os.close(fd)


def hold_for_session(path: Path) -> WriterLock:
    """Take the lock for as long as the app has ``path`` open (until ``release_session``)."""
    keys = _keys(path)
    with _held_guard:
        if keys & _held.keys():
            raise WriterBusyError(
                f"The portfolio {path} is already open in another window of this app."
            )
        lock = WriterLock(path, "app")
        lock.acquire(wait_s=0)
        for key in keys:
            _held[key] = lock
        return lock


def release_session(lock: WriterLock) -> None:
    with _held_guard:
        for key in [k for k, held in _held.items() if held is lock]:
            del _held[key]
    lock.release()


def held_by_this_process(path: Path) -> bool:
    with _held_guard:
        return bool(_keys(path) & _held.keys())


class NoLock:
    """Stands in for a ``WriterLock`` when this process already holds the session lock."""

    def __enter__(self) -> NoLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


def writing(path: Path, *, creating: bool = False) -> WriterLock | NoLock:
    """The lock one change to ``path`` needs (none when this process holds it already)."""
    if str(path) == ":memory:" or held_by_this_process(path):
        return NoLock()
    return WriterLock(path, "cli", creating=creating)
