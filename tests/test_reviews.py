"""Progress reviews: the 12-week schedule, overdue reviews, actions, hours reviewed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.errors import InvalidInputError
from app.models.db import Database
from app.services import otj, reviews
from app.services.reviews import Action, Participant, Review
from tests.cli_run import run

PEOPLE = (Participant("apprentice", "Ada Lovelace"), Participant("employer", "Grace Hopper"))


def review(day: date, *actions: Action) -> Review:
    return Review(id=0, date=day, participants=PEOPLE, notes="", otj_minutes=None, actions=actions)


def test_next_review_is_due_twelve_weeks_later() -> None:
    assert reviews.next_due(date(2025, 3, 1)) == date(2025, 5, 24)  # 84 days
    assert reviews.next_due(date(2024, 12, 20)) == date(2025, 3, 14)


def test_status_counts_from_the_latest_review() -> None:
    held = [review(date(2025, 3, 1)), review(date(2025, 1, 6))]
    due_day = reviews.review_status(held, date(2024, 10, 1), date(2025, 5, 24))
    assert (due_day.last, due_day.due, due_day.overdue, due_day.days_left) == (
        date(2025, 3, 1),
        date(2025, 5, 24),
        False,
        0,
    )
    late = reviews.review_status(held, None, date(2025, 5, 25))
    assert (late.overdue, late.days_left) == (True, -1)


def test_first_review_is_due_twelve_weeks_after_the_start() -> None:
    s = reviews.review_status([], date(2025, 1, 6), date(2025, 4, 1))
    assert (s.last, s.due, s.overdue) == (None, date(2025, 3, 31), True)
    assert reviews.review_status([], None, date(2025, 4, 1)).due is None


def test_open_and_late_actions() -> None:
    held = [
        review(
            date(2025, 3, 1),
            Action("Write up K7", "Ada", date(2025, 3, 20)),
            Action("Book exam", "Ada", date(2025, 4, 30)),
            Action("Done already", "", date(2025, 3, 2), done=True),
            Action("No date"),
        ),
    ]
    s = reviews.review_status(held, None, date(2025, 4, 1))
    assert (s.open_actions, s.late_actions) == (3, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write up K7", Action("Write up K7")),
        ("Write up K7|Ada", Action("Write up K7", "Ada")),
        ("Write up K7 | Ada | 2025-03-20", Action("Write up K7", "Ada", date(2025, 3, 20))),
        ("a|b|Ada|", Action("a|b", "Ada", None)),
    ],
)
def test_action_text_owner_and_due_date(text: str, expected: Action) -> None:
    assert reviews.parse_action(text) == expected


@pytest.mark.parametrize("text", ["", " | Ada", "x|Ada|20/03"])
def test_bad_actions_are_refused(text: str) -> None:
    with pytest.raises(InvalidInputError):
        reviews.parse_action(text)


def test_review_stored_with_people_notes_actions_and_hours_to_date(
    db: Database, hostile: str
) -> None:
    with db.transaction() as session:
        otj.save_plan(session, otj.Plan(date(2025, 1, 6), date(2026, 1, 5), 2250))
        for day, minutes in (("2025-01-07", 90), ("2025-02-10", 45), ("2025-03-02", 600)):
            otj.add_entry(session, otj.make_input(date=day, minutes=minutes, activity="other"))
        otj.add_entry(session, otj.make_input(date="2024-12-01", minutes=60, activity="other"))
        added = reviews.add_review(
            session,
            date="2025-03-01",
            participants=[*PEOPLE, Participant("provider", hostile[:500])],
            notes=hostile,
            actions=[Action("Write up K7", "Ada", date(2025, 3, 20))],
        )
    # hours reviewed: countable entries up to the review (90 + 45), not the later or earlier ones
    assert added.otj_minutes == 135
    with db.reader() as session:
        (stored,) = reviews.list_reviews(session)
        status = reviews.status(session, date(2025, 6, 1))
    assert stored.notes == hostile
    assert stored.participants[2] == Participant("provider", hostile[:500])
    assert stored.actions[0].text == "Write up K7"
    assert (status.due, status.overdue, status.late_actions) == (date(2025, 5, 24), True, 1)
    with db.transaction() as session:
        reviews.set_action_done(session, stored.actions[0].id)
    with db.reader() as session:
        assert reviews.status(session, date(2025, 6, 1)).late_actions == 0


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ([], "who took part"),
        ([Participant("boss", "X")], "not one of"),
        ([Participant("employer", "  ")], "empty"),
    ],
)
def test_bad_reviews_change_nothing(db: Database, people: list[Participant], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message), db.transaction() as session:
        reviews.add_review(session, date="2025-03-01", participants=people)
    with db.reader() as session:
        assert reviews.list_reviews(session) == []


def test_cli_review_add_and_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pf = str(tmp_path / "p.sqlite3")
    run(capsys, "--file", pf, "init", "--name", "Ada")
    code, out, err = run(
        capsys,
        "--file",
        pf,
        "review",
        "add",
        "--date",
        "2025-03-01",
        "--apprentice",
        "Ada",
        "--employer",
        "Grace Hopper",
        "--provider",
        "Babbage College",
        "--notes",
        "On track <b>",
        "--otj-hours",
        "12:30",
        "--action",
        "Write up K7|Ada|2025-03-20",
        "--action",
        "Book the AWS exam",
    )
    assert code == 0, err
    assert out == (
        "Review 1 on 2025-03-01 recorded with 2 actions; the next review is due by 2025-05-24.\n"
    )
    code, out, _ = run(capsys, "--file", pf, "review", "list", "--json", "--as-of", "2025-06-01")
    data = json.loads(out)
    assert (data["next_due"], data["overdue"], data["days_left"]) == ("2025-05-24", True, -8)
    assert data["reviews"][0]["otj_minutes"] == 750
    assert data["reviews"][0]["actions"][0] == {
        "id": 1,
        "text": "Write up K7",
        "owner": "Ada",
        "due": "2025-03-20",
        "done": False,
    }
    _, out, _ = run(capsys, "--file", pf, "review", "list", "--as-of", "2025-06-01")
    assert "OVERDUE: it was due on 2025-05-24 (8 days ago)" in out
    assert run(capsys, "--file", pf, "review", "done", "1")[0] == 0
    code, _, err = run(capsys, "--file", pf, "review", "add", "--date", "2025-03-01")
    assert code == 1 and "who took part" in err


def test_a_review_is_changed_in_place_with_the_same_checks(db: Database) -> None:
    with db.transaction() as session:
        first = reviews.add_review(
            session,
            date="2025-03-01",
            participants=PEOPLE,
            notes="first notes",
            otj_minutes=60,
            actions=[Action("Write up K7", "Ada", date(2025, 3, 20))],
        )
    with db.transaction() as session:
        changed = reviews.update_review(
            session,
            first.id,
            date="2025-03-02",
            participants=PEOPLE[:1],
            notes="corrected notes",
            otj_minutes=90,
            actions=[Action("Write up K7 and S14", "Ada", date(2025, 3, 27), done=True)],
        )
    assert changed.id == first.id
    assert (changed.date, changed.notes, changed.otj_minutes) == (
        date(2025, 3, 2),
        "corrected notes",
        90,
    )
    assert [(p.role, p.name) for p in changed.participants] == [
        (p.role, p.name) for p in PEOPLE[:1]
    ]
    assert [(a.text, a.done) for a in changed.actions] == [("Write up K7 and S14", True)]
    with pytest.raises(InvalidInputError), db.transaction() as session:
        reviews.update_review(session, first.id, date="2025-03-02", participants=[])
    with db.reader() as session:
        assert reviews.get_review(session, first.id).notes == "corrected notes"  # unchanged
