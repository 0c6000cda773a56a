"""Read-only mode (the assessor's review): everything visible, nothing changeable."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtWidgets import QLineEdit

from app.ui.main_window import MainWindow

BANNER = "Read-only — signed by key 3F2A 91C0 … verified"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_read_only(qtbot, manager, path: Path) -> MainWindow:
    window = manager.open_path(path, read_only=True, banner=BANNER)
    assert window is not None
    qtbot.waitExposed(window)
    return window


def test_the_banner_and_title_say_read_only(qtbot, manager, filled_path: Path) -> None:
    window = open_read_only(qtbot, manager, filled_path)
    assert window.banner.isVisible() and window.banner.text() == BANNER
    assert window.windowTitle().endswith("(read-only) — Apprentice Portfolio")
    assert window.save_state.text() == "Read-only"


def test_every_editing_action_and_field_is_disabled(qtbot, manager, filled_path: Path) -> None:
    before = digest(filled_path)
    window = open_read_only(qtbot, manager, filled_path)
    for action in (
        window.new_item_action,
        window.delete_item_action,
        window.attach_action,
        window.undo_action,
        window.redo_action,
    ):
        assert not action.isEnabled(), action.text()
    item = window.document.item_by_ref("E001")
    window.evidence_page.select_item(item.id)
    editor = window.evidence_page.editor
    assert editor.title.isReadOnly() and editor.body.isReadOnly() and editor.date.isReadOnly()
    # and they read as text: no field frame, no calendar button inviting a change
    assert not editor.title.hasFrame() and not editor.date.hasFrame()
    assert not editor.date.calendarPopup()
    assert not editor.status.isEnabled()
    picker = editor.tags
    assert picker.only_ticked.isChecked()  # an assessor sees what is claimed
    visible = {code for code, row in picker.rows().items() if not row.isHidden()}
    assert visible == {"D5", "K1", "S14"}
    assert not any(row.check.isEnabled() for row in picker.rows().values())
    assert all(e.isReadOnly() for e in picker.findChildren(QLineEdit) if e is not picker.search)
    assert picker.row("K1").justification.text() == "Frequent merging with automated tests"
    assert not editor.attachments.add_button.isEnabled()
    # trying anyway changes nothing
    window.new_item()
    window.undo()
    editor.save()
    window.close()
    assert digest(filled_path) == before


def test_a_read_only_window_still_searches_and_drills_down(
    qtbot, manager, filled_path: Path
) -> None:
    window = open_read_only(qtbot, manager, filled_path)
    qtbot.keyClicks(window.evidence_page.filter_bar.search, "incident")
    qtbot.waitUntil(lambda: window.evidence_page.model.rowCount() == 1)
    data = window.coverage_page.data()
    column = [c.code for c in data.columns].index("K1")
    window.coverage_page.grid.columnActivated.emit(column)
    assert window.evidence_page.model.rowCount() == 2


def test_closing_tells_the_caller(qtbot, manager, filled_path: Path) -> None:
    window = open_read_only(qtbot, manager, filled_path)
    with qtbot.waitSignal(window.closed):
        window.close()
    assert manager.windows == []
