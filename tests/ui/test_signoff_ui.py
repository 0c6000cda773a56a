"""Sign-off in the app, driven as the three people would: the apprentice asks, a witness
(no portfolio, their own profile and key) answers in the signer's view, the apprentice
imports the answer and sees it in the editor's Sign-off tab."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.services import signing
from app.ui.evidence_model import COL_SIGNOFF
from app.ui.main_window import MainWindow
from app.ui.signoff import RequestDialog
from app.ui.signoff.signer import SignerDialog, open_signer_view

HOSTILE = 'Saw it live <img src=/etc/passwd> & <font color="[[1]]">'


def use_profile(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    monkeypatch.setenv("PORTFOLIO_CONFIG_DIR", str(root / "config"))
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(root / "data"))


def installed(qtbot, window: MainWindow) -> QAction:
    qtbot.waitUntil(lambda: window.findChild(QAction, "requestSignoffAction") is not None)
    action = window.findChild(QAction, "requestSignoffAction")
    assert action in window.edit_menu.actions()
    assert window.findChild(QAction, "openSignoffRequestAction") in window.file_menu.actions()
    assert window.findChild(QAction, "importSignoffResponseAction") in window.file_menu.actions()
    return action


def select_first_item(qtbot, window: MainWindow) -> None:
    table = window.evidence_page.table
    table.selectRow(0)
    qtbot.waitUntil(lambda: window.evidence_page.editor.current_item() is not None)


def test_the_round_trip_in_the_app(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apprentice, witness = tmp_path / "apprentice", tmp_path / "witness"
    use_profile(monkeypatch, apprentice)
    action = installed(qtbot, window)
    select_first_item(qtbot, window)
    # no sign-off yet: no empty Signed off column squeezing the titles
    assert window.evidence_page.table.isColumnHidden(COL_SIGNOFF)
    ref = window.evidence_page.editor.current_item().ref
    panel = window.signoff_panel
    assert "Nobody has confirmed this item yet" in panel.view.toPlainText()

    request = tmp_path / "kim.request"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(request), ""))
    )
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "information",
        staticmethod(lambda _parent, _title, text, *a: shown.append(text)),
    )
    action.trigger()
    qtbot.waitUntil(lambda: window.findChild(RequestDialog) is not None)
    dialog = window.findChild(RequestDialog)
    assert dialog.chosen() == [ref]  # the selected item is preselected
    dialog.name.setText("Kim Witness")
    dialog.role.setText("SRE")
    dialog.accept()
    qtbot.waitUntil(lambda: request.exists())
    assert "for Kim Witness to confirm" in shown[-1] and "1 item" in shown[-1]

    # The witness: another profile, no portfolio; the request reads as the PDF does.
    use_profile(monkeypatch, witness)
    assert signing.existing_key() is None
    signer = open_signer_view(request)
    assert isinstance(signer, SignerDialog)
    qtbot.addWidget(signer)
    qtbot.waitExposed(signer)
    panel_ui = signer.panels[0]
    assert [row.code for row in panel_ui.rows] == ["K1", "S14", "D5"]
    assert "GitHub Actions" in panel_ui.body.toPlainText()
    assert "A key is made for you" in signer.fingerprint.text()
    qtbot.mouseClick(panel_ui.rows[0].confirm, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel_ui.rows[1].decline, Qt.MouseButton.LeftButton)
    panel_ui.comment.setText(HOSTILE)
    signer.statement.setPlainText("I watched the pipeline go green on 12 January.")
    response = tmp_path / "kim.response"
    result = signer.sign_to(response)
    witness_key = signing.existing_key()
    assert witness_key is not None and result.fingerprint == witness_key.fingerprint
    assert witness_key.fingerprint[:4] in signer.fingerprint.text()  # shown to read out
    assert (result.confirmed, result.declined) == (1, 1)
    signer.close()

    # Back to the apprentice: import, and the editor shows who confirmed what.
    use_profile(monkeypatch, apprentice)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(response), ""))
    )
    window.findChild(QAction, "importSignoffResponseAction").trigger()
    qtbot.waitUntil(lambda: "Imported the response of Kim Witness" in (shown[-1] if shown else ""))
    assert "1 claim confirmed" in shown[-1]
    text = panel.view.toPlainText()
    assert "Kim Witness (SRE" in text and "Confirmed: K1" in text and "Declined: S14" in text
    assert HOSTILE in text  # shown as typed, never as markup
    assert witness_key.fingerprint in text
    tabs = window.evidence_page.editor.tabs
    assert tabs.tabText(tabs.indexOf(panel)).replace("&", "") == "Sign-off (1)"
    model = window.evidence_page.model  # the evidence list's Signed off column
    row = model.index(0, COL_SIGNOFF)
    assert model.headerData(COL_SIGNOFF, Qt.Orientation.Horizontal) == "Signed off"
    assert model.data(row) == "✓ 1"
    assert not window.evidence_page.table.isColumnHidden(COL_SIGNOFF)
    assert "Kim Witness (SRE" in model.data(row, Qt.ItemDataRole.ToolTipRole)

    # Editing the item keeps the confirmation, for the earlier version.
    window.evidence_page.editor.title.setText("CI pipeline, rewritten")
    window.evidence_page.editor.save()
    qtbot.waitUntil(lambda: "Given for an earlier version" in panel.view.toPlainText())
    qtbot.waitUntil(lambda: model.data(model.index(0, COL_SIGNOFF)) == "earlier")


def test_a_bad_request_file_is_one_sentence_and_no_view(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "junk.request"
    bad.write_bytes(b"not a zip")
    errors: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, _t, text, *a: errors.append(text))
    )
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _p, _t, text, *a: errors.append(text))
    )
    assert open_signer_view(bad) is None
    assert errors and "is not a zip file" in errors[-1]
