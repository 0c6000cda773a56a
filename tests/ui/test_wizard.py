"""First run, File > New and File > Open, as a user goes through them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMessageBox

from app.errors import PortfolioError
from app.models.db import open_portfolio
from app.ui.windows import WindowManager
from app.ui.wizard import NewPortfolioDialog


def fill(qtbot, dialog: NewPortfolioDialog, name: str, uln: str = "") -> None:
    qtbot.keyClicks(dialog.name, name)
    qtbot.keyClicks(dialog.uln, uln)
    qtbot.keyClicks(dialog.employer, "Acme Cloud Ltd")
    qtbot.keyClicks(dialog.provider, "Northern Tech College")


def listed(dialog: NewPortfolioDialog) -> list[str]:
    """The standards the list shows (the search hides the others)."""
    items = [dialog.framework.item(row) for row in range(dialog.framework.count())]
    return [item.text() for item in items if not item.isHidden()]


def test_the_wizard_preselects_st0825_and_needs_a_name(qtbot, tmp_path: Path) -> None:
    dialog = NewPortfolioDialog(tmp_path / "p.sqlite3", first_run=True)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.standards.current_key() == ("ST0825", "1.0")
    assert listed(dialog) == [
        "ST0825 v1.0 — DevOps engineer (level 4)",
        "DDAT-DEVOPS v2020-01-07 — Development operations (DevOps) engineer",
        "TECIT50761 v1 — Lead DevOps activities",
    ]
    assert not dialog.option.isVisibleTo(dialog)
    assert not dialog.create_button.isEnabled()
    qtbot.keyClicks(dialog.name, "Sam Taylor")
    assert dialog.create_button.isEnabled()
    assert dialog.windowTitle() == "Welcome to Apprentice Portfolio"


def test_a_short_uln_is_explained_once_the_field_is_left(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    dialog = NewPortfolioDialog(path)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.keyClicks(dialog.name, "Sam Taylor")
    dialog.uln.setFocus()
    qtbot.keyClicks(dialog.uln, "12345")
    assert not dialog.uln_error.isVisible()  # still typing: not told off yet
    assert not dialog.create_button.isEnabled()  # but five digits cannot be created
    dialog.uln.editingFinished.emit()  # the field is left
    assert dialog.uln_error.isVisible() and "must be 10 digits" in dialog.uln_error.text()
    assert dialog.uln.property("invalid") is True
    assert not path.exists()
    assert dialog.uln.validator() is not None  # letters cannot even be typed


def test_a_mistyped_uln_is_marked_as_typed_and_cleared_when_fixed(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    dialog = NewPortfolioDialog(path)
    qtbot.addWidget(dialog)
    dialog.open()
    fill(qtbot, dialog, "Sam Taylor", uln="9876543210")  # two digits swapped
    assert dialog.uln_error.isVisible() and "check digit" in dialog.uln_error.text()
    assert dialog.uln.property("invalid") is True
    assert "check digit" in dialog.uln.accessibleDescription()
    assert not dialog.create_button.isEnabled()
    # fixed: the last two digits the right way round
    dialog.uln.setFocus()
    qtbot.keyClick(dialog.uln, Qt.Key.Key_Backspace)
    qtbot.keyClick(dialog.uln, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.uln, "01")
    assert not dialog.uln_error.isVisible() and dialog.uln_error.text() == ""
    assert dialog.uln.property("invalid") is False
    assert dialog.create_button.isEnabled()
    assert not path.exists()


def test_the_saved_in_path_is_shown_whole(qtbot, tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*[f"a-rather-long-folder-name-{n}" for n in range(8)])
    dialog = NewPortfolioDialog(deep / "portfolio.sqlite3")
    qtbot.addWidget(dialog)
    dialog.resize(640, 600)
    dialog.show()
    qtbot.waitExposed(dialog)
    label = dialog.location
    assert label.text().replace("\u200b", "") == str(deep / "portfolio.sqlite3")
    assert label.toolTip() == str(deep / "portfolio.sqlite3")
    # wrapped onto several lines inside the dialog, none of it past the right edge
    assert label.height() > label.fontMetrics().height() * 2
    right = label.mapTo(dialog, label.rect().topRight()).x()
    assert right <= dialog.width()
    assert label.height() >= label.heightForWidth(label.width())  # every line has room


def test_first_run_creates_the_portfolio_and_opens_it(qtbot, monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "data" / "portfolio.sqlite3"  # the folder does not exist yet

    def exec_(dialog: NewPortfolioDialog) -> int:  # what the user does in the modal dialog
        fill(qtbot, dialog, "Sam Taylor", uln="9876543201")
        dialog.create_file()
        return int(dialog.result())

    monkeypatch.setattr(NewPortfolioDialog, "exec", exec_)
    manager = WindowManager()
    assert manager.start(path)
    (window,) = manager.windows
    qtbot.addWidget(window)
    assert window.windowTitle() == "Sam Taylor — portfolio.sqlite3 — Apprentice Portfolio"
    info = window.document.info()
    assert (info.uln, info.employer, info.framework_key) == (
        "9876543201",
        "Acme Cloud Ltd",
        "ST0825",
    )
    assert window.evidence_page.model.rowCount() == 0
    assert manager.settings.recent_files[0] == str(path.resolve())


def test_cancelling_the_first_run_opens_nothing(qtbot, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(NewPortfolioDialog, "exec", lambda dialog: int(QDialog.DialogCode.Rejected))
    manager = WindowManager()
    assert not manager.start(tmp_path / "p.sqlite3")
    assert manager.windows == [] and not (tmp_path / "p.sqlite3").exists()


def test_file_new_replaces_the_window(qtbot, monkeypatch, manager, window, tmp_path: Path) -> None:
    target = tmp_path / "second.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    window.new_portfolio_action.trigger()
    dialog = window.findChild(NewPortfolioDialog)
    assert dialog is not None and dialog.isVisible()
    fill(qtbot, dialog, "Jo Bloggs")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(manager.windows) == 1 and manager.windows[0] is not window)
    assert manager.windows[0].windowTitle().startswith("Jo Bloggs — second.sqlite3")


def refused_while_held(path: Path) -> str:
    """The message a second writer (another app window, another app) gets for ``path``."""
    with pytest.raises(PortfolioError) as refused:
        open_portfolio(path, exclusive=True).close()
    return str(refused.value)


def test_a_first_run_portfolio_is_held_from_the_moment_it_is_created(
    qtbot, monkeypatch, tmp_path: Path
) -> None:
    path = tmp_path / "portfolio.sqlite3"
    while_creating: list[str] = []

    def exec_(dialog: NewPortfolioDialog) -> int:
        fill(qtbot, dialog, "Sam Taylor")
        dialog.create_file()
        while_creating.append(refused_while_held(path))  # before any window shows it
        return int(dialog.result())

    monkeypatch.setattr(NewPortfolioDialog, "exec", exec_)
    manager = WindowManager()
    assert manager.start(path)
    (window,) = manager.windows  # closed below (it deletes itself on close)
    assert while_creating == [
        f"The portfolio {path} is already open in another window of this app."
    ]
    assert "already open" in refused_while_held(path)  # and still, now the window has it
    assert window.document.info().apprentice_name == "Sam Taylor"
    window.close()
    open_portfolio(path, exclusive=True).close()  # closing the window lets it go


def test_file_new_holds_the_new_portfolio(qtbot, monkeypatch, manager, window, tmp_path) -> None:
    target = tmp_path / "second.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    window.new_portfolio_action.trigger()
    dialog = window.findChild(NewPortfolioDialog)
    assert dialog is not None
    fill(qtbot, dialog, "Jo Bloggs")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "already open in another window" in refused_while_held(target)
    qtbot.waitUntil(lambda: len(manager.windows) == 1 and manager.windows[0] is not window)
    assert manager.windows[0].document.path == target
    assert "already open in another window" in refused_while_held(target)


def test_file_open_and_recent_files(qtbot, monkeypatch, manager, window, tmp_path: Path) -> None:
    from app.services.portfolio import create_portfolio

    other = tmp_path / "other.sqlite3"
    create_portfolio(other, name="Alex Smith").close()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(other), ""))
    window.open_action.trigger()
    qtbot.waitUntil(lambda: manager.windows and manager.windows[0].windowTitle().startswith("Alex"))
    new_window = manager.windows[0]
    recent = [a.text() for a in new_window.recent_menu.actions()]
    assert any(str(window.document.path.resolve()) in text for text in recent)


@pytest.mark.parametrize("content", [b"just some text", b""])
def test_opening_something_else_says_so(
    qtbot, monkeypatch, manager, window, tmp_path, content
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_bytes(content)
    assert manager.open_path(bogus, replace_window=window) is None
    assert len(shown) == 1 and "not an Apprentice Portfolio" in shown[0]
    assert manager.windows == [window] and window.isVisible()
    assert bogus.read_bytes() == content


OPTIONS = Path(__file__).parent.parent / "data" / "ST0901-options.json"
VERSIONS = Path(__file__).parent.parent / "data" / "ST0990-versions.json"


def test_every_installed_standard_and_version_is_offered_and_searchable(
    qtbot, tmp_path: Path
) -> None:
    from app.services import library

    library.import_text(VERSIONS.read_bytes())
    dialog = NewPortfolioDialog(tmp_path / "p.sqlite3")
    qtbot.addWidget(dialog)
    dialog.open()
    assert listed(dialog)[3:] == [
        "ST0990 v1.0 — Software support technician (level 3)",
        "ST0990 v1.1 — Software support technician (level 3)",
    ]
    qtbot.keyClicks(dialog.standards.search, "support 1.1")  # words anywhere: no match
    assert listed(dialog) == [] and dialog.standards.empty.isVisibleTo(dialog)
    dialog.standards.search.clear()
    qtbot.keyClicks(dialog.standards.search, "st0990")
    assert len(listed(dialog)) == 2
    dialog.framework.setCurrentRow(3)  # v1.0
    fill(qtbot, dialog, "Sam Taylor")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    assert dialog.document is not None
    info = dialog.document.info()
    dialog.document.close()
    assert (info.framework_key, info.framework_version) == ("ST0990", "1.0")


def test_import_standard_then_choose_its_option(qtbot, monkeypatch, tmp_path: Path) -> None:
    def pick_file(*args: object, **kwargs: object) -> tuple[str, str]:
        return str(OPTIONS), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", pick_file)
    dialog = NewPortfolioDialog(tmp_path / "p.sqlite3")
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.mouseClick(dialog.standards.import_button, Qt.MouseButton.LeftButton)
    assert dialog.standards.current_key() == ("ST0901", "1.0")
    assert dialog.option.isVisibleTo(dialog)
    assert [dialog.option.itemText(i) for i in range(dialog.option.count())] == [
        "Choose the option you follow…",
        "1: Network infrastructure",
        "2: Cloud infrastructure",
    ]
    fill(qtbot, dialog, "Sam Taylor")
    assert not dialog.create_button.isEnabled()  # no option chosen yet
    dialog.option.setCurrentIndex(2)
    assert dialog.create_button.isEnabled()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    assert dialog.document is not None
    info = dialog.document.info()
    dialog.document.close()
    assert info.option is not None and info.option.title == "Cloud infrastructure"


def test_a_bad_standard_file_is_explained_in_the_wizard(qtbot, monkeypatch, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"referenceNumber": "ST0901", "title": "x", "version": "1.1 (draft)"}')
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    dialog = NewPortfolioDialog(tmp_path / "p.sqlite3")
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.mouseClick(dialog.standards.import_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisibleTo(dialog)
    assert "'1.1 (draft)' is not a version number" in dialog.error.text()
    assert len(listed(dialog)) == 3


def test_portfolio_details_name_the_option_followed(qtbot, tmp_path: Path) -> None:
    from app.services import library, portfolio
    from app.ui.document import PortfolioDocument
    from app.ui.wizard import DetailsDialog

    library.import_text(OPTIONS.read_bytes())
    path = tmp_path / "p.sqlite3"
    db = portfolio.create_portfolio(path, name="Ada", framework_key="ST0901", option="1")
    document = PortfolioDocument.adopt(db)
    try:
        dialog = DetailsDialog(document)
        qtbot.addWidget(dialog)
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        assert "ST0901 v1.0, option 1: Network infrastructure" in texts
    finally:
        document.close()
