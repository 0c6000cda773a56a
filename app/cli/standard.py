"""``portfolio standard upgrade``: move the portfolio to a newer version of its standard."""

from __future__ import annotations

import argparse
from dataclasses import replace

from app.cli.common import portfolio_path, print_json, reading, writing
from app.errors import InvalidInputError
from app.services import standard_upgrade
from app.services.standard_upgrade import REMOVED, UpgradePlan
from app.settings import load_settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    standard = sub.add_parser("standard", help="the standard the portfolio follows")
    standard_sub = standard.add_subparsers(
        dest="standard_command", required=True, metavar="COMMAND"
    )
    p = standard_sub.add_parser(
        "upgrade", help="move to a newer version of the standard (tags follow their KSBs)"
    )
    p.add_argument("--to", required=True, metavar="VERSION", help="the version to move to")
    p.add_argument("--option", help="the new version's option, when it cannot be matched")
    p.add_argument("--dry-run", action="store_true", help="show the mapping; change nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_upgrade)


def _print_plan(plan: UpgradePlan) -> None:
    print(f"{plan.key} v{plan.old_version} → v{plan.new_version}")
    if plan.new_option_title:
        print(f"Option {plan.new_option}: {plan.new_option_title}")
    elif plan.needs_option:
        print(plan.option_question())
    for c in plan.changes:
        target = c.new or "—"
        note = " (text changed)" if c.status != "text changed" and c.text_changed else ""
        items = f"  items: {', '.join(c.items)}" if c.items else ""
        print(f"  {c.old:<5} → {target:<5} {c.status}{note}{items}")
    if plan.added:
        print(f"  new in v{plan.new_version}: {', '.join(plan.added)}")


def cmd_upgrade(args: argparse.Namespace) -> int:
    with reading(args) as session:
        plan = standard_upgrade.plan_upgrade(session, args.to, args.option)
    if plan.needs_option and not args.dry_run:
        raise InvalidInputError(plan.option_question())
    if args.dry_run:
        if args.json:
            print_json(standard_upgrade.plan_json(plan, applied=False))
        else:
            _print_plan(plan)
            print("Nothing changed (--dry-run).")
        return 0
    backup = standard_upgrade.backup_before_upgrade(portfolio_path(args), load_settings())
    with writing(args) as session:
        plan = standard_upgrade.plan_upgrade(session, args.to, args.option)
        standard_upgrade.apply_upgrade(session, plan)
    plan = replace(plan, backup=backup)
    if args.json:
        print_json(standard_upgrade.plan_json(plan, applied=True))
        return 0
    _print_plan(plan)
    print(f"The portfolio now follows {plan.key} v{plan.new_version}; backup: {backup}")
    removed = [c for c in plan.changes if c.status == REMOVED and c.items]
    if removed:
        print(
            f"Tags on what v{plan.new_version} removed stay on v{plan.old_version}; "
            "re-tag these items:"
        )
        for c in removed:
            print(f"  {c.old}: {', '.join(c.items)}")
    return 0
