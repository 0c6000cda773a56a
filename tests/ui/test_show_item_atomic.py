"""Showing an item is all or nothing: no panel keeps the previous item, so a tick tags the
item on screen, even one whose reflection nests thousands of levels deep."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.models.db import open_portfolio
from app.services import evidence
from app.ui.main_window import MainWindow

BOMBS = ["- " * 166 + "x", ">" * 5000, "> - " * 300 + "x", "*" * 5000 + "x" + "*" * 5000]


@pytest.fixture(params=BOMBS, ids=["lists", "quotes", "lists-in-quotes", "emphasis"])
def bomb_window(request, qtbot, manager, tmp_path: Path, template_portfolio: Path) -> MainWindow:
    path = tmp_path / "bombs.sqlite3"
    shutil.copyfile(template_portfolio, path)
    db = open_portfolio(path)
    with db.transaction() as s:
        evidence.add_item(s, title="Ordinary item", date="2026-01-10", body="Plain text.")
        evidence.add_item(s, title="Hostile item", date="2026-01-11", body=request.param)
    db.close()
    win = manager.open_path(path)
    assert win is not None
    qtbot.waitExposed(win)
    return win


def _tags(window: MainWindow, ref: str) -> set[str]:
    item = window.document.item_by_ref(ref)
    return {t.code for t in item.ksb_tags}


def test_ticking_a_tag_on_a_deeply_nested_item_tags_that_item(
    qtbot, bomb_window: MainWindow
) -> None:
    page = bomb_window.evidence_page
    editor = page.editor
    first = bomb_window.document.item_by_ref("E001")
    hostile = bomb_window.document.item_by_ref("E002")
    assert page.select_item(first.id)
    assert page.select_item(hostile.id)
    assert editor.current_item() is not None and editor.current_item().ref == "E002"
    editor.render_preview()
    preview = editor.preview.toPlainText()
    assert "Nesting deeper than" in preview or "nested too deeply" in preview
    editor.tabs.setCurrentWidget(editor.tags)
    editor.tags.row("K1").check.click()
    assert _tags(bomb_window, "E002") == {"K1"}
    assert _tags(bomb_window, "E001") == set()


def test_a_step_failing_while_showing_an_item_leaves_no_panel_on_the_previous_one(
    qtbot, monkeypatch, window: MainWindow
) -> None:
    page = window.evidence_page
    editor = page.editor
    first = window.document.item_by_ref("E001")
    second = window.document.item_by_ref("E002")
    assert page.select_item(first.id)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    real = editor.attachments.show_item

    def failing(item: object) -> None:
        if item is not None and getattr(item, "ref", None) == "E002":
            raise RuntimeError("the attachments could not be listed")
        real(item)  # type: ignore[arg-type]

    monkeypatch.setattr(editor.attachments, "show_item", failing)
    before = _tags(window, "E001")
    assert page.select_item(second.id)
    assert shown, "the failure is reported"
    assert editor.current_item() is None
    assert editor.tags._item is None and editor.attachments._item is None
    # nothing can be ticked now, so E001 cannot be tagged by mistake
    editor.tabs.setCurrentWidget(editor.tags)
    row = editor.tags.row("K7")
    assert not row.check.isEnabled()
    row.check.click()
    assert _tags(window, "E001") == before
