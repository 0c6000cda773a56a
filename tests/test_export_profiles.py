"""Export profiles: the assessor's copy leaves the programme records and drafts out; the
review copy adds the records; drafts, when asked for, are marked DRAFT on every page."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.export.pdf import PdfOptions, export_portfolio_pdf
from app.models.db import Database, open_portfolio
from app.services import evidence, portfolio_json, queries
from app.services.snapshot import take_snapshot
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


# Text only the programme records hold, as portfolio.json writes it, and the drafts' text.
PROGRAMME_RECORDS = (
    "Initial assessment with my manager",  # a skills scan's note
    "a < b & c",  # a rating's note
    "AWS & Terraform <modules>",  # the off-the-job log
    "Settling in well.",  # a progress review's notes
    "Book AWS exam",  # a review's action
)
DRAFT_TEXT = ("Incident review", "Long draft write-up", "Paragraph 7 of a long draft reflection.")


def _unspaced(text: str) -> str:
    return "".join(text.split())


def _member_texts(package: Path, tmp_path: Path) -> dict[str, str]:
    """Every member of ``package`` as text: the PDF's extracted text, the rest decoded."""
    texts: dict[str, str] = {}
    with zipfile.ZipFile(package) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if name == "portfolio.pdf":
                (tmp_path / "member.pdf").write_bytes(data)
                texts[name] = " ".join(page_texts(PdfReader(tmp_path / "member.pdf")))
            else:
                texts[name] = data.decode("utf-8", errors="replace")
    return texts


def test_the_assessors_package_holds_no_programme_records_or_drafts_anywhere(
    filled: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _close_for_cli(filled)
    package = tmp_path / "assessor.portfolio"
    code, out, err = run(capsys, "--file", str(path), "export", "package", str(package))
    assert code == 0, err
    assert "The assessor's copy: drafts and programme records" in out
    texts = _member_texts(package, tmp_path)
    assert "portfolio.json" in texts and "portfolio.pdf" in texts
    for name, text in texts.items():
        for record in PROGRAMME_RECORDS + DRAFT_TEXT:
            assert record not in text, f"{record!r} is in the assessor's {name}"
    document = json.loads(texts["portfolio.json"])
    assert "programme" not in document
    assert [i["ref"] for i in document["items"]] == ["E001", "E002", "E005"]
    # the PDF's cover names the fingerprint portfolio.json carries
    assert document["fingerprint"] in _unspaced(texts["portfolio.pdf"])

    code, _, err = run(capsys, "--file", str(path), "verify", str(package))
    assert code == 0, err
    imported = tmp_path / "imported.sqlite3"
    code, _, err = run(capsys, "--file", str(imported), "import", "package", str(package))
    assert code == 0, err
    db = open_portfolio(imported)
    with db.reader() as session:
        assert portfolio_json.build_programme(session) is None
        titles = [i.title for i in queries.all_items(session)]
        assert take_snapshot(session).fingerprint == document["fingerprint"]
    db.close()
    assert "Incident review" not in titles and "CI pipeline for the billing API" in titles


def test_the_review_package_carries_the_programme_records_and_drafts(
    filled: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _close_for_cli(filled)
    package = tmp_path / "review.portfolio"
    code, _, err = run(
        capsys, "--file", str(path), "export", "package", str(package), "--for", "review"
    )
    assert code == 0, err
    texts = _member_texts(package, tmp_path)
    for record in PROGRAMME_RECORDS + DRAFT_TEXT:
        assert record in texts["portfolio.json"], record
    assert "Settling in well." in texts["portfolio.pdf"]
    document = json.loads(texts["portfolio.json"])
    assert document["fingerprint"] in _unspaced(texts["portfolio.pdf"])
    code, _, err = run(capsys, "--file", str(path), "verify", str(package))
    assert code == 0, err
    imported = tmp_path / "imported.sqlite3"
    code, _, err = run(capsys, "--file", str(imported), "import", "package", str(package))
    assert code == 0, err
    db = open_portfolio(imported)
    with db.reader() as session:
        programme = portfolio_json.build_programme(session)
        assert programme is not None and programme.reviews
        assert take_snapshot(session).fingerprint == document["fingerprint"]
    db.close()


def test_each_copy_of_the_package_is_the_same_bytes_every_time(
    filled: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _close_for_cli(filled)
    for audience in ("assessor", "review"):
        made = []
        for n in (1, 2):
            out = tmp_path / f"{audience}{n}.portfolio"
            code, _, err = run(
                capsys, "--file", str(path), "export", "package", str(out), "--for", audience
            )
            assert code == 0, err
            made.append(out.read_bytes())
        assert made[0] == made[1], audience


def _coverage_pages(out: Path) -> str:
    """The text of the coverage summary and gaps pages (up to the KSB matrix)."""
    reader = PdfReader(out)
    starts = outline_pages(reader)
    pages = page_texts(reader)
    return " ".join(pages[starts["Coverage summary"] : starts["Evidence"]])


def test_the_assessors_copy_shows_no_draft_counts_in_coverage_and_gaps(
    filled: Database, tmp_path: Path
) -> None:
    out = tmp_path / "assessor.pdf"
    export_portfolio_pdf(filled, out, PdfOptions())
    text = _coverage_pages(out)
    assert "Gaps" in text and "Ready" in text
    assert "Drafts" not in text and "drafts" not in text
    assert "Counts include only items marked ready." in text


def test_the_review_copy_and_included_drafts_keep_the_draft_counts(
    filled: Database, tmp_path: Path
) -> None:
    for options in (PdfOptions(audience="review"), PdfOptions(include_drafts=True)):
        out = tmp_path / f"{options.audience}-{options.include_drafts}.pdf"
        export_portfolio_pdf(filled, out, options)
        text = _coverage_pages(out)
        assert "Code Competency Ready Drafts" in " ".join(text.split()), options
        assert "Drafts only" in text and "drafts are shown separately" in text
