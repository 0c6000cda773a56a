"""A year of programme records for one apprentice: scans, an OTJ log, reviews.

Used by the PDF and UI tests and to make the screenshots in docs/screenshots.
"""

from __future__ import annotations

from datetime import date, timedelta

from app.models.db import Database
from app.services import evidence, otj, reviews, skills_scan
from app.services.skills_scan import RatingInput

START = date(2025, 1, 6)
GATEWAY = date(2026, 1, 5)
AS_OF = date(2025, 9, 1)

ACTIVITY_CYCLE = (
    "taught-session",
    "e-learning",
    "mentoring",
    "self-study",
    "shadowing",
    "writing-assignments",
)


def fill(db: Database, as_of: date = AS_OF) -> None:
    """The records as they stand on ``as_of`` (every date moves with it)."""
    shift = as_of - AS_OF

    def d(day: date) -> date:
        return day + shift

    with db.transaction() as session:
        evidence.add_item(
            session,
            title="CI pipeline for the billing API",
            date=d(date(2025, 2, 10)).isoformat(),
            ksbs=["K1", "S14"],
            duties=["5"],
            status="ready",
        )
        evidence.add_item(
            session,
            title="Terraform for the test estate",
            date=d(date(2025, 4, 2)).isoformat(),
            ksbs=["K7", "S6", "DDAT-DEVOPS:DS4"],
            status="ready",
        )
        evidence.add_item(
            session,
            title="Incident review",
            date=d(date(2025, 6, 20)).isoformat(),
            ksbs=["K11", "B1", "DDAT-DEVOPS:DS6"],
            status="draft",
        )
        otj.save_plan(session, otj.Plan(d(START), d(GATEWAY), 37 * 60 + 30))
        day, n = d(START) + timedelta(days=1), 0
        while day < as_of:
            # a steady log with a summer gap (no entries from 10 June to 14 July)
            if not d(date(2025, 6, 10)) <= day <= d(date(2025, 7, 14)):
                otj.add_entry(
                    session,
                    otj.make_input(
                        date=day,
                        minutes=(300, 330, 360, 240)[n % 4],
                        activity=ACTIVITY_CYCLE[n % len(ACTIVITY_CYCLE)],
                        description=f"Week {n + 1}: AWS & Terraform <modules>",
                        competencies=["K1"] if n % 3 == 0 else [],
                        items=["E001"] if n == 5 else [],
                    ),
                )
            day += timedelta(days=7)
            n += 1
        otj.add_entry(
            session,
            otj.make_input(
                date=d(GATEWAY) + timedelta(days=3),
                minutes=90,
                activity="other",
                description="After the gateway",
            ),
        )
        first = [RatingInput(f"K{i}", i % 2) for i in range(1, 26)]
        first += [RatingInput(f"S{i}", (i + 1) % 2) for i in range(1, 23)]
        first += [RatingInput(f"B{i}", 1) for i in range(1, 5)]
        first += [
            RatingInput(f"DS{i}", (0, 1, 1, 2, 0, 1, 0, 1, 0, 0)[i - 1]) for i in range(1, 11)
        ]
        skills_scan.add_scan(
            session, date=d(START), ratings=first, note="Initial assessment with my manager"
        )
        later = [
            RatingInput(r.code, min(4, r.rating + (1 if i % 3 else 2))) for i, r in enumerate(first)
        ]
        skills_scan.add_scan(session, date=d(date(2025, 4, 1)), ratings=later[:40])
        latest = [
            RatingInput(r.code, min(4, r.rating + (i % 2)), note="a < b & c" if i == 0 else "")
            for i, r in enumerate(later)
        ]
        skills_scan.add_scan(
            session,
            date=d(date(2025, 7, 1)),
            ratings=latest,
            confirmed_by="Grace Hopper",
            confirmer_role="Line manager",
        )
        people = [
            reviews.Participant("apprentice", "Ada Lovelace"),
            reviews.Participant("employer", "Grace Hopper"),
            reviews.Participant("provider", "Babbage College"),
        ]
        reviews.add_review(
            session,
            date=d(date(2025, 3, 31)),
            participants=people,
            notes="Settling in well.\nAWS course booked.",
            actions=[reviews.Action("Book AWS exam", "Ada", d(date(2025, 5, 1)), done=True)],
        )
        reviews.add_review(
            session,
            date=d(date(2025, 6, 2)),
            participants=people,
            notes="Terraform work going well; <b>plan</b> & next steps.",
            actions=[reviews.Action("Write up the incident review", "Ada", d(date(2025, 7, 1)))],
        )
