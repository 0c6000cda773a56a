"""Assessment plans on the command line: ``plan list|show|import``, and ``coverage --by
theme`` (registered by ``app.cli.core``'s coverage command, printed here)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from app.cli.common import print_json, reading, writing
from app.errors import InvalidInputError
from app.services import assessment_plans
from app.wording import counted, times

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    p = sub.add_parser(
        "plan", help="assessment plans: methods, themes, criteria and the KSBs they assess"
    )
    s = p.add_subparsers(dest="plan_command", required=True, metavar="COMMAND")
    q = s.add_parser("list", help="the bundled and imported assessment plans")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_plan_list)
    q = s.add_parser("show", help="a plan's methods, themes and criteria")
    q.add_argument("key", metavar="KEY")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_plan_show)
    q = s.add_parser("import", help="check a plan file against its standard and keep it")
    q.add_argument("path", metavar="FILE.json")
    q.set_defaults(handler=cmd_plan_import)


def cmd_plan_list(args: argparse.Namespace) -> int:
    with reading(args) as session:
        plans = assessment_plans.list_plans(session)
    if args.json:
        print_json([assessment_plans.summary_json(p) for p in plans])
        return 0
    for p in plans:
        origin = "bundled" if p.bundled else "imported"
        print(
            f"{p.key:<12} {p.framework} v{p.framework_version}  {p.title} ({origin}; "
            f"{counted(p.methods, 'method')}, {counted(p.themes, 'theme')}, "
            f"{counted(p.criteria, 'criterion', 'criteria')})"
        )
    return 0


def cmd_plan_show(args: argparse.Namespace) -> int:
    with reading(args) as session:
        plan = assessment_plans.get_plan(session, args.key)
    if args.json:
        print_json(assessment_plans.plan_json(plan))
        return 0
    print(f"{plan.title} ({plan.framework} v{plan.framework_version})")
    if plan.assessment_organisation:
        print(f"Assessment organisation: {plan.assessment_organisation}")
    print(assessment_plans.PREVAIL)
    for method in plan.methods:
        print(f"\n{method.code}  {method.name}")
        for theme in method.themes:
            print(f"  {theme.code}  {theme.name}: {' '.join(theme.ksbs)}")
            for c in theme.criteria:
                print(f"      {c.code} [{c.grade}] {c.text}")
    return 0


def cmd_plan_import(args: argparse.Namespace) -> int:
    try:
        with open(args.path, "rb") as handle:
            data = handle.read(assessment_plans.MAX_PLAN_BYTES + 1)
    except FileNotFoundError as exc:
        raise InvalidInputError(f"The plan file {args.path} does not exist.") from exc
    except IsADirectoryError as exc:
        raise InvalidInputError(f"The plan file {args.path} is a folder, not a file.") from exc
    except OSError as exc:
        raise InvalidInputError(
            f"The plan file {args.path} cannot be read: {exc.strerror}."
        ) from exc
    with writing(args) as session:
        summary = assessment_plans.import_plan(session, data)
    print(
        f"Imported the plan {summary.key} for {summary.framework} v{summary.framework_version}: "
        f"{counted(summary.themes, 'theme')}, {counted(summary.criteria, 'criterion', 'criteria')}."
    )
    return 0


def print_theme_coverage(args: argparse.Namespace) -> int:
    """``coverage --by theme [--json] [--target N]``."""
    with reading(args) as session:
        report = assessment_plans.portfolio_theme_report(session, target=args.target)
    if report is None:
        raise InvalidInputError(
            "This portfolio's standard has no assessment plan; see 'portfolio plan list', "
            "or use 'portfolio coverage' for coverage by KSB."
        )
    if args.json:
        print_json(assessment_plans.theme_report_json(report))
        return 0
    print(
        f"{report.plan.key}: {report.complete} of {counted(len(report.themes), 'theme')} with "
        f"every KSB evidenced at least {times(report.target)}."
    )
    for t in report.themes:
        gaps = f"; gaps: {' '.join(t.gaps)}" if t.gaps else ""
        print(f"  {t.code:<5} {t.name}: {t.met}/{len(t.ksbs)} KSBs{gaps}")
    print(assessment_plans.PREVAIL)
    return 0
