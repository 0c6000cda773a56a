"""``signoff``: ask others to confirm evidence, answer such a request, import the answer.

``respond`` needs no portfolio: the signer only has the request file and their own key.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import opened, print_json, read_text_file, reading
from app.errors import InvalidInputError
from app.schema.signoff import Person
from app.services import signing
from app.wording import counted


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("signoff", help="signed confirmations and witness statements")
    group = parser.add_subparsers(dest="signoff_command", required=True, metavar="COMMAND")

    p = group.add_parser("request", help="write a signed request for others to confirm items")
    p.add_argument("refs", nargs="+", metavar="REF", help="evidence items, such as E003 E007")
    p.add_argument("--name", required=True, help="who is asked to confirm")
    p.add_argument("--role", default="", help="their role, such as 'Team lead'")
    p.add_argument("--organisation", default="", help="their organisation")
    p.add_argument("--email", default="", help="their email (plain text; nothing is sent)")
    p.add_argument(
        "--claims",
        metavar="E003:K1,E003:S2",
        help="the claims to confirm (default: every KSB and duty each item claims)",
    )
    p.add_argument("--out", required=True, metavar="FILE.request")
    p.add_argument("--force", action="store_true", help="replace FILE.request if it exists")
    p.set_defaults(handler=cmd_request)

    p = group.add_parser(
        "request-review", help="write a signed request for others to sign a progress review"
    )
    p.add_argument("review_id", type=int, metavar="REVIEW_ID", help="see 'portfolio review list'")
    p.add_argument("--name", required=True, help="who is asked to sign")
    p.add_argument("--role", default="", help="their role, such as 'Line manager'")
    p.add_argument("--organisation", default="", help="their organisation")
    p.add_argument("--email", default="", help="their email (plain text; nothing is sent)")
    p.add_argument("--out", required=True, metavar="FILE.request")
    p.add_argument("--force", action="store_true", help="replace FILE.request if it exists")
    p.set_defaults(handler=cmd_request_review)

    p = group.add_parser("respond", help="answer a request with your own key (no portfolio)")
    p.add_argument("request", metavar="FILE.request")
    p.add_argument(
        "--confirm",
        action="append",
        default=[],
        metavar="E003:K1,E003",
        help="claims you confirm (E003 alone: every claim asked about for E003)",
    )
    p.add_argument(
        "--decline", action="append", default=[], metavar="E007:B2", help="claims you decline"
    )
    p.add_argument(
        "--comment",
        action="append",
        default=[],
        metavar='E003:"TEXT"',
        help="a comment on one item (repeatable)",
    )
    p.add_argument("--statement-file", metavar="FILE", help="your witness statement (Markdown)")
    verdict = p.add_mutually_exclusive_group()
    verdict.add_argument(
        "--sign-review", action="store_true", help="a progress review request: sign the review"
    )
    verdict.add_argument(
        "--decline-review",
        action="store_true",
        help="a progress review request: decline to sign it (say why with --review-comment)",
    )
    p.add_argument("--review-comment", default="", metavar="TEXT", help="your comment on it")
    p.add_argument("--name", help="your name (default: the name the request gives)")
    p.add_argument("--role", help="your role (default: as in the request)")
    p.add_argument("--organisation", help="your organisation (default: as in the request)")
    p.add_argument("--email", help="your email (default: as in the request)")
    p.add_argument("--out", required=True, metavar="FILE.response")
    p.add_argument("--force", action="store_true", help="replace FILE.response if it exists")
    p.set_defaults(handler=cmd_respond)

    p = group.add_parser("import", help="check a signed response and store it")
    p.add_argument("response", metavar="FILE.response")
    p.set_defaults(handler=cmd_import)

    p = group.add_parser("list", help="requests (pending or answered) and statements")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)


def _key() -> signing.SigningKey:
    had_key = signing.existing_key() is not None
    key = signing.load_or_create_key()
    if not had_key:
        print(f"Made your signing key: {key.path}")
    return key


def _signer(args: argparse.Namespace) -> Person:
    """The person a request asks (--name, --role, --organisation, --email)."""
    if not args.name.strip():
        raise InvalidInputError("Give the signer's name (--name).")
    return Person(
        name=args.name.strip(),
        role=args.role.strip(),
        organisation=args.organisation.strip(),
        email=args.email.strip(),
    )


def cmd_request(args: argparse.Namespace) -> int:
    from app.export.signoff_files import make_request
    from app.services.signoff import parse_claims

    signer = _signer(args)
    claims = parse_claims(args.claims, args.refs)
    key = _key()
    with opened(args) as db:
        result = make_request(
            db,
            args.refs,
            signer,
            Path(args.out).expanduser(),
            claims=claims,
            key=key,
            force=args.force,
        )
    print(f"Wrote {result.path}: {counted(len(result.refs), 'item')} for {signer.name} to confirm.")
    print(f"Signed by your key {result.fingerprint}")
    return 0


def cmd_request_review(args: argparse.Namespace) -> int:
    from app.export.signoff_files import make_review_request

    signer = _signer(args)
    key = _key()
    with opened(args) as db:
        result = make_review_request(
            db, args.review_id, signer, Path(args.out).expanduser(), key=key, force=args.force
        )
    print(f"Wrote {result.path}: progress review {args.review_id} for {signer.name} to sign.")
    print(f"Signed by your key {result.fingerprint}")
    return 0


def cmd_respond(args: argparse.Namespace) -> int:
    from app.export.signoff_files import open_request, parse_decisions, write_response

    opened = open_request(Path(args.request).expanduser())
    comments: dict[str, str] = {}
    for value in args.comment:
        ref, sep, text = value.partition(":")
        if not sep:
            raise InvalidInputError(f"'{value}' is not a comment; write it as E003:\"text\".")
        comments[ref.strip().upper()] = text.strip()
    decisions = parse_decisions(opened, args.confirm, args.decline, comments)
    statement = read_text_file(args.statement_file, "statement file") if args.statement_file else ""
    asked = opened.request.signer

    def pick(value: str | None, default: str) -> str:
        return default if value is None else value.strip()

    signer = Person(
        name=pick(args.name, asked.name) or asked.name,
        role=pick(args.role, asked.role),
        organisation=pick(args.organisation, asked.organisation),
        email=pick(args.email, asked.email),
    )
    review: tuple[str, str] | None = None
    if args.sign_review or args.decline_review:
        review = ("signed" if args.sign_review else "declined", args.review_comment.strip())
    elif args.review_comment.strip():
        raise InvalidInputError("--review-comment goes with --sign-review or --decline-review.")
    key = _key()
    result = write_response(
        opened,
        decisions,
        signer,
        Path(args.out).expanduser(),
        statement=statement,
        review=review,
        key=key,
        force=args.force,
    )
    asked_review = opened.request.review
    if asked_review is not None and review is not None:
        print(
            f"Wrote {result.path}: you {review[0]} the progress review of "
            f"{asked_review.content.date} for {opened.request.apprentice.name}."
        )
    else:
        print(
            f"Wrote {result.path}: {counted(result.confirmed, 'claim')} confirmed, "
            f"{result.declined} declined, for {opened.request.apprentice.name}."
        )
    print(f"Signed by your key {result.fingerprint}")
    print("Read this fingerprint out to the apprentice or their assessor if they ask.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app.export.signoff_files import import_response

    with opened(args) as db:
        outcome = import_response(db, Path(args.response).expanduser())
    statement = outcome.statement
    earlier: list[str] = []  # items the signer saw in an earlier version
    if outcome.review_decision:
        print(
            f"Imported the response of {statement.name}: {outcome.review_decision} progress "
            f"review {outcome.review_id}."
        )
    else:
        confirmed = sum(len(c.confirmed) for c in statement.items)
        declined = sum(len(c.declined) for c in statement.items)
        print(
            f"Imported the response of {statement.name}: {counted(confirmed, 'claim')} "
            f"confirmed, {declined} declined"
            + (", with a witness statement." if statement.statement.strip() else ".")
        )
        earlier = [c.ref for c in statement.items if c.present and not c.current]
    print(f"Signed by key {statement.fingerprint}")
    if earlier:
        print(f"Given for an earlier version of {', '.join(earlier)} (changed since it was sent).")
    if outcome.earlier_key:
        print(
            f"Warning: {statement.name} answered before with another key "
            f"({outcome.earlier_key}); this response is signed by {statement.fingerprint}. "
            "Ask them whether they changed keys."
        )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from app.services import signoff

    with reading(args) as session:
        view = signoff.overview(session)
    if args.json:
        print_json(signoff.as_json(view))
        return 0
    if not view.requests:
        print("No sign-off requests yet.")
        return 0
    for request in view.requests:
        print(
            f"{request.created[:10]}  {request.status:<8}  {request.name}"
            f"{' (' + request.organisation + ')' if request.organisation else ''}: "
            f"{', '.join(request.refs) or 'a progress review'}"
        )
    for statement in view.statements:
        print(
            f"Statement by {statement.name}, signed {statement.signed[:10]}, "
            f"key {statement.fingerprint}"
        )
        for c in statement.items:
            if not c.present:
                note = " (not in this portfolio)"
            elif not c.current:
                note = f" (given for an earlier version; changed {c.changed[:10]})"
            else:
                note = ""
            parts = []
            if c.confirmed:
                parts.append("confirmed " + ", ".join(c.confirmed))
            if c.declined:
                parts.append("declined " + ", ".join(c.declined))
            print(f"  {c.ref}: {'; '.join(parts) or 'no decision'}{note}")
    claims, signers, earlier = view.summary()
    absent = view.absent()
    print(
        f"{counted(claims, 'confirmation')} by {counted(signers, 'signer')}, "
        f"{earlier} for earlier versions"
        + (f", {absent} for items not in this portfolio." if absent else ".")
    )
    return 0
