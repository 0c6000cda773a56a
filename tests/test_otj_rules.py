"""Off-the-job rules against figures worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.errors import InvalidInputError
from app.services import otj
from app.services.otj import Entry, Gap, Plan

START = date(2024, 9, 2)
YEAR_END = date(2025, 9, 1)  # 364 days: exactly 52 weeks


def entry(day: date, minutes: int, ident: int = 0, activity: str = "e-learning") -> Entry:
    return Entry(id=ident, date=day, minutes=minutes, activity=activity)


@pytest.mark.parametrize(
    ("contracted_hours", "weekly_minutes"),
    [(37.5, 360), (30, 360), (45, 360), (20, 240), (15, 180), (22.5, 270), (10, 120)],
)
def test_2022_rule_is_six_hours_a_week_pro_rata_below_thirty(
    contracted_hours: float, weekly_minutes: int
) -> None:
    # 6 × hours ÷ 30 below 30 hours: 20 h → 4 h, 15 h → 3 h, 22.5 h → 4.5 h, 10 h → 2 h
    assert otj.weekly_minimum_minutes(round(contracted_hours * 60)) == weekly_minutes


def test_2022_total_excludes_statutory_leave_pro_rata() -> None:
    # 52 weeks less 5.6 weeks' leave = 46.4 weeks; × 6 h = 278.4 h = 16,704 minutes
    plan = Plan(START, YEAR_END, contracted_minutes=37 * 60 + 30)
    assert otj.plan_weeks(plan) == 52
    assert otj.leave_weeks(plan) == pytest.approx(5.6)
    assert otj.required_minutes(plan) == 16_704
    # 20 contracted hours: 4 h × 46.4 = 185.6 h = 11,136 minutes
    assert otj.required_minutes(Plan(START, YEAR_END, contracted_minutes=20 * 60)) == 11_136
    # 18 months (78 weeks): leave 8.4 weeks, 69.6 × 6 h = 417.6 h = 25,056 minutes
    longer = Plan(START, START + timedelta(weeks=78), contracted_minutes=40 * 60)
    assert otj.required_minutes(longer) == 25_056


def test_leave_the_user_enters_replaces_the_statutory_figure() -> None:
    # 52 − 4 = 48 weeks × 6 h = 288 h
    plan = Plan(START, YEAR_END, contracted_minutes=2250, leave_weeks=4)
    assert otj.required_minutes(plan) == 288 * 60


def test_2025_rule_is_the_fixed_total_whatever_the_hours() -> None:
    plan = Plan(
        date(2025, 9, 1),
        date(2026, 12, 1),
        contracted_minutes=20 * 60,
        rule=otj.RULE_2025,
        fixed_minutes=278 * 60,
    )
    assert otj.required_minutes(plan) == 16_680
    summary = otj.summarise(plan, [], date(2025, 9, 1))
    assert summary.required_minutes == 16_680
    assert summary.weekly_minutes is None  # no weekly minimum under the fixed rule


def test_pace_weeks_behind_and_hours_needed_per_week() -> None:
    # 50 weeks, no leave: 300 h = 18,000 min; steady pace 6 h (360 min) a week.
    plan = Plan(START, START + timedelta(weeks=50), contracted_minutes=2250, leave_weeks=0)
    as_of = START + timedelta(weeks=10)
    log = [entry(START + timedelta(days=i * 7), 288, i) for i in range(10)]  # 48 h
    s = otj.summarise(plan, log, as_of)
    assert s.required_minutes == 18_000
    assert s.expected_minutes == 3_600  # 10 of 50 weeks gone: a fifth
    assert s.logged_minutes == 2_880
    assert s.pace_minutes_per_week == pytest.approx(360)
    assert s.weeks_ahead == pytest.approx(-2.0)  # 720 minutes short at 360 a week
    assert s.on_track is False
    # 15,120 minutes left over the 40 weeks to the gateway: 378 a week
    assert s.needed_minutes_per_week == pytest.approx(378)
    assert s.remaining_minutes == 15_120


def test_ahead_of_pace() -> None:
    plan = Plan(START, START + timedelta(weeks=50), contracted_minutes=2250, leave_weeks=0)
    s = otj.summarise(plan, [entry(START, 1080)], START + timedelta(weeks=1))
    assert s.weeks_ahead == pytest.approx(2.0)  # 18 h logged, 6 h due
    assert s.on_track is True


def test_hours_after_the_gateway_or_before_the_start_do_not_count() -> None:
    plan = Plan(START, YEAR_END, contracted_minutes=2250)
    log = [
        entry(START - timedelta(days=1), 30, 1),
        entry(START, 60, 2),
        entry(YEAR_END, 90, 3),  # on the gateway date: still counts
        entry(YEAR_END + timedelta(days=1), 120, 4),
    ]
    s = otj.summarise(plan, log, YEAR_END + timedelta(days=10))
    assert s.logged_minutes == 150
    assert s.total_minutes == 300
    assert s.after_gateway_minutes == 120
    assert [e.id for e in s.after_gateway] == [4]
    assert s.before_start_minutes == 30
    assert s.needed_minutes_per_week is None  # the gateway has passed


def test_gaps_are_runs_of_28_days_with_nothing_logged() -> None:
    start = date(2025, 1, 6)
    plan = Plan(start, date(2025, 12, 1), contracted_minutes=2250)
    log = [
        entry(date(2025, 1, 6), 60),
        entry(date(2025, 2, 3), 60),  # 27 empty days before it (7 Jan – 2 Feb): no gap
        entry(date(2025, 3, 4), 60),  # 28 empty days (4 Feb – 3 Mar): a gap
    ]
    # 27 empty days after the last entry (5 – 31 Mar): not yet a gap
    assert otj.find_gaps(plan, [e.date for e in log], date(2025, 3, 31)) == [
        Gap(date(2025, 2, 4), date(2025, 3, 3))
    ]
    assert Gap(date(2025, 2, 4), date(2025, 3, 3)).days == 28
    # one more day and the tail becomes a gap too
    assert otj.find_gaps(plan, [e.date for e in log], date(2025, 4, 1))[-1] == Gap(
        date(2025, 3, 5), date(2025, 4, 1)
    )


def test_a_gap_at_the_start_and_none_beyond_the_gateway() -> None:
    plan = Plan(date(2025, 1, 1), date(2025, 3, 1), contracted_minutes=2250)
    gaps = otj.find_gaps(plan, [date(2025, 2, 10)], date(2025, 6, 1))
    # 1 Jan – 9 Feb empty (40 days); 11 Feb – 1 Mar is only 19 days; nothing after the gateway
    assert gaps == [Gap(date(2025, 1, 1), date(2025, 2, 9))]
    assert otj.find_gaps(plan, [], date(2024, 12, 1)) == []  # the plan has not started


def test_a_log_with_no_plan_still_totals() -> None:
    s = otj.summarise(
        None, [entry(date(2025, 1, 1), 45), entry(date(2025, 1, 2), 50)], date(2025, 1, 3)
    )
    assert (s.logged_minutes, s.required_minutes, s.weeks_ahead, s.gaps) == (95, None, None, ())


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1:30", 90),
        ("0:05", 5),
        ("1h 30m", 90),
        ("1h30m", 90),
        ("90m", 90),
        ("2h", 120),
        ("1.5h", 90),
        ("2 hours", 120),
        ("45 min", 45),
        ("1 hr 15 mins", 75),
    ],
)
def test_durations_in_hours_and_minutes(text: str, minutes: int) -> None:
    assert otj.parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["90", "", "1:75", "abc", "1.33h", "-1:00"])
def test_unclear_durations_are_refused(text: str) -> None:
    with pytest.raises(InvalidInputError):
        otj.parse_duration(text)


def test_formatting_minutes() -> None:
    assert [otj.format_minutes(m) for m in (95, 60, 45, 0, 16_704)] == [
        "1 h 35 min",
        "1 h",
        "45 min",
        "0 min",
        "278 h 24 min",
    ]
    assert otj.format_clock(95) == "1:35"


def test_contracted_hours_accept_decimals_and_clock_form() -> None:
    assert otj.parse_weekly_hours("37.5") == 2250
    assert otj.parse_weekly_hours("37:30") == 2250
    with pytest.raises(InvalidInputError):
        otj.parse_weekly_hours("0")


def test_plan_checks() -> None:
    with pytest.raises(InvalidInputError, match="must come after"):
        otj.check_plan(Plan(START, START, 2250))
    with pytest.raises(InvalidInputError, match="minimum off-the-job hours"):
        otj.check_plan(Plan(START, YEAR_END, 2250, rule=otj.RULE_2025))
    with pytest.raises(InvalidInputError, match="does not fit"):
        otj.check_plan(Plan(START, YEAR_END, 2250, leave_weeks=60))
