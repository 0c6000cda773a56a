"""Creating a portfolio: the apprentice's details and the standard (ST0825 preselected).

Every standard and version in the user's standards library is offered (bundled and
imported), searchable by title or reference; "Import standard…" adds one from a
Skills England JSON file; a standard with options asks which one the apprentice follows.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import InvalidInputError, PortfolioError
from app.schema.framework import FrameworkDocument
from app.services import frameworks, ifate, library
from app.services.portfolio import validate_uln
from app.ui.document import PortfolioDocument
from app.ui.errors import error_label, show_error
from app.ui.file_dialogs import choose_new_portfolio_path
from app.ui.uln_field import UlnCheck

DEFAULT_FRAMEWORK = "ST0825"


def standard_label(doc: FrameworkDocument) -> str:
    """ "ST0825 v1.0 — DevOps engineer (level 4)", as the list of standards shows it."""
    level = f" (level {doc.level})" if doc.level is not None else ""
    return f"{doc.key} v{doc.version} — {doc.title}{level}"


def read_standard_file(path: Path) -> bytes:
    """A standards file's bytes, refused in one sentence when it is too big to be one."""
    try:
        if path.stat().st_size > ifate.MAX_FILE_BYTES:
            raise InvalidInputError(
                f"{path.name} is larger than any standards file ({ifate.MAX_FILE_BYTES:,} bytes)."
            )
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc


class StandardPicker(QWidget):
    """The standards in the library, a search box over them, and "Import standard…"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search by title or reference"))
        self.search.setAccessibleName(self.tr("Search standards"))
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Apprenticeship standard or framework"))
        self.list.setMinimumHeight(120)
        self.import_button = QPushButton(self.tr("Import standard…"), self)
        self.import_button.setAccessibleName(
            self.tr("Import a standard from a Skills England JSON file")
        )
        self.empty = QLabel(self.tr("No standard matches."), self)
        self.empty.hide()
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        self.search.textChanged.connect(self.filter)
        self.documents: dict[tuple[str, str], FrameworkDocument] = {}
        self.reload()

    def reload(self, select: tuple[str, str] | None = None) -> None:
        current = select or self.current_key()
        self.list.clear()
        self.documents = {(d.key, d.version): d for d in library.documents()}
        for doc in self.documents.values():
            item = QListWidgetItem(standard_label(doc))
            item.setToolTip(standard_label(doc))
            item.setData(Qt.ItemDataRole.UserRole, (doc.key, doc.version))
            self.list.addItem(item)
        wanted = current or self._newest(DEFAULT_FRAMEWORK)
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == wanted:
                self.list.setCurrentRow(row)
                break
        self.filter(self.search.text())

    def _newest(self, key: str) -> tuple[str, str] | None:
        versions = [k for k in self.documents if k[0] == key]
        return versions[-1] if versions else None

    def filter(self, text: str) -> None:
        """Show the standards whose reference or title holds every word typed."""
        words = text.casefold().split()
        shown = 0
        for row in range(self.list.count()):
            item = self.list.item(row)
            key = item.data(Qt.ItemDataRole.UserRole)
            doc = self.documents[key]
            hay = f"{doc.key} {doc.title}".casefold()
            hidden = not all(word in hay for word in words)
            item.setHidden(hidden)
            shown += not hidden
        current = self.list.currentItem()
        if shown and (current is None or current.isHidden()):
            first = next(r for r in range(self.list.count()) if not self.list.item(r).isHidden())
            self.list.setCurrentRow(first)
        self.empty.setVisible(shown == 0)

    def current_key(self) -> tuple[str, str] | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        key = item.data(Qt.ItemDataRole.UserRole)
        return (str(key[0]), str(key[1]))

    def current(self) -> FrameworkDocument | None:
        key = self.current_key()
        return None if key is None else self.documents.get(key)


class NewPortfolioDialog(QDialog):
    """Asks for the details, creates the file; ``document`` is set once accepted,
    holding the single-writer lock (whoever takes it over closes it)."""

    def __init__(
        self, path: Path, *, first_run: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.document: PortfolioDocument | None = None
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
        self.uln_error = error_label(self)
        self.uln_check = UlnCheck(self.uln, self.uln_error)
        self.employer = QLineEdit(self)
        self.employer.setAccessibleName(self.tr("Employer"))
        self.provider = QLineEdit(self)
        self.provider.setAccessibleName(self.tr("Training provider"))
        self.standards = StandardPicker(self)
        self.framework = self.standards.list
        self.option = QComboBox(self)
        self.option.setAccessibleName(self.tr("Option of the standard you follow"))
        self.option_label = QLabel(self.tr("&Option *"), self)
        self.option_label.setBuddy(self.option)

        self.location = QLabel(self)
        self.location.setWordWrap(True)
        self._show_location()
        self.change_location = QPushButton(self.tr("Change…"), self)
        self.change_location.setAccessibleName(self.tr("Choose where to save the portfolio"))

        self.error = error_label(self)
        self.error.setAccessibleName(self.tr("Problem"))

        form = QFormLayout()
        form.addRow(self.tr("Your &name *"), self.name)
        form.addRow(self.tr("&ULN"), self.uln)
        form.addRow("", self.uln_error)
        form.addRow(self.tr("&Employer"), self.employer)
        form.addRow(self.tr("Training &provider"), self.provider)
        standard_label = QLabel(self.tr("&Standard"), self)
        standard_label.setBuddy(self.standards.search)
        form.addRow(standard_label, self.standards)
        form.addRow(self.option_label, self.option)
        # the path on a row of its own (a wrapped label keeps its height there), the
        # button under it
        form.addRow(self.tr("Saved in"), self.location)
        change_row = QHBoxLayout()  # the button at its own size, under the path
        change_row.addWidget(self.change_location)
        change_row.addStretch(1)
        form.addRow("", change_row)

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
        self.setMinimumWidth(640)

        self.name.textChanged.connect(self._update_create)
        self.uln_check.validityChanged.connect(self._update_create)
        self.option.currentIndexChanged.connect(self._update_create)
        self.standards.list.currentItemChanged.connect(self._standard_changed)
        self.standards.import_button.clicked.connect(self.import_standard)
        self._standard_changed()
        self.buttons.accepted.connect(self.create_file)
        self.buttons.rejected.connect(self.reject)
        self.change_location.clicked.connect(self._choose_location)

    def _standard_changed(self, *_args: object) -> None:
        """Offer the chosen standard's options, if it has any."""
        doc = self.standards.current()
        self.option.clear()
        options = doc.options if doc is not None else []
        if options:
            self.option.addItem(self.tr("Choose the option you follow…"), None)
            for option in options:
                self.option.addItem(f"{option.n}: {option.title}", option.n)
        self.option.setVisible(bool(options))
        self.option_label.setVisible(bool(options))
        self._update_create()

    def _update_create(self, *_args: object) -> None:
        doc = self.standards.current()
        needs_option = doc is not None and bool(doc.options)
        self.create_button.setEnabled(
            bool(self.name.text().strip())
            and self.uln_check.is_valid()
            and doc is not None
            and (not needs_option or self.option.currentData() is not None)
        )

    def import_standard(self) -> None:
        """Import standards from a Skills England JSON file into the library, and select one."""
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import Standard"),
            str(Path.home()),
            self.tr("Standards (*.json);;All files (*)"),
        )
        if not name:
            return
        self.error.hide()
        try:
            results = frameworks.import_standards(None, read_standard_file(Path(name)))
        except PortfolioError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        first = results[0].summary
        self.standards.search.clear()
        self.standards.reload(select=(first.key, first.version))
        self._standard_changed()

    def _choose_location(self) -> None:
        path = choose_new_portfolio_path(self, self.path.parent)
        if path is not None:
            self.path = path
            self._show_location()

    def _show_location(self) -> None:
        """The whole path, wrapped after its separators rather than clipped."""
        text = str(self.path)
        for separator in ("/", "\\"):
            text = text.replace(separator, separator + "\u200b")
        self.location.setText(text)
        self.location.setToolTip(str(self.path))
        self.location.setAccessibleName(self.tr("Saved in {path}").format(path=self.path))

    def create_file(self) -> None:
        """Create the portfolio file; on bad input say why and stay open."""
        self.error.hide()
        try:
            validate_uln(self.uln.text())
            self.path.parent.mkdir(parents=True, exist_ok=True)
            standard = self.standards.current()
            if standard is None:
                raise InvalidInputError(self.tr("Choose the standard you follow."))
            option = self.option.currentData()
            self.document = PortfolioDocument.create(
                self.path,
                name=self.name.text(),
                framework_key=standard.key,
                framework_version=standard.version,
                option=None if option is None else str(option),
                uln=self.uln.text(),
                employer=self.employer.text(),
                provider=self.provider.text(),
            )
        except PortfolioError as exc:
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
        self.uln_error = error_label(self)
        self.uln_check = UlnCheck(self.uln, self.uln_error)
        self.employer = QLineEdit(info.employer, self)
        self.employer.setAccessibleName(self.tr("Employer"))
        self.provider = QLineEdit(info.provider, self)
        self.provider.setAccessibleName(self.tr("Training provider"))
        followed = f"{info.framework_key} v{info.framework_version}"
        if info.option is not None:
            followed += self.tr(", option {n}: {title}").format(
                n=info.option.n, title=info.option.title
            )
        standard = QLabel(followed, self)
        standard.setTextFormat(Qt.TextFormat.PlainText)
        self.error = error_label(self)
        form = QFormLayout()
        form.addRow(self.tr("Your &name"), self.name)
        form.addRow(self.tr("&ULN"), self.uln)
        form.addRow("", self.uln_error)
        form.addRow(self.tr("&Employer"), self.employer)
        form.addRow(self.tr("Training &provider"), self.provider)
        form.addRow(self.tr("Standard"), standard)
        form.addRow(self.tr("Signing key"), self._signing_key_row())
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
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not read_only)
        self.uln_check.validityChanged.connect(lambda ok: save.setEnabled(ok and not read_only))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def _signing_key_row(self) -> QWidget:
        """The fingerprint the assessor checks a package against (made on first export)."""
        from app.services import signing
        from app.ui.exported import FingerprintField

        try:
            key = signing.existing_key()
        except Exception:  # an unreadable key file: Export Package says why
            key = None
        if key is None:
            note = QLabel(self.tr("Made when you first export a package."), self)
            note.setWordWrap(True)
            return note
        self.fingerprint = FingerprintField(key.fingerprint, self)
        return self.fingerprint

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
