"""The portfolio core commands: init, frameworks, item, coverage.

The read commands (``item list``/``show``, ``coverage``) read through
``app.services.queries`` on a plain sqlite3 connection, as the desktop app's first
window does: importing SQLAlchemy would take longer than the whole command. The ORM
services are imported inside the commands that write.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import (
    portfolio_path,
    positive_int,
    print_json,
    read_connection,
    read_text_file,
    reading,
    writing,
)
from app.errors import InvalidInputError
from app.models.lock import WriterBusyError
from app.schema.portfolio import STATUSES
from app.services.coverage import coverage_json
from app.services.views import FrameworkSummary, FrameworkView, ItemSummary, ItemView
from app.wording import times

if TYPE_CHECKING:
    from app.services.library import Installed


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="create a new portfolio file")
    p.add_argument("--framework", default="ST0825", help="framework key (default ST0825)")
    p.add_argument(
        "--version",
        "--framework-version",
        dest="framework_version",
        help="a particular installed version (default the newest)",
    )
    p.add_argument("--option", help="the standard's option: its number or title")
    p.add_argument("--name", required=True, help="the apprentice's full name")
    p.add_argument("--uln", default="", help="Unique Learner Number (10 digits)")
    p.add_argument("--employer", default="")
    p.add_argument("--provider", default="", help="training provider")
    p.set_defaults(handler=cmd_init)

    fw = sub.add_parser("frameworks", help="list, show or import frameworks")
    fw_sub = fw.add_subparsers(dest="frameworks_command", required=True, metavar="COMMAND")
    p = fw_sub.add_parser("list", help="the installed frameworks")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_frameworks_list)
    p = fw_sub.add_parser("show", help="competencies, groups and links of one framework")
    p.add_argument("key")
    p.add_argument("--version", dest="framework_version", help="a particular version")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_frameworks_show)
    p = fw_sub.add_parser(
        "import", help="import standards from Skills England (IfATE) JSON into your library"
    )
    p.add_argument("path", metavar="FILE.json")
    p.set_defaults(handler=cmd_frameworks_import)

    item = sub.add_parser("item", help="add, list and show evidence items")
    item_sub = item.add_subparsers(dest="item_command", required=True, metavar="COMMAND")
    p = item_sub.add_parser("add", help="add an evidence item; prints its reference")
    p.add_argument("--title", required=True)
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p.add_argument("--body-file", help="Markdown reflection from a file, or - for stdin")
    p.add_argument("--ksb", help="competency codes, e.g. K1,S14")
    p.add_argument("--duty", help="duty numbers or codes, e.g. 1,5 or D1,D5")
    p.add_argument("--attach", action="append", default=[], metavar="FILE")
    p.add_argument("--status", choices=STATUSES, default="draft")
    p.set_defaults(handler=cmd_item_add)
    p = item_sub.add_parser("list", help="list evidence items")
    p.add_argument("--json", action="store_true")
    p.add_argument("--ksb", help="only items tagged with this competency")
    p.add_argument("--duty", help="only items tagged with this duty")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--search", help="full-text search in titles, reflections and tags")
    p.set_defaults(handler=cmd_item_list)
    p = item_sub.add_parser("show", help="one item in full")
    p.add_argument("ref")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_item_show)

    p = item_sub.add_parser("edit", help="change an item's title, date, status or reflection")
    p.add_argument("ref")
    p.add_argument("--title")
    p.add_argument("--date", help="YYYY-MM-DD")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--body-file", help="replace the reflection from a file, or - for stdin")
    p.set_defaults(handler=cmd_item_edit)
    p = item_sub.add_parser("tag", help="tag an item with a KSB or duty, with a justification")
    p.add_argument("ref")
    p.add_argument("code", help="K7, S14, D5 (or 5), DDAT-DEVOPS:DS2 …")
    p.add_argument("--why", default="", help="how this item shows it")
    p.set_defaults(handler=cmd_item_tag)
    p = item_sub.add_parser("untag", help="remove a KSB or duty from an item")
    p.add_argument("ref")
    p.add_argument("code")
    p.set_defaults(handler=cmd_item_untag)
    p = item_sub.add_parser("attach", help="attach files to an item")
    p.add_argument("ref")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(handler=cmd_item_attach)
    p = item_sub.add_parser("delete", help="delete an item and its attachments")
    p.add_argument("ref")
    p.set_defaults(handler=cmd_item_delete)

    p = sub.add_parser("coverage", help="evidence counts per competency and heatmap cells")
    p.add_argument("--json", action="store_true")
    p.add_argument("--target", type=positive_int, default=1, help="items needed per competency")
    p.add_argument("--framework", help="another framework the items are tagged against")
    p.add_argument(
        "--confirmed-by-employer",
        action="store_true",
        help="count only claims the employer confirmed for the items' current versions",
    )
    p.add_argument(
        "--by",
        choices=("ksb", "theme"),
        default="ksb",
        help="ksb (the default), or theme: the assessment plan's methods and themes",
    )
    p.set_defaults(handler=cmd_coverage)


# --- init ---------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from app.services import portfolio, queries

    path = portfolio_path(args)
    db = portfolio.create_portfolio(
        path,
        name=args.name,
        framework_key=args.framework,
        framework_version=args.framework_version,
        option=args.option,
        uln=args.uln,
        employer=args.employer,
        provider=args.provider,
    )
    with db.reader() as session:
        info = queries.portfolio_info(session)
    db.close()
    option = f", option {info.option.n}: {info.option.title}" if info.option else ""
    print(
        f"Created {path} for {info.apprentice_name} "
        f"({info.framework_key} v{info.framework_version}{option})."
    )
    return 0


# --- frameworks ---------------------------------------------------------------------------------


def _installed_frameworks(args: argparse.Namespace) -> list[Installed]:
    """Every framework there is to see: the portfolio's own copies (when the file exists)
    and the user's standards library (bundled and imported), each read through the
    framework schema (``app.schema.framework``) without a database to build."""
    import json

    from app.services import library

    stored: list[tuple[Any, bool]] = []
    if portfolio_path(args).exists():
        with read_connection(args) as conn:
            stored = [
                (json.loads(document), bool(is_bundled))
                for document, is_bundled in conn.execute(
                    "SELECT document, bundled FROM frameworks ORDER BY id"
                )
            ]
    return library.installed(stored)


def framework_summary_json(f: FrameworkSummary) -> dict[str, Any]:
    return {
        "key": f.key,
        "version": f.version,
        "title": f.title,
        "kind": f.kind,
        "level": f.level,
        "competencies": f.competencies,
        "groups": f.groups,
        "bundled": f.bundled,
        "options": [{"n": n, "title": title} for n, title in enumerate(f.options, start=1)],
    }


def _count(n: int, noun: str) -> str:
    """ "1 duty", "2 duties", "0 groups"."""
    if n == 1:
        return f"1 {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


def cmd_frameworks_list(args: argparse.Namespace) -> int:
    from app.services import library

    found = [
        library.summary_of(f.document, bundled=f.bundled)
        for f in library.sorted_installed(_installed_frameworks(args))
    ]
    if args.json:
        print_json([framework_summary_json(f) for f in found])
        return 0
    for f in found:
        level = f" level {f.level}" if f.level else ""
        options = (
            "; options: " + ", ".join(f"{n} {t}" for n, t in enumerate(f.options, start=1))
            if f.options
            else ""
        )
        print(
            f"{f.key:<12} v{f.version:<10} {f.title}{level} — "
            f"{_count(f.competencies, 'competency')}, {_count(f.groups, 'group')}{options}"
        )
    return 0


def framework_json(view: FrameworkView) -> dict[str, Any]:
    return {
        "key": view.key,
        "version": view.version,
        "title": view.title,
        "kind": view.kind,
        "level": view.level,
        "group_label": view.group_label,
        "attribution": view.attribution,
        "competencies": [
            {"code": c.code, "kind": c.kind, "text": c.text, **({"name": c.name} if c.name else {})}
            for c in view.competencies
        ],
        "groups": [
            {
                "code": g.code,
                "text": g.text,
                **({"name": g.name} if g.name else {}),
                "competencies": list(g.competency_codes),
                "core": g.core,
                "options": list(g.options),
                **(
                    {"levels": {link.competency: link.level for link in g.links}}
                    if any(link.level for link in g.links)
                    else {}
                ),
            }
            for g in view.groups
        ],
        "options": [{"n": o.n, "title": o.title} for o in view.options],
    }


def cmd_frameworks_show(args: argparse.Namespace) -> int:
    from app.services import library

    found = library.find_installed(_installed_frameworks(args), args.key, args.framework_version)
    view = library.view_of(found.document)
    if args.json:
        print_json(framework_json(view))
        return 0
    level = f", level {view.level}" if view.level else ""
    print(f"{view.key} v{view.version}: {view.title}{level}")
    for c in view.competencies:
        name = f"{c.name}. " if c.name else ""
        print(f"  {c.code:<5} {name}{c.text}")
    for o in view.options:
        print(f"  Option {o.n}: {o.title}")
    for g in view.groups:
        belongs = "" if g.core else " [option " + ", ".join(str(n) for n in g.options) + "]"
        print(f"  {g.code:<5} {g.name or g.text}{belongs}")
        print(f"        → {', '.join(g.competency_codes)}")
    print(view.attribution)
    return 0


def cmd_frameworks_import(args: argparse.Namespace) -> int:
    from app.services import frameworks, ifate

    if args.path != "-":
        try:
            size = Path(args.path).stat().st_size
        except OSError:
            size = 0  # read_text_file says why it cannot be read
        if size > ifate.MAX_FILE_BYTES:
            raise InvalidInputError(
                f"The standard file {args.path} is {size:,} bytes; a standards file is at "
                f"most {ifate.MAX_FILE_BYTES:,}."
            )
    text = read_text_file(args.path, "standard file")
    busy: WriterBusyError | None = None
    results = None
    if portfolio_path(args).exists():
        try:
            with writing(args) as session:
                results = frameworks.import_standards(session, text)
        except WriterBusyError as exc:  # open in the app: the library still takes it
            busy = exc
    if results is None:
        results = frameworks.import_standards(None, text)
    if busy is not None:
        print(
            f"{busy} The standard went into your standards library only; import it again "
            "when the portfolio is closed to tag against it there.",
            file=sys.stderr,
        )
    for result in results:
        s = result.summary
        if not result.added:
            print(f"{s.key} v{s.version} is already installed; nothing changed.")
            continue
        options = f", {_count(len(s.options), 'option')}" if s.options else ""
        print(
            f"Imported {s.key} v{s.version}: {s.title} ({_count(s.competencies, 'competency')}, "
            f"{_count(s.groups, 'duty')}{options})."
        )
    return 0


# --- items --------------------------------------------------------------------------------------


def item_json(item: ItemSummary) -> dict[str, Any]:
    return {
        "ref": item.ref,
        "title": item.title,
        "date": item.date,
        "status": item.status,
        "ksbs": list(item.ksbs),
        "duties": list(item.duties),
        "attachments": [
            {"name": a.name, "size": a.size, "sha256": a.sha256, "media_type": a.media_type}
            for a in item.attachments
        ],
    }


def item_detail_json(item: ItemView) -> dict[str, Any]:
    data = item_json(item)
    data["body"] = item.body
    data["justifications"] = item.justifications
    data["other_tags"] = [asdict(t) for t in item.other_tags]
    data["created"] = item.created
    data["updated"] = item.updated
    return data


def cmd_item_add(args: argparse.Namespace) -> int:
    from app.services import evidence

    body = read_text_file(args.body_file, "reflection file") if args.body_file else ""
    with writing(args) as session:
        item = evidence.add_item_from_paths(
            session,
            attach=[Path(p) for p in args.attach],
            title=args.title,
            date=args.date,
            body=body,
            status=args.status,
            ksbs=evidence.split_codes(args.ksb),
            duties=evidence.split_codes(args.duty),
        )
    print(item.ref)
    return 0


def cmd_item_list(args: argparse.Namespace) -> int:
    from app.services import queries

    flt = queries.ItemFilter(ksb=args.ksb, duty=args.duty, status=args.status, search=args.search)
    with read_connection(args) as conn:
        items = queries.summaries(conn, queries.item_ids(conn, flt))
    if args.json:
        print_json([item_json(i) for i in items])
        return 0
    for i in items:
        tags = " ".join((*i.duties, *i.ksbs))
        clip = f"  [{len(i.attachments)} attached]" if i.attachments else ""
        print(f"{i.ref}  {i.date}  {i.status:<5}  {i.title}  {tags}{clip}")
    if not items:
        print("No evidence items match.", file=sys.stderr)
    return 0


def cmd_item_show(args: argparse.Namespace) -> int:
    from app.services import queries

    with read_connection(args) as conn:
        item = queries.get_item(conn, args.ref)
    if args.json:
        print_json(item_detail_json(item))
        return 0
    print(f"{item.ref}: {item.title}")
    print(f"Date: {item.date}   Status: {item.status}")
    for tag in (*item.duty_tags, *item.ksb_tags):
        why = f" — {tag.justification}" if tag.justification else ""
        print(f"  {tag.code}{why}")
    for a in item.attachments:
        print(f"  attached: {a.name} ({a.size} bytes, sha256 {a.sha256})")
    print()
    print(item.body)
    return 0


def cmd_item_edit(args: argparse.Namespace) -> int:
    from app.services import evidence

    body = read_text_file(args.body_file, "reflection file") if args.body_file else None
    if body is None and args.title is None and args.date is None and args.status is None:
        raise InvalidInputError("Nothing to change: give --title, --date, --status or --body-file.")
    with writing(args) as session:
        item = evidence.update_item(
            session, args.ref, title=args.title, date=args.date, status=args.status, body=body
        )
    print(item.ref)
    return 0


def cmd_item_tag(args: argparse.Namespace) -> int:
    from app.services import evidence

    with writing(args) as session:
        evidence.tag(session, args.ref, args.code, args.why)
    return 0


def cmd_item_untag(args: argparse.Namespace) -> int:
    from app.services import evidence

    with writing(args) as session:
        evidence.untag(session, args.ref, args.code)
    return 0


def cmd_item_attach(args: argparse.Namespace) -> int:
    from app.services import attachments

    files = [attachments.read_file(Path(name)) for name in args.files]
    with writing(args) as session:
        for file in files:
            added = attachments.attach(session, args.ref, file)
            print(f"{added.name}\t{added.size}\t{added.sha256}")
    return 0


def cmd_item_delete(args: argparse.Namespace) -> int:
    from app.services import evidence

    with writing(args) as session:
        evidence.delete_item(session, args.ref)
    return 0


# --- coverage -----------------------------------------------------------------------------------


def cmd_coverage(args: argparse.Namespace) -> int:
    if args.by == "theme":
        if args.confirmed_by_employer:
            raise InvalidInputError(
                "--confirmed-by-employer counts KSBs; it cannot be combined with --by theme."
            )
        from app.cli.plan import print_theme_coverage

        return print_theme_coverage(args)
    if args.confirmed_by_employer:  # the sign-off records are read through the ORM
        from app.services import queries, signoff

        with reading(args) as session:
            report = queries.compute_coverage(
                session,
                args.framework,
                target=args.target,
                confirmed=signoff.employer_confirmed(session),
            )
    else:
        from app.services import queries

        with read_connection(args) as conn:
            report = queries.compute_coverage(conn, args.framework, target=args.target)
    if args.json:
        print_json(coverage_json(report))
        return 0
    s = report.summary
    print(
        f"{report.framework} v{report.version}: {s.met} of {s.competencies} competencies "
        f"evidenced at least {times(report.target)}"
        + (" by claims the employer confirmed" if args.confirmed_by_employer else "")
        + f"; {s.covered_cells} of {s.linked_cells} linked cells covered."
    )
    gaps = report.gaps()
    if gaps:
        print("Gaps: " + ", ".join(f"{g.code} ({g.count}/{report.target})" for g in gaps))
    return 0
