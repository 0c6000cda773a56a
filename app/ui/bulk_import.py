"""File ▸ Import Evidence Items: a folder of Markdown notes or a JSON Lines file, in the app.

The same import as ``portfolio item import`` (front matter or JSON fields, all or
nothing, errors naming the file and line), off the GUI thread with progress and a
Cancel that adds nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu

from app.ui.worker import Task, TaskContext

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def _tr(text: str) -> str:
    return QCoreApplication.translate("BulkImport", text)


def import_items(window: MainWindow, path: Path) -> Task:
    """Import ``path`` off the GUI thread; the status bar says which refs were added."""
    document = window.document

    def work(context: TaskContext) -> list[str]:
        context.report(0, 0, _tr("Reading {name}…").format(name=path.name))

        def progress(done: int, total: int) -> None:
            context.report(done, total, _tr("Adding items…"))
            context.check_cancelled()  # rolls the whole import back

        return document.import_items(path, progress)

    def done(refs: object) -> None:
        assert isinstance(refs, list)
        count = len(refs)
        text = (
            _tr("Imported {n} evidence item: {refs}.")
            if count == 1
            else _tr("Imported {n} evidence items: {refs}.")
        )
        shown = ", ".join(refs[:10]) + (" …" if count > 10 else "")
        window.statusBar().showMessage(text.format(n=count, refs=shown), 15000)

    return window.run_task(_tr("Importing evidence items…"), work, done)


def choose_folder(window: MainWindow) -> Task | None:
    folder = QFileDialog.getExistingDirectory(
        window, _tr("Choose a folder of Markdown notes"), str(Path.home())
    )
    return import_items(window, Path(folder)) if folder else None


def choose_jsonl(window: MainWindow) -> Task | None:
    name, _ = QFileDialog.getOpenFileName(
        window,
        _tr("Choose a JSON Lines file"),
        str(Path.home()),
        _tr("JSON Lines (*.jsonl *.ndjson);;All files (*)"),
    )
    return import_items(window, Path(name)) if name else None


def install(window: MainWindow) -> None:
    """File ▸ Import Evidence Items ▸ From a Folder of Notes… / From a JSON Lines File…"""
    if window.document.read_only:
        return
    menu = QMenu(_tr("Import &Evidence Items"), window)
    menu.setObjectName("bulkImportMenu")
    folder = QAction(_tr("From a &Folder of Markdown Notes…"), menu)
    folder.setObjectName("bulkImportFolderAction")
    folder.triggered.connect(lambda _checked=False: choose_folder(window))
    jsonl = QAction(_tr("From a &JSON Lines File…"), menu)
    jsonl.setObjectName("bulkImportJsonlAction")
    jsonl.triggered.connect(lambda _checked=False: choose_jsonl(window))
    menu.addAction(folder)
    menu.addAction(jsonl)
    window.add_file_action(menu.menuAction())
