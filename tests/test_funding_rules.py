"""The funding rules by start date, against figures worked out by hand."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.errors import InvalidInputError
from app.models.db import Database
from app.services import funding_rules, otj, reviews
from app.services.funding_rules import RULE_2022, RULE_2025, next_review_due
from app.services.otj import Plan
from tests.package_helpers import run

PEOPLE = [reviews.Participant("apprentice", "Ada"), reviews.Participant("employer", "Grace")]


def test_the_rules_follow_the_start_date() -> None:
    assert funding_rules.rules_for_start(date(2025, 7, 31)) == RULE_2022
    assert funding_rules.rules_for_start(date(2025, 8, 1)) == RULE_2025


@pytest.mark.parametrize(
    ("held", "due"),
    [
        (date(2025, 8, 1), date(2025, 11, 30)),  # rule 92's own example
        (date(2025, 8, 31), date(2025, 11, 30)),  # any day of August: the end of November
        (date(2025, 10, 31), date(2026, 1, 31)),  # across the year end
        (date(2025, 11, 30), date(2026, 2, 28)),  # February, not a leap year
        (date(2027, 11, 15), date(2028, 2, 29)),  # February 2028, a leap year
        (date(2023, 12, 31), date(2024, 3, 31)),
        (date(2024, 2, 29), date(2024, 5, 31)),  # from a leap day
    ],
)
def test_2025_reviews_by_the_end_of_the_third_month_after(held: date, due: date) -> None:
    assert next_review_due(held, RULE_2025) == due


@pytest.mark.parametrize(
    ("held", "due"),
    [
        (date(2024, 2, 1), date(2024, 4, 25)),  # 84 days across 29 February
        (date(2023, 2, 1), date(2023, 4, 26)),  # the same 84 days in a common year
        (date(2025, 12, 20), date(2026, 3, 14)),
    ],
)
def test_2022_reviews_every_12_weeks(held: date, due: date) -> None:
    assert next_review_due(held, RULE_2022) == due
    assert next_review_due(held, None) == due  # no plan: the schedule the app always used


def test_an_agreed_frequency_counts_its_own_months() -> None:
    assert next_review_due(date(2026, 1, 31), RULE_2025, 1) == date(2026, 2, 28)
    assert next_review_due(date(2025, 9, 10), RULE_2025, 6) == date(2026, 3, 31)
    text = funding_rules.review_rule_text(RULE_2025, 6, "Block release")
    assert "every 6 calendar months" in text and "rule 92.1" in text and "Block release" in text


def plan_2025(**changes: object) -> Plan:
    base = Plan(
        date(2025, 9, 1), date(2026, 12, 1), 37 * 60 + 30, rule=RULE_2025, fixed_minutes=278 * 60
    )
    return otj.check_plan(Plan(**{**base.__dict__, **changes}))  # type: ignore[arg-type]


def test_rpl_reduces_the_minimum_and_187_hours_is_the_floor() -> None:
    assert otj.required_minutes(plan_2025()) == 278 * 60
    assert otj.required_minutes(plan_2025(rpl_minutes=40 * 60)) == 238 * 60  # 278 - 40
    reduced = plan_2025(fixed_minutes=200 * 60, rpl_minutes=20 * 60)  # 180 h: below the floor
    assert otj.required_minutes(reduced) == 187 * 60 and otj.floor_applies(reduced)
    assert otj.required_minutes(plan_2025(fixed_minutes=150 * 60)) == 187 * 60
    assert not otj.floor_applies(plan_2025(rpl_minutes=91 * 60))  # exactly 187 h
    assert otj.required_minutes(plan_2025(rpl_minutes=91 * 60)) == 187 * 60


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"rpl_minutes": 300 * 60}, "more than the standard's minimum"),
        ({"review_months": 6}, "needs its reason"),
        ({"review_months": 6, "review_reason": "   "}, "needs its reason"),
        ({"review_months": 0, "review_reason": "x"}, "1 to 12 months"),
        ({"rule": RULE_2022, "fixed_minutes": None, "rpl_minutes": 60}, "2025/26 rules"),
    ],
)
def test_bad_terms_are_refused_in_one_sentence(changes: dict[str, object], words: str) -> None:
    with pytest.raises(InvalidInputError, match=words):
        plan_2025(**changes)


def test_only_the_2022_rules_check_four_week_gaps() -> None:
    entries = [
        otj.Entry(id=1, date=date(2025, 9, 2), minutes=60, activity="other"),
        otj.Entry(id=2, date=date(2025, 12, 1), minutes=60, activity="other"),
    ]
    as_of = date(2025, 12, 2)
    assert otj.summarise(plan_2025(), entries, as_of).gaps == ()
    old = otj.check_plan(Plan(date(2025, 9, 1), date(2026, 12, 1), 37 * 60 + 30))
    assert [g.days for g in otj.summarise(old, entries, as_of).gaps] == [89]


def test_review_list_json_next_due_follows_the_plans_rules(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.transaction() as session:
        otj.save_plan(session, plan_2025())
        reviews.add_review(session, date=date(2025, 11, 30), participants=PEOPLE)
    path = db.path
    db.close()
    code, out, err = run(
        capsys, "--file", str(path), "review", "list", "--json", "--as-of", "2026-01-05"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["reviews"][0]["next_due"] == "2026-02-28"
    assert data["next_due"] == "2026-02-28" and data["overdue"] is False
    assert "rule 92" in data["rule"]

    code, _, err = run(
        capsys, "--file", str(path), "otj", "plan", "--review-months", "1"
    )  # an agreed frequency without its reason: refused, nothing saved
    assert code == 1 and err.count("\n") == 1 and "reason" in err
    code, out, err = run(
        capsys,
        "--file",
        str(path),
        "otj",
        "plan",
        "--review-months",
        "1",
        "--review-reason",
        "Monthly block release",
        "--rpl-hours",
        "40",
        "--minimum-source",
        "DfE funding rules 2025-26, Annex C",
        "--minimum-date",
        "2025-08-20",
    )
    assert code == 0, err
    assert "less 40 h recognised prior learning: 238 h required" in out
    assert "DfE funding rules 2025-26, Annex C, read on 2025-08-20" in out
    code, out, err = run(capsys, "--file", str(path), "review", "list", "--json")
    assert json.loads(out)["reviews"][0]["next_due"] == "2025-12-31"

    code, _, err = run(capsys, "--file", str(path), "otj", "plan", "--rpl-hours", "300")
    assert code == 1 and "more than the standard's minimum" in err
    code, out, _ = run(capsys, "--file", str(path), "otj", "plan", "--json")
    plan = json.loads(out)
    assert (plan["rpl_minutes"], plan["review_months"]) == (40 * 60, 1)
    assert "Annex C" in plan["source"]


def test_the_plans_2025_terms_travel_in_the_package(db: Database, tmp_path: Path) -> None:
    from app.export.package import export_package, import_package
    from app.models.db import open_portfolio
    from tests.package_helpers import fake_pdf

    terms = plan_2025(
        rpl_minutes=40 * 60,
        minimum_source="DfE funding rules 2025-26, Annex C v2",
        minimum_date=date(2025, 8, 20),
        review_months=2,
        review_reason="Block release",
    )
    with db.transaction() as session:
        otj.save_plan(session, terms)
    package = tmp_path / "p.portfolio"
    export_package(db, package, build_pdf=fake_pdf, audience="review")
    restored = tmp_path / "restored.sqlite3"
    import_package(package, restored)
    again = open_portfolio(restored)
    try:
        with again.reader() as session:
            assert otj.get_plan(session) == terms
    finally:
        again.close()


def test_the_12_week_rule_is_said_once_with_its_source() -> None:
    text = funding_rules.review_rule_text(None, None)
    assert text == (
        "A progress review at least every 12 weeks; source: Apprenticeship funding rules "
        "2022 to 2023 (DfE), rules P59-P60."
    )
    assert text.count("every 12 weeks") == 1
