"""Every file the app writes for the user goes through here (exports, CSVs, backups).

One rule for every output path, whoever asks (a CLI command, a dialog, a future
export): never write over a portfolio or any other SQLite database, nor over a
portfolio's companions (``-wal``, ``-shm``, ``-journal``, ``-lock``), nor over a
FIFO or a device; and never replace an existing file unless the caller says so
(``--force``, or a save dialog that asked). ``force`` never lifts the first rule.

``staged_output`` writes beside the destination under ``.NAME.<random>.part``,
flushes it to disk and only then moves it into place, so the destination is
either the whole new file or untouched, and a full disk leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app.errors import PortfolioError
from app.models.files import SQLITE_HEADER, fsync_dir, fsync_file, os_error_message
from app.models.leftovers import sweep_folder

# The first four bytes of an SQLite write-ahead log (either byte order of checksums).
WAL_MAGICS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal", "-lock")
PART_SUFFIX = ".part"


class OutputRefused(PortfolioError):
    """The chosen output path must not be written (see the module's rule)."""


def _header(path: Path) -> bytes:
    """The first bytes of the regular file ``path`` (b"" when it cannot be read)."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER))
    except OSError:
        return b""


def is_sqlite_file(path: Path) -> bool:
    """True when ``path`` is a regular file holding an SQLite database or its WAL."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
    except OSError:
        return False
    header = _header(path)
    return header == SQLITE_HEADER or header[:4] in WAL_MAGICS


def companions(path: Path) -> list[Path]:
    """The files SQLite (and our writer lock) keep beside the database ``path``."""
    return [path.with_name(path.name + suffix) for suffix in COMPANION_SUFFIXES]


def _same_file(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        if os.path.samefile(a, b):
            return True
    with contextlib.suppress(OSError, RuntimeError):
        return a.resolve() == b.resolve()
    return False


def _is_database_companion(path: Path) -> bool:
    """``NAME-wal`` (and the like) beside an SQLite file ``NAME``, however it is reached."""
    for candidate in {path, path.resolve()}:
        for suffix in COMPANION_SUFFIXES:
            if candidate.name.endswith(suffix) and len(candidate.name) > len(suffix):
                base = candidate.with_name(candidate.name[: -len(suffix)])
                if is_sqlite_file(base):
                    return True
    return False


def output_problem(
    out: Path, *, what: str, force: bool = False, protected: Iterable[Path] = ()
) -> str | None:
    """Why ``out`` must not be written as the ``what`` (one sentence), or None."""
    out = Path(out)
    for portfolio in protected:
        portfolio = Path(portfolio)
        if _same_file(out, portfolio):
            return (
                f"{out} is the portfolio itself; choose another name for the {what} "
                "(it is never written over the portfolio)."
            )
        if any(_same_file(out, c) for c in companions(portfolio)):
            return (
                f"{out} is one of the portfolio's own files (SQLite keeps it beside "
                f"{portfolio.name}); choose another name for the {what}."
            )
    try:
        mode = os.stat(out).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        return os_error_message(exc, f"write the {what} {out}")
    if mode is not None:
        if stat.S_ISDIR(mode):
            return f"{out} is a folder; give a file name for the {what}."
        if not stat.S_ISREG(mode):
            return (
                f"{out} is not an ordinary file (a pipe, socket or device); "
                f"choose a file name for the {what}."
            )
        if is_sqlite_file(out):
            return (
                f"{out} is an SQLite database (perhaps a portfolio or a backup); it is never "
                f"written over, even with --force: choose another name for the {what}."
            )
    if _is_database_companion(out):
        return (
            f"{out} belongs to the SQLite database beside it (its journal, shared memory or "
            f"lock); choose another name for the {what}."
        )
    if not out.parent.is_dir():
        return f"The folder {out.parent} does not exist; create it first."
    if mode is not None and not force:
        return (
            f"{out} already exists; choose another name for the {what}, "
            "or add --force to replace it."
        )
    return None


def check_output(
    out: Path, *, what: str, force: bool = False, protected: Iterable[Path] = ()
) -> Path:
    """``out``, or an ``OutputRefused`` saying in one sentence why it must not be written."""
    problem = output_problem(out, what=what, force=force, protected=tuple(protected))
    if problem is not None:
        raise OutputRefused(problem)
    return Path(out)


def part_path(out: Path) -> Path:
    """A fresh name beside ``out`` for its partial copy: ``.NAME.<random>.part``."""
    return out.with_name(f".{out.name}.{secrets.token_hex(6)}{PART_SUFFIX}")


@contextmanager
def staged_output(
    out: Path, *, what: str, force: bool = False, protected: Iterable[Path] = ()
) -> Iterator[Path]:
    """Yield a new empty file beside ``out`` to write; on success it becomes ``out``.

    The staged file is flushed to disk first; without ``force`` an existing ``out``
    is never replaced (not even one that appeared while writing). On any failure
    the staged file is removed and ``out`` is left as it was; a storage failure
    becomes one sentence (a full disk says so).
    """
    out = Path(out)
    guarded = tuple(protected)
    check_output(out, what=what, force=force, protected=guarded)
    sweep_folder(out.parent)  # stale .part files a killed export left here
    temp = create_part(out, what)
    try:
        yield temp
        fsync_file(temp)
        check_output(out, what=what, force=force, protected=guarded)  # it may have appeared
        _publish(temp, out, what=what, force=force)
    except OSError as exc:
        _discard(temp)
        raise PortfolioError(os_error_message(exc, f"write the {what} {out}")) from exc
    except BaseException:
        _discard(temp)
        raise


def write_output(
    out: Path,
    data: bytes,
    *,
    what: str,
    force: bool = False,
    protected: Iterable[Path] = (),
) -> Path:
    """Write ``data`` as the file ``out`` through ``staged_output``; return ``out``."""
    with staged_output(out, what=what, force=force, protected=protected) as temp:
        temp.write_bytes(data)
    return Path(out)


def create_part(out: Path, what: str) -> Path:
    """A new empty ``.NAME.<random>.part`` file beside ``out``."""
    for _attempt in range(100):
        temp = part_path(out)
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        except OSError as exc:
            raise PortfolioError(os_error_message(exc, f"write the {what} {out}")) from exc
        os.close(fd)
        return temp
    raise PortfolioError(f"Could not write the {what} {out}: no temporary name was free.")


def _publish(temp: Path, out: Path, *, what: str, force: bool) -> None:
    if force:
        os.replace(temp, out)
    else:
        try:
            os.link(temp, out)  # fails, rather than replaces, if ``out`` appeared
        except FileExistsError as exc:
            raise OutputRefused(
                f"{out} already exists; choose another name for the {what}, "
                "or add --force to replace it."
            ) from exc
        except OSError:
            if out.exists() or out.is_symlink():  # no hard links here (FAT, some shares)
                raise OutputRefused(f"{out} already exists; choose another name.") from None
            os.replace(temp, out)
        else:
            temp.unlink()
    fsync_dir(out.parent)


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
