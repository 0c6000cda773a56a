"""Review mode as an assessor uses it: open a package, read it, judge KSBs, export the record."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.config import user_data_dir
from app.export.package import export_package, verify_package
from app.models.db import open_portfolio
from app.services import signing
from app.ui.exported import grouped
from app.ui.main_window import MainWindow
from app.ui.package_export import PackageCopyDialog
from app.ui.review.assessment_page import AssessmentPage, JudgementModel
from tests.package_helpers import fake_pdf, rewrite

LONG_WAIT = 10_000  # ms: generous for a loaded machine; waits end as soon as the state is right


@pytest.fixture
def package(filled_path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "inbox" / "ada.portfolio"
    out.parent.mkdir()
    db = open_portfolio(filled_path)
    try:
        export_package(db, out, build_pdf=fake_pdf, audience="review")
    finally:
        db.close()
    return out


def _action(qtbot, window: MainWindow, name: str) -> QAction:
    """A File menu action the review module adds (once the window's extensions are in)."""
    qtbot.waitUntil(lambda: window.findChild(QAction, name) is not None, timeout=LONG_WAIT)
    action = window.findChild(QAction, name)
    assert action is not None, name
    return action


@pytest.fixture(autouse=True)
def private_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review copies go to a temp folder of this test's own: other test runs on the machine
    make and remove their own review folders in the shared one while this test counts."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))


def _review_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("portfolio-review-*")}


def _assessment_page(qtbot, review: MainWindow) -> AssessmentPage:
    """The review window's Assessment page (extensions install just after the window shows)."""
    qtbot.waitUntil(lambda: review.findChild(AssessmentPage) is not None, timeout=LONG_WAIT)
    page = review.findChild(AssessmentPage)
    assert page is not None
    return page


def _open_for_review(qtbot, manager, window: MainWindow, package: Path, monkeypatch) -> MainWindow:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(package), ""))
    before = len(manager.windows)
    _action(qtbot, window, "openPackageAction").trigger()
    qtbot.waitUntil(lambda: len(manager.windows) == before + 1, timeout=LONG_WAIT)
    review = manager.windows[-1]
    qtbot.waitExposed(review)
    return review


def test_open_a_package_read_only_and_record_a_judgement(
    qtbot, qtmodeltester, manager, window: MainWindow, package: Path, tmp_path: Path, monkeypatch
) -> None:
    package_bytes = package.read_bytes()
    folders_before = _review_folders()
    review = _open_for_review(qtbot, manager, window, package, monkeypatch)

    # what the assessor sees: a read-only portfolio naming the signing key
    key = signing.existing_key()
    assert key is not None
    assert review.document.read_only
    assert review.banner.isVisible()
    assert review.banner.text() == (
        f"Read-only — signed by key {grouped(key.fingerprint)} (the first package seen here "
        "from this apprentice)."
    )
    assert review.evidence_page.model.rowCount() == 3
    assert not review.new_item_action.isEnabled()
    # named after the package and the apprentice, not the private temporary copy
    assert review.windowTitle() == (
        f"Review of {package.name} — Ada Lovelace (read-only) — Apprentice Portfolio"
    )
    assert review.windowTitle().count("Apprentice Portfolio") == 1
    # an assessor sees the rendered reflection only, and no editing controls at all
    editor = review.evidence_page.editor
    assert review.evidence_page.select_item(review.document.item_by_ref("E001").id)
    assert editor.preview.isVisible() and not editor.body.isVisible()
    assert not editor.status.isVisible() and editor.status_text.text() == "Ready"
    assert not editor.attachments.add_button.isVisibleTo(editor.attachments)
    for action in (review.new_item_action, review.delete_item_action, review.undo_action):
        assert not action.isVisible()
    assert window.isVisible()  # the assessor's own window stays open beside it

    page = _assessment_page(qtbot, review)
    # the other pages too: nothing to type into or press that could only be refused
    project, discussion = review.project_page, review.discussion_page
    assert project.title.isReadOnly() and project.scope.isReadOnly()
    for widget in (project.save_scope_button, project.save_week_button, project.week_plan):
        assert not widget.isVisibleTo(project)
    assert not discussion.save_button.isVisibleTo(discussion)
    assert all(edit.isReadOnly() for edit in discussion.fields.values())
    reviews = review.progress_pages.reviews
    assert not reviews.record_button.isVisibleTo(reviews)
    assert not reviews.delete_button.isVisibleTo(reviews)
    qtmodeltester.check(page.model)
    # one tab of each name: the judgement page alone is "Assessment", the plan's is "Themes"
    titles = [review.pages.tabText(i).replace("&", "") for i in range(review.pages.count())]
    assert "Themes" in titles and titles.count("Assessment") == 1
    assert len(titles) == len(set(titles))
    # the assessor's copy has no programme records: no empty pages written to the apprentice
    assert not {"Progress", "Off-the-job", "Reviews"} & set(titles)
    review.show_page(page)
    page.select("K1")
    assert page.current_code() == "K1"
    assert "E001, E002" in page.evidence_label.text()
    # beside the judgement: each item's justification for K1 and its reflection, rendered
    shown = page.evidence_view.toPlainText()
    assert "E001 — CI pipeline for the payments API" in shown
    assert "How it shows K1: Frequent merging with automated tests" in shown
    assert "Built a GitHub Actions pipeline" in shown  # the Markdown rendered, not raw
    assert "E002 — Terraform modules for staging" in shown
    header = page.table.horizontalHeader()
    widths = [header.sectionSize(c) for c in range(header.count())]

    # judge K1 as evidenced, with a comment typed in
    with qtbot.waitSignal(page.saved, timeout=LONG_WAIT):
        page.buttons["evidenced"].click()
    with qtbot.waitSignal(page.saved, timeout=LONG_WAIT):
        qtbot.keyClicks(page.comment, "Clear <b>CI</b> evidence & tests")
    # typing a comment leaves the columns as they were (the competency's text keeps its room)
    assert [header.sectionSize(c) for c in range(header.count())] == widths
    model = page.model
    row = model.row_of("K1")
    assert model.data(model.index(row, JudgementModel.JUDGEMENT)) == "Evidenced"
    assert page.summary.text().startswith("51 KSBs: 1 evidenced, 0 not evidenced")

    # saved to the assessor's own file, keyed by the package; the package is untouched
    verified = verify_package(package)
    saved = user_data_dir() / "assessments" / f"{verified.manifest_sha256}.json"
    record = json.loads(saved.read_text(encoding="utf-8"))
    assert record["judgements"]["K1"] == {
        "judgement": "evidenced",
        "comment": "Clear <b>CI</b> evidence & tests",
        "updated": record["judgements"]["K1"]["updated"],
    }
    assert record["package"]["signer"] == key.fingerprint
    assert package.read_bytes() == package_bytes
    assert sorted(p.name for p in package.parent.iterdir()) == ["ada.portfolio"]

    # the assessment record PDF
    out = tmp_path / "record.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out), ""))
    with qtbot.waitSignal(page.recordExported, timeout=LONG_WAIT):
        page.export_button.click()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert "K1 Evidenced Evidence: E001, E002" in text
    assert "Clear <b>CI</b> evidence & tests" in text

    # closing the review removes its private copy
    assert len(_review_folders() - folders_before) == 1
    with qtbot.waitSignal(review.closed, timeout=LONG_WAIT):
        review.close()
    assert _review_folders() == folders_before

    # opening the same package again brings the judgement back
    again = _open_for_review(qtbot, manager, window, package, monkeypatch)
    page = _assessment_page(qtbot, again)
    page.select("K1")
    assert page.buttons["evidenced"].isChecked()
    assert page.comment.toPlainText() == "Clear <b>CI</b> evidence & tests"


def test_a_package_failing_verification_is_refused_and_says_why(
    qtbot, manager, window: MainWindow, package: Path, tmp_path: Path, monkeypatch
) -> None:
    def tamper(content: dict[str, bytes]) -> dict[str, bytes]:
        document = bytearray(content["portfolio.json"])
        document[len(document) // 2] ^= 0x01
        return {**content, "portfolio.json": bytes(document)}

    bad = rewrite(package, tmp_path / "tampered.portfolio", tamper)
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *args: shown.append(text)
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(bad), ""))
    folders_before = _review_folders()
    _action(qtbot, window, "openPackageAction").trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=LONG_WAIT)
    assert shown == [
        "The package tampered.portfolio was refused: portfolio.json was changed after it was "
        "signed (its SHA-256 does not match the manifest)."
    ]
    assert len(manager.windows) == 1
    assert _review_folders() == folders_before


def test_opening_a_package_from_the_command_line_shows_it_for_review(
    qtbot, manager, package: Path
) -> None:
    assert manager.start(package)
    review = manager.windows[-1]
    qtbot.waitExposed(review)
    assert review.document.read_only
    assert review.banner.text().startswith("Read-only — signed by key ")
    assert _assessment_page(qtbot, review).model.rowCount() == 51


def test_export_package_from_the_file_menu(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "sent" / "mine.portfolio"
    out.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out.with_suffix("")), "")
    )
    _action(qtbot, window, "exportPackageAction").trigger()
    qtbot.waitUntil(lambda: window.findChild(PackageCopyDialog) is not None, timeout=LONG_WAIT)
    window.findChild(PackageCopyDialog).accept()  # the assessor's copy, the default
    qtbot.waitUntil(
        lambda: "signed by key" in window.statusBar().currentMessage(), timeout=LONG_WAIT
    )
    verified = verify_package(out)
    assert len(verified.document.items) == 2  # the assessor's copy leaves the draft out
    assert verified.fingerprint in window.statusBar().currentMessage()


def test_import_a_package_as_a_new_working_portfolio_from_the_file_menu(
    qtbot, manager, window: MainWindow, package: Path, tmp_path: Path, monkeypatch
) -> None:
    # an apprentice on a new computer: the package becomes a portfolio they can edit
    target = tmp_path / "new laptop" / "mine.sqlite3"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(package), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    _action(qtbot, window, "importPackageAction").trigger()
    qtbot.waitUntil(
        lambda: any(w.document.path == target for w in manager.windows), timeout=LONG_WAIT
    )
    opened = next(w for w in manager.windows if w.document.path == target)
    assert not opened.document.read_only
    assert [s.ref for s in opened.document.summaries(opened.document.item_ids())] == [
        "E001",
        "E002",
        "E003",
    ]
    opened.document.update_item("E001", title="Edited on the new laptop")
    assert opened.document.item_by_ref("E001").title == "Edited on the new laptop"


def test_importing_onto_an_existing_file_is_refused_and_changes_nothing(
    qtbot, window: MainWindow, package: Path, filled_path: Path, monkeypatch
) -> None:
    from app.ui.review import import_package_into

    said: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", lambda _parent, _title, text, *_a: said.append(text)
    )
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, _title, text, *_a: said.append(text)
    )
    before = filled_path.read_bytes()
    import_package_into(window, package, filled_path)
    qtbot.waitUntil(lambda: bool(said), timeout=LONG_WAIT)
    assert said == [
        f"{filled_path} already exists; give a new file name for the imported portfolio."
    ]
    assert filled_path.read_bytes() == before


def test_a_package_signed_by_another_key_than_before_is_flagged(
    qtbot,
    manager,
    window: MainWindow,
    filled_path: Path,
    package: Path,
    tmp_path: Path,
    monkeypatch,
) -> None:
    # trust on first use: the same apprentice's next package, signed by some other key
    first = _open_for_review(qtbot, manager, window, package, monkeypatch)
    assert "the first package seen here" in first.banner.text()
    again = _open_for_review(qtbot, manager, window, package, monkeypatch)
    assert "the key this apprentice has used before (first seen " in again.banner.text()

    other_key = signing.load_or_create_key(tmp_path / "someone-else.pem")
    forged = tmp_path / "inbox" / "ada-again.portfolio"
    db = open_portfolio(filled_path)
    try:
        export_package(db, forged, key=other_key, build_pdf=fake_pdf)
    finally:
        db.close()
    flagged = _open_for_review(qtbot, manager, window, forged, monkeypatch)
    text = flagged.banner.text()
    assert f"signed by key {grouped(other_key.fingerprint)}. Warning:" in text
    assert f"({signing.existing_key().fingerprint[:16]}…)" in text
    assert "check with them that this package is theirs" in text

    # the warning stays, every time, until the assessor accepts the key explicitly
    again_flagged = _open_for_review(qtbot, manager, window, forged, monkeypatch)
    assert "Warning:" in again_flagged.banner.text()
    asked: list[str] = []

    def confirm(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", confirm)
    _action(qtbot, again_flagged, "acceptSignerAction").trigger()
    assert other_key.fingerprint in asked[0]
    assert "the key this apprentice has used before" in again_flagged.banner.text()
    accepted = _open_for_review(qtbot, manager, window, forged, monkeypatch)
    assert "Warning:" not in accepted.banner.text()
    assert accepted.findChild(QAction, "acceptSignerAction") is None


def test_the_signing_key_fingerprint_is_shown_and_copyable_after_export_and_in_details(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtGui import QGuiApplication

    from app.ui.exported import ExportedDialog
    from app.ui.wizard import DetailsDialog

    out = tmp_path / "sent" / "mine.portfolio"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out), ""))
    _action(qtbot, window, "exportPackageAction").trigger()
    qtbot.waitUntil(lambda: window.findChild(PackageCopyDialog) is not None, timeout=LONG_WAIT)
    window.findChild(PackageCopyDialog).accept()
    qtbot.waitUntil(lambda: window.findChild(ExportedDialog) is not None, timeout=LONG_WAIT)
    notice = window.findChild(ExportedDialog)
    key = signing.existing_key()
    assert key is not None and notice.fingerprint is not None
    assert notice.fingerprint.label.text().replace(" ", "") == key.fingerprint
    notice.fingerprint.copy_button.click()
    assert QGuiApplication.clipboard().text() == key.fingerprint
    notice.reject()

    window.details_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(DetailsDialog) is not None)
    details = window.findChild(DetailsDialog)
    assert details.fingerprint.label.text().replace(" ", "") == key.fingerprint
    details.reject()


def test_the_assessor_reads_the_evidence_beside_the_judgement_at_1024_by_700(
    qtbot, manager, window: MainWindow, package: Path, monkeypatch
) -> None:
    from PySide6.QtCore import QUrl

    review = _open_for_review(qtbot, manager, window, package, monkeypatch)
    review.resize(1024, 700)
    page = _assessment_page(qtbot, review)
    review.show_page(page)
    page.select("K7")
    qtbot.waitUntil(lambda: page.table.isVisible() and page.current_code() == "K7")

    # beside the judgement: the claim's justification (none given here) and the rendered
    # reflections of both items; choosing KSBs never leaves the page
    shown = page.evidence_view.toPlainText()
    assert "E001 — CI pipeline for the payments API" not in shown  # E001 does not claim K7
    assert "E002 — Terraform modules for staging" in shown
    assert "How it shows K7: no justification given" in shown
    assert "Provisioned the staging VPC with reusable Terraform modules." in shown
    assert "Open E002 in the Evidence tab" in shown
    page.select("K1")
    assert "Built a GitHub Actions pipeline" in page.evidence_view.toPlainText()
    assert review.pages.currentWidget() is page

    # the columns: the competency's text keeps room for its words, no sideways scrolling
    table, header = page.table, page.table.horizontalHeader()
    text_column = JudgementModel.TEXT
    room = table.fontMetrics().horizontalAdvance("x" * 20)

    def widths() -> list[int]:
        return [header.sectionSize(c) for c in range(header.count())]

    qtbot.waitUntil(lambda: header.sectionSize(text_column) >= room)
    assert header.visualIndex(text_column) == 1  # read right after the KSB's code
    assert sum(widths()) <= table.viewport().width()
    before = widths()
    with qtbot.waitSignal(page.saved, timeout=LONG_WAIT):
        qtbot.keyClicks(page.comment, "A long comment " * 20)
    assert widths() == before
    assert header.sectionSize(text_column) >= room

    # an item's link opens it (and its attachments) in the Evidence tab, only when asked;
    # back on the page, the KSB is where the assessor left it
    page.evidence_view.anchorClicked.emit(QUrl("item:E001"))
    assert review.pages.currentWidget() is review.evidence_page
    model = review.evidence_page.model
    assert model.rowCount() == 1
    review.show_page(page)
    assert page.current_code() == "K1"
    assert page.comment.toPlainText().startswith("A long comment")
