"""Professional discussion preparation: ``discussion show|note|sheet``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from app.cli.common import (
    add_output_argument,
    opened,
    output_path,
    print_json,
    reading,
    report_pdf,
    writing,
)
from app.services import discussion
from app.wording import counted

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    p = sub.add_parser(
        "discussion", help="professional discussion preparation: criteria, items, STAR notes"
    )
    s = p.add_subparsers(dest="discussion_command", required=True, metavar="COMMAND")
    q = s.add_parser("show", help="each theme's criteria, linked items and notes")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_show)
    q = s.add_parser("note", help="a theme's situation, task, action and result")
    q.add_argument("theme", metavar="THEME", help="a discussion theme's code, e.g. PD3")
    for name in discussion.STAR:
        q.add_argument(f"--{name}", metavar="TEXT")
    q.set_defaults(handler=cmd_note)
    q = s.add_parser("sheet", help="the prep sheet PDF: one page per theme")
    add_output_argument(q, metavar="OUT.pdf")
    q.set_defaults(handler=cmd_sheet)


def cmd_show(args: argparse.Namespace) -> int:
    with reading(args) as session:
        themes = discussion.preparation(session)
    if args.json:
        print_json(discussion.preparation_json(themes))
        return 0
    if not themes:
        print("This portfolio's standard has no professional discussion in an assessment plan.")
    for t in themes:
        noted = "notes written" if not t.notes.empty else "no notes yet"
        refs = " ".join(i.ref for i in t.items) or "none"
        criteria = counted(len(t.criteria), "criterion", "criteria")
        print(f"{t.code:<5} {t.name}: {criteria}; items {refs}; {noted}")
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    fields = {name: getattr(args, name) for name in discussion.STAR}
    if all(value is None for value in fields.values()):
        print("Give at least one of --situation, --task, --action, --result.")
        return 2
    with writing(args) as session:
        discussion.save_notes(session, args.theme, **fields)
    print(f"Notes on {args.theme.upper()} saved.")
    return 0


def cmd_sheet(args: argparse.Namespace) -> int:
    out = output_path(args, "PDF")
    from app.export.discussion_sheet import export_discussion_sheet

    with opened(args) as db:
        result = export_discussion_sheet(db, out, force=args.force)
    report_pdf(out, result)
    return 0
