"""The Reviews page marks an unsigned progress review and names who signed one."""

from __future__ import annotations

from pathlib import Path

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
    page.list.setCurrentRow(1)
    shown = page.detail.toPlainText()
    assert "Signed by Sam Boss (Line manager, Acme) on 20" in shown
    assert boss.fingerprint in shown and "UNSIGNED" not in shown
