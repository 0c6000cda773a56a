"""The Project page: the scope's live word count, weeks, mapping notes, the pack export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.ui.main_window import MainWindow


def page_of(qtbot, window: MainWindow):
    qtbot.waitUntil(lambda: hasattr(window, "project_page"))
    window.show_page(window.project_page)
    return window.project_page


def test_the_word_count_is_live_and_red_past_500(qtbot, window: MainWindow) -> None:
    page = page_of(qtbot, window)
    page.scope.setPlainText("one two three")
    assert page.words.text() == "3 of 500 words"
    assert "C62828" not in page.words.styleSheet()
    page.scope.setPlainText(" ".join(["word"] * 501))
    assert page.words.text() == "501 of 500 words (over the limit)"
    assert "C62828" in page.words.styleSheet()
    page.title.setText("Parcel tracker <v2>")
    with qtbot.waitSignal(page.store.changed):
        qtbot.mouseClick(page.save_scope_button, Qt.MouseButton.LeftButton)
    saved = page.store.current_project()
    assert (saved.title, saved.words, saved.over_limit) == ("Parcel tracker <v2>", 501, True)


def test_weeks_and_mapping_notes_are_saved_and_shown(qtbot, window: MainWindow) -> None:
    page = page_of(qtbot, window)
    page.week.setValue(3)
    page.week_plan.setText("Terraform the staging estate")
    page.week_log.setText("Modules & <b>state</b> locking")
    page.week_hours.setValue(14)
    with qtbot.waitSignal(page.store.changed):
        page.save_week_button.click()
    model = page.weeks_model
    assert [model.index(0, c).data() for c in range(4)] == [
        3,
        "Terraform the staging estate",
        "Modules & <b>state</b> locking",
        "14 h",
    ]
    mapping = page.mapping_model
    row = next(n for n, r in enumerate(mapping.rows) if r.ksb == "K1")
    assert mapping.index(row, 3).data() == "E001, E002"  # the ready items tagged K1
    page.mapping.selectRow(row)
    page.note.setText("Shown live in the practical assessment")
    with qtbot.waitSignal(page.store.changed):
        page.save_note_button.click()
    qtbot.waitUntil(
        lambda: mapping.index(row, 4).data() == "Shown live in the practical assessment"
    )


def test_the_submission_pack_is_exported_off_the_gui_thread(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    page = page_of(qtbot, window)
    out = tmp_path / "pack.pdf"

    def choose(*_args: object, **_kwargs: object) -> tuple[str, str]:
        return str(out), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    page.pack_button.click()
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=60_000)
    assert out.read_bytes().startswith(b"%PDF")
