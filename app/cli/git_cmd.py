"""``portfolio git``: your identities, scanning a repository, importing candidates."""

from __future__ import annotations

import argparse
from datetime import date as Date
from pathlib import Path

from app.cli.common import print_json, reading, writing
from app.services import evidence, git_import, git_sources
from app.services.git_scan import scan_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    git = sub.add_parser("git", help="evidence from your work in local git repositories")
    git_sub = git.add_subparsers(dest="git_command", required=True, metavar="COMMAND")

    identity = git_sub.add_parser("identity", help="the names and emails you commit with")
    id_sub = identity.add_subparsers(dest="identity_command", required=True, metavar="COMMAND")
    p = id_sub.add_parser("add", help="add an email you commit with (several allowed)")
    p.add_argument("email", metavar="EMAIL")
    p.add_argument("--name", default="", help="also count commits by this exact name")
    p.set_defaults(handler=cmd_identity_add)
    p = id_sub.add_parser("list", help="your identities")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_identity_list)
    p = id_sub.add_parser("remove", help="forget an identity")
    p.add_argument("email", metavar="EMAIL")
    p.set_defaults(handler=cmd_identity_remove)

    p = git_sub.add_parser("scan", help="list candidate pieces of work in a local repository")
    _scan_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_scan)

    p = git_sub.add_parser("import", help="import candidates as draft items; prints the refs")
    _scan_options(p)
    p.add_argument("ids", nargs="+", metavar="ID", help="candidate ids from 'git scan'")
    p.set_defaults(handler=cmd_import)


def _scan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("repo", metavar="REPO", help="a working copy or a bare repository")
    p.add_argument("--since", help="only work on or after this date (YYYY-MM-DD)")
    p.add_argument(
        "--author",
        action="append",
        default=[],
        metavar="EMAIL",
        help="look for these emails instead of your stored identities (repeatable)",
    )


def _since(args: argparse.Namespace) -> Date | None:
    return Date.fromisoformat(evidence.parse_date(args.since)) if args.since else None


def cmd_identity_add(args: argparse.Namespace) -> int:
    with writing(args) as session:
        identity = git_import.add_identity(session, args.email, args.name)
    print(f"{identity.name} <{identity.email}>" if identity.name else identity.email)
    return 0


def cmd_identity_list(args: argparse.Namespace) -> int:
    with reading(args) as session:
        identities = git_sources.identities(session)
    if args.json:
        print_json([{"email": i.email, "name": i.name} for i in identities])
        return 0
    for i in identities:
        print(f"{i.email}\t{i.name}" if i.name else i.email)
    return 0


def cmd_identity_remove(args: argparse.Namespace) -> int:
    with writing(args) as session:
        git_import.remove_identity(session, args.email)
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    since = _since(args)
    with reading(args) as session:
        result = git_import.scan(session, Path(args.repo), authors=args.author, since=since)
    if args.json:
        print_json(scan_json(result))
        return 0
    count = len(result.candidates)
    print(
        f"{result.repository}: {result.mine} of {result.commits} commits are yours; "
        f"{count} candidate{'' if count == 1 else 's'}"
        + (f" ({result.already_imported} already imported)" if result.already_imported else "")
    )
    for c in result.candidates:
        span = c.last_date if c.first_date == c.last_date else f"{c.first_date}…{c.last_date}"
        codes = " ".join(h.code for h in c.hints)
        print(f"{c.id}  {c.kind:<5}  {span}  {c.title}  +{c.added} -{c.removed}  {codes}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    since = _since(args)
    with writing(args) as session:
        refs = git_import.import_candidates(
            session, Path(args.repo), args.ids, authors=args.author, since=since
        )
    for ref in refs:
        print(ref)
    return 0
