"""File ▸ Export Package… asks which copy first, as the PDF dialog does: the assessor's
copy (the default) or the review copy for the provider and employer."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFileDialog, QLabel

from app.export.package import verify_package
from app.ui.main_window import MainWindow
from app.ui.package_export import PackageCopyDialog

LONG_WAIT = 20_000  # ms: generous for a loaded machine; waits end as soon as the state is right


def _open_dialog(qtbot, window: MainWindow) -> PackageCopyDialog:
    qtbot.waitUntil(
        lambda: window.findChild(QAction, "exportPackageAction") is not None, timeout=LONG_WAIT
    )
    action = window.findChild(QAction, "exportPackageAction")
    assert action is not None
    action.trigger()
    qtbot.waitUntil(
        lambda: (
            window.findChild(PackageCopyDialog) is not None
            and window.findChild(PackageCopyDialog).isVisible()
        ),
        timeout=LONG_WAIT,
    )
    dialog = window.findChild(PackageCopyDialog)
    assert dialog is not None
    return dialog


def _export(qtbot, window: MainWindow, out: Path, monkeypatch, audience: str | None) -> dict:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out), ""))
    dialog = _open_dialog(qtbot, window)
    combo = dialog.findChild(QComboBox, "packageAudience")
    assert combo is not None
    if audience is not None:
        combo.setCurrentIndex(combo.findData(audience))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: out.exists(), timeout=LONG_WAIT)
    qtbot.waitUntil(
        lambda: "signed by key" in window.statusBar().currentMessage(), timeout=LONG_WAIT
    )
    verify_package(out)
    with zipfile.ZipFile(out) as zf:
        document: dict = json.loads(zf.read("portfolio.json"))
    return document


def test_the_dialog_offers_the_copies_and_defaults_to_the_assessors(
    qtbot, window: MainWindow
) -> None:
    dialog = _open_dialog(qtbot, window)
    combo = dialog.findChild(QComboBox, "packageAudience")
    assert combo is not None
    assert [combo.itemData(n) for n in range(combo.count())] == ["assessor", "review"]
    assert combo.currentData() == "assessor"
    note = dialog.findChild(QLabel, "packageAudienceNote")
    assert "No skills scans, off-the-job log or progress reviews" in note.text()
    combo.setCurrentIndex(1)
    assert "Adds the programme records" in note.text()
    dialog.reject()


def test_the_default_exports_the_assessors_copy_without_drafts(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _export(qtbot, window, tmp_path / "assessor.portfolio", monkeypatch, None)
    titles = [i["title"] for i in document["items"]]
    assert "Incident review: expired TLS certificate" not in titles  # the draft
    assert "CI pipeline for the payments API" in titles


def test_the_review_copy_carries_the_whole_portfolio(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _export(qtbot, window, tmp_path / "review.portfolio", monkeypatch, "review")
    titles = [i["title"] for i in document["items"]]
    assert "Incident review: expired TLS certificate" in titles


def test_cancel_writes_nothing(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args, **kwargs: asked.append(args) or ("", "")
    )
    dialog = _open_dialog(qtbot, window)
    dialog.reject()
    assert asked == []  # no save dialog after Cancel
    assert list(tmp_path.glob("*.portfolio")) == []
