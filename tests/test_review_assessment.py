"""The assessor's record: judgements saved apart from the package, and the record PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.config import user_data_dir
from app.errors import PortfolioError
from app.export.assessment_pdf import build_assessment_pdf
from app.models.db import Database
from app.services import assessment, evidence, queries
from app.services.assessment import EVIDENCED, NOT_EVIDENCED, NOT_YET_SEEN, PackageIdentity

IDENTITY = PackageIdentity(
    sha256="a" * 64,
    signer="b" * 64,
    portfolio_fingerprint="c" * 64,
    apprentice_name="Zoë <b>O'Brien</b>",
    uln="1234567899",
    framework_key="ST0825",
    framework_version="1.0",
    package_name="zoe.portfolio",
    created="2026-03-02T10:00:00+00:00",
)


def test_a_new_package_starts_with_every_ksb_not_yet_seen() -> None:
    record, notice = assessment.load_assessment(IDENTITY)
    assert notice is None
    assert record.judgement("K1").judgement == NOT_YET_SEEN
    assert record.counts(("K1", "K2")) == {NOT_YET_SEEN: 2, EVIDENCED: 0, NOT_EVIDENCED: 0}


def test_judgements_are_saved_in_user_data_and_come_back(hostile: str) -> None:
    record, _ = assessment.load_assessment(IDENTITY)
    record = assessment.record_judgement(record, "K1", EVIDENCED, hostile)
    record = assessment.record_judgement(record, "S14", NOT_EVIDENCED, "")
    record = assessment.with_assessor(record, "  Grace   Hopper ")
    path = assessment.save_assessment(record)
    assert path == user_data_dir() / "assessments" / f"{'a' * 64}.json"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left

    again, notice = assessment.load_assessment(IDENTITY)
    assert notice is None
    assert again.judgement("K1").judgement == EVIDENCED
    assert again.judgement("K1").comment == hostile
    assert again.judgement("S14").judgement == NOT_EVIDENCED
    assert again.assessor == "Grace Hopper"
    assert json.loads(path.read_text(encoding="utf-8"))["package"]["signer"] == "b" * 64


def test_changing_a_judgement_replaces_it() -> None:
    record, _ = assessment.load_assessment(IDENTITY)
    record = assessment.record_judgement(record, "K1", EVIDENCED, "first")
    record = assessment.record_judgement(record, "K1", NOT_EVIDENCED, "second look")
    assessment.save_assessment(record)
    again, _ = assessment.load_assessment(IDENTITY)
    assert (again.judgement("K1").judgement, again.judgement("K1").comment) == (
        NOT_EVIDENCED,
        "second look",
    )


@pytest.mark.parametrize(
    ("judgement", "comment", "message"),
    [
        ("maybe", "", "The judgement 'maybe' is not one of: not-yet-seen, evidenced"),
        (EVIDENCED, "x" * (assessment.MAX_COMMENT + 1), "at most 100000"),
    ],
)
def test_values_that_cannot_be_saved_are_refused(
    judgement: str, comment: str, message: str
) -> None:
    record, _ = assessment.load_assessment(IDENTITY)
    with pytest.raises(PortfolioError, match=message):
        assessment.record_judgement(record, "K1", judgement, comment)


def test_a_damaged_assessor_file_is_kept_aside_not_overwritten() -> None:
    path = assessment.assessment_file(IDENTITY.sha256)
    path.parent.mkdir(parents=True)
    path.write_text("{ half a file", encoding="utf-8")
    record, notice = assessment.load_assessment(IDENTITY)
    assert notice is not None and "could not be read" in notice
    assert record.judgements == {}
    kept = [p for p in path.parent.iterdir() if "damaged" in p.name]
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == "{ half a file"


def test_the_record_pdf_shows_every_ksb_its_judgement_and_the_package(
    db: Database, tmp_path: Path
) -> None:
    with db.transaction() as s:
        evidence.add_item(s, title="Pipeline", date="2026-03-01", status="ready", ksbs=["K1"])
    with db.reader() as s:
        framework = queries.get_framework(s)
        report = queries.compute_coverage(s)
    record, _ = assessment.load_assessment(IDENTITY)
    record = assessment.record_judgement(
        record, "K1", EVIDENCED, "Clear <b>CI</b> & AT&T evidence", when="2026-04-01T09:00:00+00:00"
    )
    record = assessment.record_judgement(
        record, "S1", NOT_EVIDENCED, "Łódź " * 4_000, when="2026-04-01T09:05:00+00:00"
    )
    out = tmp_path / "record.pdf"
    pages = build_assessment_pdf(record, framework, report, out)
    reader = PdfReader(out)
    assert pages == len(reader.pages) >= 2
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Assessment record" in text
    assert "Zoë <b>O'Brien</b>" in text  # user text shown as typed, never as markup
    assert "Clear <b>CI</b> & AT&T evidence" in text
    assert "K1 Evidenced Evidence: E001" in text
    assert "Not evidenced" in text
    assert f"1 evidenced, 1 not evidenced, {len(framework.competencies) - 2} not yet seen" in (
        text.replace(f"{len(framework.competencies)} competencies: ", "")
    )
    assert "a" * 64 in text.replace(" ", "") and "b" * 64 in text.replace(" ", "")
    assert f"Page 1 of {pages}" in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVuSans" in name for name in fonts)

    again = tmp_path / "again.pdf"
    build_assessment_pdf(record, framework, report, again)
    assert again.read_bytes() == out.read_bytes()  # same record, same bytes


def test_the_record_pdf_into_a_missing_folder_is_refused(db: Database, tmp_path: Path) -> None:
    with db.reader() as s:
        framework = queries.get_framework(s)
    record, _ = assessment.load_assessment(IDENTITY)
    with pytest.raises(PortfolioError, match="does not exist"):
        build_assessment_pdf(record, framework, None, tmp_path / "no" / "r.pdf")


def test_the_record_pdf_survives_hostile_text(db: Database, tmp_path: Path, hostile: str) -> None:
    with db.reader() as s:
        framework = queries.get_framework(s)
    record, _ = assessment.load_assessment(IDENTITY)
    record = assessment.record_judgement(record, "K1", EVIDENCED, hostile)
    record = assessment.with_assessor(record, hostile[:200])
    out = tmp_path / "record.pdf"
    build_assessment_pdf(record, framework, None, out)
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    probe = hostile.split()[0][:30] if hostile.strip() else ""
    assert probe.replace("\t", "") in "".join(text.split()) or not probe


def test_a_judgement_the_app_does_not_know_sets_the_file_aside() -> None:
    record, _ = assessment.load_assessment(IDENTITY)
    path = assessment.save_assessment(assessment.record_judgement(record, "K1", EVIDENCED, ""))
    path.write_text(path.read_text("utf-8").replace('"evidenced"', '"maybe"'), "utf-8")
    again, notice = assessment.load_assessment(IDENTITY)
    assert notice is not None and "could not be read" in notice
    assert again.judgements == {}
