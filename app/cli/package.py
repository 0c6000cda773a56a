"""The signed package commands: ``export package``, ``verify`` and ``import package``."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import (
    add_output_argument,
    command_group,
    open_db,
    output_path,
    portfolio_path,
)
from app.export.package import (
    PDF_BUILDERS,
    export_package,
    import_package,
    verify_package,
)
from app.export.package_reader import VerifiedPackage
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

    p = sub.add_parser("verify", help="check a signed package's signature and every file in it")
    p.add_argument("package", metavar="FILE.portfolio")
    p.add_argument("--signer", metavar="FINGERPRINT", help="also insist that this key signed it")
    p.set_defaults(handler=cmd_verify)

    imports = command_group(sub, "import", "recreate a portfolio from a signed package")
    p = imports.add_parser(
        "package", help="recreate a working portfolio (the new --file) from a package"
    )
    p.add_argument("package", metavar="FILE.portfolio")
    p.add_argument(
        "--signer", metavar="FINGERPRINT", help="only import a package signed by this key"
    )
    p.set_defaults(handler=cmd_import_package)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def cmd_export_package(args: argparse.Namespace) -> int:
    out = output_path(args, "package")
    had_key = signing.existing_key() is not None
    key = signing.load_or_create_key()
    if not had_key:
        print(f"Made your signing key: {key.path}")
    db = open_db(args)
    try:
        result = export_package(db, out, key=key, audience=args.audience, force=args.force)
    finally:
        db.close()
    print(f"Wrote {result.path} ({result.files} files, {_megabytes(result.size)}).")
    if args.audience == "assessor":
        print(
            "The assessor's copy: drafts and programme records (skills scans, off-the-job "
            "log, reviews) left out; --for review carries the whole portfolio."
        )
    else:
        print("The review copy: the whole portfolio, programme records and drafts included.")
    print(f"Signed by key {result.fingerprint}")
    return 0


def _report(package: VerifiedPackage) -> None:
    print(f"Signed by key {package.fingerprint}")
    print(
        f"OK: the signature and all {len(package.files)} files match "
        f"({_megabytes(package.total_bytes)})."
    )
    print(package.summary())
    if package.pdf_certificate:
        print("The PDF is signed (PAdES) with the certificate this key vouches for.")
    if package.signoff is not None:
        print(package.signoff.summary())


def cmd_verify(args: argparse.Namespace) -> int:
    package = verify_package(Path(args.package).expanduser(), signer=args.signer)
    _report(package)
    if args.signer is None:
        print(
            "This proves the package is intact as its key signed it, not whose key that is: "
            "check the fingerprint above with the apprentice (in person or by phone, not in "
            "the package's own email), then verify with --signer FINGERPRINT."
        )
    else:
        print("The key is the one given with --signer.")
    return 0


def cmd_import_package(args: argparse.Namespace) -> int:
    target = portfolio_path(args)
    if args.file is None:
        target.parent.mkdir(parents=True, exist_ok=True)  # our own data folder, on first use
    result = import_package(Path(args.package).expanduser(), target, signer=args.signer)
    _report(result.package)
    print(f"Imported {counted(result.items, 'evidence item')} into {result.path}.")
    return 0
