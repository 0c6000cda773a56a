"""``portfolio readiness``: what is still missing before the gateway."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from app.cli.common import print_json, reading
from app.services import otj, readiness

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    p = sub.add_parser(
        "readiness",
        help="gateway readiness: items with warnings, KSBs and themes without evidence, "
        "off-the-job hours, reviews, sign-offs",
    )
    p.add_argument("--as-of", metavar="D", help="YYYY-MM-DD (default today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_readiness)


def cmd_readiness(args: argparse.Namespace) -> int:
    as_of = otj.to_date(args.as_of) if args.as_of else None
    with reading(args) as session:
        report = readiness.readiness(session, as_of)
    if args.json:
        print_json(readiness.readiness_json(report))
        return 0
    for check in report.checks:
        print(f"[{'x' if check.ok else ' '}] {check.message}")
        for line in check.details:
            print(f"      {line}")
    if report.ready:
        print("Nothing is missing for the gateway.")
    else:
        missing = report.missing
        print(f"{missing} {'check is' if missing == 1 else 'checks are'} not met yet.")
    return 0
