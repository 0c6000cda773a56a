"""The programme sections of the EPA PDF, read back as an assessor would."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from app.export.flowables import BuildState
from app.export.fonts import register_fonts
from app.export.pdf_progress import contents_entries, progress_sections
from app.models.db import Database
from app.services import otj, reviews
from app.services.progress import ProgressSnapshot, export_date, take_progress_snapshot
from tests import progress_sample
from tests.pdf_reading import page_texts


def build(progress: ProgressSnapshot, out: Path) -> list[str]:
    register_fonts()
    doc = SimpleDocTemplate(str(out), pagesize=A4, invariant=1)
    state = BuildState()
    doc.build(progress_sections(progress, state))
    return page_texts(PdfReader(out))


def test_sections_show_progress_hours_gaps_and_reviews(db: Database, tmp_path: Path) -> None:
    progress_sample.fill(db)
    with db.reader() as session:
        progress = take_progress_snapshot(session, progress_sample.AS_OF)
    text = " ".join(build(progress, tmp_path / "p.pdf"))
    assert "Skills scan and progress" in text
    assert "initial assessment on 6 Jan 2025" in text
    assert "DevOps engineer: 0 of 10 skills" in text or "skills at or above" in text
    assert "Grace Hopper, Line manager (1 Jul 2025)" in text
    assert "a < b & c" in text  # a note, escaped, not read as markup
    assert "Off-the-job training" in text
    assert "278 h 24 min" in text  # required: 6 h × 46.4 weeks
    assert (
        "Gaps (28 days or more with no learning logged): 4 Jun 2025 to 14 Jul 2025 (41 days)"
        in text
    )
    assert "after the gateway: not countable" in text
    assert "AWS & Terraform <modules>" in text
    assert "Progress reviews" in text
    assert "due by 25 Aug 2025" not in text
    assert "The next progress review is overdue: it was due on 25 Aug 2025" in text
    assert "Terraform work going well; <b>plan</b> & next steps." in text
    assert [title for title, _, _ in contents_entries(progress)] == [
        "Skills scan and progress",
        "Off-the-job training",
        "Progress reviews",
    ]


def test_same_records_give_the_same_bytes(db: Database, tmp_path: Path) -> None:
    progress_sample.fill(db)
    with db.reader() as session:
        day = export_date(session)
        first = take_progress_snapshot(session, day)
        second = take_progress_snapshot(session, day)
    build(first, tmp_path / "a.pdf")
    build(second, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_nothing_recorded_adds_nothing(db: Database) -> None:
    with db.reader() as session:
        progress = take_progress_snapshot(session)
    assert progress.empty
    assert progress_sections(progress, BuildState()) == []
    assert contents_entries(progress) == []


def test_hostile_text_everywhere_still_lays_out(db: Database, tmp_path: Path, hostile: str) -> None:
    with db.transaction() as session:
        otj.add_entry(
            session,
            otj.make_input(date="2025-01-06", minutes=60, activity="other", description=hostile),
        )
        reviews.add_review(
            session,
            date="2025-02-01",
            participants=[reviews.Participant("employer", hostile[:500])],
            notes=hostile,
            actions=[reviews.Action(hostile[:5000], hostile[:200])],
        )
    with db.reader() as session:
        progress = take_progress_snapshot(session)
    pages = build(progress, tmp_path / "h.pdf")
    assert any("Progress reviews" in p for p in pages)


def test_epa_pdf_carries_the_programme_records(tmp_path: Path) -> None:
    """The real export: an assessor finds the OTJ log in the EPA portfolio PDF."""
    from pypdf import PdfReader

    from app.cli import main

    pf = str(tmp_path / "p.sqlite3")
    assert main(["--file", pf, "init", "--name", "Ada"]) == 0
    assert (
        main(
            [
                "--file",
                pf,
                "otj",
                "plan",
                "--start",
                "2025-09-01",
                "--gateway",
                "2027-03-01",
                "--hours-per-week",
                "37.5",
                "--rule",
                "2022",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "--file",
                pf,
                "otj",
                "add",
                "--date",
                "2025-09-08",
                "--minutes",
                "390",
                "--activity",
                "taught-session",
                "--note",
                "Intro to CI <b>&",
            ]
        )
        == 0
    )
    out = tmp_path / "epa.pdf"
    assert main(["--file", pf, "export", "pdf", str(out), "--for", "review"]) == 0
    reader = PdfReader(out)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Off-the-job training" in text
    assert "Intro to CI <b>&" in text
    titles = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert titles.index("Off-the-job training") < titles.index("Declaration")
