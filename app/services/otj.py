"""The off-the-job (OTJ) training log: the plan, entries, CSV, and the dashboard figures.

The rules (pure functions, no database) come first so they can be checked by
hand; storage follows. Durations are whole minutes everywhere.

Funding rules implemented:

- 2022/23 rules (``RULE_2022``): at least 6 hours a week of off-the-job
  training for apprentices contracted for 30 hours or more a week, pro rata
  below that (6 × contracted hours ÷ 30), over the planned duration
  excluding statutory leave (5.6 weeks a year unless the user enters
  another figure).
- Starts on or after 1 August 2025 (``RULE_2025``): the minimum number of
  off-the-job hours published for the standard (the user enters it with its
  source and date), reduced for recognised prior learning (RPL), never below 187
  hours.

Hours logged after the gateway date (or before the start) do not count. A gap is
any 28-day window inside the plan with nothing logged; only the 2022/23 rules have
that check. ``app.services.funding_rules`` names the source of every rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date as Date
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.models.db import utc_now
from app.models.orm import Competency, Framework, Item
from app.models.progress_orm import OtjEntry, OtjEntryCompetency, OtjEntryItem, OtjPlan
from app.schema.base import checked
from app.schema.portfolio import (
    ACTIVITIES,
    MAX_AGREED_MONTHS,
    MAX_ENTRY_MINUTES,
    MAX_PLAN_DAYS,
    MAX_WEEK_MINUTES,
    RULE_2022,
    RULE_2025,
    EntryRecord,
    PlanRecord,
)
from app.schema.portfolio import (
    MAX_DESCRIPTION as MAX_DESCRIPTION,  # the page limits its box to it
)
from app.services import evidence, portfolio
from app.services.competency_codes import display_code, resolve_codes
from app.services.csv_cells import read_csv, restore, write_csv
from app.services.funding_rules import (
    CURRENT_RULES_START,
    OTJ_FLOOR_MINUTES,
    otj_required_2025,
    ruleset,
)
from app.services.queries import raw_connection

BASELINE_WEEKLY_MINUTES = 6 * 60  # 6 hours a week (2022/23 rules)
FULL_TIME_MINUTES = 30 * 60  # 30 contracted hours a week or more: the full 6 hours
STATUTORY_LEAVE_WEEKS_PER_YEAR = 5.6
WEEKS_PER_YEAR = 52
GAP_DAYS = 28
RULE_2025_START = CURRENT_RULES_START


CSV_COLUMNS = ("date", "duration", "activity", "description", "ksbs", "items")


# --- plain values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """The training plan the required off-the-job hours are worked out from."""

    start: Date
    gateway: Date  # planned end of training, the gateway date
    contracted_minutes: int  # per week
    rule: str = RULE_2022
    fixed_minutes: int | None = None  # the 2025 rule's published minimum for the standard
    leave_weeks: float | None = None  # None: statutory 5.6 weeks a year, pro rata
    rpl_minutes: int = 0  # 2025 rules: recognised prior learning, off the minimum
    minimum_source: str = ""  # where the published minimum was read (document, annex)
    minimum_date: Date | None = None  # when it was read
    review_months: int | None = None  # 2025 rules: an agreed other review frequency…
    review_reason: str = ""  # …and its reason (rule 92.1)


@dataclass(frozen=True)
class Entry:
    id: int
    date: Date
    minutes: int
    activity: str  # a key of ACTIVITIES
    description: str = ""
    competencies: tuple[str, ...] = ()  # display codes: K1, DDAT-DEVOPS:DS3
    items: tuple[str, ...] = ()  # evidence refs

    @property
    def activity_label(self) -> str:
        return ACTIVITIES.get(self.activity, self.activity)


@dataclass(frozen=True)
class Gap:
    """A run of days inside the plan with no learning logged, 28 days or longer."""

    first: Date
    last: Date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class OtjSummary:
    """The dashboard: hours against pace, gaps, and hours that do not count."""

    as_of: Date
    plan: Plan | None
    logged_minutes: int  # countable: dated from the start to the gateway
    total_minutes: int  # everything in the log
    entries: int
    required_minutes: int | None
    weekly_minutes: int | None  # the rule's weekly minimum (2022 rule only)
    training_weeks: float | None  # planned weeks less statutory leave
    leave_weeks: float | None
    expected_minutes: int | None  # where steady pace would be by as_of
    pace_minutes_per_week: float | None  # required ÷ calendar weeks of the plan
    weeks_ahead: float | None  # negative: behind
    needed_minutes_per_week: float | None  # from as_of to the gateway, to finish
    after_gateway_minutes: int
    after_gateway: tuple[Entry, ...]
    before_start_minutes: int
    before_start: tuple[Entry, ...]
    gaps: tuple[Gap, ...]
    by_activity: tuple[tuple[str, int], ...]  # (activity key, minutes), biggest first
    cumulative: tuple[tuple[Date, int], ...]  # (date, countable minutes so far)

    @property
    def remaining_minutes(self) -> int | None:
        if self.required_minutes is None:
            return None
        return max(0, self.required_minutes - self.logged_minutes)

    @property
    def met(self) -> bool:
        return self.required_minutes is not None and self.logged_minutes >= self.required_minutes

    @property
    def on_track(self) -> bool | None:
        return None if self.weeks_ahead is None else self.weeks_ahead >= 0


# --- the rules (pure) ---------------------------------------------------------------------------


def weekly_minimum_minutes(contracted_minutes: int) -> float:
    """2022 rule: 6 hours a week at 30 contracted hours or more, 6 × hours ÷ 30 below."""
    return BASELINE_WEEKLY_MINUTES * min(contracted_minutes, FULL_TIME_MINUTES) / FULL_TIME_MINUTES


def plan_weeks(plan: Plan) -> float:
    return (plan.gateway - plan.start).days / 7


def statutory_leave_weeks(weeks: float) -> float:
    """5.6 weeks' statutory leave a year, pro rata for the planned weeks."""
    return STATUTORY_LEAVE_WEEKS_PER_YEAR * weeks / WEEKS_PER_YEAR


def leave_weeks(plan: Plan) -> float:
    if plan.leave_weeks is not None:
        return plan.leave_weeks
    return statutory_leave_weeks(plan_weeks(plan))


def training_weeks(plan: Plan) -> float:
    return max(0.0, plan_weeks(plan) - leave_weeks(plan))


def _round(value: float) -> int:
    """Round half up (not to even): hand calculations round this way."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def required_minutes(plan: Plan) -> int:
    """The minimum off-the-job training, in minutes, for the whole plan."""
    if plan.rule == RULE_2025:
        return otj_required_2025(plan.fixed_minutes or 0, plan.rpl_minutes)
    return _round(weekly_minimum_minutes(plan.contracted_minutes) * training_weeks(plan))


def expected_by(plan: Plan, required: int, day: Date) -> int:
    """Minutes a steady pace would have reached on ``day``: the share of the plan's days gone."""
    total_days = (plan.gateway - plan.start).days
    elapsed = min(max((day - plan.start).days, 0), total_days)
    return _round(required * elapsed / total_days)


def countable(plan: Plan | None, day: Date) -> bool:
    return plan is None or plan.start <= day <= plan.gateway


def find_gaps(plan: Plan, dates: Iterable[Date], as_of: Date) -> list[Gap]:
    """Runs of 28 days or more, inside the plan and up to ``as_of``, with nothing logged."""
    end = min(plan.gateway, as_of)
    if end < plan.start:
        return []
    active = sorted({d for d in dates if plan.start <= d <= end})
    gaps: list[Gap] = []
    cursor = plan.start  # the first day not known to be covered
    for day in [*active, end + timedelta(days=1)]:
        if (day - cursor).days >= GAP_DAYS:
            gaps.append(Gap(cursor, day - timedelta(days=1)))
        cursor = max(cursor, day + timedelta(days=1))
    return gaps


def summarise(plan: Plan | None, entries: Sequence[Entry], as_of: Date) -> OtjSummary:
    """Everything the OTJ dashboard shows, from the plan and the log, as on ``as_of``."""
    counted = [e for e in entries if countable(plan, e.date)]
    after = tuple(e for e in entries if plan is not None and e.date > plan.gateway)
    before = tuple(e for e in entries if plan is not None and e.date < plan.start)
    logged = sum(e.minutes for e in counted)

    by_activity: dict[str, int] = {}
    for e in counted:
        by_activity[e.activity] = by_activity.get(e.activity, 0) + e.minutes
    running = 0
    per_day: dict[Date, int] = {}
    for e in sorted(counted, key=lambda e: e.date):
        running += e.minutes
        per_day[e.date] = running

    required = weekly = weeks = leave = expected = pace = ahead = needed = None
    gaps: list[Gap] = []
    if plan is not None:
        required = required_minutes(plan)
        leave = leave_weeks(plan) if plan.rule == RULE_2022 else None
        weeks = training_weeks(plan) if plan.rule == RULE_2022 else None
        if plan.rule == RULE_2022:
            weekly = _round(weekly_minimum_minutes(plan.contracted_minutes))
        expected = expected_by(plan, required, as_of)
        pace = required / plan_weeks(plan)
        ahead = (logged - expected) / pace if pace > 0 else None
        days_left = (plan.gateway - as_of).days
        if days_left > 0:
            needed = max(0, required - logged) / (days_left / 7)
        if ruleset(plan.rule).gap_check:
            gaps = find_gaps(plan, (e.date for e in entries), as_of)

    return OtjSummary(
        as_of=as_of,
        plan=plan,
        logged_minutes=logged,
        total_minutes=sum(e.minutes for e in entries),
        entries=len(entries),
        required_minutes=required,
        weekly_minutes=weekly,
        training_weeks=weeks,
        leave_weeks=leave,
        expected_minutes=expected,
        pace_minutes_per_week=pace,
        weeks_ahead=ahead,
        needed_minutes_per_week=needed,
        after_gateway_minutes=sum(e.minutes for e in after),
        after_gateway=after,
        before_start_minutes=sum(e.minutes for e in before),
        before_start=before,
        gaps=tuple(gaps),
        by_activity=tuple(sorted(by_activity.items(), key=lambda kv: (-kv[1], kv[0]))),
        cumulative=tuple(per_day.items()),
    )


# --- parsing and formatting ---------------------------------------------------------------------


def format_minutes(minutes: int) -> str:
    """``95`` → ``"1 h 35 min"``; ``60`` → ``"1 h"``; ``45`` → ``"45 min"``."""
    sign = "-" if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    if hours and mins:
        return f"{sign}{hours} h {mins:02d} min"
    if hours:
        return f"{sign}{hours} h"
    return f"{sign}{mins} min"


def format_clock(minutes: int) -> str:
    """``95`` → ``"1:35"`` (the CSV's duration)."""
    hours, mins = divmod(minutes, 60)
    return f"{hours}:{mins:02d}"


_CLOCK = re.compile(r"(\d+):([0-5]\d)")
_DURATION_FORMS = (
    re.compile(r"(?P<h>\d+):(?P<m>[0-5]\d)"),
    re.compile(r"(?:(?P<h>\d+)\s*h(?:ours?|rs?)?)?\s*(?:(?P<m>\d+)\s*m(?:in(?:ute)?s?)?)?"),
)


def parse_duration(text: str) -> int:
    """``1:30``, ``1h 30m``, ``90m``, ``2h``, ``1.5h`` → minutes; a bare number is refused."""
    value = text.strip().lower()
    if len(value) > 24:  # no duration is this long: say so before reading any number
        raise InvalidInputError(
            f"The duration '{text.strip()[:24]}…' is too long to be a duration; write hours and "
            "minutes as 1:30 or 1h 30m."
        )
    clock = _CLOCK.fullmatch(value)  # the common H:MM first (timesheets of 100,000 rows)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    decimal = re.fullmatch(r"(\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?", value)
    if decimal:
        minutes = float(decimal.group(1)) * 60
        if abs(minutes - round(minutes)) > 1e-6:
            raise InvalidInputError(
                f"The duration '{text}' is not a whole number of minutes; write it as H:MM."
            )
        return round(minutes)
    for form in _DURATION_FORMS:
        match = form.fullmatch(value)
        if match and (match.group("h") or match.group("m")):
            return int(match.group("h") or 0) * 60 + int(match.group("m") or 0)
    raise InvalidInputError(
        f"The duration '{text}' is not understood; write hours and minutes as 1:30 or 1h 30m."
    )


def parse_weekly_hours(text: str) -> int:
    """Contracted hours a week: ``37.5``, ``37:30`` or ``37h 30m`` → minutes."""
    value = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        value += "h"
    minutes = parse_duration(value)
    return check_contracted(minutes)


def check_minutes(minutes: int) -> int:
    if not 1 <= minutes <= MAX_ENTRY_MINUTES:
        raise InvalidInputError(
            f"The duration {format_minutes(minutes)} is not possible for one entry; "
            f"give between 1 minute and 24 hours."
        )
    return minutes


def check_contracted(minutes: int) -> int:
    if not 1 <= minutes <= MAX_WEEK_MINUTES:
        raise InvalidInputError(
            f"Contracted hours of {format_minutes(minutes)} a week are not possible; "
            "give the hours in the apprentice's contract, such as 37.5."
        )
    return minutes


_ACTIVITY_SPELLINGS = {
    spelling: key
    for key, label in ACTIVITIES.items()
    for spelling in (key, label.lower(), key.replace("-", " "))
}


def check_activity(value: str) -> str:
    """An activity key, or its label in any case; anything else is refused with the list."""
    key = _ACTIVITY_SPELLINGS.get(value.strip().lower())
    if key is not None:
        return key
    raise InvalidInputError(
        f"The activity '{value}' is not one of: {', '.join(ACTIVITIES)}; use 'other' and "
        "describe it in the note."
    )


def check_description(text: str) -> str:
    return checked(EntryRecord, "description", text, "The description")


def to_date(value: str | Date | None) -> Date:
    if isinstance(value, Date):
        return value
    return Date.fromisoformat(evidence.parse_date(value))


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def csv_date(value: str) -> Date:
    """ISO dates, and the UK's DD/MM/YYYY that timesheets use."""
    value = value.strip()
    if _ISO_DATE.fullmatch(value):
        try:
            return Date.fromisoformat(value)
        except ValueError:
            pass  # said in one sentence below
    uk = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value.strip())
    if uk:
        day, month, year = (int(g) for g in uk.groups())
        try:
            return Date(year, month, day)
        except ValueError as exc:
            raise InvalidInputError(f"The date {value} does not exist.") from exc
    return to_date(value)


def check_plan(plan: Plan) -> Plan:
    if plan.gateway <= plan.start:
        raise InvalidInputError(
            f"The gateway date {plan.gateway} must come after the start date {plan.start}."
        )
    if (plan.gateway - plan.start).days > MAX_PLAN_DAYS:
        raise InvalidInputError("The plan runs over ten years; check the start and gateway dates.")
    check_contracted(plan.contracted_minutes)
    checked(PlanRecord, "rule", plan.rule, "The rule")
    if plan.rule == RULE_2025:
        if plan.fixed_minutes is None or plan.fixed_minutes <= 0:
            raise InvalidInputError(
                "For starts from 1 August 2025 enter the standard's minimum off-the-job hours."
            )
        plan = _check_2025_terms(plan)
    else:
        if plan.rpl_minutes or plan.review_months is not None:
            raise InvalidInputError(
                "Recognised prior learning and an agreed review frequency belong to the "
                "2025/26 rules; under the 2022/23 rules shorten the plan instead."
            )
        plan = replace(plan, fixed_minutes=None, minimum_source="", minimum_date=None)
    if plan.leave_weeks is not None and not 0 <= plan.leave_weeks < plan_weeks(plan):
        raise InvalidInputError(
            f"{plan.leave_weeks:g} weeks of leave does not fit in a plan of "
            f"{plan_weeks(plan):.1f} weeks."
        )
    return plan


def _check_2025_terms(plan: Plan) -> Plan:
    minimum = plan.fixed_minutes or 0
    if plan.rpl_minutes < 0:
        raise InvalidInputError("Recognised prior learning cannot be negative hours.")
    if plan.rpl_minutes > minimum:
        raise InvalidInputError(
            f"The recognised prior learning ({format_minutes(plan.rpl_minutes)}) is more than "
            f"the standard's minimum ({format_minutes(minimum)}); check both figures."
        )
    checked(PlanRecord, "minimum_source", plan.minimum_source, "The minimum's source")
    if plan.review_months is not None:
        if not 1 <= plan.review_months <= MAX_AGREED_MONTHS:
            raise InvalidInputError(
                f"An agreed review frequency is 1 to {MAX_AGREED_MONTHS} months, not "
                f"{plan.review_months}."
            )
        if not plan.review_reason.strip():
            raise InvalidInputError(
                "An agreed review frequency needs its reason (rule 92.1: an evidenced "
                "delivery reason agreed with the employer)."
            )
        reason = checked(PlanRecord, "review_reason", plan.review_reason.strip(), "The reason")
        return replace(plan, review_reason=reason)
    return replace(plan, review_reason="")


def floor_applies(plan: Plan) -> bool:
    """2025 rules: the minimum less RPL fell below 187 hours, so 187 hours are required."""
    return (
        plan.rule == RULE_2025 and (plan.fixed_minutes or 0) - plan.rpl_minutes < OTJ_FLOOR_MINUTES
    )


# --- storage ------------------------------------------------------------------------------------


def get_plan(session: Session) -> Plan | None:
    row = session.get(OtjPlan, 1)
    if row is None:
        return None
    return Plan(
        start=Date.fromisoformat(row.start_date),
        gateway=Date.fromisoformat(row.gateway_date),
        contracted_minutes=row.contracted_minutes,
        rule=row.rule,
        fixed_minutes=row.fixed_minutes,
        leave_weeks=row.leave_weeks,
        rpl_minutes=row.rpl_minutes or 0,
        minimum_source=row.minimum_source or "",
        minimum_date=Date.fromisoformat(row.minimum_date) if row.minimum_date else None,
        review_months=row.review_months,
        review_reason=row.review_reason or "",
    )


def save_plan(session: Session, plan: Plan) -> Plan:
    plan = check_plan(plan)
    row = session.get(OtjPlan, 1)
    if row is None:
        row = OtjPlan(id=1)
        session.add(row)
    row.start_date = plan.start.isoformat()
    row.gateway_date = plan.gateway.isoformat()
    row.contracted_minutes = plan.contracted_minutes
    row.rule = plan.rule
    row.fixed_minutes = plan.fixed_minutes
    row.leave_weeks = plan.leave_weeks
    row.rpl_minutes = plan.rpl_minutes
    row.minimum_source = plan.minimum_source
    row.minimum_date = plan.minimum_date.isoformat() if plan.minimum_date else None
    row.review_months = plan.review_months
    row.review_reason = plan.review_reason
    row.updated = utc_now()
    portfolio.touch(session)
    session.flush()
    return plan


@dataclass(frozen=True)
class EntryInput:
    date: Date
    minutes: int
    activity: str
    description: str = ""
    competencies: tuple[str, ...] = ()
    items: tuple[str, ...] = ()


def make_input(
    *,
    date: str | Date | None,
    minutes: int,
    activity: str,
    description: str = "",
    competencies: Sequence[str] = (),
    items: Sequence[str] = (),
) -> EntryInput:
    """Validate what the user typed (codes and refs are checked when stored)."""
    return EntryInput(
        date=to_date(date),
        minutes=check_minutes(minutes),
        activity=check_activity(activity),
        description=check_description(description),
        competencies=tuple(c.strip() for c in competencies if c.strip()),
        items=tuple(r.strip().upper() for r in items if r.strip()),
    )


def _item_ids(session: Session, refs: Sequence[str]) -> list[int]:
    if not refs:
        return []
    evidence.refs_exist(session, refs)
    found = dict(
        session.execute(select(Item.ref, Item.id).where(Item.ref.in_(refs))).tuples().all()
    )
    return [found[r] for r in dict.fromkeys(refs)]


def _store_links(session: Session, row: OtjEntry, entry: EntryInput) -> None:
    row.competency_links = [
        OtjEntryCompetency(competency_id=ident)
        for ident in dict.fromkeys(i for i, _ in resolve_codes(session, entry.competencies))
    ]
    row.item_links = [OtjEntryItem(item_id=ident) for ident in _item_ids(session, entry.items)]


def add_entry(session: Session, entry: EntryInput) -> Entry:
    now = utc_now()
    row = OtjEntry(
        date=entry.date.isoformat(),
        minutes=entry.minutes,
        activity=entry.activity,
        description=entry.description,
        created=now,
        updated=now,
    )
    _store_links(session, row, entry)
    session.add(row)
    portfolio.touch(session)
    session.flush()
    return get_entry(session, row.id)


def update_entry(session: Session, entry_id: int, entry: EntryInput) -> Entry:
    row = _find(session, entry_id)
    row.date = entry.date.isoformat()
    row.minutes = entry.minutes
    row.activity = entry.activity
    row.description = entry.description
    _store_links(session, row, entry)
    row.updated = utc_now()
    portfolio.touch(session)
    session.flush()
    return get_entry(session, row.id)


def delete_entry(session: Session, entry_id: int) -> None:
    session.delete(_find(session, entry_id))
    portfolio.touch(session)
    session.flush()


def _find(session: Session, entry_id: int) -> OtjEntry:
    row = session.get(OtjEntry, entry_id)
    if row is None:
        raise NotFoundError(f"There is no off-the-job entry {entry_id}; see 'portfolio otj list'.")
    return row


def get_entry(session: Session, entry_id: int) -> Entry:
    _find(session, entry_id)
    return list_entries(session, ids=[entry_id])[0]


def list_entries(session: Session, ids: Sequence[int] | None = None) -> list[Entry]:
    """Entries oldest first (same day: in the order they were logged)."""
    # plain SQL rows: a log of 100,000 entries is read in a fraction of a second
    conn = raw_connection(session)
    rows = conn.execute(
        "SELECT id, date, minutes, activity, description FROM otj_entries ORDER BY date, id"
    ).fetchall()
    if ids is not None:
        wanted = set(ids)
        rows = [r for r in rows if r[0] in wanted]
    codes: dict[int, list[str]] = {}
    own = portfolio_framework_id(session)
    for entry_id, code, key, fw_id in session.execute(
        select(OtjEntryCompetency.entry_id, Competency.code, Framework.key, Framework.id)
        .join(Competency, Competency.id == OtjEntryCompetency.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .order_by(Framework.id != own, Framework.key, Competency.position)
    ):
        codes.setdefault(entry_id, []).append(display_code(code, key, fw_id == own))
    refs: dict[int, list[str]] = {}
    for entry_id, ref in session.execute(
        select(OtjEntryItem.entry_id, Item.ref)
        .join(Item, Item.id == OtjEntryItem.item_id)
        .order_by(Item.number)
    ):
        refs.setdefault(entry_id, []).append(ref)
    return [
        Entry(
            id=entry_id,
            date=Date.fromisoformat(day),
            minutes=minutes,
            activity=activity,
            description=description,
            competencies=tuple(codes.get(entry_id, ())),
            items=tuple(refs.get(entry_id, ())),
        )
        for entry_id, day, minutes, activity, description in rows
    ]


def portfolio_framework_id(session: Session) -> int:
    from app.services.frameworks import portfolio_framework

    return portfolio_framework(session).id


def summary(session: Session, as_of: Date | None = None) -> OtjSummary:
    return summarise(get_plan(session), list_entries(session), as_of or Date.today())


# --- CSV ----------------------------------------------------------------------------------------


def export_csv(entries: Sequence[Entry]) -> str:
    """The log as CSV (``CSV_COLUMNS``), oldest first; ``import_csv`` reads it back."""
    return write_csv(
        CSV_COLUMNS,
        (
            [
                e.date.isoformat(),
                format_clock(e.minutes),
                e.activity,
                e.description,
                " ".join(e.competencies),
                " ".join(e.items),
            ]
            for e in entries
        ),
    )


def _split_list(value: str) -> list[str]:
    if not value:
        return []
    return [part for part in re.split(r"[\s,;]+", value.strip()) if part]


CSV_YEARS = (2000, 2100)  # a date outside these is a typo or a spreadsheet's serial number


def parse_csv(text: str) -> list[EntryInput]:
    """Read a timesheet; the first bad row stops the import with its row number."""
    header, rows = read_csv(text, "The CSV file")
    missing = [c for c in ("date", "activity") if c not in header]
    if "duration" not in header and "minutes" not in header:
        missing.append("duration")
    if missing:
        raise InvalidInputError(
            f"The CSV file has no {', '.join(missing)} column; the first line must name the "
            f"columns: {','.join(CSV_COLUMNS)}."
        )
    width = len(header)
    entries: list[EntryInput] = []
    for line, cells in rows:
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            raise InvalidInputError(f"Row {line} of the CSV file has more cells than columns.")
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
        if not any(values.values()):
            continue
        try:
            entries.append(_row_to_entry(values))
        except InvalidInputError as exc:
            raise InvalidInputError(f"Row {line} of the CSV file: {exc}") from exc
    if not entries:
        raise InvalidInputError("The CSV file holds no entries.")
    return entries


def _row_to_entry(values: dict[str, str]) -> EntryInput:
    if values.get("duration"):
        minutes = parse_duration(values["duration"])
        if values.get("minutes") and int_or_error(values["minutes"]) != minutes:
            raise InvalidInputError("its duration and minutes disagree.")
    elif values.get("minutes"):
        minutes = int_or_error(values["minutes"])
    else:
        raise InvalidInputError("the duration is empty.")
    if not values.get("date"):
        raise InvalidInputError("the date is empty.")
    day = csv_date(values["date"])
    if not CSV_YEARS[0] <= day.year <= CSV_YEARS[1]:
        raise InvalidInputError(
            f"the date {values['date']} is not between {CSV_YEARS[0]} and {CSV_YEARS[1]}."
        )
    return make_input(
        date=day,
        minutes=minutes,
        activity=values.get("activity", ""),
        description=restore(values.get("description", "")),
        competencies=_split_list(values.get("ksbs", "")),
        items=_split_list(values.get("items", "")),
    )


def int_or_error(value: str) -> int:
    if not re.fullmatch(r"\d+", value.strip()):
        raise InvalidInputError(f"'{value}' is not a whole number of minutes.")
    return int(value)


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int  # rows identical to an entry already in the log


def import_entries(
    session: Session,
    rows: Sequence[EntryInput],
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Add every row, all or nothing (the caller's transaction); skip exact repeats.

    Written in bulk: codes and refs are resolved once each, and rows go in with one
    statement per row on the session's own connection (100,000 rows in seconds).
    ``progress(done, total)`` is called every few thousand rows.
    """
    conn = raw_connection(session)
    existing = {
        (Date.fromisoformat(day), minutes, activity, description)
        for day, minutes, activity, description in conn.execute(
            "SELECT date, minutes, activity, description FROM otj_entries"
        )
    }
    codes: dict[str, tuple[int, ...]] = {}
    items = dict(session.execute(select(Item.ref, Item.id)).tuples().all())
    now = utc_now()
    added = skipped = 0
    entry_links: list[tuple[int, int]] = []
    item_links: list[tuple[int, int]] = []
    for index, row in enumerate(rows, start=1):
        key = (row.date, row.minutes, row.activity, row.description)
        if key in existing:
            skipped += 1
            continue
        try:
            competency_ids = _codes_once(session, codes, row.competencies)
            missing = [r for r in row.items if r not in items]
            if missing:
                raise NotFoundError(f"There is no evidence item {', '.join(missing)}.")
        except InvalidInputError as exc:
            raise InvalidInputError(f"Entry {index} of the file: {exc}") from exc
        except NotFoundError as exc:
            raise InvalidInputError(f"Entry {index} of the file: {exc}") from exc
        cursor = conn.execute(
            "INSERT INTO otj_entries (date, minutes, activity, description, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (row.date.isoformat(), row.minutes, row.activity, row.description, now, now),
        )
        entry_id = int(cursor.lastrowid or 0)
        entry_links += [(entry_id, c) for c in competency_ids]
        item_links += [(entry_id, items[r]) for r in dict.fromkeys(row.items)]
        added += 1
        if progress is not None and index % 2000 == 0:
            progress(index, len(rows))
    conn.executemany(
        "INSERT INTO otj_entry_competencies (entry_id, competency_id) VALUES (?, ?)", entry_links
    )
    conn.executemany("INSERT INTO otj_entry_items (entry_id, item_id) VALUES (?, ?)", item_links)
    if added:
        portfolio.touch(session)
        session.flush()
    if progress is not None:
        progress(len(rows), len(rows))
    return ImportResult(added=added, skipped=skipped)


def _codes_once(
    session: Session, known: dict[str, tuple[int, ...]], codes: Sequence[str]
) -> tuple[int, ...]:
    """Competency ids for ``codes``, each distinct list resolved once."""
    key = " ".join(codes)
    found = known.get(key)
    if found is None:
        found = tuple(dict.fromkeys(i for i, _ in resolve_codes(session, codes)))
        known[key] = found
    return found


def entry_json(e: Entry) -> dict[str, object]:
    return {
        "id": e.id,
        "date": e.date.isoformat(),
        "minutes": e.minutes,
        "activity": e.activity,
        "description": e.description,
        "ksbs": list(e.competencies),
        "items": list(e.items),
    }


def summary_json(s: OtjSummary) -> dict[str, object]:
    """The documented ``otj summary --json`` shape."""
    plan = s.plan
    return {
        "as_of": s.as_of.isoformat(),
        "plan": None
        if plan is None
        else {
            "start": plan.start.isoformat(),
            "gateway": plan.gateway.isoformat(),
            "contracted_minutes_per_week": plan.contracted_minutes,
            "rule": plan.rule,
            "fixed_minutes": plan.fixed_minutes,
            "leave_weeks": round(s.leave_weeks, 2) if s.leave_weeks is not None else None,
            "training_weeks": round(s.training_weeks, 2) if s.training_weeks is not None else None,
            "weekly_minimum_minutes": s.weekly_minutes,
            "rpl_minutes": plan.rpl_minutes,
            "minimum_source": plan.minimum_source,
            "minimum_date": plan.minimum_date.isoformat() if plan.minimum_date else None,
            "floor_applies": floor_applies(plan),
            "review_months": plan.review_months,
            "review_reason": plan.review_reason,
            "source": ruleset(plan.rule).otj_source,
            "gap_check": ruleset(plan.rule).gap_check,
        },
        "required_minutes": s.required_minutes,
        "logged_minutes": s.logged_minutes,
        "remaining_minutes": s.remaining_minutes,
        "expected_minutes": s.expected_minutes,
        "weeks_ahead": round(s.weeks_ahead, 1) if s.weeks_ahead is not None else None,
        "needed_minutes_per_week": round(s.needed_minutes_per_week)
        if s.needed_minutes_per_week is not None
        else None,
        "entries": s.entries,
        "total_minutes": s.total_minutes,
        "after_gateway": {
            "minutes": s.after_gateway_minutes,
            "entries": [e.id for e in s.after_gateway],
        },
        "before_start": {
            "minutes": s.before_start_minutes,
            "entries": [e.id for e in s.before_start],
        },
        "gaps": [
            {"from": g.first.isoformat(), "to": g.last.isoformat(), "days": g.days} for g in s.gaps
        ],
        "by_activity": {key: minutes for key, minutes in s.by_activity},
    }
