"""After an export: open the file or its folder, and copy the signing key's fingerprint.

The fingerprint is what the apprentice gives the assessor (by another channel) so
the assessor can check a package really is theirs; it is shown where it can be
read, selected and copied: after Export Package and in Portfolio Details.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def open_url(url: QUrl) -> bool:
    """Hand ``url`` to the desktop (the one place the app opens files and folders)."""
    return QDesktopServices.openUrl(url)


class FingerprintField(QWidget):
    """The fingerprint in a fixed-width, selectable line, with a Copy button."""

    copied = Signal(str)

    def __init__(self, fingerprint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fingerprint = fingerprint
        self.label = QLabel(grouped(fingerprint), self)
        self.label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAccessibleName(self.tr("Signing key fingerprint"))
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setAccessibleName(self.tr("Copy the fingerprint"))
        self.copy_button.clicked.connect(self.copy)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.fingerprint)
        self.copy_button.setText(self.tr("Copied"))
        self.copied.emit(self.fingerprint)


def grouped(fingerprint: str) -> str:
    """``ab12cd34…`` in groups of four, easier to read out and compare."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


class ExportedDialog(QDialog):
    """ "Exported …" with Open, Show in Folder and (for a signed package) the fingerprint."""

    def __init__(
        self,
        path: Path,
        message: str,
        *,
        open_label: str | None = None,
        fingerprint: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.setObjectName("exported")
        self.setWindowTitle(self.tr("Export finished"))
        text = QLabel(message, self)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        self.fingerprint: FingerprintField | None = None
        if fingerprint:
            hint = QLabel(
                self.tr(
                    "Give your assessor this fingerprint of your signing key (by email or in "
                    "person, not with the package): it lets them check the package is yours."
                ),
                self,
            )
            hint.setWordWrap(True)
            self.fingerprint = FingerprintField(fingerprint, self)
            layout.addWidget(hint)
            layout.addWidget(self.fingerprint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_button: QPushButton | None = None
        if open_label:
            self.open_button = buttons.addButton(open_label, QDialogButtonBox.ButtonRole.ActionRole)
            self.open_button.clicked.connect(self.open_file)
        self.folder_button = buttons.addButton(
            self.tr("Show in Folder"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.folder_button.clicked.connect(self.show_folder)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)  # a usual path reads on one line

    def open_file(self) -> None:
        open_url(QUrl.fromLocalFile(str(self.path)))
        self.accept()

    def show_folder(self) -> None:
        open_url(QUrl.fromLocalFile(str(self.path.parent)))
        self.accept()


def show_exported(
    parent: QWidget,
    path: Path,
    message: str,
    *,
    open_label: str | None = None,
    fingerprint: str | None = None,
) -> ExportedDialog:
    dialog = ExportedDialog(
        path, message, open_label=open_label, fingerprint=fingerprint, parent=parent
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
