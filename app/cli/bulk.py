"""``portfolio item import PATH``: many items at once, all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import print_json, writing


def subcommands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The sub-command group of an existing command (``item``), to add one to it."""
    parser = sub.choices[name]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError(f"'{name}' has no sub-commands")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subcommands(sub, "item").add_parser(
        "import",
        help="add many items from a folder of Markdown files or a JSON Lines file",
        description=(
            "Add every item in PATH: a folder of Markdown files with YAML front matter "
            "(title, date, status, ksb, duty, attachments) or a JSON Lines file of the same "
            "fields plus body. All or nothing: on any problem nothing is added."
        ),
    )
    p.add_argument("path", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the new refs as a JSON list")
    p.set_defaults(handler=cmd_item_import)


def cmd_item_import(args: argparse.Namespace) -> int:
    from app.services import bulk_import  # the ORM: never for the other item commands

    entries = bulk_import.read_entries(Path(args.path))  # checked before the file is opened
    with writing(args) as session:
        refs = bulk_import.import_entries(session, entries)
    if args.json:
        print_json(refs)
    else:
        for ref in refs:
            print(ref)
    return 0
