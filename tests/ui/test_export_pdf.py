"""File ▸ Export EPA Portfolio PDF, driven as an apprentice would (headless)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from app.export.pdf import PdfOptions
from app.ui.export import ExportPdfDialog
from app.ui.main_window import MainWindow

LONG_WAIT = 60_000  # ms: an export of three items takes about a second; CI may be slower


@pytest.fixture
def export_action(qtbot, window: MainWindow) -> QAction:
    # the export is an extension: installed once the window is on screen
    qtbot.waitUntil(lambda: window.findChild(QAction, "exportPdfAction") is not None)
    action = window.findChild(QAction, "exportPdfAction")
    assert action in window.file_menu.actions()
    assert action.shortcut().toString() == "Ctrl+Shift+E"
    return action


def open_dialog(qtbot, window: MainWindow, action: QAction) -> ExportPdfDialog:
    action.trigger()
    qtbot.waitUntil(lambda: window.findChild(ExportPdfDialog) is not None)
    dialog = window.findChild(ExportPdfDialog)
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder to export into (the portfolio itself is in tmp_path)."""
    out = tmp_path / "exports"
    out.mkdir()
    return out


def page_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_export_with_the_chosen_options(
    qtbot, window: MainWindow, export_action: QAction, folder: Path
) -> None:
    dialog = open_dialog(qtbot, window, export_action)
    assert dialog.path.text().endswith("Ada Lovelace EPA portfolio.pdf")
    assert not dialog.include_drafts.isChecked()  # the assessor's copy: no drafts
    assert dialog.audience.currentData() == "assessor"
    assert "No skills scans" in dialog.audience_note.text()
    out = folder / "for the assessor"  # ".pdf" is added
    dialog.path.setText(str(out))
    dialog.include_drafts.setChecked(True)
    dialog.page_size.setCurrentIndex(dialog.page_size.findData("Letter"))
    dialog.order.setCurrentIndex(dialog.order.findData("ksb"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

    pdf = folder / "for the assessor.pdf"
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=LONG_WAIT)
    assert str(pdf) in window.statusBar().currentMessage()
    reader = PdfReader(pdf)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter
    text = page_text(pdf)
    assert "Ada Lovelace" in text
    assert "CI pipeline for the payments API" in text
    assert "Incident review: expired TLS certificate" in text  # a draft, asked for
    assert "DRAFT: not ready" in text
    assert [p.name for p in folder.iterdir() if p.suffix == ".pdf"] == [pdf.name]


def test_a_folder_that_does_not_exist_is_explained_and_nothing_is_written(
    qtbot, window: MainWindow, export_action: QAction, folder: Path
) -> None:
    dialog = open_dialog(qtbot, window, export_action)
    dialog.path.setText(str(folder / "missing" / "p.pdf"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "does not exist" in dialog.error.text()
    dialog.path.setText(str(folder))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "is a folder" in dialog.error.text()
    dialog.reject()
    assert list(folder.iterdir()) == []


def test_a_typed_name_of_an_existing_file_is_replaced_only_when_confirmed(
    qtbot, window: MainWindow, export_action: QAction, folder: Path, monkeypatch
) -> None:
    existing = folder / "kept.pdf"
    existing.write_bytes(b"the apprentice's own file")
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(parent, title, text, *args, **kwargs):  # a plain function, not a Mock
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog = open_dialog(qtbot, window, export_action)
    dialog.path.setText(str(existing))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert asked == [f"kept.pdf already exists in {folder}. Replace it?"]
    assert dialog.isVisible()  # No: the dialog stays, the file is untouched
    assert existing.read_bytes() == b"the apprentice's own file"

    answer[0] = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=LONG_WAIT)
    assert existing.read_bytes().startswith(b"%PDF")
    assert len(asked) == 2


class CancelledWhileLayingOut:
    """The task's context as the export sees it once the user has pressed Cancel."""

    def __init__(self, context: object) -> None:
        self._context = context

    def report(self, *args: object) -> None:
        self._context.report(*args)

    def check_cancelled(self) -> None:
        return None  # past the last check before the layout starts

    def is_cancelled(self) -> bool:
        return True


@pytest.mark.parametrize("when", ["at once", "while laying out"])
def test_a_cancelled_export_leaves_no_file_and_says_nothing_alarming(
    qtbot, monkeypatch, window: MainWindow, folder: Path, when: str
) -> None:
    from app.ui import export as export_module

    shown: list[str] = []
    monkeypatch.setattr("app.ui.errors.show_error", lambda _parent, exc: shown.append(str(exc)))
    tasks = []
    real_run_task = window.run_task

    def run_and_cancel(title, fn, on_success=None):
        if when == "at once":
            task = real_run_task(title, fn, on_success)
            task.cancel()
        else:
            task = real_run_task(title, lambda c: fn(CancelledWhileLayingOut(c)), on_success)
        tasks.append(task)
        return task

    monkeypatch.setattr(window, "run_task", run_and_cancel)
    out = folder / "cancelled.pdf"
    export_module.export_pdf(window, out, PdfOptions())
    qtbot.waitUntil(lambda: bool(tasks) and tasks[0].is_finished(), timeout=LONG_WAIT)
    assert list(folder.iterdir()) == []
    assert shown == []
    assert "Exported" not in window.statusBar().currentMessage()


def test_after_an_export_the_pdf_or_its_folder_opens_from_the_notice(
    qtbot, monkeypatch, window: MainWindow, export_action: QAction, folder: Path
) -> None:
    from PySide6.QtCore import QUrl

    from app.ui import exported

    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr(exported, "open_url", open_url)
    dialog = open_dialog(qtbot, window, export_action)
    dialog.path.setText(str(folder / "epa"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.findChild(exported.ExportedDialog) is not None, timeout=LONG_WAIT
    )
    notice = window.findChild(exported.ExportedDialog)
    assert notice.open_button is not None and notice.open_button.text() == "Open PDF"
    qtbot.mouseClick(notice.open_button, Qt.MouseButton.LeftButton)
    assert opened == [str(folder / "epa.pdf")]
    second = exported.show_exported(window, folder / "epa.pdf", "Exported.")
    qtbot.mouseClick(second.folder_button, Qt.MouseButton.LeftButton)
    assert opened[-1] == str(folder)
