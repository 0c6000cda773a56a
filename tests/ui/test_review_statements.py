"""Review mode's Assessment page shows, beside each item of the selected KSB, who confirmed
it, when, with which key, and whether for an earlier version of the item."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from app.export.package import export_package
from app.export.signoff_files import import_response, make_request, open_request, parse_decisions
from app.export.signoff_files import write_response as respond
from app.models.db import open_portfolio
from app.schema.signoff import Person
from app.services import evidence, portfolio, signing
from app.ui.main_window import MainWindow
from tests.package_helpers import fake_pdf
from tests.ui.test_review_mode import _assessment_page, _open_for_review

HOSTILE = 'Watched the <b>release</b> & <img src=/etc/passwd> "live"'


@pytest.fixture(autouse=True)
def private_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))


@pytest.fixture
def package(filled_path: Path, tmp_path: Path) -> tuple[Path, str, str]:
    """Sam Boss (Acme Ltd) confirms E001's K1 and declines its S14; Kim Witness confirms
    E002's K1 with a witness statement, and E002 changes afterwards."""
    path = tmp_path / "ada.sqlite3"
    shutil.copyfile(filled_path, path)
    db = open_portfolio(path)
    keys = {}
    try:
        with db.transaction() as s:
            portfolio.update_details(s, employer="Acme Ltd")
        for name, org, ref, confirm, decline, statement in (
            ("Sam Boss", "Acme Ltd", "E001", ["E001:K1"], ["E001:S14"], ""),
            ("Kim Witness", "Acme Ltd", "E002", ["E002:K1"], [], HOSTILE),
        ):
            key = signing.load_or_create_key(tmp_path / "keys" / f"{name}.pem")
            keys[name] = key.fingerprint
            request = tmp_path / f"{name}.request"
            make_request(db, [ref], Person(name=name, role="Lead", organisation=org), request)
            opened = open_request(request)
            out = tmp_path / f"{name}.response"
            decisions = parse_decisions(opened, confirm, decline, {ref: "Seen <it> done"})
            respond(opened, decisions, opened.request.signer, out, statement=statement, key=key)
            import_response(db, out)
        with db.transaction() as s:
            evidence.update_item(s, "E002", title="Terraform modules, rewritten")
        out = tmp_path / "inbox" / "ada.portfolio"
        out.parent.mkdir()
        export_package(db, out, build_pdf=fake_pdf)
    finally:
        db.close()
    return out, keys["Sam Boss"], keys["Kim Witness"]


def test_the_assessment_page_shows_who_confirmed_each_item(
    qtbot, manager, window: MainWindow, package: tuple[Path, str, str], monkeypatch
) -> None:
    path, boss_key, witness_key = package
    review = _open_for_review(qtbot, manager, window, path, monkeypatch)
    page = _assessment_page(qtbot, review)
    review.show_page(page)

    page.select("K1")
    shown = page.evidence_view.toPlainText()
    first, second = shown.split("E002 — ")
    assert "✓ Confirmed K1 — Sam Boss (Lead, Acme Ltd), signed 20" in first
    assert f"Key {boss_key}" in first and witness_key not in first
    assert "Given for an earlier version" not in first
    assert "“Seen <it> done”" in first  # shown as typed, not as markup
    assert "✓ Confirmed K1 — Kim Witness (Lead, Acme Ltd)" in second
    assert f"Key {witness_key}" in second
    assert "Given for an earlier version (the item changed on 20" in second
    assert f"Witness statement: {HOSTILE}" in second

    page.select("S14")
    shown = page.evidence_view.toPlainText()
    assert "✗ Declined S14 — Sam Boss" in shown
    assert "Also confirmed: K1" in shown

    page.select("K7")  # E002 only: the witness was asked about K1, not K7
    assert "Not asked about K7 — Kim Witness" in page.evidence_view.toPlainText()
