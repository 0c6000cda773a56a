"""``portfolio export pdf``: the options a user can choose reach the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from app.services import signing
from tests.package_helpers import build_portfolio, run


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "apprentice.sqlite3"
    build_portfolio(path).close()
    return path


def test_export_pdf_with_options(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "epa.pdf"
    code, stdout, err = run(
        capsys,
        "--file",
        str(source),
        "export",
        "pdf",
        str(out),
        "--no-drafts",
        "--order",
        "ksb",
        "--page-size",
        "Letter",
    )
    assert code == 0, err
    assert stdout.startswith(f"Wrote {out} (")
    reader = PdfReader(out)
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (612, 792)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Incident write-up" in text
    assert "Capacity review" not in text  # the draft was left out
    key = signing.existing_key()
    assert key is not None and key.fingerprint in "".join(text.split())


def test_export_pdf_into_a_missing_folder_is_refused(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "--file", str(source), "export", "pdf", str(tmp_path / "no" / "epa.pdf")
    )
    assert code == 1 and err.count("\n") == 1 and "does not exist" in err
    assert not (tmp_path / "no").exists()


def test_export_pdf_rejects_an_unknown_page_size(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(
        capsys, "--file", str(source), "export", "pdf", str(tmp_path / "e.pdf"), "--page-size", "A3"
    )
    assert code == 2
