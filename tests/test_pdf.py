"""The EPA portfolio PDF, read back as an assessor's PDF reader would."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.errors import PortfolioError
from app.export.pdf import ExportCancelled, PdfOptions, build_pdf
from tests.pdf_reading import (
    fonts_used,
    internal_links,
    outline_pages,
    outline_titles,
    page_texts,
    text_in_rect,
)
from tests.snapshot_factory import default_items, default_portfolio, make_snapshot


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PdfReader, list[str]]:
    snapshot, blobs = default_portfolio()
    out = tmp_path_factory.mktemp("pdf") / "portfolio.pdf"
    result = build_pdf(snapshot, blobs, out, PdfOptions(include_drafts=True))
    reader = PdfReader(out)
    assert result.pages == len(reader.pages)
    assert result.size == out.stat().st_size
    return out, reader, page_texts(reader)


def page_of(texts: list[str], needle: str) -> int:
    return next(n for n, text in enumerate(texts) if needle in text)


def test_cover_names_the_apprentice_the_standard_and_the_portfolio(exported) -> None:
    snapshot, _ = default_portfolio()
    cover = exported[2][0]
    for expected in (
        "End-point assessment portfolio",
        "Ada Lovelace",
        "1234567899",
        "Analytical Engines Ltd",
        "Babbage College",
        "Apprenticeship standard DevOps engineer",
        "Reference ST0825",
        "Version 1.0",
        "Level 4",
        "Date 2 March 2026",  # the portfolio's last change, not the clock
        snapshot.fingerprint[:32],
        snapshot.fingerprint[32:],
    ):
        assert expected in cover
    assert "Signing key" not in cover


def test_cover_shows_the_signing_key_fingerprint_when_given(tmp_path: Path) -> None:
    snapshot, blobs = default_portfolio()
    key = "ab" * 32
    build_pdf(snapshot, blobs, tmp_path / "p.pdf", PdfOptions(signer_fingerprint=key))
    cover = page_texts(PdfReader(tmp_path / "p.pdf"))[0]
    assert "Signing key fingerprint" in cover
    assert key[:32] in cover and key[32:] in cover


def test_every_page_has_the_header_and_page_x_of_y(exported) -> None:
    _, reader, texts = exported
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
        # one line as search and copy see it, not "Page 3 of" and "12" apart
        raw = reader.pages[number - 1].extract_text()
        assert f"Page {number} of {len(texts)}" in raw.splitlines()
        assert "Ada Lovelace" in text
        assert "DevOps engineer (ST0825 v1.0)" in text


def test_outline_lists_every_section_and_item_and_opens_shown(exported) -> None:
    _, reader, texts = exported
    assert outline_titles(reader) == [
        "Cover",
        "Contents",
        "Coverage summary",
        ["Gaps"],
        "KSB mapping matrix",
        ["Knowledge", "Skills", "Behaviours", "Duties", "Evidence × KSB grid"],
        "Evidence",
        [
            "E001 Rebuilt the CI pipeline",
            "E002 Terraform for the staging estate",
            "E003 Alerting review",
            "E004 Pairing on the payments service",
        ],
        "Declaration",
    ]
    pages = outline_pages(reader)
    assert "E003 · Alerting review" in texts[pages["E003 Alerting review"]]
    assert "Declaration of authenticity" in texts[pages["Declaration"]]
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_contents_page_numbers_are_right_and_clickable(exported) -> None:
    _, reader, texts = exported
    contents = page_of(texts, "Contents Coverage summary")
    for title in ("E002 Terraform for the staging estate", "E004 Pairing on the payments service"):
        ref, name = title.split(" ", 1)
        item_page = page_of(texts, f"{ref} · {name}")
        assert f"{title} {item_page + 1}" in texts[contents]
    targets = {
        text_in_rect(reader, contents, rect): page
        for rect, page in internal_links(reader, contents)
    }
    assert targets["E002 Terraform for the staging estate"] == page_of(texts, "E002 · Terraform")
    assert targets["Declaration"] == page_of(texts, "Declaration of authenticity")


def test_matrix_references_link_to_the_evidence_pages(exported) -> None:
    _, reader, texts = exported
    matrix = page_of(texts, "KSB mapping matrix Every competency")
    links = {
        text_in_rect(reader, matrix, rect): page for rect, page in internal_links(reader, matrix)
    }
    assert links["E001"] == page_of(texts, "E001 · Rebuilt the CI pipeline")
    assert links["E004"] == page_of(texts, "E004 · Pairing on the payments service")
    assert links["E003"] == page_of(texts, "E003 · Alerting review")


def test_competency_codes_on_an_item_link_back_to_the_matrix(exported) -> None:
    _, reader, texts = exported
    item = page_of(texts, "E002 · Terraform for the staging estate")
    links = {
        text_in_rect(reader, item, rect).split(" ")[0]: page
        for rect, page in internal_links(reader, item)
    }
    matrix = page_of(texts, "KSB mapping matrix Every competency")
    assert links["K4"] == matrix
    assert links["B1"] == matrix


def test_matrix_lists_every_competency_with_its_text_and_claims(exported) -> None:
    texts = exported[2]
    matrix = texts[page_of(texts, "KSB mapping matrix Every competency")]
    assert "K1 Continuous Integration - benefits of frequent merging" in matrix
    assert "S2 Work with the product owner" in matrix
    assert "E001, E004" in matrix  # both items that claim K1, in document order


def test_evidence_grid_marks_claims_and_repeats_its_header(tmp_path: Path) -> None:
    from tests.snapshot_factory import make_item

    items = [
        make_item(n, f"Item {n}", date="2026-01-01", ksbs=(("K1", "x"),)) for n in range(1, 90)
    ]
    out = tmp_path / "grid.pdf"
    build_pdf(make_snapshot(items), _no_blobs(), out)
    texts = page_texts(PdfReader(out))
    grid_pages = [t for t in texts if "E0" in t and "Ref K1 K2 K3 K4 K5" in t]
    assert len(grid_pages) >= 2  # 89 rows do not fit on one page, and each page has the header
    assert "Items 89 0 0 0 0" in " ".join(texts)


def test_items_show_claims_justifications_reflection_and_attachments(exported) -> None:
    texts = exported[2]
    e001 = " ".join(texts[page_of(texts, "E001 · Rebuilt") : page_of(texts, "E002 · Terraform")])
    for expected in (
        "Date: 2026-01-14",
        "Status: Ready",
        "D2 — Build and operate a Continuous Integration capability.",
        "I own the CI capability now.",
        "K1 — Continuous Integration",
        "I made every merge run the tests.",
        "S4 — Automate the build, test and release of software.",
        "The release is automated.",
        "What I did",
        "I rebuilt our CI pipeline so that every merge request runs the full test suite.",
        "npm packages",
        "stages: [lint, test, build]",
        "The fastest pipeline is the one that fails early.",
        "test 14 min 6 min",
        "the runbook (https://intranet.example/runbook)",
        "pipeline.png",
        "build.log",
        "360 bytes",
    ):
        assert expected in e001, expected
    e002 = texts[page_of(texts, "E002 · Terraform")]
    assert "K3 — Immutable infrastructure" in e002
    assert "No justification given." in e002
    e003 = " ".join(texts[page_of(texts, "E003 · Alerting") :])
    assert "Status: Draft" in e003


def test_attachment_table_gives_each_files_sha256(exported) -> None:
    texts = exported[2]
    _, blobs = default_items()
    text = " ".join(texts)
    for digest in blobs:
        assert f"{digest[:32]} {digest[32:]}" in text


def test_photos_are_embedded_as_jpeg_without_recompression(exported) -> None:
    _, reader, texts = exported
    e002 = page_of(texts, "E002 · Terraform")
    filters = []
    for page in reader.pages[e002 : e002 + 2]:
        for xobject in (page["/Resources"].get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Image":
                filters.append(xobject["/Filter"])
    assert any("/DCTDecode" in f for f in filters)


def test_broken_image_is_replaced_by_a_clear_placeholder(exported) -> None:
    texts = exported[2]
    e003 = " ".join(texts[page_of(texts, "E003 · Alerting") :])
    assert "Image could not be shown: broken.png" in e003


def test_declaration_has_both_statements_and_signature_lines(exported) -> None:
    texts = exported[2]
    page = texts[-1]
    assert "Declaration of authenticity" in page
    assert "the evidence in this portfolio is my own work" in page
    assert "apprentice's own work" in page
    assert page.count("Signature") == 2 and page.count("Date") >= 2
    assert "Organisation Analytical Engines Ltd" in page


def test_fonts_are_embedded_dejavu_truetype(exported) -> None:
    fonts = fonts_used(exported[1])
    assert fonts, "no fonts found"
    assert all(fonts.values()), fonts  # every font program embedded (FontFile2)
    names = {name.split("+")[-1] for name in fonts}
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSansMono"} <= names
    assert not any("Helvetica" in n or "Times" in n for n in names)


def test_metadata_describes_the_document(exported) -> None:
    reader = exported[1]
    meta = reader.metadata
    assert meta is not None
    assert (
        meta.title == "End-point assessment portfolio: Ada Lovelace, DevOps engineer (ST0825 v1.0)"
    )
    assert meta.author == "Ada Lovelace"
    assert "DevOps engineer" in (meta.subject or "")
    assert "ST0825" in meta["/Keywords"]
    assert meta["/CreationDate"] == "D:20260302101500+00'00'"
    assert meta["/ModDate"] == "D:20260302101500+00'00'"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_same_snapshot_gives_identical_bytes(tmp_path: Path) -> None:
    snapshot, blobs = default_portfolio()
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    build_pdf(snapshot, blobs, first)
    build_pdf(snapshot, blobs, second)
    assert first.read_bytes() == second.read_bytes()


def test_options_leave_out_drafts_order_by_ksb_and_use_letter(tmp_path: Path) -> None:
    snapshot, blobs = default_portfolio()
    out = tmp_path / "p.pdf"
    options = PdfOptions(include_drafts=False, order="ksb", page_size="Letter")
    build_pdf(snapshot, blobs, out, options)
    reader = PdfReader(out)
    texts = page_texts(reader)
    assert "E003" not in " ".join(texts)
    assert "3 (drafts not included)" in texts[0]
    evidence = outline_titles(reader)[outline_titles(reader).index("Evidence") + 1]
    # K1 (E001, E004) before K4 (E002)
    assert evidence == [
        "E001 Rebuilt the CI pipeline",
        "E004 Pairing on the payments service",
        "E002 Terraform for the staging estate",
    ]
    assert [round(float(v)) for v in reader.pages[0].mediabox] == [0, 0, 612, 792]


def test_progress_is_reported_up_to_the_total(tmp_path: Path) -> None:
    snapshot, blobs = default_portfolio()
    seen: list[tuple[int, int]] = []
    build_pdf(snapshot, blobs, tmp_path / "p.pdf", progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_cancelling_stops_and_leaves_nothing_behind(tmp_path: Path) -> None:
    snapshot, blobs = default_portfolio()
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(ExportCancelled):
        build_pdf(snapshot, blobs, tmp_path / "p.pdf", cancelled=cancelled)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    snapshot, blobs = default_portfolio()
    with pytest.raises(PortfolioError, match="nowhere does not exist"):
        build_pdf(snapshot, blobs, tmp_path / "nowhere" / "p.pdf")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_as_destination_is_a_clear_error(tmp_path: Path) -> None:
    snapshot, blobs = default_portfolio()
    with pytest.raises(PortfolioError, match="is a folder"):
        build_pdf(snapshot, blobs, tmp_path)


def test_unwritable_destination_raises_and_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot, blobs = default_portfolio()

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("app.models.outputs.os.link", refuse)
    monkeypatch.setattr("app.models.outputs.os.replace", refuse)
    with pytest.raises(PortfolioError, match="permission denied") as caught:
        build_pdf(snapshot, blobs, tmp_path / "p.pdf")
    assert "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_existing_file_is_kept_when_the_export_fails(tmp_path: Path) -> None:
    snapshot, blobs = default_portfolio()
    out = tmp_path / "p.pdf"
    out.write_bytes(b"previous export")
    with pytest.raises(ExportCancelled):
        build_pdf(snapshot, blobs, out, cancelled=lambda: True, force=True)
    assert out.read_bytes() == b"previous export"


def test_a_framework_without_groups_still_exports(tmp_path: Path) -> None:
    from tests.snapshot_factory import framework

    fw = replace(framework(), groups=(), group_label="Group")
    items = [replace(i, duties=(), duty_tags=()) for i in default_items()[0]]
    out = tmp_path / "p.pdf"
    build_pdf(make_snapshot(items, fw=fw), _no_blobs(), out)
    text = " ".join(page_texts(PdfReader(out)))
    assert "does not group its competencies" in text
    assert "E004 · Pairing on the payments service" in text


def test_an_empty_portfolio_exports(tmp_path: Path) -> None:
    out = tmp_path / "p.pdf"
    build_pdf(make_snapshot([]), _no_blobs(), out)
    text = " ".join(page_texts(PdfReader(out)))
    assert "There are no evidence items" in text
    assert "Declaration of authenticity" in text


def _no_blobs():
    from app.services.blob_source import MemoryBlobSource

    return MemoryBlobSource({})


def test_a_full_disk_is_one_clear_error_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot, blobs = default_portfolio()

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("app.export.pdf.os.fsync", full)
    with pytest.raises(PortfolioError, match="the disk is full"):
        build_pdf(snapshot, blobs, tmp_path / "p.pdf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_pdf_is_readable_by_others_like_any_new_file(tmp_path: Path) -> None:
    snapshot, blobs = default_portfolio()
    out = tmp_path / "p.pdf"
    build_pdf(snapshot, blobs, out)
    assert out.stat().st_mode & 0o777 == 0o644


def test_identical_bytes_across_processes(tmp_path: Path) -> None:
    """Another run of the app (another hash seed) exports the same file."""
    import subprocess

    code = (
        "import sys; from pathlib import Path; "
        "from tests.snapshot_factory import default_portfolio; "
        "from app.export.pdf import build_pdf; "
        "s, b = default_portfolio(); build_pdf(s, b, Path(sys.argv[1]))"
    )
    root = Path(__file__).resolve().parents[1]
    for seed in ("1", "2"):
        subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / f"{seed}.pdf")],
            check=True,
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
    assert (tmp_path / "1.pdf").read_bytes() == (tmp_path / "2.pdf").read_bytes()
