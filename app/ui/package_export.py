"""File ▸ Export Package…: which copy the signed package carries, then where to save it.

The same choice as the PDF dialog and ``export package --for assessor|review``: the
assessor's copy (the default) leaves the drafts and the programme records out of the PDF
and ``portfolio.json`` alike; the review copy for the provider and employer carries the
whole portfolio.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.ui.export import audience_combo, describe_audience

if TYPE_CHECKING:
    from app.export.package import Audience
    from app.ui.main_window import MainWindow


def _tr(text: str) -> str:
    return QCoreApplication.translate("ExportPackage", text)


class PackageCopyDialog(QDialog):
    """The copy the package carries; Continue goes on to the save dialog."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportPackageDialog")
        self.setWindowTitle(_tr("Export Package"))
        intro = QLabel(
            _tr(
                "The signed package: the EPA portfolio PDF, the portfolio's data and its "
                "attachments, signed with your key."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.audience: QComboBox = audience_combo(self)
        self.audience.setObjectName("packageAudience")
        self.audience_note = QLabel(self)
        self.audience_note.setObjectName("packageAudienceNote")
        self.audience_note.setWordWrap(True)
        self.audience.currentIndexChanged.connect(self._describe)
        self._describe()

        form = QFormLayout()
        copy_label = QLabel(_tr("&Copy"), self)
        copy_label.setBuddy(self.audience)
        form.addRow(copy_label, self.audience)
        form.addRow("", self.audience_note)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_tr("C&ontinue…"))
        ok.setObjectName("packageContinue")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def _describe(self) -> None:
        if self.chosen() == "review":
            extra = _tr("The package's data carries the whole portfolio, drafts included.")
        else:
            extra = _tr(
                "The package's data leaves them out too, with items still in draft; "
                "importing it gives a portfolio without them."
            )
        self.audience_note.setText(f"{describe_audience(self.chosen())} {extra}")

    def chosen(self) -> Audience:
        return "review" if self.audience.currentData() == "review" else "assessor"


def show_package_dialog(window: MainWindow) -> PackageCopyDialog:
    """File ▸ Export Package…: the choice of copy, then the save dialog and the export."""
    from app.ui.review import export_package

    dialog = PackageCopyDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: export_package(window, audience=dialog.chosen()))
    dialog.open()
    return dialog
