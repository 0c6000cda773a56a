"""The Reviews page marks an unsigned progress review and names who signed one."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import PortfolioError
from app.export.signoff_files import (
    import_response,
    make_review_request,
    open_request,
    write_response,
)
from app.models.db import open_portfolio
from app.schema.signoff import Person
from app.services import reviews, signing


def test_the_reviews_page_shows_who_signed_and_marks_the_unsigned(
    qtbot, manager, filled_path: Path, tmp_path: Path
) -> None:
    db = open_portfolio(filled_path)
    with db.transaction() as s:
        for day in ("2026-03-10", "2026-06-01"):
            reviews.add_review(
                s, date=day, participants=[reviews.Participant("employer", "Sam Boss")]
            )
    own = signing.load_or_create_key(tmp_path / "apprentice.pem")
    boss = signing.load_or_create_key(tmp_path / "boss.pem")
    sam = Person(name="Sam Boss", role="Line manager", organisation="Acme")
    make_review_request(db, 1, sam, tmp_path / "a.request", key=own)
    opened = open_request(tmp_path / "a.request")
    write_response(opened, {}, sam, tmp_path / "a.response", review=("signed", ""), key=boss)
    import_response(db, tmp_path / "a.response")
    db.close()

    window = manager.open_path(filled_path)
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: hasattr(window, "progress_pages"))
    page = window.progress_pages.reviews
    listed = [page.list.item(n).text() for n in range(page.list.count())]
    assert listed[0].startswith("1 Jun 2026 · unsigned")  # newest first
    assert listed[1].startswith("10 Mar 2026 · ✓ signed by 1")
    page.list.setCurrentRow(0)
    assert "UNSIGNED: nobody has signed this review" in page.detail.toPlainText()
    assert "'portfolio" not in page.detail.toPlainText()  # no command-line wording
    page.list.setCurrentRow(1)
    shown = page.detail.toPlainText()
    assert "Signed by Sam Boss (Line manager, Acme) on 20" in shown
    assert boss.fingerprint in shown and "UNSIGNED" not in shown


def test_the_signer_view_signs_a_review_and_the_app_imports_it(
    qtbot, manager, filled_path: Path, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.ui.signoff import import_response as import_in_app
    from app.ui.signoff.signer import SignerDialog

    db = open_portfolio(filled_path)
    with db.transaction() as s:
        reviews.add_review(
            s,
            date="2026-03-10",
            participants=[reviews.Participant("employer", "Sam Boss")],
            notes="On track with **CI**.",
            actions=[reviews.make_action("Book the gateway", "Tia", "2026-04-01")],
        )
    own = signing.load_or_create_key(tmp_path / "apprentice.pem")
    sam = Person(name="Sam Boss", role="Line manager", organisation="Acme")
    make_review_request(db, 1, sam, tmp_path / "a.request", key=own)
    db.close()

    # the signer, on their own profile: the review reads as sent; no choice is refused
    monkeypatch.setenv("PORTFOLIO_CONFIG_DIR", str(tmp_path / "boss" / "config"))
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(tmp_path / "boss" / "data"))
    dialog = SignerDialog(open_request(tmp_path / "a.request"))
    qtbot.addWidget(dialog)
    assert dialog.review_panel is not None
    assert not dialog.panels
    with pytest.raises(PortfolioError, match="sign it or decline it"):
        dialog.sign_to(tmp_path / "a.response")
    dialog.review_panel.decline.setChecked(True)
    dialog.review_panel.comment.setPlainText("The hours are not agreed.")
    result = dialog.sign_to(tmp_path / "a.response")
    monkeypatch.delenv("PORTFOLIO_CONFIG_DIR")
    monkeypatch.delenv("PORTFOLIO_DATA_DIR")

    window = manager.open_path(filled_path)
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: hasattr(window, "progress_pages") and hasattr(window, "signoff_store"))
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda _parent, _title, text, *a: shown.append(text)
    )
    assert import_in_app(window, window.signoff_store, tmp_path / "a.response") is not None
    assert shown == [
        "Imported the response of Sam Boss: they declined to sign the progress review."
    ]
    page = window.progress_pages.reviews
    qtbot.waitUntil(lambda: "Declined by Sam Boss" in page.detail.toPlainText())
    assert "The hours are not agreed." in page.detail.toPlainText()
    assert "UNSIGNED" in page.detail.toPlainText()
    assert result.fingerprint not in page.detail.toPlainText()
