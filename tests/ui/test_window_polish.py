"""The main window's everyday details: a toolbar that keeps its shape, delete feedback,
shortcuts shown in full, and a window that fits its screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QTableWidget, QToolButton

from app.ui.main_window import MainWindow
from tests.ui.test_window import select


def _button(window: MainWindow, action: object) -> QToolButton:
    widget = window.toolbar.widgetForAction(action)  # type: ignore[arg-type]
    assert isinstance(widget, QToolButton)
    return widget


def test_undo_and_redo_keep_their_width_and_say_the_step_in_the_tooltip(
    qtbot, window: MainWindow
) -> None:
    select(window, "E001")
    undo = _button(window, window.undo_action)
    redo = _button(window, window.redo_action)
    widths = (undo.sizeHint().width(), redo.sizeHint().width())
    combo_x = window.framework_combo.mapTo(window, window.framework_combo.rect().topLeft()).x()
    editor = window.evidence_page.editor
    editor.title.setText("A much longer title that would have pushed the toolbar to overflow")
    editor.title.textEdited.emit(editor.title.text())
    editor.flush()
    window.undo_action.trigger()  # now there is a redo too
    assert window.undo_action.isEnabled() or window.redo_action.isEnabled()
    assert (undo.sizeHint().width(), redo.sizeHint().width()) == widths
    assert undo.text() == "Undo" and redo.text() == "Redo"
    assert window.redo_action.toolTip().startswith("Redo edit")
    assert window.redo_action.toolTip().endswith(
        "(" + window.redo_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) + ")"
    )
    assert window.undo_action.text().startswith("&Undo")  # the menu still names the step
    now_x = window.framework_combo.mapTo(window, window.framework_combo.rect().topLeft()).x()
    assert now_x == combo_x


def test_delete_says_what_was_deleted_and_is_off_with_nothing_selected(
    qtbot, window: MainWindow
) -> None:
    select(window, "E002")
    window.delete_item_action.trigger()
    assert window.statusBar().currentMessage() == "E002 deleted — Undo (Ctrl+Z)"
    table = window.evidence_page.table
    table.selectionModel().clearSelection()
    table.selectionModel().setCurrentIndex(
        table.model().index(-1, -1), QItemSelectionModel.SelectionFlag.Clear
    )
    assert not window.delete_item_action.isEnabled()
    # a search matching nothing leaves nothing to delete
    select(window, "E001")
    assert window.delete_item_action.isEnabled()
    window.evidence_page.filter_bar.search.setText("no item has this text")
    qtbot.waitUntil(lambda: window.evidence_page.model.rowCount() == 0)
    assert not window.delete_item_action.isEnabled()


def test_preferences_shows_a_real_shortcut_in_the_edit_menu(window: MainWindow) -> None:
    keys = window.preferences_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    assert keys == "Ctrl+,"


def test_the_shortcuts_dialog_shows_every_shortcut_without_scrolling(
    qtbot, window: MainWindow
) -> None:
    window.shortcuts_action.trigger()
    dialog = next(
        w for w in window.findChildren(QTableWidget) if w.accessibleName() == "Keyboard shortcuts"
    )
    qtbot.waitExposed(dialog)
    assert not dialog.horizontalScrollBar().isVisible()
    header = dialog.horizontalHeader()
    right = header.sectionViewportPosition(1) + header.sectionSize(1)
    assert right <= dialog.viewport().width()
    shortcuts = {dialog.item(r, 1).text() for r in range(dialog.rowCount())}
    assert {"Ctrl+,", "F1", "Ctrl+Z"} <= shortcuts
    widest = max(
        dialog.fontMetrics().horizontalAdvance(dialog.item(r, 1).text())
        for r in range(dialog.rowCount())
    )
    assert header.sectionSize(1) >= widest
    # reading the menus for the dialog leaves them working: a page can still be added
    import gc

    from PySide6.QtWidgets import QWidget

    gc.collect()
    index = window.add_page("Extra", QWidget())
    assert window.pages.tabText(index) == "Extra"


def test_the_window_fits_a_small_screen(window: MainWindow) -> None:
    screen = window.screen().availableGeometry()
    assert window.minimumSizeHint().width() <= 910  # 1366 px at 150 %
    assert window.minimumSizeHint().height() <= 512
    assert window.width() <= screen.width() and window.height() <= screen.height()


def test_the_suggestion_count_updates_as_competencies_are_ticked(qtbot, window: MainWindow) -> None:
    import re

    select(window, "E001")
    editor = window.evidence_page.editor
    editor.tabs.setCurrentWidget(editor.tags)
    picker = editor.tags
    picker.suggest_for("D5")

    def untagged() -> int:
        found = re.search(r"\((\d+) not tagged yet\)", picker.suggestion_label.text())
        assert found, picker.suggestion_label.text()
        return int(found.group(1))

    before = untagged()
    code = next(
        c
        for c in sorted(picker.suggested_codes() or ())
        if c != "D5" and not picker.row(c).check.isChecked()
    )
    picker.row(code).check.click()
    assert untagged() == before - 1
    window.undo_action.trigger()
    assert untagged() == before


def test_errors_in_the_app_carry_no_command_line_wording(qtbot, monkeypatch, window) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.errors import InvalidInputError

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    window.show_error(
        InvalidInputError("ST0825 has no competency K99; see 'portfolio frameworks show ST0825'.")
    )
    assert shown == ["ST0825 has no competency K99."]


def test_a_command_in_a_message_becomes_its_place_in_the_app_or_goes() -> None:
    from app.ui.errors import without_command_hints

    assert without_command_hints(
        "The ratings file needs a first line naming its columns, with at least code and "
        "rating; 'portfolio scan template FILE.csv' writes one to fill in."
    ) == ("The ratings file needs a first line naming its columns, with at least code and rating.")
    assert without_command_hints(
        "No git identity is set: add the email address you commit with, e.g. "
        "'portfolio git identity add you@example.com' (or give --author)."
    ) == (
        "No git identity is set: add the email address you commit with (Identities… in "
        "Import from Git Repository)."
    )
    assert without_command_hints(
        "ST0825 version 2.0 is not installed; save its JSON from the Skills England API and "
        "import it with 'portfolio frameworks import FILE.json'."
    ).endswith("import it with the Import standard… button of File ▸ New Portfolio.")
    kept = "Name at least one candidate id from 'portfolio git scan'."
    assert without_command_hints(kept) == kept  # never reduced to nothing


def test_one_icon_set_recoloured_when_the_appearance_changes(qtbot, window: MainWindow) -> None:
    from PySide6.QtGui import QImage

    from app.ui.theme import current_appearance, set_appearance

    def ink(action: object) -> int:
        image: QImage = action.icon().pixmap(32, 32).toImage()  # type: ignore[attr-defined]
        dark = [
            image.pixelColor(x, y)
            for x in range(32)
            for y in range(32)
            if image.pixelColor(x, y).alpha() > 200
        ]
        assert dark, "the icon draws something"
        return sum(c.lightness() for c in dark) // len(dark)

    for action in (window.new_item_action, window.delete_item_action, window.undo_action):
        assert not action.icon().isNull()
    assert not window.pages.tabIcon(0).isNull()  # the pages have icons too
    before = current_appearance()
    try:
        set_appearance("light")
        light = ink(window.new_item_action)
        set_appearance("dark")
        qtbot.waitUntil(lambda: ink(window.new_item_action) != light)
        assert ink(window.new_item_action) > light  # light ink on the dark theme
    finally:
        set_appearance(before)


def test_a_duty_with_one_linked_ksb_says_so_in_the_singular(qtbot) -> None:
    from app.ui.tag_picker import TagRow

    one = TagRow("D1", "D1", "A duty", None, is_group=True, linked=1)
    many = TagRow("D2", "D2", "Another duty", None, is_group=True, linked=14)
    qtbot.addWidget(one)
    qtbot.addWidget(many)
    assert one.suggest is not None and one.suggest.text() == "Suggest its linked KSB"
    assert many.suggest is not None and many.suggest.text() == "Suggest its 14 linked KSBs"


def test_the_suggestion_says_when_every_linked_ksb_is_tagged(qtbot, window: MainWindow) -> None:
    select(window, "E001")
    editor = window.evidence_page.editor
    editor.tabs.setCurrentWidget(editor.tags)
    picker = editor.tags
    picker.suggest_for("D5")
    for code in sorted(picker.suggested_codes() or ()):
        if code != "D5" and not picker.row(code).check.isChecked():
            picker.row(code).check.click()
    assert picker.suggestion_label.text().startswith("D5 is linked to ")
    assert picker.suggestion_label.text().endswith("competencies, all tagged on this item.")
    window.undo_action.trigger()
    assert "(1 not tagged yet)" in picker.suggestion_label.text()


@pytest.mark.parametrize("records", [False, True], ids=["items-only", "overdue-review-notice"])
def test_with_every_page_in_the_window_still_fits_a_laptop_at_150_percent(
    qtbot, manager, filled_path, records: bool
) -> None:
    from PySide6.QtCore import QCoreApplication

    if records:  # a year of programme records, the last review long overdue: the notice shows
        from app.models.db import open_portfolio
        from tests.progress_sample import fill

        db = open_portfolio(filled_path)
        fill(db)
        db.close()
    # 1366 x 768 at 150 % is 910 x 512 to the app; the title bar takes 40 of that
    with qtbot.waitSignal(manager.extensions_installed, timeout=30_000):
        window = manager.open_path(filled_path)
    assert window.progress_pages.notice.isVisibleTo(window) == records
    QCoreApplication.sendPostedEvents()  # the pages' layouts are in
    window.layout().activate()
    needed = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert needed.width() <= 910 - 16 and needed.height() <= 512 - 40, needed


def test_an_unticked_box_shows_on_the_dark_palette(qtbot) -> None:
    from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton

    from app.ui.theme import app_style, dark_palette

    box = QCheckBox("E002")
    style = app_style()
    box.setStyle(style)
    box.setPalette(dark_palette())
    qtbot.addWidget(box)
    box.resize(box.sizeHint())
    option = QStyleOptionButton()
    box.initStyleOption(option)
    area = style.subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    image = box.grab().toImage()
    background = dark_palette().color(box.backgroundRole()).lightness()
    lightest = max(
        image.pixelColor(x, y).lightness()
        for x in range(area.left(), area.right() + 1)
        for y in range(area.top(), area.bottom() + 1)
    )
    assert lightest - background >= 40  # its outline stands out (Fusion's own: darker)
