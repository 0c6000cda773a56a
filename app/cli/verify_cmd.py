"""``portfolio verify``: check a signed package without importing it.

Kept apart from ``app.cli.package`` so that checking a package loads neither
SQLAlchemy nor reportlab (tests/test_cli_imports.py): ``verify_package`` rebuilds
the portfolio in a database only when it cannot judge it from the document.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.export.package_reader import VerifiedPackage, verify_package


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("verify", help="check a signed package's signature and every file in it")
    p.add_argument("package", metavar="FILE.portfolio")
    p.add_argument("--signer", metavar="FINGERPRINT", help="also insist that this key signed it")
    p.set_defaults(handler=cmd_verify)


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def report(package: VerifiedPackage) -> None:
    """What ``verify`` and ``import package`` print about a verified package."""
    print(f"Signed by key {package.fingerprint}")
    print(
        f"OK: the signature and all {len(package.files)} files match "
        f"({megabytes(package.total_bytes)})."
    )
    print(package.summary())
    if package.pdf_certificate:
        print("The PDF is signed (PAdES) with the certificate this key vouches for.")
    if package.signoff is not None:
        print(package.signoff.summary())


def cmd_verify(args: argparse.Namespace) -> int:
    package = verify_package(Path(args.package).expanduser(), signer=args.signer)
    report(package)
    if args.signer is None:
        print(
            "This proves the package is intact as its key signed it, not whose key that is: "
            "check the fingerprint above with the apprentice (in person or by phone, not in "
            "the package's own email), then verify with --signer FINGERPRINT."
        )
    else:
        print("The key is the one given with --signer.")
    return 0
