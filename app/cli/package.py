"""The signed package commands: ``export package`` and ``import package``.

``verify`` is in ``app.cli.verify_cmd``, which loads no database code.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import (
    add_output_argument,
    command_group,
    opened,
    output_path,
    portfolio_path,
)
from app.cli.verify_cmd import megabytes, report
from app.export.package import (
    PDF_BUILDERS,
    export_package,
    import_package,
)
from app.services import signing
from app.wording import counted


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = command_group(sub, "export", "export the EPA portfolio PDF or the signed package")
    p = export.add_parser(
        "package", help="the signed package (PDF, portfolio.json, attachments) for the assessor"
    )
    add_output_argument(p, metavar="OUT.portfolio")
    p.add_argument(
        "--for",
        dest="audience",
        choices=tuple(PDF_BUILDERS),
        default="assessor",
        help="which copy the package carries: assessor (the default: no drafts, no "
        "programme records) or review (the whole portfolio)",
    )
    p.set_defaults(handler=cmd_export_package)

    imports = command_group(sub, "import", "recreate a portfolio from a signed package")
    p = imports.add_parser(
        "package", help="recreate a working portfolio (the new --file) from a package"
    )
    p.add_argument("package", metavar="FILE.portfolio")
    p.add_argument(
        "--signer", metavar="FINGERPRINT", help="only import a package signed by this key"
    )
    p.set_defaults(handler=cmd_import_package)


def cmd_export_package(args: argparse.Namespace) -> int:
    out = output_path(args, "package")
    had_key = signing.existing_key() is not None
    key = signing.load_or_create_key()
    if not had_key:
        print(f"Made your signing key: {key.path}")
    with opened(args) as db:
        result = export_package(db, out, key=key, audience=args.audience, force=args.force)
    print(f"Wrote {result.path} ({result.files} files, {megabytes(result.size)}).")
    if args.audience == "assessor":
        print(
            "The assessor's copy: drafts and programme records (skills scans, off-the-job "
            "log, reviews) left out; --for review carries the whole portfolio."
        )
    else:
        print("The review copy: the whole portfolio, programme records and drafts included.")
    print(f"Signed by key {result.fingerprint}")
    return 0


def cmd_import_package(args: argparse.Namespace) -> int:
    target = portfolio_path(args)
    if args.file is None:
        target.parent.mkdir(parents=True, exist_ok=True)  # our own data folder, on first use
    result = import_package(Path(args.package).expanduser(), target, signer=args.signer)
    report(result.package)
    print(f"Imported {counted(result.items, 'evidence item')} into {result.path}.")
    return 0
