"""The ``portfolio`` command: an argparse front end over the services.

Exit status: 0 success, 1 a user-facing error (one line on stderr, nothing
changed), 2 bad usage (argparse).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from app import __version__
from app.errors import PortfolioError

log = logging.getLogger("app")

# Each module contributes its commands through ``register(subparsers)``.
COMMAND_MODULES = (
    "app.cli.core",
    "app.cli.bulk",
    "app.cli.git_cmd",
    "app.cli.package",
    "app.cli.verify_cmd",
    "app.cli.export",
    "app.cli.progress",
    "app.cli.safety",
    "app.cli.settings_cmd",
    "app.cli.open_cmd",
    "app.cli.signoff",
    "app.cli.plan",
    "app.cli.standard",
    "app.cli.readiness_cmd",
    "app.cli.project_cmd",
    "app.cli.discussion_cmd",
)

# The command words each module registers (or adds sub-commands to). A command imports
# only the modules registering its word, so ``item list`` never loads what ``export``
# or ``signoff`` need (SQLAlchemy, reportlab: longer than the whole read). A module
# missing here is imported for every command; tests/test_cli_imports.py keeps this true.
COMMAND_WORDS: dict[str, tuple[str, ...]] = {
    "init": ("app.cli.core",),
    "frameworks": ("app.cli.core",),
    "item": ("app.cli.core", "app.cli.bulk"),
    "coverage": ("app.cli.core",),
    "git": ("app.cli.git_cmd",),
    "export": ("app.cli.package", "app.cli.export"),
    "import": ("app.cli.package",),
    "verify": ("app.cli.verify_cmd",),
    "otj": ("app.cli.progress",),
    "review": ("app.cli.progress",),
    "scan": ("app.cli.progress",),
    "backup": ("app.cli.safety",),
    "check": ("app.cli.safety",),
    "restore": ("app.cli.safety",),
    "settings": ("app.cli.settings_cmd",),
    "open": ("app.cli.open_cmd",),
    "signoff": ("app.cli.signoff",),
    "plan": ("app.cli.plan",),
    "standard": ("app.cli.standard",),
    "readiness": ("app.cli.readiness_cmd",),
    "project": ("app.cli.project_cmd",),
    "discussion": ("app.cli.discussion_cmd",),
}


def command_modules(words: Sequence[str] | None = None) -> list[str]:
    """The command modules to register for these words: those of their command word
    (plus any module not in ``COMMAND_WORDS``), else all of them (help, bad usage)."""
    rest = list(words or ())
    while rest:  # the only option before a command word is --file PATH (or --file=PATH)
        if rest[0] == "--file" and len(rest) > 1:
            rest = rest[2:]
        elif rest[0].startswith("--file="):
            rest = rest[1:]
        else:
            break
    owners = COMMAND_WORDS.get(rest[0]) if rest else None
    if owners is None:
        return list(COMMAND_MODULES)
    mapped = {name for names in COMMAND_WORDS.values() for name in names}
    return [name for name in COMMAND_MODULES if name in owners or name not in mapped]


def build_parser(words: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given the command's ``words``, only with what that command needs."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="portfolio",
        description="Apprentice Portfolio: evidence, KSB coverage and the EPA portfolio.",
    )
    parser.add_argument("--version", action="version", version=f"portfolio {__version__}")
    parser.add_argument(
        "--file",
        metavar="PATH",
        help="the portfolio file (default: $PORTFOLIO_FILE, else your user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_modules(words):
        importlib.import_module(name).register(sub)
    return parser


def _desktop_app_only(words: list[str]) -> tuple[bool, str | None]:
    """(True, file) when the words are only ``[--file PATH]``: the desktop app."""
    if not words:
        return True, None
    if len(words) == 2 and words[0] == "--file" and not words[1].startswith("-"):
        return True, words[1]
    if len(words) == 1 and words[0].startswith("--file=") and len(words[0]) > len("--file="):
        return True, words[0].split("=", 1)[1]
    return False, None


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words == ["--version"]:  # answer before importing every command's dependencies
        print(f"portfolio {__version__}")
        return 0
    gui, file_arg = _desktop_app_only(words)
    if gui:  # no command: start the desktop app without importing every command module
        from app.ui.main import run_gui

        return run_gui(file_arg)
    from app.cli.terminal import safe_terminal
    from app.crashlog import route_logging

    route_logging()
    with safe_terminal():  # every line printed, errors and usage included (app.cli.terminal)
        return _run(words)


def _run(words: list[str]) -> int:
    parser = build_parser(words)
    args = parser.parse_args(words)
    if args.command is None:
        from app.ui.main import run_gui  # lazily: the CLI never needs Qt otherwise

        return run_gui(args.file)
    try:
        return int(args.handler(args))
    except PortfolioError as exc:
        print(f"portfolio: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("portfolio: interrupted; nothing was changed.", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so plainly, keep the traceback out of the user's way
        from app.crashlog import record_crash

        where = record_crash(exc)
        print(
            f"portfolio: an unexpected error stopped the command ({type(exc).__name__}); "
            f"nothing was changed. Details: {where}",
            file=sys.stderr,
        )
        return 1
