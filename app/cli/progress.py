"""Programme records on the command line: ``scan``, ``otj`` and ``review``."""

from __future__ import annotations

import argparse
import math
from dataclasses import replace
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import (
    add_output_argument,
    opened,
    output_path,
    print_json,
    read_text_file,
    reading,
    write_output_file,
    writing,
)
from app.errors import InvalidInputError
from app.services import evidence, funding_rules, otj, reviews, skills_scan
from app.services.otj import format_minutes
from app.wording import counted

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

RULE_HELP = (
    "2022: the 2022/23 funding rules, at least 6 hours a week for 30 or more contracted "
    "hours, pro rata (6 × hours ÷ 30) below, over the planned weeks less statutory leave; "
    "2025: starts from 1 August 2025, a fixed minimum number of hours set for the standard "
    "(give it with --fixed-hours)"
)


def register(sub: SubParsers) -> None:
    _register_scan(sub)
    _register_otj(sub)
    _register_review(sub)


# --- scan ---------------------------------------------------------------------------------------


def _register_scan(sub: SubParsers) -> None:
    scan = sub.add_parser("scan", help="skills scans and the progress tracker")
    s = scan.add_subparsers(dest="scan_command", required=True, metavar="COMMAND")
    p = s.add_parser(
        "add",
        help="record a skills scan from a CSV of ratings (0 new to me … 4 expert)",
        description="Ratings file columns: code,rating[,note][,agreed]; other columns are "
        "ignored and rows with no rating are skipped. 'scan template' writes one to fill in.",
    )
    p.add_argument("--ratings-file", required=True, metavar="F.csv", help="the ratings, or -")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p.add_argument("--note", default="", help="a note on the whole scan")
    p.add_argument("--confirmed-by", metavar="NAME", help="the employer or line manager")
    p.add_argument("--confirmer-role", default="", metavar="ROLE", help="e.g. line manager")
    p.add_argument("--confirmed-date", metavar="D", help="YYYY-MM-DD (default the scan's date)")
    p.set_defaults(handler=cmd_scan_add)
    p = s.add_parser("list", help="every scan with its ratings")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_scan_list)
    p = s.add_parser("template", help="write a ratings CSV listing every competency to rate")
    add_output_argument(p, metavar="OUT.csv")
    p.set_defaults(handler=cmd_scan_template)
    p = s.add_parser("confirm", help="record the employer's confirmation of a scan")
    p.add_argument("scan_id", type=int, metavar="ID")
    p.add_argument("--by", required=True, metavar="NAME")
    p.add_argument("--role", default="", help="e.g. line manager")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p.add_argument(
        "--agreed",
        action="append",
        default=[],
        metavar="CODE=RATING",
        help="an agreed rating where it differs, e.g. K7=2 (repeat for more)",
    )
    p.set_defaults(handler=cmd_scan_confirm)
    p = s.add_parser("delete", help="delete a scan")
    p.add_argument("scan_id", type=int, metavar="ID")
    p.set_defaults(handler=cmd_scan_delete)
    p = s.add_parser(
        "progress", help="first and latest ratings, evidence, and gaps to a DDaT role level"
    )
    p.add_argument("--level", help="DDaT role level (L1 … L6M; default the portfolio's choice)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_scan_progress)
    p = s.add_parser("level", help="show or choose the DDaT role level progress is compared with")
    p.add_argument("level", nargs="?", metavar="LEVEL")
    p.set_defaults(handler=cmd_scan_level)


def cmd_scan_add(args: argparse.Namespace) -> int:
    ratings = skills_scan.parse_ratings_csv(read_text_file(args.ratings_file, "ratings file"))
    with writing(args) as session:
        scan = skills_scan.add_scan(
            session,
            date=args.date,
            ratings=ratings,
            note=args.note,
            confirmed_by=args.confirmed_by,
            confirmer_role=args.confirmer_role,
            confirmed_on=args.confirmed_date,
        )
        scan = next(s for s in skills_scan.list_scans(session) if s.id == scan.id)
        expected = skills_scan.scan_competencies(session)
    kind = "initial assessment" if scan.initial else "skills scan"
    print(f"Scan {scan.id} ({kind}) on {scan.date}: {len(scan.ratings)} ratings recorded.")
    rated = {r.code for r in scan.ratings}
    missing = [c.code for c in expected if c.code not in rated]
    if missing:
        shown = ", ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
        print(f"Not rated this time ({len(missing)}): {shown}")
    return 0


def cmd_scan_list(args: argparse.Namespace) -> int:
    with reading(args) as session:
        scans = skills_scan.list_scans(session)
    if args.json:
        print_json([skills_scan.scan_json(s) for s in scans])
        return 0
    if not scans:
        print("No skills scans yet; record one with 'portfolio scan add'.")
    for s in scans:
        kind = "initial assessment" if s.initial else "scan"
        who = "; ".join(f"confirmed by {c.name} on {c.date}" for c in s.confirmations)
        mean = sum(r.effective for r in s.ratings) / len(s.ratings)
        print(f"{s.id:>3}  {s.date}  {kind:<18} {len(s.ratings)} ratings, mean {mean:.1f}  {who}")
    return 0


def _write_new_file(args: argparse.Namespace, text: str, what: str) -> Path:
    """Write ``text`` as the command's output file, all at once (``--force`` to replace)."""
    return write_output_file(args, text.encode("utf-8"), what)


def cmd_scan_template(args: argparse.Namespace) -> int:
    output_path(args, "ratings template")  # refused before any work
    with reading(args) as session:
        text = skills_scan.template_csv(session)
    path = _write_new_file(args, text, "ratings template")
    print(f"Wrote {path}: fill in the rating column (0–4) and run 'portfolio scan add'.")
    return 0


def cmd_scan_confirm(args: argparse.Namespace) -> int:
    agreed: dict[str, int] = {}
    for pair in args.agreed:
        code, sep, value = pair.partition("=")
        if not sep or not code.strip():
            raise InvalidInputError(f"'{pair}' is not CODE=RATING, such as K7=2.")
        agreed[code.strip()] = skills_scan.parse_rating(value, "agreed rating")
    with writing(args) as session:
        scan = skills_scan.confirm_scan(
            session, args.scan_id, name=args.by, role=args.role, date=args.date, agreed=agreed
        )
    changed = sum(1 for r in scan.ratings if r.agreed is not None)
    differ = "differs" if changed == 1 else "differ"
    print(
        f"Scan {scan.id} confirmed by {args.by.strip()}; "
        f"{counted(changed, 'agreed rating')} {differ}."
    )
    return 0


def cmd_scan_delete(args: argparse.Namespace) -> int:
    with writing(args) as session:
        skills_scan.delete_scan(session, args.scan_id)
    print(f"Deleted scan {args.scan_id}.")
    return 0


def cmd_scan_progress(args: argparse.Namespace) -> int:
    with reading(args) as session:
        tracked = skills_scan.tracker(session)
        role = skills_scan.role_comparison(session, args.level, tracked)
    if args.json:
        print_json(skills_scan.tracker_json(tracked, role))
        return 0
    if not tracked.history:
        print("No skills scans yet; record one with 'portfolio scan add'.")
        return 0
    first, current = tracked.overall_first, tracked.overall_current
    print(
        f"Mean rating: {first:.1f} at the first scan, {current:.1f} now; "
        f"{tracked.improved} competencies have moved up."
    )
    print(f"{'code':<18} first  now  change  evidence")
    for r in tracked.rows:
        f = "—" if r.first is None else str(r.first)
        c = "—" if r.current is None else str(r.current)
        ch = "" if r.change is None else f"{r.change:+d}"
        print(f"{r.code:<18} {f:>5}  {c:>3}  {ch:>6}  {r.evidence:>8}")
    print(f"\nAgainst DDaT {role.level} {role.title}: {role.met} of {len(role.rows)} skills met.")
    for g in role.gaps:
        now = "not rated" if g.current is None else skills_scan.rating_name(g.current)
        print(f"  {g.code} {g.name}: needs {g.required_level}, now {now}")
    return 0


def cmd_scan_level(args: argparse.Namespace) -> int:
    with opened(args) as db:
        if args.level is None:
            with db.reader() as session:
                chosen = skills_scan.get_role_level(session)
                levels = skills_scan.role_levels(session)
            for code, title in levels:
                mark = "*" if code == chosen else " "
                print(f"{mark} {code:<4} {title}")
            return 0
        with db.transaction() as session:
            chosen = skills_scan.set_role_level(session, args.level)
            title = dict(skills_scan.role_levels(session))[chosen]
    print(f"Progress is now compared with DDaT {chosen} {title}.")
    return 0


# --- otj ----------------------------------------------------------------------------------------


def _register_otj(sub: SubParsers) -> None:
    o = sub.add_parser("otj", help="the off-the-job training log and plan")
    s = o.add_subparsers(dest="otj_command", required=True, metavar="COMMAND")
    p = s.add_parser(
        "plan",
        help="show or set the plan the required hours come from",
        description="The required off-the-job hours. " + RULE_HELP + ".",
    )
    p.add_argument("--start", metavar="D", help="start date, YYYY-MM-DD")
    p.add_argument("--gateway", metavar="D", help="planned end of training / gateway date")
    p.add_argument("--hours-per-week", metavar="H", help="contracted hours a week, e.g. 37.5")
    p.add_argument("--rule", choices=("2022", "2025"), help=RULE_HELP)
    p.add_argument(
        "--fixed-hours", metavar="H", help="the standard's published minimum (2025 rules), e.g. 278"
    )
    p.add_argument(
        "--minimum-source",
        metavar="TEXT",
        help="where that minimum was published, e.g. 'DfE funding rules 2025-26, Annex C v2'",
    )
    p.add_argument("--minimum-date", metavar="D", help="when the minimum was read, YYYY-MM-DD")
    p.add_argument(
        "--rpl-hours",
        metavar="H",
        help="recognised prior learning taken off the minimum (2025 rules; never below 187 h)",
    )
    p.add_argument(
        "--review-months",
        metavar="N",
        help="an agreed review frequency other than 3 months (2025 rules, rule 92.1); "
        "'standard' restores 3 months",
    )
    p.add_argument("--review-reason", metavar="TEXT", help="the agreed frequency's reason")
    p.add_argument(
        "--leave-weeks",
        metavar="W",
        help="statutory leave in the plan, in weeks (default 5.6 a year, pro rata; "
        "'statutory' restores it)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_otj_plan)

    p = s.add_parser("add", help="log off-the-job training")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p.add_argument("--minutes", type=int, default=0, metavar="N", help="duration in minutes")
    p.add_argument("--hours", type=int, default=0, metavar="N", help="whole hours, added to it")
    p.add_argument(
        "--activity", required=True, metavar="TYPE", help="one of: " + ", ".join(otj.ACTIVITIES)
    )
    p.add_argument("--ksb", help="competencies it developed, e.g. K1,S14 or DDAT-DEVOPS:DS3")
    p.add_argument("--item", help="evidence items it produced, e.g. E001,E004")
    p.add_argument("--note", default="", help="what you did")
    p.set_defaults(handler=cmd_otj_add)
    p = s.add_parser("list", help="every entry, oldest first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_otj_list)
    p = s.add_parser("delete", help="delete an entry")
    p.add_argument("entry_id", type=int, metavar="ID")
    p.set_defaults(handler=cmd_otj_delete)
    p = s.add_parser(
        "import",
        help="add entries from a CSV timesheet",
        description="Columns: " + ",".join(otj.CSV_COLUMNS) + " (see the README). All rows "
        "are added or none; rows identical to an entry already logged are skipped.",
    )
    p.add_argument("path", metavar="F.csv")
    p.set_defaults(handler=cmd_otj_import)
    p = s.add_parser("export", help="write the log as CSV (the format 'otj import' reads)")
    add_output_argument(p, metavar="F.csv")
    p.set_defaults(handler=cmd_otj_export)
    p = s.add_parser("summary", help="hours against pace, gaps and hours that do not count")
    p.add_argument("--as-of", metavar="D", help="YYYY-MM-DD (default today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_otj_summary)


def _rule_key(value: str) -> str:
    return otj.RULE_2025 if value == "2025" else otj.RULE_2022


def _explain(plan: otj.Plan) -> list[str]:
    s = otj.summarise(plan, [], plan.start)
    required = format_minutes(s.required_minutes or 0)
    weeks = otj.plan_weeks(plan)
    gateway = funding_rules.ruleset(plan.rule).terms.gateway
    lines = [
        f"Plan: {plan.start} to the {gateway} on {plan.gateway} ({weeks:.1f} weeks), "
        f"contracted {format_minutes(plan.contracted_minutes)} a week."
    ]
    if plan.rule == otj.RULE_2022:
        lines.append(
            f"Rule: 2022/23 funding rules — 6 hours a week at 30 or more contracted hours, pro "
            f"rata below (6 × hours ÷ 30): {format_minutes(s.weekly_minutes or 0)} a week, over "
            f"{s.training_weeks:.1f} weeks ({weeks:.1f} planned less {s.leave_weeks:.1f} weeks' "
            f"statutory leave) = {required} required."
        )
        if plan.start >= otj.RULE_2025_START:
            lines.append(
                "Note: this plan starts on or after 1 August 2025, when a fixed minimum for "
                "each standard replaced the weekly baseline; '--rule 2025 --fixed-hours N' "
                "uses it."
            )
    else:
        minimum = format_minutes(plan.fixed_minutes or 0)
        rpl = f" less {format_minutes(plan.rpl_minutes)} recognised prior learning"
        lines.append(
            f"Rule: starts from 1 August 2025 — the minimum published for the standard, "
            f"{minimum}{rpl if plan.rpl_minutes else ''}"
            + (", raised to the 187-hour floor" if otj.floor_applies(plan) else "")
            + f": {required} required."
        )
        where = plan.minimum_source or "not recorded (give it with --minimum-source)"
        when = f", read on {plan.minimum_date}" if plan.minimum_date else ""
        lines.append(f"The minimum's source: {where}{when}.")
        if plan.start < otj.RULE_2025_START:
            lines.append(
                "Note: this plan starts before 1 August 2025, when the 2022/23 rules "
                "(6 hours a week, pro rata) applied; '--rule 2022' uses them."
            )
    rules = funding_rules.ruleset(plan.rule)
    lines.append(f"Source: {rules.otj_source}.")
    if rules.gap_check:
        lines.append(f"Gaps: {rules.gap_source}.")
    lines.append(
        "Reviews: "
        + funding_rules.review_rule_text(plan.rule, plan.review_months, plan.review_reason)
    )
    terms = rules.terms
    lines.append(
        f"Terms: {terms.assessment}, {terms.organisation}, {terms.gateway}; "
        f"under the {rules.label}."
    )
    return lines


def _plan_json(plan: otj.Plan) -> dict[str, object]:
    data = otj.summary_json(otj.summarise(plan, [], plan.start))
    return {**data["plan"], "required_minutes": data["required_minutes"]}  # type: ignore[dict-item]


def cmd_otj_plan(args: argparse.Namespace) -> int:
    changes = any(
        v is not None
        for v in (
            args.start,
            args.gateway,
            args.hours_per_week,
            args.rule,
            args.fixed_hours,
            args.leave_weeks,
            args.minimum_source,
            args.minimum_date,
            args.rpl_hours,
            args.review_months,
            args.review_reason,
        )
    )
    with opened(args) as db:
        if not changes:
            with db.reader() as session:
                plan = otj.get_plan(session)
            if plan is None:
                raise InvalidInputError(
                    "There is no off-the-job plan yet; set one with 'portfolio otj plan --start D "
                    "--gateway D --hours-per-week H'."
                )
        else:
            with db.transaction() as session:
                plan = otj.save_plan(session, _merge_plan(otj.get_plan(session), args))
    if args.json:
        print_json(_plan_json(plan))
        return 0
    print("\n".join(_explain(plan)))
    return 0


def _merge_plan(old: otj.Plan | None, args: argparse.Namespace) -> otj.Plan:
    start = otj.to_date(args.start) if args.start else None
    gateway = otj.to_date(args.gateway) if args.gateway else None
    hours = otj.parse_weekly_hours(args.hours_per_week) if args.hours_per_week else None
    fixed = otj.parse_duration(_hours_text(args.fixed_hours)) if args.fixed_hours else None
    if old is None:
        missing = [
            flag
            for flag, value in (
                ("--start", start),
                ("--gateway", gateway),
                ("--hours-per-week", hours),
            )
            if value is None
        ]
        if missing:
            raise InvalidInputError(f"A new off-the-job plan needs {', '.join(missing)} as well.")
        assert start is not None and gateway is not None and hours is not None
        rule = args.rule
        if rule is None:
            if start >= otj.RULE_2025_START and fixed is None:
                raise InvalidInputError(
                    "Apprenticeships starting from 1 August 2025 have a fixed minimum of "
                    "off-the-job hours for the standard: give it with --rule 2025 --fixed-hours "
                    "N, or choose the 2022 baseline of 6 hours a week with --rule 2022."
                )
            rule = "2025" if fixed is not None else "2022"
        old = otj.Plan(start, gateway, hours, _rule_key(rule))
    plan = replace(
        old,
        start=start or old.start,
        gateway=gateway or old.gateway,
        contracted_minutes=hours or old.contracted_minutes,
        rule=_rule_key(args.rule) if args.rule else old.rule,
        fixed_minutes=fixed if fixed is not None else old.fixed_minutes,
    )
    if args.rule is None and fixed is not None:
        plan = replace(plan, rule=otj.RULE_2025)
    if args.leave_weeks is not None:
        plan = replace(plan, leave_weeks=_leave(args.leave_weeks))
    if args.minimum_source is not None:
        plan = replace(plan, minimum_source=args.minimum_source.strip())
    if args.minimum_date is not None:
        plan = replace(plan, minimum_date=otj.to_date(args.minimum_date))
    if args.rpl_hours is not None:
        plan = replace(plan, rpl_minutes=otj.parse_duration(_hours_text(args.rpl_hours)))
    if args.review_months is not None:
        plan = replace(plan, review_months=_months(args.review_months))
    if args.review_reason is not None:
        plan = replace(plan, review_reason=args.review_reason)
    return plan


def _months(value: str) -> int | None:
    if value.strip().lower() == "standard":
        return None
    if not value.strip().isdigit():
        raise InvalidInputError(
            f"The review frequency '{value}' is not a whole number of months or 'standard'."
        )
    return int(value)


def _hours_text(value: str) -> str:
    value = value.strip()
    return value + "h" if value.replace(".", "", 1).isdigit() else value


def _leave(value: str) -> float | None:
    if value.strip().lower() == "statutory":
        return None
    try:
        weeks = float(value)
    except ValueError as exc:
        raise InvalidInputError(
            f"The leave '{value}' is not a number of weeks (such as 5.6) or 'statutory'."
        ) from exc
    if weeks < 0 or not math.isfinite(weeks):
        raise InvalidInputError("The weeks of leave must be a number of weeks, 0 or more.")
    return weeks


def cmd_otj_add(args: argparse.Namespace) -> int:
    if args.minutes < 0 or args.hours < 0:
        raise InvalidInputError("The duration cannot be negative.")
    entry = otj.make_input(
        date=args.date,
        minutes=args.hours * 60 + args.minutes,
        activity=args.activity,
        description=args.note,
        competencies=evidence.split_codes(args.ksb),
        items=evidence.split_codes(args.item),
    )
    with writing(args) as session:
        added = otj.add_entry(session, entry)
        summary = otj.summary(session)
    print(
        f"Entry {added.id}: {format_minutes(added.minutes)} of {added.activity_label.lower()} "
        f"on {added.date}."
    )
    _print_total(summary)
    if summary.plan is not None and not otj.countable(summary.plan, added.date):
        print(
            f"Note: {added.date} is outside the plan ({summary.plan.start} to the gateway on "
            f"{summary.plan.gateway}), so these hours do not count towards the required total."
        )
    return 0


def _print_total(s: otj.OtjSummary) -> None:
    if s.required_minutes is None:
        print(f"Logged so far: {format_minutes(s.logged_minutes)} (no plan set).")
    else:
        print(
            f"Logged so far: {format_minutes(s.logged_minutes)} of "
            f"{format_minutes(s.required_minutes)} required."
        )


def cmd_otj_list(args: argparse.Namespace) -> int:
    with reading(args) as session:
        entries = otj.list_entries(session)
    if args.json:
        print_json([otj.entry_json(e) for e in entries])
        return 0
    if not entries:
        print("No off-the-job training logged yet; add some with 'portfolio otj add'.")
    for e in entries:
        links = " ".join((*e.competencies, *e.items))
        print(
            f"{e.id:>4}  {e.date}  {otj.format_clock(e.minutes):>6}  {e.activity:<20} "
            f"{e.description.splitlines()[0] if e.description else ''}  {links}".rstrip()
        )
    return 0


def cmd_otj_delete(args: argparse.Namespace) -> int:
    with writing(args) as session:
        otj.delete_entry(session, args.entry_id)
    print(f"Deleted entry {args.entry_id}.")
    return 0


def cmd_otj_import(args: argparse.Namespace) -> int:
    rows = otj.parse_csv(read_text_file(args.path, "CSV file"))
    with writing(args) as session:
        result = otj.import_entries(session, rows)
        summary = otj.summary(session)
    skipped = f"; {result.skipped} already in the log were skipped" if result.skipped else ""
    print(f"Imported {result.added} entr{'y' if result.added == 1 else 'ies'}{skipped}.")
    _print_total(summary)
    return 0


def cmd_otj_export(args: argparse.Namespace) -> int:
    output_path(args, "CSV file")  # refused before any work
    with reading(args) as session:
        entries = otj.list_entries(session)
    path = _write_new_file(args, otj.export_csv(entries), "CSV file")
    print(f"Wrote {len(entries)} entries to {path}.")
    return 0


def cmd_otj_summary(args: argparse.Namespace) -> int:
    as_of = otj.to_date(args.as_of) if args.as_of else Date.today()
    with reading(args) as session:
        s = otj.summary(session, as_of)
    if args.json:
        print_json(otj.summary_json(s))
        return 0
    _print_total(s)
    if s.plan is None:
        print("Set a plan with 'portfolio otj plan' to see the pace needed.")
    else:
        print("\n".join(_explain(s.plan)))
        ahead = s.weeks_ahead or 0.0
        state = f"{ahead:.1f} weeks ahead" if ahead >= 0 else f"{-ahead:.1f} weeks behind"
        print(
            f"On {s.as_of} a steady pace would be at {format_minutes(s.expected_minutes or 0)}: "
            f"{state}."
        )
        if s.needed_minutes_per_week is not None and not s.met:
            print(
                f"To finish by the gateway: {format_minutes(round(s.needed_minutes_per_week))} "
                "a week from now."
            )
    for g in s.gaps:
        print(f"Gap: nothing logged from {g.first} to {g.last} ({g.days} days).")
    if s.after_gateway:
        print(
            f"Not countable: {format_minutes(s.after_gateway_minutes)} logged after the gateway "
            f"date (entries {', '.join(str(e.id) for e in s.after_gateway)})."
        )
    if s.before_start:
        print(
            f"Not countable: {format_minutes(s.before_start_minutes)} logged before the start "
            f"(entries {', '.join(str(e.id) for e in s.before_start)})."
        )
    return 0


# --- review -------------------------------------------------------------------------------------


def _register_review(sub: SubParsers) -> None:
    r = sub.add_parser("review", help="progress reviews")
    s = r.add_subparsers(dest="review_command", required=True, metavar="COMMAND")
    p = s.add_parser("add", help="record a progress review (the next is due 12 weeks later)")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    for role in ("apprentice", "employer", "provider", "other"):
        p.add_argument(
            f"--{role}",
            action="append",
            default=[],
            metavar="NAME",
            help=f"{'someone else' if role == 'other' else 'the ' + role} who took part "
            "(repeat for more)",
        )
    notes = p.add_mutually_exclusive_group()
    notes.add_argument("--notes", default="", help="the discussion notes")
    notes.add_argument("--notes-file", metavar="F", help="notes from a file, or - for stdin")
    p.add_argument(
        "--otj-hours",
        metavar="H:MM",
        help="off-the-job hours reviewed (default: the countable hours logged to the date)",
    )
    p.add_argument(
        "--action",
        action="append",
        default=[],
        metavar="TEXT[|OWNER[|DUE]]",
        help="an agreed action, its owner and due date (YYYY-MM-DD); repeat for more",
    )
    p.set_defaults(handler=cmd_review_add)
    p = s.add_parser("list", help="reviews, when the next is due, and open actions")
    p.add_argument("--as-of", metavar="D", help="YYYY-MM-DD (default today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_review_list)
    p = s.add_parser("done", help="mark a review action done")
    p.add_argument("action_id", type=int, metavar="ACTION_ID")
    p.add_argument("--undo", action="store_true", help="mark it open again")
    p.set_defaults(handler=cmd_review_done)
    p = s.add_parser("delete", help="delete a review")
    p.add_argument("review_id", type=int, metavar="ID")
    p.set_defaults(handler=cmd_review_delete)


def cmd_review_add(args: argparse.Namespace) -> int:
    people = [
        reviews.Participant(role, name)
        for role in ("apprentice", "employer", "provider", "other")
        for name in getattr(args, role)
    ]
    notes = read_text_file(args.notes_file, "notes file") if args.notes_file else args.notes
    minutes = otj.parse_duration(_hours_text(args.otj_hours)) if args.otj_hours else None
    actions = [reviews.parse_action(a) for a in args.action]
    with writing(args) as session:
        review = reviews.add_review(
            session,
            date=args.date,
            participants=people,
            notes=notes,
            otj_minutes=minutes,
            actions=actions,
        )
    print(
        f"Review {review.id} on {review.date} recorded with "
        f"{counted(len(review.actions), 'action')}; "
        f"the next review is due by {review.next_due}."
    )
    return 0


def cmd_review_list(args: argparse.Namespace) -> int:
    as_of = otj.to_date(args.as_of) if args.as_of else Date.today()
    from app.services import signoff

    with reading(args) as session:
        held = reviews.list_reviews(session)
        state = reviews.status(session, as_of)
        signed = signoff.review_signoffs(session)
    if args.json:
        print_json(
            {
                "reviews": [
                    {
                        **reviews.review_json(r),
                        "signoff": signoff.review_signoff_json(signed.get(r.id)),
                    }
                    for r in held
                ],
                **reviews.status_json(state),
            }
        )
        return 0
    for r in held:
        who = ", ".join(f"{p.name} ({p.role})" for p in r.participants)
        hours = "" if r.otj_minutes is None else f", OTJ {format_minutes(r.otj_minutes)}"
        print(f"{r.id:>3}  {r.date}  {who}{hours}")
        found = signed.get(r.id)
        names = [s.signer for s in found.signed] if found else []
        print("       " + (f"Signed by {', '.join(names)}" if names else "UNSIGNED"))
        for a in r.actions:
            mark = "x" if a.done else " "
            owner = f" — {a.owner}" if a.owner else ""
            due = f" by {a.due}" if a.due else ""
            print(f"       [{mark}] {a.id}: {a.text}{owner}{due}")
    print(_status_line(state))
    return 0


def _status_line(s: reviews.ReviewStatus) -> str:
    if s.due is None:
        return (
            "No reviews yet and no plan: set one with 'portfolio otj plan' to count the first "
            "review from its start under its funding rules."
        )
    days = s.days_left or 0
    if s.overdue:
        line = (
            f"The next progress review is OVERDUE: it was due on {s.due} "
            f"({counted(-days, 'day')} ago)."
        )
    else:
        line = f"The next progress review is due by {s.due} (in {counted(days, 'day')})."
    if s.late_actions:
        late = counted(s.late_actions, "action")
        line += (
            f" {late} is past its due date."
            if s.late_actions == 1
            else f" {late} are past their due date."
        )
    return line + "\n" + s.rule_text


def cmd_review_done(args: argparse.Namespace) -> int:
    with writing(args) as session:
        action = reviews.set_action_done(session, args.action_id, not args.undo)
    print(f"Action {action.id} is now {'done' if action.done else 'open'}: {action.text}")
    return 0


def cmd_review_delete(args: argparse.Namespace) -> int:
    with writing(args) as session:
        reviews.delete_review(session, args.review_id)
    print(f"Deleted review {args.review_id}.")
    return 0
