"""Skills scans over time, the progress tracker and the gaps to a DDaT role level."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError
from app.models.db import Database
from app.models.progress_orm import SkillsScan
from app.services import evidence, skills_scan
from app.services.skills_scan import (
    Rating,
    RatingInput,
    Scan,
    TrackedCompetency,
    build_tracker,
)
from tests.cli_run import run


def scan(ident: int, day: date, **ratings: int) -> Scan:
    return Scan(
        id=ident,
        date=day,
        note="",
        ratings=tuple(Rating(code=c, framework="X", rating=v) for c, v in ratings.items()),
    )


def test_tracker_compares_first_and_latest_rating_by_date_not_entry_order() -> None:
    competencies = [TrackedCompetency(c, "X", c) for c in ("K1", "K2", "K3")]
    scans = [
        scan(3, date(2025, 7, 1), K1=3, K2=2),  # entered first, dated last
        scan(1, date(2025, 1, 1), K1=0, K2=2),
        scan(2, date(2025, 4, 1), K1=1),
    ]
    t = build_tracker(scans, competencies, {"K1": (4, 1)})
    rows = {r.code: r for r in t.rows}
    assert (rows["K1"].first, rows["K1"].current, rows["K1"].change) == (0, 3, 3)
    assert (rows["K2"].first, rows["K2"].current, rows["K2"].change) == (2, 2, 0)
    assert (rows["K3"].first, rows["K3"].current, rows["K3"].change) == (None, None, None)
    assert (rows["K1"].evidence, rows["K1"].drafts, rows["K2"].evidence) == (4, 1, 0)
    # means: first (0 + 2) / 2 = 1.0; now (3 + 2) / 2 = 2.5; one competency moved up
    assert (t.overall_first, t.overall_current, t.improved) == (1.0, 2.5, 1)
    assert [(p.date, p.mean, p.rated) for p in t.history] == [
        (date(2025, 1, 1), 1.0, 2),
        (date(2025, 4, 1), 1.0, 1),
        (date(2025, 7, 1), 2.5, 2),
    ]


def test_an_agreed_rating_is_the_one_that_counts() -> None:
    s = Scan(1, date(2025, 1, 1), "", (Rating("K1", "X", rating=3, agreed=2),))
    t = build_tracker([s], [TrackedCompetency("K1", "X", "K1")], {})
    assert t.rows[0].current == 2


def test_ratings_against_ddat_level_l3(db: Database) -> None:
    with db.transaction() as session:
        skills_scan.add_scan(
            session,
            date="2025-01-06",
            ratings=[RatingInput("DS1", 2), RatingInput("DS2", 2), RatingInput("DS4", 4)],
        )
        role = skills_scan.role_comparison(session, "L3")
    # L3 DevOps engineer: DS1 working (2), DS2 practitioner (3), DS4 practitioner (3), ...
    rows = {r.code: r for r in role.rows}
    assert role.title == "DevOps engineer"
    assert (rows["DS1"].required, rows["DS1"].current, rows["DS1"].gap, rows["DS1"].met) == (
        2,
        2,
        0,
        True,
    )
    assert (rows["DS2"].required, rows["DS2"].gap, rows["DS2"].met) == (3, 1, False)
    assert (rows["DS4"].gap, rows["DS4"].met) == (0, True)
    assert (rows["DS10"].required_level, rows["DS10"].current, rows["DS10"].gap) == (
        "awareness",
        None,
        1,
    )
    assert role.met == 2 and len(role.rows) == 10
    assert [r.code for r in role.gaps][:2] == ["DS2", "DS3"]


def test_l1_apprentice_level_lists_only_its_six_skills(db: Database) -> None:
    with db.reader() as session:
        role = skills_scan.role_comparison(session, "l1")
    assert [r.code for r in role.rows] == ["DS1", "DS2", "DS3", "DS4", "DS5", "DS6"]
    assert all(r.required_level == "awareness" and not r.met for r in role.rows)
    with pytest.raises(InvalidInputError, match="no DDaT role level L9"), db.reader() as session:
        skills_scan.role_comparison(session, "L9")


def test_chosen_role_level_is_kept_in_the_portfolio(db: Database) -> None:
    with db.reader() as session:
        assert skills_scan.get_role_level(session) == "L3"
    with db.transaction() as session:
        skills_scan.set_role_level(session, "l4t")
    with db.reader() as session:
        assert skills_scan.role_comparison(session).level == "L4T"


def test_scans_stored_with_confirmation_notes_and_evidence(db: Database, hostile: str) -> None:
    with db.transaction() as session:
        evidence.add_item(session, title="t", ksbs=["K1"], status="ready")
        first = skills_scan.add_scan(
            session,
            date="2025-01-06",
            ratings=[RatingInput("K1", 1, note=hostile), RatingInput("DDAT-DEVOPS:DS1", 0)],
        )
        later = skills_scan.add_scan(
            session,
            date="2025-04-01",
            ratings=[RatingInput("k1", 3, agreed=2)],
            confirmed_by="Grace Hopper",
            confirmer_role="Line manager",
        )
    with db.reader() as session:
        scans = skills_scan.list_scans(session)
        t = skills_scan.tracker(session)
    assert [(s.id, s.initial) for s in scans] == [(first.id, True), (later.id, False)]
    assert scans[0].ratings[0].note == hostile
    assert scans[1].confirmations[0].name == "Grace Hopper"
    assert scans[1].confirmations[0].date == date(2025, 4, 1)
    k1 = next(r for r in t.rows if r.code == "K1")
    assert (k1.first, k1.current, k1.evidence) == (1, 2, 1)
    ds1 = next(r for r in t.rows if r.code == "DDAT-DEVOPS:DS1")
    assert ds1.current == 0
    assert len(t.rows) == 51 + 10  # ST0825's KSBs and the DDaT skills


def test_confirming_later_records_agreed_ratings(db: Database) -> None:
    with db.transaction() as session:
        s = skills_scan.add_scan(
            session, date="2025-01-06", ratings=[RatingInput("K1", 1), RatingInput("K2", 2)]
        )
        skills_scan.confirm_scan(
            session,
            s.id,
            name="Grace",
            role="Manager",
            date="2025-01-10",
            agreed={"K1": 2, "K2": 2},
        )
    with db.reader() as session:
        (stored,) = skills_scan.list_scans(session)
    assert [(r.code, r.agreed) for r in stored.ratings] == [("K1", 2), ("K2", None)]
    assert stored.confirmations[0].date == date(2025, 1, 10)


def count_scans(db: Database) -> int:
    with db.reader() as session:
        return int(session.scalar(select(func.count()).select_from(SkillsScan)) or 0)


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ([RatingInput("K404", 1)], "no competency K404"),
        ([RatingInput("K1", 1), RatingInput("k1", 2)], "rated twice"),
        ([RatingInput("K1", 5)], "not on the scale"),
        ([], "at least one rating"),
        ([RatingInput("K1", 1, agreed=2)], "--confirmed-by"),
    ],
)
def test_bad_scans_change_nothing(db: Database, ratings: list[RatingInput], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message), db.transaction() as session:
        skills_scan.add_scan(session, date="2025-01-06", ratings=ratings)
    assert count_scans(db) == 0


def test_ratings_csv_accepts_words_skips_blanks_and_ignores_extra_columns() -> None:
    text = (
        "\ufeffCode,Name,Rating,Note,Agreed\r\n"
        'K1,"Continuous integration, etc",working,"a, b",\r\n'
        "K2,Source control,,,\r\n"
        "DDAT-DEVOPS:DS3,Modern standards,New to me,,1\r\n"
    )
    assert skills_scan.parse_ratings_csv(text) == [
        RatingInput("K1", 2, "a, b", None),
        RatingInput("DDAT-DEVOPS:DS3", 0, "", 1),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kode,rating\nK1,1\n", "at least code and rating"),
        ("code,rating\nK1,high\n", "Row 2 .*'high' is not on the scale"),
        ("code,rating\nK1,1\nK1,2\n", "Row 3 .*rated twice"),
        ("code,rating\nK1,\n", "rates nothing"),
    ],
)
def test_bad_ratings_files_are_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        skills_scan.parse_ratings_csv(text)


def test_template_lists_every_competency_and_reads_back(db: Database) -> None:
    with db.reader() as session:
        template = skills_scan.template_csv(session)
    lines = template.splitlines()
    assert lines[0] == "code,name,rating,note,agreed"
    assert len(lines) == 1 + 51 + 10
    filled = "\r\n".join(  # rate the DDaT skills only
        line.replace(",,,", ",3,,", 1) if line.startswith("DDAT-DEVOPS:DS") else line
        for line in lines
    )
    parsed = skills_scan.parse_ratings_csv(filled)
    assert [r.code for r in parsed] == [f"DDAT-DEVOPS:DS{i}" for i in range(1, 11)]


# --- command line -------------------------------------------------------------------------------


def test_cli_scan_add_list_and_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pf = str(tmp_path / "p.sqlite3")
    run(capsys, "--file", pf, "init", "--name", "Ada")
    first = tmp_path / "first.csv"
    first.write_text("code,rating,note\nK1,0,never used CI\nDS1,1,\n", encoding="utf-8")
    code, out, err = run(
        capsys, "--file", pf, "scan", "add", "--ratings-file", str(first), "--date", "2025-01-06"
    )
    assert code == 0, err
    assert out.startswith("Scan 1 (initial assessment) on 2025-01-06: 2 ratings recorded.")
    assert "Not rated this time (59)" in out
    later = tmp_path / "later.csv"
    later.write_text("code,rating,agreed\nK1,3,2\nDS1,practitioner,\n", encoding="utf-8")
    code, out, err = run(
        capsys,
        "--file",
        pf,
        "scan",
        "add",
        "--ratings-file",
        str(later),
        "--date",
        "2025-04-01",
        "--confirmed-by",
        "Grace Hopper",
    )
    assert code == 0, err
    _, out, _ = run(capsys, "--file", pf, "scan", "list", "--json")
    scans = json.loads(out)
    assert [(s["date"], s["initial"], s["confirmed"]) for s in scans] == [
        ("2025-01-06", True, False),
        ("2025-04-01", False, True),
    ]
    assert scans[1]["ratings"][0] == {
        "code": "K1",
        "framework": "ST0825",
        "rating": 3,
        "agreed": 2,
        "note": "",
    }
    _, out, _ = run(capsys, "--file", pf, "scan", "progress", "--json", "--level", "L2")
    data = json.loads(out)
    k1 = next(c for c in data["competencies"] if c["code"] == "K1")
    assert (k1["first"], k1["current"], k1["change"]) == (0, 2, 2)
    ds1 = next(s for s in data["role_level"]["skills"] if s["code"] == "DS1")
    assert ds1 == {
        "code": "DS1",
        "name": "Availability and capacity management",
        "required": "awareness",
        "current": 3,
        "gap": 0,
        "met": True,
    }


def test_cli_bad_ratings_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pf = str(tmp_path / "p.sqlite3")
    run(capsys, "--file", pf, "init", "--name", "Ada")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"code,rating\nK1,\xff\n")
    code, out, err = run(capsys, "--file", pf, "scan", "add", "--ratings-file", str(bad))
    assert (code, out) == (1, "")
    assert err == f"portfolio: The ratings file {bad} is not UTF-8 text.\n"
    code, _, err = run(capsys, "--file", pf, "scan", "template", str(bad))
    assert code == 1 and "already exists" in err
    assert bad.read_bytes() == b"code,rating\nK1,\xff\n"
