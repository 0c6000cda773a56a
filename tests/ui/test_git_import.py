"""File ▸ Import from Git Repository…, identities and the Source tab, driven as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox

from app.ui.git_import import GitImportDialog, IdentitiesDialog, SourcePanel
from app.ui.main_window import MainWindow
from tests.test_git_scan import Team, build_team_repo

WAIT = 60_000  # ms


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return build_team_repo(tmp_path / "team-app")


@pytest.fixture
def import_action(qtbot, window: MainWindow) -> QAction:
    qtbot.waitUntil(lambda: window.findChild(QAction, "gitImportAction") is not None)
    action = window.findChild(QAction, "gitImportAction")
    assert action in window.file_menu.actions()
    return action


def add_identity(qtbot, window: MainWindow, email: str) -> None:
    dialog = IdentitiesDialog(window)
    dialog.open()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.email, email)
    add = next(b for b in dialog.findChildren(type(dialog.remove)) if b.text() == "&Add")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert dialog.list.count() == 1
    assert dialog.list.item(0).text() == email
    dialog.close()


def scanned_dialog(qtbot, window: MainWindow, action: QAction, repo: Path) -> GitImportDialog:
    action.trigger()
    qtbot.waitUntil(lambda: window.findChild(GitImportDialog) is not None)
    dialog = window.findChild(GitImportDialog)
    qtbot.waitExposed(dialog)
    assert "ada@example.org" in dialog.who.text()
    dialog.repo.setText(str(repo))
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=WAIT)
    return dialog


def test_scan_filter_preview_and_import_two_candidates(
    qtbot, window: MainWindow, import_action: QAction, team: Team
) -> None:
    add_identity(qtbot, window, "ada@example.org")
    dialog = scanned_dialog(qtbot, window, import_action, team.path)

    assert dialog.model.rowCount() == 6
    assert "team-app: 7 of 11 commits are yours; 6 candidates." in dialog.summary.text()
    assert not dialog.import_button.isEnabled()

    qtbot.keyClicks(dialog.filter, "terraform")
    assert dialog.proxy.rowCount() == 1
    dialog.table.selectRow(0)
    preview = dialog.preview.toPlainText()
    assert "Move readme, add terraform" in preview
    assert "changed infra/main.tf → K7" in preview
    assert "docs/README.md (from README.md) renamed" in preview

    dialog.filter.clear()
    model = dialog.model
    wanted = {f"M-{team.ci_merge[:12]}", f"D-{team.move[:12]}"}
    for row, candidate in enumerate(model.candidates):
        if candidate.id in wanted:
            model.setData(
                model.index(row, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
            )
    assert dialog.import_button.text() == "&Import 2 candidates"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    assert window.statusBar().currentMessage() == ("Imported 2 draft items from git: E004, E005.")
    imported = window.document.item_by_ref("E005")
    assert imported.title == "Run the tests on every push"
    assert imported.status == "draft"
    assert "## What I did" in imported.body


def test_the_source_tab_shows_provenance_and_ticks_a_hint_as_a_claim(
    qtbot, window: MainWindow, import_action: QAction, team: Team
) -> None:
    add_identity(qtbot, window, "ada@example.org")
    dialog = scanned_dialog(qtbot, window, import_action, team.path)
    row = next(n for n, c in enumerate(dialog.model.candidates) if c.kind == "merge" and
               c.id == f"M-{team.ci_merge[:12]}")  # fmt: skip
    dialog.model.setData(dialog.model.index(row, 0), Qt.CheckState.Checked,
                         Qt.ItemDataRole.CheckStateRole)  # fmt: skip
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    item = window.document.item_by_ref("E004")

    editor = window.evidence_page.editor
    panel = window.findChild(SourcePanel)
    tab = editor.tabs.indexOf(panel)
    assert window.evidence_page.select_item(item.id)
    qtbot.waitUntil(lambda: editor.tabs.isTabVisible(tab))
    assert "team-app" in panel.facts.text()
    assert "Ada Lovelace &lt;ada@example.org&gt;" in panel.facts.text()
    k1 = panel.boxes["K1"]
    assert not k1.isChecked()  # a suggestion until ticked
    assert "changed .github/workflows/ci.yml → K1" in k1.text()

    k1.setChecked(True)
    tagged = window.document.item_by_ref("E004")
    assert "K1" in tagged.ksbs
    assert dict((t.code, t.justification) for t in tagged.ksb_tags)["K1"] == (
        "From git: changed .github/workflows/ci.yml → K1"
    )
    window.undo_stack.undo()
    assert "K1" not in window.document.item_by_ref("E004").ksbs

    assert window.evidence_page.select_item(1)  # typed by hand: no Source tab
    qtbot.waitUntil(lambda: not editor.tabs.isTabVisible(tab))
    assert not panel.findChildren(QCheckBox) or all(
        not b.isVisible() for b in panel.findChildren(QCheckBox)
    )


def test_scanning_a_folder_that_is_not_a_repository_says_so(
    qtbot, window: MainWindow, import_action: QAction, tmp_path: Path, monkeypatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "app.ui.errors.QMessageBox.warning", lambda _p, _t, text, *a, **k: shown.append(text)
    )
    add_identity(qtbot, window, "ada@example.org")
    import_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(GitImportDialog) is not None)
    dialog = window.findChild(GitImportDialog)
    (tmp_path / "plain").mkdir()
    dialog.repo.setText(str(tmp_path / "plain"))
    task = dialog.scan()
    assert task is not None
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
    assert "is not a git repository" in shown[0]
    assert dialog.model.rowCount() == 0


def test_a_read_only_window_shows_the_source_but_offers_no_import(
    qtbot, manager, team: Team, tmp_path: Path, template_portfolio: Path, capsys
) -> None:
    import shutil

    from app.cli import main

    path = tmp_path / "ro.sqlite3"
    shutil.copyfile(template_portfolio, path)
    main(["--file", str(path), "git", "identity", "add", "ada@example.org"])
    main(["--file", str(path), "git", "import", str(team.path), f"M-{team.ci_merge[:12]}"])
    capsys.readouterr()
    window = manager.open_path(path, read_only=True)
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.findChild(SourcePanel) is not None)
    assert window.findChild(QAction, "gitImportAction") is None
    panel = window.findChild(SourcePanel)
    editor = window.evidence_page.editor
    assert window.evidence_page.select_item(1)
    qtbot.waitUntil(lambda: editor.tabs.isTabVisible(editor.tabs.indexOf(panel)))
    assert "team-app" in panel.facts.text()
    assert panel.boxes["K1"].isEnabled() is False
