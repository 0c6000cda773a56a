"""Keeping the portfolio safe: ``check [--full]``, ``backup [DEST]``, ``restore SRC``.

None of these opens the file through ``open_db``: they must work on a damaged
file, and must not migrate or back up a file as a side effect.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import add_output_argument, output_path, portfolio_path
from app.errors import PortfolioError
from app.services import backups, integrity
from app.settings import load_settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="check the portfolio file: structure, links, attachment bytes, search index",
    )
    p.add_argument(
        "--full", action="store_true", help="SQLite's full integrity_check (slower, thorough)"
    )
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("backup", help="make a checked backup now; prints where it went")
    add_output_argument(
        p,
        "dest",
        nargs="?",
        metavar="DEST",
        help_text="a new file, or a folder (default: your backup folder)",
    )
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser(
        "restore",
        help="replace the portfolio with a backup (checked first; the current "
        "file is kept beside it)",
    )
    p.add_argument("src", metavar="SRC", help="the backup file to restore")
    p.set_defaults(handler=cmd_restore)


def cmd_check(args: argparse.Namespace) -> int:
    path = portfolio_path(args)
    result = integrity.check_portfolio(path, full=args.full)
    if result.ok:
        print(result.summary())
        return 0
    for problem in result.problems:
        print(f"- {problem}")
    folder = backups.backup_folder(path, load_settings())
    raise PortfolioError(
        f"{result.summary()} Restore a backup with 'portfolio restore FILE' "
        f"(automatic backups are in {folder})."
    )


def cmd_backup(args: argparse.Namespace) -> int:
    path = portfolio_path(args)
    dest = Path(args.dest).expanduser() if args.dest else None
    if dest is not None and not dest.is_dir():
        dest = output_path(args, "backup", "dest")
    made = backups.backup_now(path, load_settings(), dest, force=args.force)
    print(made)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = portfolio_path(args)
    result = backups.restore(Path(args.src).expanduser(), path)
    kept = f"; the previous file is kept as {result.kept}" if result.kept else ""
    print(f"Restored {result.target} from {result.source}{kept}.")
    return 0
