"""Gateway readiness: item warnings and the checks, as the service and the CLI give them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.models.db import Database
from app.services import evidence, otj, queries, readiness, reviews
from app.services.evidence import TagInput
from tests.package_helpers import run

PEOPLE = [reviews.Participant("apprentice", "Ada"), reviews.Participant("employer", "Grace")]


@pytest.fixture
def filled(db: Database) -> Database:
    with db.transaction() as s:
        evidence.add_item(  # E001: complete
            s, title="Pipeline", body="I built it.", status="ready",
            ksbs=[TagInput("K1", "Merged daily")],
        )  # fmt: skip
        evidence.add_item(s, title="Empty", status="ready", ksbs=[TagInput("K2", "x")])  # E002
        evidence.add_item(s, title="Untagged", body="Text.", status="ready")  # E003
        evidence.add_item(  # E004: one claim justified, one not
            s, title="Half", body="Text.", status="ready",
            ksbs=[TagInput("K4", "Why"), "S14"],
        )  # fmt: skip
        evidence.add_item(s, title="Draft", status="draft")  # E005: drafts are not flagged
    return db


def test_item_problems_name_what_a_ready_item_lacks(filled: Database) -> None:
    with filled.reader() as session:
        items = {i.ref: i for i in queries.all_items(session)}
    kinds = {ref: [p.kind for p in readiness.item_problems(i)] for ref, i in items.items()}
    assert kinds == {
        "E001": [],
        "E002": ["no-reflection"],
        "E003": ["no-tag"],
        "E004": ["no-justification"],
        "E005": [],
    }
    assert readiness.warning_text(readiness.item_problems(items["E004"])) == (
        "Marked ready, but no justification for S14."
    )
    # the evidence list's SQL gives the same answers without loading bodies
    with filled.reader() as session:
        conn = session.connection().connection.driver_connection
        ids = {i.id: ref for ref, i in items.items()}
        by_sql = readiness.ready_warnings(conn, list(ids))
    assert {ids[k]: v for k, v in by_sql.items()} == {
        ref: readiness.warning_text(readiness.item_problems(i))
        for ref, i in items.items()
        if readiness.item_problems(i)
    }


def test_the_checks_follow_hours_reviews_and_evidence(filled: Database) -> None:
    with filled.transaction() as session:
        otj.save_plan(
            session,
            otj.Plan(date(2025, 9, 1), date(2026, 12, 1), 37 * 60 + 30, otj.RULE_2025, 190 * 60),
        )
        otj.add_entry(
            session, otj.make_input(date="2025-09-02", minutes=600, activity="e-learning")
        )
        reviews.add_review(session, date=date(2025, 11, 3), participants=PEOPLE)
    with filled.reader() as session:
        before = readiness.readiness(session, date(2026, 1, 10))
        after = readiness.readiness(session, date(2026, 3, 1))
    checks = {c.key: c for c in before.checks}
    assert not checks["otj"].ok and "10 h of 190 h logged; 180 h still to log" in (
        checks["otj"].message
    )
    assert checks["reviews"].ok and "2026-02-28" in checks["reviews"].message  # rule 92
    assert not {c.key: c for c in after.checks}["reviews"].ok  # overdue by 1 March
    assert not checks["ksbs"].ok and checks["ksbs"].message.startswith("47 KSBs without")
    assert "PD2 Data Ethics: K3" in checks["themes"].details
    assert checks["signoffs"].ok
    assert [w.ref for w in before.items] == ["E002", "E003", "E004"]
    assert not before.ready and before.missing == 5


def test_readiness_json(filled: Database, capsys: pytest.CaptureFixture[str]) -> None:
    path = filled.path
    filled.close()
    code, out, err = run(
        capsys, "--file", str(path), "readiness", "--json", "--as-of", "2026-01-10"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["ready"] is False and data["as_of"] == "2026-01-10"
    assert [c["key"] for c in data["checks"]] == [
        "items", "ksbs", "themes", "project", "otj", "reviews", "signoffs",
    ]  # fmt: skip
    e004 = next(i for i in data["items"] if i["ref"] == "E004")
    assert e004["problems"] == [
        {
            "kind": "no-justification",
            "code": "S14",
            "message": "S14 is claimed without a justification",
        }
    ]
    code, out, _ = run(capsys, "--file", str(path), "readiness")
    assert "[ ] 3 ready items still lack something." in out
    assert "E003: Marked ready, but not tagged with any KSB or duty." in out
