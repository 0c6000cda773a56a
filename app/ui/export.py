"""File ▸ Export EPA Portfolio PDF: the options dialog, and the export off the GUI thread.

The same export as ``portfolio export pdf``: drafts in or out, evidence by date
or by KSB, A4 or Letter. It runs on a worker thread with a progress dialog whose
Cancel stops it; the PDF is written beside its destination and moved into place
only when complete, so a cancelled or failed export leaves no file behind.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models.outputs import output_problem
from app.ui.worker import TaskCancelled, TaskContext

if TYPE_CHECKING:
    from app.export.pdf import PdfOptions, PdfResult
    from app.ui.document import PortfolioDocument
    from app.ui.main_window import MainWindow


def _tr(text: str) -> str:
    return QCoreApplication.translate("ExportPdf", text)


def suggested_path(document: PortfolioDocument) -> Path:
    """``<Name> EPA portfolio.pdf`` in the user's documents folder (else beside the file)."""
    name = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", document.info().apprentice_name).strip(" .")
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    base = Path(folder) if folder and Path(folder).is_dir() else document.path.parent
    return base / f"{name or 'Apprentice'} EPA portfolio.pdf"


def audience_combo(parent: QWidget) -> QComboBox:
    """The choice of copy, the assessor's first (the default): the PDF and package dialogs'."""
    combo = QComboBox(parent)
    combo.setAccessibleName(_tr("Copy"))
    combo.addItem(_tr("Assessor's copy"), "assessor")
    combo.addItem(_tr("Review copy for provider and employer"), "review")
    return combo


def describe_audience(audience: object) -> str:
    """What the chosen copy holds, in a sentence or two under the choice."""
    if audience == "review":
        return _tr(
            "Adds the programme records: skills scans, the off-the-job training log and "
            "progress reviews. Not for the assessor."
        )
    return _tr(
        "What the assessor grades: evidence, KSB mapping and declaration. No skills "
        "scans, off-the-job log or progress reviews."
    )


class ExportPdfDialog(QDialog):
    """The options of one export, and where to write it."""

    def __init__(self, document: PortfolioDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportPdfDialog")
        self.setWindowTitle(_tr("Export EPA Portfolio PDF"))
        intro = QLabel(
            _tr(
                "The portfolio your assessor reads: cover, contents, coverage, the KSB "
                "matrix, every evidence item and the declaration."
            ),
            self,
        )
        intro.setWordWrap(True)

        self.portfolio = document.path
        self.path = QLineEdit(str(suggested_path(document)), self)
        self._confirmed: Path | None = None  # a file the save dialog already asked to replace
        self.path.setAccessibleName(_tr("PDF file"))
        browse = QPushButton(_tr("&Browse…"), self)
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)

        self.audience = audience_combo(self)
        self.audience.setObjectName("exportAudience")
        self.audience_note = QLabel(self)
        self.audience_note.setWordWrap(True)
        self.audience.currentIndexChanged.connect(self._describe_audience)
        self._describe_audience()
        self.include_drafts = QCheckBox(
            _tr("Include items still in &draft (each of their pages marked DRAFT)"), self
        )
        self.include_drafts.setChecked(False)
        self.order = QComboBox(self)
        self.order.setAccessibleName(_tr("Evidence order"))
        self.order.addItem(_tr("By date"), "date")
        self.order.addItem(_tr("By KSB"), "ksb")
        self.page_size = QComboBox(self)
        self.page_size.setAccessibleName(_tr("Page size"))
        self.page_size.addItem(_tr("A4"), "A4")
        self.page_size.addItem(_tr("US Letter"), "Letter")

        form = QFormLayout()
        save_as = QLabel(_tr("&Save as"), self)
        save_as.setBuddy(self.path)  # a row of a layout gets no buddy by itself
        form.addRow(save_as, where)
        form.addRow(_tr("&Copy"), self.audience)
        form.addRow("", self.audience_note)
        form.addRow("", self.include_drafts)
        form.addRow(_tr("Evidence &order"), self.order)
        form.addRow(_tr("&Page size"), self.page_size)

        self.error = QLabel(self)
        self.error.setObjectName("exportError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: palette(highlight);")
        self.error.hide()

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.export_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText(_tr("&Export"))
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(680)  # a usual path and file name fit whole

    def _describe_audience(self) -> None:
        self.audience_note.setText(describe_audience(self.audience.currentData()))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, _tr("Export EPA Portfolio PDF"), self.path.text(), _tr("PDF documents (*.pdf)")
        )
        if name:
            self._confirmed = Path(name)  # the save dialog asked before choosing a file
            self.path.setText(name)

    def destination(self) -> Path:
        """The file to write (``.pdf`` added when the name has no such ending)."""
        out = Path(self.path.text().strip()).expanduser()
        return out if out.suffix.lower() == ".pdf" else out.with_name(out.name + ".pdf")

    def options(self) -> PdfOptions:
        from app.export.pdf import PdfOptions  # reportlab: only once an export is asked for

        return PdfOptions(
            include_drafts=self.include_drafts.isChecked(),
            audience="review" if self.audience.currentData() == "review" else "assessor",
            order="ksb" if self.order.currentData() == "ksb" else "date",
            page_size="Letter" if self.page_size.currentData() == "Letter" else "A4",
        )

    def problem(self) -> str | None:
        """Why the chosen destination cannot be written, in one sentence (None if fine)."""
        typed = self.path.text().strip()
        if not typed:
            return _tr("Choose where to save the PDF.")
        out = self.destination()
        for candidate in (Path(typed).expanduser(), out):
            if candidate.is_dir():
                return _tr("{path} is a folder; give a file name such as portfolio.pdf.").format(
                    path=candidate
                )
        if not out.parent.is_dir():
            return _tr("The folder {folder} does not exist; choose another.").format(
                folder=out.parent
            )
        # The portfolio, its companions, any database: refused even though the
        # dialog's own overwrite confirmation allows replacing an ordinary file.
        return output_problem(out, what="PDF", force=True, protected=[self.portfolio])

    def _accept_if_valid(self) -> None:
        problem = self.problem()
        if problem is not None:
            self.error.setText(problem)
            self.error.show()
            return
        out = self.destination()
        if out.exists() and out != self._confirmed and not self._replace(out):
            return
        self.accept()

    def _replace(self, out: Path) -> bool:
        """A typed name of an existing file: ask, as the save dialog does, before replacing it."""
        answer = QMessageBox.question(
            self,
            _tr("Replace the file?"),
            _tr("{name} already exists in {folder}. Replace it?").format(
                name=out.name, folder=out.parent
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def export_pdf(window: MainWindow, out: Path, options: PdfOptions) -> None:
    """Write the PDF to ``out`` off the GUI thread, with progress and Cancel."""
    document = window.document  # the worker reads through its own connection

    def work(context: TaskContext) -> PdfResult:
        from app.export.pdf import ExportCancelled

        context.report(0, 0, _tr("Reading the portfolio…"))
        try:
            return document.export_pdf(  # replacing a file the dialog asked about
                out,
                options,
                progress=lambda done, total: context.report(
                    done, total, _tr("Laying out the pages…")
                ),
                cancelled=context.is_cancelled,
            )
        except ExportCancelled as exc:
            raise TaskCancelled(str(exc)) from exc

    def done(result: PdfResult) -> None:
        from app.ui.exported import show_exported

        pages = _tr("1 page") if result.pages == 1 else _tr("{n} pages").format(n=result.pages)
        message = _tr("Exported {path} ({pages}).").format(path=out, pages=pages)
        window.statusBar().showMessage(message, 15000)
        show_exported(window, out, message, open_label=_tr("Open PDF"))
        if result.warnings:
            show_export_warnings(window, out, result.warnings)

    window.run_task(_tr("Exporting the EPA portfolio PDF…"), work, done)


def show_export_warnings(window: QWidget, out: Path, warnings: tuple[str, ...]) -> QMessageBox:
    """The PDF is written, but some text could not be shown in it: say what, and where."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _tr("PDF exported with warnings"),
        _tr("{name} was written, but it does not show everything:").format(name=out.name),
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.setObjectName("exportWarnings")
    box.setInformativeText("\n\n".join(warnings))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_export_dialog(window: MainWindow) -> ExportPdfDialog:
    """File ▸ Export EPA Portfolio PDF…: the dialog, then the export when accepted."""
    dialog = ExportPdfDialog(window.document, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: export_pdf(window, dialog.destination(), dialog.options()))
    dialog.open()
    return dialog


def install(window: MainWindow) -> None:
    """Add File ▸ Export EPA Portfolio PDF… (review windows too: it changes nothing)."""
    action = QAction(_tr("Export EPA Portfolio P&DF…"), window)
    action.setObjectName("exportPdfAction")
    action.setShortcut(QKeySequence("Ctrl+Shift+E"))
    action.setStatusTip(_tr("Write the end-point-assessment portfolio PDF for your assessor"))
    action.triggered.connect(lambda _checked=False: show_export_dialog(window))
    window.add_file_action(action)
