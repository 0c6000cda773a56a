"""The OTJ log stored in a real portfolio file: entries, links, CSV in and out, the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError, NotFoundError
from app.models.db import Database
from app.models.progress_orm import OtjEntry
from app.services import evidence, otj, queries
from app.services.otj import Plan
from tests.cli_run import run


def entry_count(db: Database) -> int:
    with db.reader() as session:
        return int(session.scalar(select(func.count()).select_from(OtjEntry)) or 0)


def test_entries_keep_hours_minutes_and_links(db: Database) -> None:
    with db.transaction() as session:
        evidence.add_item(session, title="Pipeline", ksbs=["K1"])
        added = otj.add_entry(
            session,
            otj.make_input(
                date="2025-02-03",
                minutes=95,
                activity="Taught session",
                description="CI/CD workshop",
                competencies=["k1", "S14", "DS3"],
                items=["e001"],
            ),
        )
    with db.reader() as session:
        (stored,) = otj.list_entries(session)
    assert stored == added
    assert (stored.minutes, stored.activity, stored.date) == (
        95,
        "taught-session",
        date(2025, 2, 3),
    )
    assert stored.competencies == ("K1", "S14", "DDAT-DEVOPS:DS3")
    assert stored.items == ("E001",)


def test_deleting_an_evidence_item_keeps_the_hours(db: Database) -> None:
    with db.transaction() as session:
        evidence.add_item(session, title="Pipeline")
        otj.add_entry(
            session,
            otj.make_input(date="2025-02-03", minutes=60, activity="mentoring", items=["E001"]),
        )
    with db.transaction() as session:
        evidence.delete_item(session, "E001")
    with db.reader() as session:
        (entry,) = otj.list_entries(session)
    assert (entry.minutes, entry.items) == (60, ())


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"competencies": ["K99"]}, "no competency K99"),
        ({"items": ["E404"]}, "no evidence item E404"),
    ],
)
def test_unknown_links_change_nothing(
    db: Database, fields: dict[str, list[str]], message: str
) -> None:
    with pytest.raises((InvalidInputError, NotFoundError), match=message), db.transaction() as s:
        otj.add_entry(s, otj.make_input(date="2025-02-03", minutes=60, activity="other", **fields))  # type: ignore[arg-type]
    assert entry_count(db) == 0


def test_bad_values_are_refused_before_anything_is_stored() -> None:
    with pytest.raises(InvalidInputError, match="not one of"):
        otj.make_input(date="2025-01-01", minutes=30, activity="juggling")
    with pytest.raises(InvalidInputError, match="not possible"):
        otj.make_input(date="2025-01-01", minutes=0, activity="other")
    with pytest.raises(InvalidInputError, match="not possible"):
        otj.make_input(date="2025-01-01", minutes=25 * 60, activity="other")
    with pytest.raises(InvalidInputError, match="does not exist"):
        otj.make_input(date="2025-02-30", minutes=30, activity="other")


def test_csv_round_trip_keeps_hostile_text_exactly(db: Database, hostile: str) -> None:
    description = f"{hostile}\nsecond line, with a comma"
    with db.transaction() as session:
        otj.add_entry(
            session,
            otj.make_input(
                date="2025-01-06",
                minutes=75,
                activity="self-study",
                description=description,
                competencies=["K2"],
            ),
        )
        exported = otj.export_csv(otj.list_entries(session))
    rows = otj.parse_csv(exported)
    assert [(r.date, r.minutes, r.activity, r.description, r.competencies) for r in rows] == [
        (date(2025, 1, 6), 75, "self-study", description, ("K2",))
    ]


@pytest.mark.parametrize("text", ["=1+2", "+44 7700", "-rf", "@SUM(A1)", "'=already", "'plain"])
def test_csv_export_defuses_spreadsheet_formulas_and_import_restores_them(text: str) -> None:
    entry = otj.Entry(id=1, date=date(2025, 1, 1), minutes=30, activity="other", description=text)
    exported = otj.export_csv([entry])
    cell = exported.splitlines()[1].split(",")[3]
    assert not cell.startswith(("=", "+", "-", "@"))
    assert otj.parse_csv(exported)[0].description == text


def test_timesheet_import_reads_uk_dates_bom_and_minutes_column() -> None:
    text = (
        "\ufeffDate,Minutes,Activity,Description\r\n"
        "03/02/2025,90,E-learning,AWS course\r\n"
        "\r\n"
        "2025-02-04,45,shadowing,\r\n"
    )
    rows = otj.parse_csv(text)
    assert [(r.date, r.minutes, r.activity) for r in rows] == [
        (date(2025, 2, 3), 90, "e-learning"),
        (date(2025, 2, 4), 45, "shadowing"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("when,duration,activity\n", "no date column"),
        (
            "date,duration,activity\n2025-01-01,1:00,other\n2025-01-02,90,other\n",
            "Row 3 .*duration '90'",
        ),
        ("date,duration,activity\n2025-01-01,1:00,juggling\n", "Row 2 .*juggling"),
        ("date,duration,activity\n2025-01-01,1:00,other,extra\n", "Row 2 .*more cells"),
        ("date,duration,activity\n", "holds no entries"),
    ],
)
def test_bad_csv_is_refused_with_the_row(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        otj.parse_csv(text)


def test_import_is_all_or_nothing_and_skips_repeats(db: Database) -> None:
    good = otj.parse_csv("date,duration,activity\n2025-01-06,1:00,other\n2025-01-07,2:00,other\n")
    with db.transaction() as session:
        assert otj.import_entries(session, good) == otj.ImportResult(added=2, skipped=0)
    with db.transaction() as session:
        assert otj.import_entries(session, good) == otj.ImportResult(added=0, skipped=2)
    bad = otj.parse_csv(
        "date,duration,activity,ksbs\n2025-02-01,1:00,other,K1\n2025-02-02,1:00,other,K404\n"
    )
    with pytest.raises(InvalidInputError, match=r"Entry 2 .*K404"), db.transaction() as session:
        otj.import_entries(session, bad)
    assert entry_count(db) == 2


def test_plan_is_stored_and_summary_uses_it(db: Database) -> None:
    plan = Plan(date(2024, 9, 2), date(2025, 9, 1), 20 * 60)
    with db.transaction() as session:
        otj.save_plan(session, plan)
        otj.add_entry(session, otj.make_input(date="2024-09-03", minutes=240, activity="other"))
    with db.reader() as session:
        s = otj.summary(session, date(2024, 9, 10))
    assert s.plan == plan
    assert s.required_minutes == 11_136  # 4 h a week × 46.4 weeks
    assert s.logged_minutes == 240


# --- command line -------------------------------------------------------------------------------


def otj_cli(
    capsys: pytest.CaptureFixture[str], pf: str, words: str, *more: str
) -> tuple[int, str, str]:
    """``portfolio --file PF otj WORDS… MORE…`` (WORDS split on spaces; MORE as they are)."""
    return run(capsys, "--file", pf, "otj", *words.split(), *more)


@pytest.fixture
def pf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "p.sqlite3")
    assert run(capsys, "--file", path, "init", "--name", "Ada Lovelace")[0] == 0
    return path


def test_cli_plan_explains_the_rule(pf: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = otj_cli(
        capsys, pf, "plan --start 2024-09-02 --gateway 2025-09-01 --hours-per-week 22.5"
    )
    assert code == 0, err
    assert "6 × hours ÷ 30" in out
    assert "4 h 30 min a week" in out
    assert "5.6 weeks' statutory leave" in out
    assert "208 h 48 min required" in out  # 4.5 h × 46.4 weeks
    code, out, _ = run(capsys, "--file", pf, "otj", "plan", "--json")
    assert json.loads(out)["required_minutes"] == 12_528


def test_cli_plan_for_a_2025_start_asks_which_rule(
    pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = otj_cli(
        capsys, pf, "plan --start 2025-09-01 --gateway 2026-12-01 --hours-per-week 37.5"
    )
    assert code == 1
    assert "fixed minimum" in err and "--rule 2022" in err
    assert out == ""
    code, out, err = otj_cli(
        capsys,
        pf,
        "plan --start 2025-09-01 --gateway 2026-12-01 --hours-per-week 37.5 --fixed-hours 278",
    )
    assert code == 0, err
    assert "the minimum published for the standard, 278 h: 278 h required" in out
    assert "to the gateway to completion on 2026-12-01" in out  # the 2025/26 rules' terms
    assert "rule 92" in out


def test_cli_add_summary_and_after_gateway(pf: str, capsys: pytest.CaptureFixture[str]) -> None:
    otj_cli(
        capsys, pf, "plan --start 2025-01-06 --gateway 2025-06-30 --hours-per-week 37.5 --rule 2022"
    )
    code, out, err = otj_cli(
        capsys,
        pf,
        "add --date 2025-01-07 --minutes 90 --activity e-learning --ksb K1,S14 --note",
        "AT&T <b>",
    )
    assert code == 0, err
    assert out.startswith("Entry 1: 1 h 30 min of e-learning on 2025-01-07.")
    code, out, err = otj_cli(capsys, pf, "add --date 2025-07-01 --hours 2 --activity other")
    assert "do not count" in out
    code, out, _ = run(capsys, "--file", pf, "otj", "summary", "--json", "--as-of", "2025-03-01")
    data = json.loads(out)
    assert data["logged_minutes"] == 90
    assert data["after_gateway"] == {"minutes": 120, "entries": [2]}
    assert data["gaps"] == [{"from": "2025-01-08", "to": "2025-03-01", "days": 53}]
    code, out, _ = run(capsys, "--file", pf, "otj", "summary", "--as-of", "2025-03-01")
    assert "weeks behind" in out and "Gap: nothing logged from 2025-01-08" in out


def test_cli_bad_input_exits_1_and_changes_nothing(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (
        ["otj", "add", "--minutes", "30", "--activity", "juggling"],
        ["otj", "add", "--minutes", "30", "--activity", "other", "--ksb", "K404"],
        ["otj", "add", "--minutes", "30", "--activity", "other", "--date", "2025-13-01"],
        ["otj", "add", "--activity", "other"],
        ["otj", "import", str(tmp_path / "missing.csv")],
        ["otj", "delete", "7"],
        ["otj", "plan", "--start", "2025-01-01"],
    ):
        code, _out, err = run(capsys, "--file", pf, *args)
        assert code == 1, args
        assert err.startswith("portfolio: ") and err.count("\n") == 1, err
        assert "Traceback" not in err
    db_path = Path(pf)
    from app.models.db import open_portfolio

    database = open_portfolio(db_path)
    try:
        assert entry_count(database) == 0
    finally:
        database.close()


def test_cli_export_then_import_into_another_portfolio(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    otj_cli(
        capsys,
        pf,
        "add --date 2025-01-07 --minutes 75 --activity mentoring --note",
        'Łódź, "quoted"\nnext line',
    )
    out_csv = tmp_path / "log.csv"
    assert run(capsys, "--file", pf, "otj", "export", str(out_csv))[0] == 0
    code, _, err = run(capsys, "--file", pf, "otj", "export", str(out_csv))
    assert code == 1 and "already exists" in err  # never overwrites
    other = str(tmp_path / "other.sqlite3")
    run(capsys, "--file", other, "init", "--name", "Grace")
    code, out, err = run(capsys, "--file", other, "otj", "import", str(out_csv))
    assert (code, out.splitlines()[0]) == (0, "Imported 1 entry."), err
    _, out, _ = run(capsys, "--file", other, "otj", "list", "--json")
    assert json.loads(out)[0]["description"] == 'Łódź, "quoted"\nnext line'


def test_a_portfolio_from_before_the_programme_records_gains_them(portfolio_path: Path) -> None:
    from alembic import command

    from app.models.db import make_engine, open_portfolio
    from app.models.revisions import alembic_config, revision_of
    from app.services.portfolio import create_portfolio

    db = create_portfolio(portfolio_path, name="Ada")
    with db.transaction() as session:
        evidence.add_item(session, title="Kept", ksbs=["K1"], status="ready")
    db.close()
    engine = make_engine(portfolio_path)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    engine.dispose()
    assert revision_of(portfolio_path) == "0001"

    reopened = open_portfolio(portfolio_path, backup_dir=portfolio_path.parent / "backups")
    try:
        with reopened.transaction() as session:
            otj.add_entry(
                session,
                otj.make_input(date="2025-01-06", minutes=30, activity="other", items=["E001"]),
            )
        with reopened.reader() as session:
            assert queries.get_item(session, "E001").title == "Kept"
            assert otj.list_entries(session)[0].items == ("E001",)
    finally:
        reopened.close()
