"""``portfolio open [PATH]``: the desktop app on a file; what the installers' file types run.

The menu entry and the .portfolio file association launch ``portfolio open FILE`` (and
``portfolio open`` with no file from the menu), so one command line serves every desktop.
A ``.portfolio`` package opens in the read-only review mode, a ``.request`` (sign-off
request) in the signer's view with no portfolio; any other path is a portfolio.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "open",
        help="open the desktop app on a portfolio, a .portfolio package for review, or a "
        ".request to answer it",
    )
    p.add_argument("path", nargs="?", metavar="PATH", help="default: --file or your portfolio")
    p.set_defaults(handler=cmd_open)


def cmd_open(args: argparse.Namespace) -> int:
    from app.ui.main import run_gui  # lazily: only the desktop app needs Qt

    return int(run_gui(args.path or args.file))
