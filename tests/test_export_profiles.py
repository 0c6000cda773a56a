"""Export profiles: the assessor's copy leaves the programme records and drafts out; the
review copy adds the records; drafts, when asked for, are marked DRAFT on every page."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.export.pdf import PdfOptions, export_portfolio_pdf
from app.models.db import Database
from app.services import evidence
from tests import progress_sample
from tests.package_helpers import run
from tests.pdf_reading import outline_pages, page_texts

# Text that only the programme records hold (skills scans, OTJ log, reviews).
SCAN_TEXT = "Grace Hopper, Line manager (1 Jul 2025)"  # who confirmed the latest scan
OTJ_TEXT = "AWS & Terraform <modules>"
REVIEW_TEXT = "Settling in well."
SECTION_TITLES = ("Skills scan and progress", "Off-the-job training", "Progress reviews")
LONG_DRAFT = "\n\n".join(f"Paragraph {n} of a long draft reflection." * 6 for n in range(120))


@pytest.fixture
def filled(db: Database) -> Database:
    progress_sample.fill(db)  # E003 "Incident review" is a draft
    with db.transaction() as session:
        evidence.add_item(
            session, title="Long draft write-up", date="2025-08-01", body=LONG_DRAFT, ksbs=["K2"]
        )
        evidence.add_item(
            session,
            title="Ready after the draft",
            date="2025-08-02",
            body="Finished.",
            ksbs=["K3"],
            status="ready",
        )
    return db


def texts(db: Database, out: Path, options: PdfOptions = PdfOptions()) -> list[str]:  # noqa: B008
    export_portfolio_pdf(db, out, options)
    return page_texts(PdfReader(out))


def test_the_assessors_copy_holds_no_programme_records_and_no_drafts(
    filled: Database, tmp_path: Path
) -> None:
    text = " ".join(texts(filled, tmp_path / "assessor.pdf"))
    for record in (SCAN_TEXT, OTJ_TEXT, REVIEW_TEXT, *SECTION_TITLES):
        assert record not in text
    assert "CI pipeline for the billing API" in text  # the ready evidence is there
    assert "Incident review" not in text and "Long draft write-up" not in text
    assert "DRAFT" not in text
    assert "The assessor's copy" in text


def test_the_review_copy_adds_every_programme_record(filled: Database, tmp_path: Path) -> None:
    text = " ".join(texts(filled, tmp_path / "review.pdf", PdfOptions(audience="review")))
    for record in (SCAN_TEXT, OTJ_TEXT, REVIEW_TEXT, *SECTION_TITLES):
        assert record in text
    assert "Review copy for the provider and employer" in text
    assert "Incident review" not in text  # drafts stay out unless asked for


def test_every_page_a_draft_occupies_is_marked_and_no_other(
    filled: Database, tmp_path: Path
) -> None:
    out = tmp_path / "drafts.pdf"
    pages = texts(filled, out, PdfOptions(include_drafts=True))
    starts = outline_pages(PdfReader(out))
    first = starts["E004 Long draft write-up"]
    after = starts["E005 Ready after the draft"]
    assert after - first >= 3  # the long draft runs over several pages
    for index in range(first, after):
        assert "DRAFT: not ready" in pages[index], f"page {index + 1} of the draft is unmarked"
    assert "DRAFT: not ready" in pages[starts["E003 Incident review"]]
    assert "DRAFT: not ready" not in pages[after]
    assert "DRAFT: not ready" not in pages[starts["E001 CI pipeline for the billing API"]]
    assert sum("DRAFT: not ready" in page for page in pages) == (after - first) + (
        starts["E004 Long draft write-up"] - starts["E003 Incident review"]
    )


def _close_for_cli(db: Database) -> Path:
    path = db.path
    db.close()
    return path


def test_cli_for_and_drafts_flags(
    filled: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _close_for_cli(filled)
    out = tmp_path / "r.pdf"
    code, _, err = run(
        capsys, "--file", str(path), "export", "pdf", str(out), "--for", "review", "--drafts"
    )
    assert code == 0, err
    text = " ".join(page_texts(PdfReader(out)))
    assert REVIEW_TEXT in text and "Incident review" in text and "DRAFT: not ready" in text

    code, _, err = run(
        capsys, "--file", str(path), "export", "pdf", str(out), "--no-drafts", "--force"
    )
    assert code == 0, err
    text = " ".join(page_texts(PdfReader(out)))
    assert REVIEW_TEXT not in text and "Incident review" not in text

    code, _, err = run(
        capsys, "--file", str(path), "export", "pdf", str(out), "--drafts", "--no-drafts"
    )
    assert code == 2 and "not allowed with" in err
    code, _, err = run(capsys, "--file", str(path), "export", "pdf", str(out), "--for", "me")
    assert code == 2


def _package_pdf_text(package: Path, tmp_path: Path) -> str:
    with zipfile.ZipFile(package) as zf:
        (tmp_path / "inner.pdf").write_bytes(zf.read("portfolio.pdf"))
    return " ".join(page_texts(PdfReader(tmp_path / "inner.pdf")))


def test_the_package_carries_the_assessors_copy_unless_told(
    filled: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _close_for_cli(filled)
    default = tmp_path / "a.portfolio"
    code, _, err = run(capsys, "--file", str(path), "export", "package", str(default))
    assert code == 0, err
    assert REVIEW_TEXT not in _package_pdf_text(default, tmp_path)
    review = tmp_path / "r.portfolio"
    code, _, err = run(
        capsys, "--file", str(path), "export", "package", str(review), "--for", "review"
    )
    assert code == 0, err
    assert REVIEW_TEXT in _package_pdf_text(review, tmp_path)
    code, _, err = run(capsys, "--file", str(path), "verify", str(review))
    assert code == 0, err
