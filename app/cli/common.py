"""What every command shares: opening the portfolio, printing, reading input."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config import default_portfolio_path
from app.errors import InvalidInputError
from app.models.outputs import check_output, write_output
from app.settings import load_settings
from app.wording import counted

if TYPE_CHECKING:  # the ORM is imported by the commands that write, never to read
    import sqlite3

    from sqlalchemy.orm import Session

    from app.export.context import PdfResult
    from app.models.db import Database
    from app.models.opening import OpenedFile

Handler = Callable[[argparse.Namespace], int]


def portfolio_path(args: argparse.Namespace) -> Path:
    return Path(args.file).expanduser() if args.file else default_portfolio_path()


def backup_dir() -> Path:
    return load_settings().resolved_backup_folder()


def open_file(args: argparse.Namespace) -> OpenedFile:
    """Open the portfolio named by ``--file`` / ``PORTFOLIO_FILE`` / the default, as the
    app opens it (``app.models.opening``): checked, backed up on open (at most every N
    minutes, and always before a migration), migrated when old."""
    from app.models.opening import open_existing
    from app.services.backups import policy_from_settings

    policy = policy_from_settings(load_settings())
    return open_existing(portfolio_path(args), backups_policy=policy)


def open_db(args: argparse.Namespace) -> Database:
    """``open_file``, then the ORM over it (for commands that write)."""
    from app.models.db import database_for

    return database_for(open_file(args).path)


@contextmanager
def opened(args: argparse.Namespace) -> Iterator[Database]:
    """The portfolio as ``open_db`` opens it, closed again afterwards."""
    db = open_db(args)
    try:
        yield db
    finally:
        db.close()


@contextmanager
def read_connection(args: argparse.Namespace) -> Iterator[sqlite3.Connection]:
    """A consistent read of the portfolio for ``app.services.queries``, without the ORM
    (``open_file``: only a file that needs migrating loads SQLAlchemy and Alembic); the
    file is closed afterwards."""
    from app.models.opening import ReadConnection

    opened = open_file(args)
    reader = ReadConnection(opened.path)
    try:
        with reader.read() as conn:
            yield conn
    finally:
        reader.close()
        opened.release()


@contextmanager
def writing(args: argparse.Namespace) -> Iterator[Session]:
    """One command, one transaction on the portfolio; the file is closed afterwards."""
    with opened(args) as db, db.transaction() as session:
        yield session


@contextmanager
def reading(args: argparse.Namespace) -> Iterator[Session]:
    """A consistent read of the portfolio; the file is closed afterwards."""
    with opened(args) as db, db.reader() as session:
        yield session


def add_output_argument(
    parser: argparse.ArgumentParser,
    name: str = "out",
    *,
    metavar: str,
    help_text: str | None = None,
    nargs: str | None = None,
) -> None:
    """An output path and ``--force``: every command writing a file declares it so."""
    if nargs is None:
        parser.add_argument(name, metavar=metavar, help=help_text)
    else:
        parser.add_argument(name, metavar=metavar, help=help_text, nargs=nargs)
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing file (never the portfolio, its companions or a database)",
    )


def output_path(args: argparse.Namespace, what: str, name: str = "out") -> Path:
    """The output path of a command, refused at once (in one sentence) when it is the
    portfolio, one of its companions, any SQLite file, or an existing file without
    ``--force``. Writers check again just before they publish (``app.models.outputs``)."""
    out = Path(getattr(args, name)).expanduser()
    check_output(out, what=what, force=args.force, protected=[portfolio_path(args)])
    return out


def report_pdf(out: Path, result: PdfResult) -> None:
    """``Wrote OUT (N pages).``, then on stderr whatever the PDF could not show (it is
    written all the same: the portfolio holds it whole)."""
    print(f"Wrote {out} ({counted(result.pages, 'page')}).")
    for warning in result.warnings:
        print(f"Warning: {warning}", file=sys.stderr)


def write_output_file(args: argparse.Namespace, data: bytes, what: str) -> Path:
    """Write ``data`` as the command's output file (atomically, nothing partial left)."""
    out = output_path(args, what)
    return write_output(out, data, what=what, force=args.force, protected=[portfolio_path(args)])


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def read_text_file(name: str, what: str) -> str:
    """Read UTF-8 text exactly as written (``-`` is standard input)."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except FileNotFoundError as exc:
        raise InvalidInputError(f"The {what} {name} does not exist.") from exc
    except IsADirectoryError as exc:
        raise InvalidInputError(f"The {what} {name} is a folder, not a file.") from exc
    except PermissionError as exc:
        raise InvalidInputError(f"The {what} {name} cannot be read: permission denied.") from exc
    except OSError as exc:
        raise InvalidInputError(f"The {what} {name} cannot be read: {exc.strerror}.") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"The {what} {name} is not UTF-8 text.") from exc


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from exc
    if number < 1:
        raise argparse.ArgumentTypeError(f"'{value}' must be 1 or more")
    return number


def command_group(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The sub-commands of ``name`` (``export``, ``import``), shared by the modules adding to it."""
    parser = sub.choices.get(name)
    if parser is None:
        parser = sub.add_parser(name, help=help_text)
        group = parser.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")
        parser.set_defaults(_command_group=group)
    group = parser.get_default("_command_group")
    assert isinstance(group, argparse._SubParsersAction)
    return group
