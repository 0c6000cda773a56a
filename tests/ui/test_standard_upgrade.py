"""File > Upgrade Standard…: review the mapping, upgrade, and see the tags moved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from app.services import library, portfolio
from app.services.evidence import TagInput, add_item
from app.ui.standard_upgrade import UpgradeDialog, open_upgrade

VERSIONS = Path(__file__).parent.parent / "data" / "ST0990-versions.json"


@pytest.fixture
def on_v10(tmp_path: Path) -> Path:
    library.import_text(VERSIONS.read_bytes())
    path = tmp_path / "p.sqlite3"
    db = portfolio.create_portfolio(
        path, name="Sam", framework_key="ST0990", framework_version="1.0"
    )
    with db.transaction() as session:
        add_item(session, title="KB", status="ready", ksbs=["K3", TagInput("K4", "wrote it")])
    db.close()
    return path


def test_the_dialog_reviews_the_mapping_then_upgrades(
    qtbot, monkeypatch, manager, on_v10: Path
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: shown.append(str(args[2])))
    window = manager.open_path(on_v10)
    assert window is not None
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.findChild(QAction, "upgradeStandardAction") is not None)
    window.findChild(QAction, "upgradeStandardAction").trigger()
    dialog = window.findChild(UpgradeDialog)
    assert dialog is not None and dialog.isVisible()
    rows = {
        dialog.table.item(r, 0).text(): (
            dialog.table.item(r, 1).text(),
            dialog.table.item(r, 2).text(),
            dialog.table.item(r, 3).text(),
        )
        for r in range(dialog.table.rowCount())
    }
    assert rows["K3"] == ("—", "removed", "E001")
    assert rows["K4"] == ("K3", "renumbered", "E001")
    assert rows["K2"] == ("K2", "text changed", "")
    assert "1 tag stays on v1.0" in dialog.summary.text() and "E001 (K3)" in dialog.summary.text()
    qtbot.mouseClick(dialog.upgrade_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown))
    assert "now follows ST0990 v1.1" in shown[0] and "Re-tag: E001 (K3)" in shown[0]
    info = window.document.info()
    assert info.framework_version == "1.1"
    item = window.document.item_by_ref("E001")
    assert item.ksbs == ("K3",) and item.justifications["K3"] == "wrote it"
    assert [(t.framework, t.code) for t in item.other_tags] == [("ST0990", "K3")]


def test_nothing_newer_says_so(qtbot, monkeypatch, window) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: shown.append(str(args[2])))
    assert open_upgrade(window) is None
    assert shown and "No newer version of ST0825 than v1.0 is installed" in shown[0]
    assert "portfolio frameworks" not in shown[0]  # no command-line wording in the app


def test_the_dialog_asks_for_an_option_it_cannot_match(
    qtbot, monkeypatch, manager, tmp_path: Path
) -> None:
    import json

    options = Path(__file__).parent.parent / "data" / "ST0901-options.json"
    library.import_text(options.read_bytes())
    newer = json.loads(options.read_text(encoding="utf-8"))
    newer["version"] = "1.1"
    newer["options"][1]["title"] = "Cloud platforms"
    library.import_text(json.dumps(newer))
    path = tmp_path / "p.sqlite3"
    portfolio.create_portfolio(
        path, name="Ada", framework_key="ST0901", framework_version="1.0", option="2"
    ).close()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: shown.append(str(args[2])))
    window = manager.open_path(path)
    qtbot.waitExposed(window)
    dialog = open_upgrade(window)
    assert dialog is not None
    assert dialog.option.isVisibleTo(dialog) and not dialog.upgrade_button.isEnabled()
    assert dialog.option.itemText(0) == "Choose the option you follow…"
    dialog.option.setCurrentIndex(dialog.option.findData(2))
    dialog.option.activated.emit(dialog.option.currentIndex())
    assert dialog.upgrade_button.isEnabled() and "Option: Cloud platforms." in dialog.summary.text()
    qtbot.mouseClick(dialog.upgrade_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown))
    info = window.document.info()
    assert info.framework_version == "1.1" and info.option is not None
    assert info.option.title == "Cloud platforms"


def test_the_dialog_colours_the_services_statuses() -> None:
    from app.services import standard_upgrade as service
    from app.ui import standard_upgrade as ui

    assert (ui.REMOVED, ui.UNCHANGED) == (service.REMOVED, service.UNCHANGED)
