"""The work-based project on the command line: ``project show|scope|week|note|pack``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from app.cli.common import (
    add_output_argument,
    opened,
    output_path,
    print_json,
    read_text_file,
    reading,
    report_pdf,
    writing,
)
from app.services import otj, project
from app.wording import counted

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    p = sub.add_parser("project", help="the work-based project: scope, weekly log, KSB mapping")
    s = p.add_subparsers(dest="project_command", required=True, metavar="COMMAND")
    q = s.add_parser("show", help="the scope and its word count, the weeks, the KSB mapping")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_project_show)
    q = s.add_parser("scope", help="set the project title and/or its scope (summary)")
    q.add_argument("--title", help="the project's title")
    q.add_argument("--file", dest="scope_file", metavar="F", help="the scope from a file, or -")
    q.set_defaults(handler=cmd_project_scope)
    q = s.add_parser("week", help="a week's plan, log and hours")
    q.add_argument("week", type=int, metavar="N")
    q.add_argument("--plan", help="what the week is planned for")
    q.add_argument("--log", help="what was done")
    q.add_argument("--hours", metavar="H", help="hours on the project, e.g. 14 or 14:30")
    q.set_defaults(handler=cmd_project_week)
    q = s.add_parser("note", help="where a project KSB or criterion is shown ('' removes it)")
    q.add_argument("code", metavar="CODE", help="a project KSB (K4) or criterion (PR2.P3)")
    q.add_argument("note", metavar="TEXT")
    q.set_defaults(handler=cmd_project_note)
    q = s.add_parser("pack", help="the submission pack PDF: summary, log, mapping, evidence")
    add_output_argument(q, metavar="OUT.pdf")
    q.set_defaults(handler=cmd_project_pack)


def cmd_project_show(args: argparse.Namespace) -> int:
    with reading(args) as session:
        current = project.get_project(session)
        rows = project.mapping(session)
    if args.json:
        print_json(project.project_json(current, rows))
        return 0
    print(current.title or "(no title yet)")
    flag = " — OVER THE LIMIT" if current.over_limit else ""
    print(f"Scope: {current.words} of {project.SCOPE_WORD_LIMIT} words{flag}")
    for w in current.weeks:
        hours = otj.format_minutes(w.minutes) if w.minutes else "–"
        print(f"  Week {w.week:>2} ({hours}): {w.log or w.plan}")
    shown = sum(1 for r in rows if r.items or r.note)
    print(f"Mapping: {shown} of {counted(len(rows), 'project KSB')} shown by evidence or a note.")
    return 0


def cmd_project_scope(args: argparse.Namespace) -> int:
    scope = read_text_file(args.scope_file, "scope file") if args.scope_file else None
    with writing(args) as session:
        current = project.save_scope(session, title=args.title, scope=scope)
    flag = (
        f" — over the {project.SCOPE_WORD_LIMIT}-word limit (kept, and flagged in readiness)"
        if current.over_limit
        else ""
    )
    print(f"Scope saved: {current.words} of {project.SCOPE_WORD_LIMIT} words{flag}.")
    return 0


def cmd_project_week(args: argparse.Namespace) -> int:
    minutes = None
    if args.hours is not None:
        value = args.hours.strip()
        minutes = otj.parse_duration(value + "h" if value.replace(".", "", 1).isdigit() else value)
    with writing(args) as session:
        week = project.save_week(session, args.week, plan=args.plan, log=args.log, minutes=minutes)
    print(f"Week {week.week} saved.")
    return 0


def cmd_project_note(args: argparse.Namespace) -> int:
    with writing(args) as session:
        project.set_note(session, args.code, args.note)
    print(f"Note on {args.code} saved." if args.note.strip() else f"Note on {args.code} removed.")
    return 0


def cmd_project_pack(args: argparse.Namespace) -> int:
    out = output_path(args, "PDF")
    from app.export.project_pack import export_project_pack  # reportlab only when needed

    with opened(args) as db:
        result = export_project_pack(db, out, force=args.force)
    report_pdf(out, result)
    return 0
