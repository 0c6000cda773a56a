"""The main window driven as an apprentice would: add, type, tag, look at coverage, undo, search."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from app.services.evidence import ItemFilter
from app.ui.evidence_model import COL_REF, COL_TITLE
from app.ui.main_window import MainWindow

LONG_WAIT = 5000  # ms: generous for a loaded machine; the waits end as soon as the state is right


def refs_shown(window: MainWindow) -> list[str]:
    model = window.evidence_page.model
    return [model.data(model.index(row, COL_REF)) for row in range(model.rowCount())]


def select(window: MainWindow, ref: str) -> None:
    item = window.document.item_by_ref(ref)
    assert window.evidence_page.select_item(item.id)
    assert window.evidence_page.editor.current_item().ref == ref


def cell_count(window: MainWindow, group: str, code: str) -> int | None:
    data = window.coverage_page.data()
    assert data is not None
    row = [g.code for g in data.rows].index(group)
    column = [c.code for c in data.columns].index(code)
    return data.count(row, column)


def test_a_long_reflection_is_previewed_without_blocking_and_never_on_the_wrong_item(
    qtbot, window: MainWindow
) -> None:
    from app.ui.editor import PREVIEW_IN_BACKGROUND_CHARS

    editor = window.evidence_page.editor
    select(window, "E001")
    long_text = "## Runbook\n\n" + "Rolled **back** the release safely. " * (
        PREVIEW_IN_BACKGROUND_CHARS // 30
    )
    editor.body.setPlainText(long_text)
    editor.render_preview()  # rendered off the GUI thread: shown when done
    qtbot.waitUntil(lambda: "Runbook" in editor.preview.toPlainText(), timeout=LONG_WAIT)
    assert "**" not in editor.preview.toPlainText()
    # a render still running when the user moves on never lands on the next item
    editor.body.setPlainText(long_text.replace("Runbook", "Stale"))
    editor.render_preview()
    stale = editor._preview_task
    select(window, "E002")
    # wait for that render to finish and deliver its result (no fixed delay)
    qtbot.waitUntil(stale.is_finished, timeout=LONG_WAIT)
    assert "Stale" not in editor.preview.toPlainText()
    assert window.document.item_by_ref("E002").title in editor.title.text()


def test_the_window_names_the_portfolio_and_lists_its_items(window: MainWindow) -> None:
    assert window.windowTitle() == "Ada Lovelace — filled.sqlite3 — Apprentice Portfolio"
    assert refs_shown(window) == ["E001", "E002", "E003"]
    assert window.evidence_page.filter_bar.count.text() == "3 items"
    assert window.coverage_page.summary.text().startswith("3 of 51 competencies meet the target")


def test_add_an_item_and_type_a_reflection_that_saves_itself(qtbot, window: MainWindow) -> None:
    window.new_item_action.trigger()
    editor = window.evidence_page.editor
    item = editor.current_item()
    assert item is not None and item.ref == "E004"
    assert editor.title.hasFocus() or editor.title.selectedText() == "New evidence item"
    editor.title.selectAll()
    qtbot.keyClicks(editor.title, "Canary releases with Argo Rollouts")
    qtbot.keyClicks(
        editor.body, "Set up **canary** releases; rolled back a bad build in 2 minutes."
    )
    # saved about a second after typing stops, without pressing anything
    qtbot.waitUntil(
        lambda: window.document.item_by_ref("E004").body.startswith("Set up **canary**"),
        timeout=LONG_WAIT,
    )
    assert window.document.item_by_ref("E004").title == "Canary releases with Argo Rollouts"
    qtbot.waitUntil(lambda: "canary" in editor.preview.toPlainText(), timeout=LONG_WAIT)
    assert "**" not in editor.preview.toPlainText()  # rendered, not raw
    assert window.save_state.text() == "All changes saved"
    model = window.evidence_page.model
    assert model.data(model.index(3, COL_TITLE)) == "Canary releases with Argo Rollouts"


def test_closing_the_window_saves_what_was_just_typed(qtbot, manager, filled_path: Path) -> None:
    window = manager.open_path(filled_path)
    select(window, "E002")
    body = window.evidence_page.editor.body
    qtbot.keyClick(body, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(body, " Reviewed by the platform team.")
    window.close()  # before the autosave delay has passed
    again = manager.open_path(filled_path)
    assert again.document.item_by_ref("E002").body.endswith("Reviewed by the platform team.")


def test_tag_see_the_heatmap_click_the_cell_and_undo(qtbot, window: MainWindow) -> None:
    assert cell_count(window, "D5", "K7") == 1  # E002 only
    select(window, "E001")
    picker = window.evidence_page.editor.tags
    row = picker.row("K7")
    row.check.click()  # tick K7 on E001
    qtbot.waitUntil(lambda: cell_count(window, "D5", "K7") == 2, timeout=LONG_WAIT)
    assert "K7" in window.document.item_by_ref("E001").ksbs
    assert row.justification.isVisible() or not picker.isVisible()

    # click the cell: the list shows exactly the two items it counts
    window.pages.setCurrentWidget(window.coverage_page)
    grid = window.coverage_page.grid
    data = grid.data()
    cell = grid.cell_rect(
        [g.code for g in data.rows].index("D5"), [c.code for c in data.columns].index("K7")
    )
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=cell.center())
    assert window.pages.currentWidget() is window.evidence_page
    assert refs_shown(window) == ["E001", "E002"]
    bar = window.evidence_page.filter_bar
    assert bar.current_filter() == ItemFilter(ksb="K7", duty="D5", status="ready")
    assert bar.ksb.currentText().startswith("K7") and bar.duty.currentText().startswith("D5")

    # undo the tag
    assert window.undo_action.text() == "&Undo tag E001 with K7"
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: cell_count(window, "D5", "K7") == 1, timeout=LONG_WAIT)
    assert "K7" not in window.document.item_by_ref("E001").ksbs
    assert not row.check.isChecked()
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: cell_count(window, "D5", "K7") == 2, timeout=LONG_WAIT)


def test_a_justification_is_saved_and_undone_as_one_step(qtbot, window: MainWindow) -> None:
    select(window, "E002")
    row = window.evidence_page.editor.tags.row("K7")
    row.justification.clear()
    qtbot.keyClicks(row.justification, "Wrote reusable Terraform modules")
    qtbot.waitUntil(
        lambda: (
            window.document.item_by_ref("E002").justifications.get("K7")
            == "Wrote reusable Terraform modules"
        ),
        timeout=LONG_WAIT,
    )
    window.undo_action.trigger()
    assert window.document.item_by_ref("E002").justifications["K7"] == ""
    assert row.justification.text() == ""


def test_marking_an_item_ready_counts_it(qtbot, window: MainWindow) -> None:
    assert cell_count(window, "D10", "K11") == 0
    select(window, "E003")
    status = window.evidence_page.editor.status
    status.setCurrentIndex(status.findData("ready"))
    qtbot.waitUntil(lambda: cell_count(window, "D10", "K11") == 1, timeout=LONG_WAIT)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: cell_count(window, "D10", "K11") == 0, timeout=LONG_WAIT)
    assert status.currentData() == "draft"


def test_undo_with_ctrl_z_in_the_reflection_undoes_the_typing(qtbot, window: MainWindow) -> None:
    select(window, "E001")
    body = window.evidence_page.editor.body
    original = body.toPlainText()
    body.setFocus()
    qtbot.keyClicks(body, " Extra sentence.")
    window.undo()  # what Ctrl+Z does: save what was typed, then undo it
    assert body.toPlainText() == original
    assert window.document.item_by_ref("E001").body == original
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)


def test_search_as_you_type(qtbot, window: MainWindow) -> None:
    qtbot.keyClicks(window.evidence_page.filter_bar.search, "terraf")
    qtbot.waitUntil(lambda: refs_shown(window) == ["E002"], timeout=LONG_WAIT)
    assert window.evidence_page.filter_bar.count.text() == "1 of 3 items"
    window.evidence_page.filter_bar.clear_button.click()
    assert refs_shown(window) == ["E001", "E002", "E003"]


def test_the_heatmap_works_from_the_keyboard(qtbot, window: MainWindow) -> None:
    window.pages.setCurrentWidget(window.coverage_page)
    grid = window.coverage_page.grid
    data = grid.data()
    grid.set_current([g.code for g in data.rows].index("D5"), 0)  # D5 × K1
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert refs_shown(window) == ["E001", "E002"]
    assert "D5 × K1: 2 items" in grid.accessibleDescription()


def test_clicking_a_ksb_header_lists_its_items(qtbot, window: MainWindow) -> None:
    window.pages.setCurrentWidget(window.coverage_page)
    grid = window.coverage_page.grid
    column = [c.code for c in grid.data().columns].index("S14")
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.header_rect(column).center())
    assert refs_shown(window) == ["E001"]


def test_the_target_changes_what_counts_as_a_gap(qtbot, window: MainWindow) -> None:
    page = window.coverage_page
    gaps = page.gaps
    assert gaps.count() == 48
    page.target.setValue(2)
    assert gaps.count() == 50  # only K1 (two items) still meets it
    assert page.summary.text().startswith("1 of 51")


def test_switch_framework_view(qtbot, window: MainWindow) -> None:
    select(window, "E001")
    window.set_framework("TECIT50761")
    assert window.coverage_page.data().framework.key == "TECIT50761"
    picker = window.evidence_page.editor.tags
    assert "TECIT50761:P1" in picker.rows()
    picker.row("TECIT50761:P1").check.click()
    qtbot.waitUntil(lambda: window.coverage_page.data().totals[0].count == 1, timeout=LONG_WAIT)
    assert window.evidence_page.filter_bar.ksb.findData("TECIT50761:P1") > 0
    window.set_framework("ST0825")
    assert "K1" in picker.rows()


def test_suggest_the_ksbs_linked_to_a_duty(qtbot, window: MainWindow) -> None:
    select(window, "E003")
    window.pages.setCurrentWidget(window.evidence_page)
    editor = window.evidence_page.editor
    editor.tabs.setCurrentWidget(editor.tags)
    picker = editor.tags
    d10 = picker.row("D10")
    assert d10.suggest is not None and d10.suggest.isVisible()
    d10.suggest.click()
    shown = {code for code, row in picker.rows().items() if row.isVisible()}
    linked = set(window.document.framework().groups[9].competency_codes)
    assert shown == linked | {"D10"}
    assert picker.suggestion.isVisible()
    picker.show_all.click()
    assert all(row.isVisible() for row in picker.rows().values())


def test_an_empty_title_is_refused_in_words_and_the_old_one_kept(qtbot, window: MainWindow) -> None:
    select(window, "E001")
    editor = window.evidence_page.editor
    editor.title.selectAll()
    qtbot.keyClick(editor.title, Qt.Key.Key_Delete)
    editor.save()
    assert editor.title_error.isVisible()
    assert "title is empty" in editor.title_error.text()
    assert window.document.item_by_ref("E001").title == "CI pipeline for the payments API"


def test_attach_an_image_see_its_thumbnail_remove_and_undo(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    png = tmp_path / "pipeline.png"
    assert image.save(str(png))
    select(window, "E001")
    panel = window.evidence_page.editor.attachments
    panel.attach_paths([png])
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=LONG_WAIT)
    entry = panel.list.item(0)
    assert entry.text().startswith("pipeline.png")
    assert not entry.icon().isNull()
    assert window.document.item_by_ref("E001").attachments[0].name == "pipeline.png"
    entry.setSelected(True)
    panel.remove_button.click()
    assert panel.list.count() == 0
    window.undo_action.trigger()
    assert [a.name for a in window.document.item_by_ref("E001").attachments] == ["pipeline.png"]


def test_an_unreadable_attachment_is_a_message_and_changes_nothing(
    qtbot, monkeypatch, window: MainWindow, tmp_path: Path
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    select(window, "E001")
    window.evidence_page.editor.attachments.attach_paths([tmp_path / "missing.log"])
    qtbot.waitUntil(lambda: shown != [], timeout=LONG_WAIT)
    assert "does not exist" in shown[0]
    assert window.document.item_by_ref("E001").attachments == ()


def test_extensions_can_add_pages_and_menu_entries(qtbot, window: MainWindow) -> None:
    from PySide6.QtGui import QAction

    index = window.add_page("Progress", QLabel("weekly hours"))
    assert window.pages.tabText(index) == "Progress"
    show = [a for a in window.view_menu.actions() if a.text() == "Show Progress"]
    assert show and show[0].shortcut() == QKeySequence("Ctrl+3")
    export = QAction("Export PDF…", window)
    window.add_file_action(export)
    texts = [a.text() for a in window.file_menu.actions()]
    assert texts.index("Export PDF…") < texts.index("&Close Window")


def test_every_control_has_an_accessible_name_and_menus_show_shortcuts(window: MainWindow) -> None:
    controls = (
        QLineEdit, QPlainTextEdit, QTextBrowser, QComboBox, QAbstractSpinBox, QAbstractItemView,
        QListWidget,
    )  # fmt: skip

    def is_part_of_another_control(w: QWidget) -> bool:
        # the line edit inside a combo box or spin box, a combo's popup list, a calendar
        return (
            isinstance(w.parent(), (QComboBox, QAbstractSpinBox))
            or any(isinstance(p, QComboBox) for p in ancestors(w))
            or isinstance(w, QHeaderView)
            or type(w).__name__ == "QCalendarView"
        )

    unnamed = [
        f"{type(w).__name__} in {type(w.parent()).__name__}"
        for w in window.findChildren(QWidget)
        if isinstance(w, controls)
        and w.isVisibleTo(window)
        and not w.accessibleName()
        and not is_part_of_another_control(w)
    ]
    assert unnamed == []
    assert window.coverage_page.grid.accessibleName() == "Coverage heatmap"
    for action in (window.new_item_action, window.undo_action, window.find_action):
        assert not action.shortcut().isEmpty()
    buttons = [b for b in window.findChildren(QPushButton) if b.isVisibleTo(window)]
    assert all(b.text() or b.accessibleName() for b in buttons)


def ancestors(widget: QWidget) -> list[QWidget]:
    found = []
    parent = widget.parentWidget()
    while parent is not None:
        found.append(parent)
        parent = parent.parentWidget()
    return found


def test_ctrl_z_typed_in_the_reflection_reaches_the_window_undo(qtbot, window: MainWindow) -> None:
    select(window, "E003")
    window.activateWindow()
    qtbot.waitActive(window)
    body = window.evidence_page.editor.body
    before = body.toPlainText()
    body.setFocus()
    qtbot.keyClick(body, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(body, " More.")
    qtbot.keyClick(body, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: body.toPlainText() == before, timeout=LONG_WAIT)
    assert window.document.item_by_ref("E003").body == before


def test_drop_files_on_the_attachments(qtbot, window: MainWindow, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    log = tmp_path / "deploy.log"
    log.write_text("2026-02-03 12:00 deployed v1.4.2\n", encoding="utf-8")
    select(window, "E002")
    panel = window.evidence_page.editor.attachments
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(log))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.dropEvent(drop)
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=LONG_WAIT)
    assert window.document.item_by_ref("E002").attachments[0].name == "deploy.log"


def test_open_an_attachment_hands_a_copy_to_the_system(
    qtbot, monkeypatch, window: MainWindow, tmp_path: Path
) -> None:
    from PySide6.QtGui import QDesktopServices

    from app.services.attachments import FileData

    opened: list[Path] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(Path(url.toLocalFile())) or True
    )
    window.document.attach("E001", FileData("../../etc/plan <1>.txt", b"plan: 3 to add"))
    select(window, "E001")
    panel = window.evidence_page.editor.attachments
    panel.list.item(0).setSelected(True)
    panel.open_button.click()
    (path,) = opened
    assert path.read_bytes() == b"plan: 3 to add"
    assert path.name == "plan _1_.txt"  # no folders, no odd characters
    window.close()
    assert not path.exists()  # the copies go when the window closes


def test_search_inside_the_tag_picker(qtbot, window: MainWindow) -> None:
    select(window, "E001")
    editor = window.evidence_page.editor
    editor.tabs.setCurrentWidget(editor.tags)
    picker = editor.tags
    qtbot.keyClicks(picker.search, "threat modelling")
    shown = {code for code, row in picker.rows().items() if row.isVisible()}
    assert shown == {"K5", "S9"}


def test_hovering_a_cell_explains_it(qtbot, window: MainWindow) -> None:
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    window.pages.setCurrentWidget(window.coverage_page)
    grid = window.coverage_page.grid
    data = grid.data()
    rect = grid.cell_rect([g.code for g in data.rows].index("D5"), 0)
    event = QHelpEvent(QHelpEvent.Type.ToolTip, rect.center(), grid.mapToGlobal(rect.center()))
    assert grid.event(event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=LONG_WAIT)
    text = QToolTip.text()
    assert "D5 × K1: 2 items." in text
    assert "Continuous Integration" in text and "Build and operate" in text


def test_the_framework_menu_and_the_toolbar_agree(qtbot, window: MainWindow) -> None:
    ddat = next(a for a in window.framework_group.actions() if a.data() == "DDAT-DEVOPS")
    ddat.trigger()
    assert window.framework_combo.currentData() == "DDAT-DEVOPS"
    assert window.coverage_page.heading.text().startswith("Coverage of DDAT-DEVOPS")
    assert window.evidence_page.filter_bar.duty.itemText(1).startswith("L1 — Apprentice")
    window.framework_combo.setCurrentIndex(window.framework_combo.findData("ST0825"))
    window.framework_combo.activated.emit(window.framework_combo.currentIndex())
    assert next(a for a in window.framework_group.actions() if a.isChecked()).data() == "ST0825"


def test_dark_appearance_darkens_the_window(qtbot, window: MainWindow) -> None:
    from PySide6.QtGui import QPalette

    from app.ui.theme import set_appearance

    try:
        set_appearance("dark")
        qtbot.waitUntil(lambda: window.palette().color(QPalette.ColorRole.Window).lightness() < 80)
        window.coverage_page.grid.repaint()  # paints with the dark palette without error
    finally:
        set_appearance("light")
    qtbot.waitUntil(lambda: window.palette().color(QPalette.ColorRole.Window).lightness() > 180)


def test_edit_the_portfolio_details_later(qtbot, window: MainWindow) -> None:
    from app.ui.wizard import DetailsDialog

    window.details_action.trigger()
    dialog = window.findChild(DetailsDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.uln.text() == "1234567899"
    dialog.uln.setText("123")
    dialog.save()
    assert dialog.error.isVisible() and "10 digits" in dialog.error.text()
    dialog.uln.setText("2468013572")
    dialog.name.setText("Ada King")
    dialog.save()
    assert not dialog.isVisible()
    assert window.document.info().uln == "2468013572"
    assert window.windowTitle().startswith("Ada King — filled.sqlite3")


def test_the_status_bar_shows_coverage(qtbot, window: MainWindow) -> None:
    assert window.coverage_state.text() == "ST0825: 3/51 met"


def test_the_count_follows_additions_while_filtered(qtbot, window: MainWindow) -> None:
    bar = window.evidence_page.filter_bar
    bar.set_filter(ItemFilter(status="ready"))
    assert bar.count.text() == "2 of 3 items"
    window.document.add_item("Another one")
    assert bar.count.text() == "2 of 4 items"


def test_about_carries_the_crown_copyright_attribution(qtbot, monkeypatch, window) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.about_action.trigger()
    (text,) = shown
    assert "Open Government Licence" in text and "ST0825" in text


def test_help_lists_every_shortcut(qtbot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QDialog, QTableWidget

    window.shortcuts_action.trigger()
    dialog = next(d for d in window.findChildren(QDialog) if d.isVisible())
    table = dialog.findChild(QTableWidget)
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows["Edit ▸ New Evidence Item"] == QKeySequence(QKeySequence.StandardKey.New).toString(
        QKeySequence.SequenceFormat.NativeText
    )
    assert "View ▸ Show Coverage" in rows
