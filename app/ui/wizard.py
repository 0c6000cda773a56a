"""Creating a portfolio: the apprentice's details and the framework (ST0825 preselected)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import PortfolioError
from app.models.db import Database
from app.services import frameworks
from app.services.portfolio import create_portfolio, validate_uln
from app.ui.document import PortfolioDocument
from app.ui.errors import show_error
from app.ui.file_dialogs import choose_new_portfolio_path

DEFAULT_FRAMEWORK = "ST0825"


def bundled_framework_choices() -> list[tuple[str, str]]:
    """(key, "KEY — Title vX") for each bundled framework, without opening any file."""
    choices = []
    for text in frameworks.bundled_documents():
        document = json.loads(text)
        label = f"{document['key']} — {document['title']} v{document['version']}"
        choices.append((document["key"], label))
    return choices


class NewPortfolioDialog(QDialog):
    """Asks for the details, creates the file; ``database`` is set once accepted,
    holding the single-writer lock (whoever takes it over closes it)."""

    def __init__(
        self, path: Path, *, first_run: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.database: Database | None = None
        self.setWindowTitle(
            self.tr("Welcome to Apprentice Portfolio") if first_run else self.tr("New Portfolio")
        )
        self.setModal(True)

        intro = QLabel(
            self.tr(
                "Let's set up your portfolio. Only your name is needed now; "
                "you can add the rest later."
            )
            if first_run
            else self.tr("Create a new portfolio file.")
        )
        intro.setWordWrap(True)

        self.name = QLineEdit(self)
        self.name.setAccessibleName(self.tr("Your full name"))
        self.uln = QLineEdit(self)
        self.uln.setAccessibleName(self.tr("Unique Learner Number"))
        self.uln.setPlaceholderText(self.tr("10 digits, if you know it"))
        self.uln.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,10}"), self))
        self.employer = QLineEdit(self)
        self.employer.setAccessibleName(self.tr("Employer"))
        self.provider = QLineEdit(self)
        self.provider.setAccessibleName(self.tr("Training provider"))
        self.framework = QComboBox(self)
        self.framework.setAccessibleName(self.tr("Apprenticeship standard or framework"))
        for key, label in bundled_framework_choices():
            self.framework.addItem(label, key)
        self.framework.setCurrentIndex(max(0, self.framework.findData(DEFAULT_FRAMEWORK)))

        self.location = QLabel(str(path), self)
        self.location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.location.setWordWrap(True)
        self.change_location = QPushButton(self.tr("Change…"), self)
        self.change_location.setAccessibleName(self.tr("Choose where to save the portfolio"))
        location_row = QHBoxLayout()
        location_row.addWidget(self.location, 1)
        location_row.addWidget(self.change_location)

        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #C62828;")
        self.error.setAccessibleName(self.tr("Problem"))
        self.error.hide()

        form = QFormLayout()
        form.addRow(self.tr("Your &name *"), self.name)
        form.addRow(self.tr("&ULN"), self.uln)
        form.addRow(self.tr("&Employer"), self.employer)
        form.addRow(self.tr("Training &provider"), self.provider)
        form.addRow(self.tr("&Standard"), self.framework)
        form.addRow(self.tr("Saved in"), location_row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(self.tr("&Create Portfolio"))
        self.create_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

        self.name.textChanged.connect(
            lambda text: self.create_button.setEnabled(bool(text.strip()))
        )
        self.buttons.accepted.connect(self.create_file)
        self.buttons.rejected.connect(self.reject)
        self.change_location.clicked.connect(self._choose_location)

    def _choose_location(self) -> None:
        path = choose_new_portfolio_path(self, self.path.parent)
        if path is not None:
            self.path = path
            self.location.setText(str(path))

    def create_file(self) -> None:
        """Create the portfolio file; on bad input say why and stay open."""
        self.error.hide()
        try:
            validate_uln(self.uln.text())
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.database = create_portfolio(
                self.path,
                name=self.name.text(),
                framework_key=self.framework.currentData(),
                uln=self.uln.text(),
                employer=self.employer.text(),
                provider=self.provider.text(),
            )
            # held from the start, as the app holds any open portfolio: nothing else
            # may write to it between creating it and showing it
            self.database.hold_exclusive()
        except PortfolioError as exc:
            if self.database is not None:
                self.database.close()
                self.database = None
            self.error.setText(str(exc))
            self.error.show()
            return
        except OSError as exc:
            self.error.setText(
                self.tr("Cannot create the folder {folder}: {why}.").format(
                    folder=self.path.parent, why=exc.strerror or exc
                )
            )
            self.error.show()
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()


class DetailsDialog(QDialog):
    """Edit ▸ Portfolio Details: the apprentice's name, ULN, employer and provider."""

    def __init__(self, document: PortfolioDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.setWindowTitle(self.tr("Portfolio Details"))
        info = document.info()
        self.name = QLineEdit(info.apprentice_name, self)
        self.name.setAccessibleName(self.tr("Your full name"))
        self.uln = QLineEdit(info.uln, self)
        self.uln.setAccessibleName(self.tr("Unique Learner Number"))
        self.uln.setPlaceholderText(self.tr("10 digits"))
        self.uln.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,10}"), self))
        self.employer = QLineEdit(info.employer, self)
        self.employer.setAccessibleName(self.tr("Employer"))
        self.provider = QLineEdit(info.provider, self)
        self.provider.setAccessibleName(self.tr("Training provider"))
        standard = QLabel(f"{info.framework_key} v{info.framework_version}", self)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #C62828;")
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Your &name"), self.name)
        form.addRow(self.tr("&ULN"), self.uln)
        form.addRow(self.tr("&Employer"), self.employer)
        form.addRow(self.tr("Training &provider"), self.provider)
        form.addRow(self.tr("Standard"), standard)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        read_only = document.read_only
        for field in (self.name, self.uln, self.employer, self.provider):
            field.setReadOnly(read_only)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not read_only)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def save(self) -> None:
        try:
            self._document.update_details(
                name=self.name.text(),
                uln=self.uln.text(),
                employer=self.employer.text(),
                provider=self.provider.text(),
            )
        except PortfolioError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()
