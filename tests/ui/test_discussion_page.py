"""The Discussion page: a theme's criteria and items, STAR notes saved, the prep sheet."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from app.ui.main_window import MainWindow


def page_of(qtbot, window: MainWindow):
    qtbot.waitUntil(lambda: hasattr(window, "discussion_page"))
    window.show_page(window.discussion_page)
    return window.discussion_page


def test_a_themes_notes_are_saved_and_shown_again(qtbot, window: MainWindow) -> None:
    page = page_of(qtbot, window)
    assert page.list.count() == 8
    page.list.setCurrentRow(2)
    assert "PD3.D1 [Distinction]" in page.overview.toPlainText()
    page.fields["situation"].setPlainText("An outage <b>at 2am</b>")
    page.fields["result"].setPlainText("Alerts added")
    with qtbot.waitSignal(page.store.changed):
        page.save_button.click()
    page.list.setCurrentRow(0)
    assert page.fields["situation"].toPlainText() == ""
    page.list.setCurrentRow(2)
    assert page.fields["situation"].toPlainText() == "An outage <b>at 2am</b>"
    assert page.fields["result"].toPlainText() == "Alerts added"


def test_the_prep_sheet_is_exported(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    page = page_of(qtbot, window)
    out = tmp_path / "prep.pdf"

    def choose(*_args: object, **_kwargs: object) -> tuple[str, str]:
        return str(out), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    page.sheet_button.click()
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=60_000)
    assert "(8 pages)" in window.statusBar().currentMessage()


def test_a_long_theme_name_wraps_in_the_list_at_1024_px(qtbot, window: MainWindow) -> None:
    window.resize(1024, 700)
    page = page_of(qtbot, window)
    qtbot.waitUntil(lambda: page.list.viewport().width() > 0)
    longest = max(range(page.list.count()), key=lambda r: len(page.list.item(r).text()))
    item = page.list.item(longest)
    assert item.text() == "PD8 Communicating and Knowledge Sharing"
    # read whole (on two lines), with nothing hidden behind a sideways scrollbar
    assert not page.list.horizontalScrollBar().isVisible()
    shown = page.list.visualItemRect(item)
    assert shown.right() <= page.list.viewport().width()
    assert item.toolTip() == item.text()
