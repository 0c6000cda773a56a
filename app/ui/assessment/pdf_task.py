"""Exporting one of the assessment pages' PDFs (the project's submission pack, the
discussion prep sheet): where to save it, then writing it off the GUI thread with
progress and Cancel, and the page count in the status bar when it is done."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from app.ui.file_dialogs import choose_save_path

if TYPE_CHECKING:
    from app.export.context import PdfResult
    from app.ui.main_window import MainWindow
    from app.ui.worker import TaskContext

# Writes the PDF to ``out`` (replacing it: the save dialog has already asked), reporting
# progress and stopping when asked.
Writer = Callable[..., "PdfResult"]


def choose_pdf_path(page: QWidget, window: MainWindow, title: str, suggested: str) -> Path | None:
    """The save dialog, next to the portfolio; the portfolio itself is refused."""
    document = window.document
    return choose_save_path(
        page,
        title,
        document.path.with_name(suggested),
        page.tr("PDF documents (*.pdf)"),
        what="PDF",
        protected=[document.path],
    )


def export_pdf(window: MainWindow, out: Path, running: str, write: Writer) -> None:
    """Run ``write(out, progress=…, cancelled=…)`` (a method of the window's document) as
    a task titled ``running``."""

    def work(context: TaskContext) -> object:
        return write(
            out,
            progress=lambda done, total: context.report(done, total, "Laying out the pages…"),
            cancelled=context.is_cancelled,
        )

    def done(result: Any) -> None:
        pages = (
            window.tr("1 page")
            if result.pages == 1
            else window.tr("{n} pages").format(n=result.pages)
        )
        window.statusBar().showMessage(
            window.tr("Exported {path} ({pages}).").format(path=out, pages=pages), 15000
        )
        if result.warnings:  # written all the same; say what it could not show
            from app.ui.export import show_export_warnings

            show_export_warnings(window, out, result.warnings)

    window.run_task(running, work, done)
