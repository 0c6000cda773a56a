"""Sign-off in the app: ask others to confirm evidence, answer a request as a signer, and
import the signed answers; the editor's Sign-off tab shows who confirmed what.

Installed on every window (``app.ui.windows.EXTENSION_MODULES``):
- Edit ▸ Request Sign-off… (the selected item preselected) writes a signed request;
- File ▸ Open Sign-off Request… opens the signer's view (no portfolio needed; a
  ``.request`` file given to ``portfolio`` opens it too);
- File ▸ Import Sign-off Response… checks and stores a signed response;
- the item editor gets a Sign-off tab: each confirmation with who, when, key, and
  "given for an earlier version" when the item changed since.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import PortfolioError
from app.ui.errors import show_error
from app.ui.evidence_model import COL_SIGNOFF
from app.ui.file_dialogs import choose_save_path

if TYPE_CHECKING:
    from app.export.signoff_files import RequestResult
    from app.services.signoff import Confirmation, ImportOutcome
    from app.ui.document import PortfolioDocument
    from app.ui.main_window import MainWindow

REQUEST_SUFFIX = ".request"
RESPONSE_SUFFIX = ".response"


def _tr(text: str) -> str:
    return QCoreApplication.translate("signoff", text)


class SignoffStore(QObject):
    """The window's sign-off reads and writes, through the open portfolio's document."""

    changed = Signal()  # a request was written or a response imported

    def __init__(self, document: PortfolioDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document

    def marks(self) -> dict[int, tuple[str, str]]:
        """The evidence list's Signed off column: per item id, a mark and its tooltip."""
        from app.services import signoff

        with self.document.reading() as session:
            view = signoff.overview(session)
        found: dict[int, list[Confirmation]] = {}
        for c in view.confirmations():
            if c.confirmed:
                found.setdefault(int(c.ref[1:]), []).append(c)
        marks: dict[int, tuple[str, str]] = {}
        for ident, confirmations in found.items():
            current = [c for c in confirmations if c.current]
            lines = [
                f"{c.signer}, {c.signed[:10]}: {', '.join(c.confirmed)}"
                + ("" if c.current else " " + _tr("(for an earlier version)"))
                for c in confirmations
            ]
            mark = f"✓ {len(current)}" if current else _tr("earlier")
            marks[ident] = (mark, "\n".join(lines))
        return marks

    def confirmations(self, ref: str) -> list[Confirmation]:
        from app.services import signoff

        with self.document.reading() as session:
            return signoff.confirmations_for(session, ref)

    def request(
        self, refs: list[str], name: str, role: str, organisation: str, email: str, out: Path
    ) -> RequestResult:
        from app.schema.signoff import Person

        person = Person(name=name, role=role, organisation=organisation, email=email)
        result = self.document.request_signoff(refs, person, out)
        self.changed.emit()
        return result

    def import_response(self, path: Path) -> ImportOutcome:
        outcome = self.document.import_signoff_response(path)  # refused when read-only
        self.changed.emit()
        return outcome


# --- the editor's Sign-off tab ------------------------------------------------------------------


def confirmations_html(found: list[Confirmation]) -> str:
    """Who confirmed what, when, with which key; every string escaped."""
    if not found:
        return "<p><i>{}</i></p>".format(
            escape(_tr("Nobody has confirmed this item yet. Edit ▸ Request Sign-off… asks."))
        )
    parts: list[str] = []
    for c in found:
        lines = [f"<b>{escape(c.signer)}</b> — {escape(_tr('signed'))} {escape(c.signed[:10])}"]
        if c.confirmed:
            lines.append(f"{escape(_tr('Confirmed:'))} {escape(', '.join(c.confirmed))}")
        if c.declined:
            lines.append(f"{escape(_tr('Declined:'))} {escape(', '.join(c.declined))}")
        if c.comment.strip():
            lines.append(f"“{escape(c.comment)}”")
        if not c.current:
            lines.append(
                "<span style='color:#B35C00'>"
                + escape(
                    _tr("Given for an earlier version (this item changed on {date}).").format(
                        date=c.changed[:10]
                    )
                )
                + "</span>"
            )
        lines.append(f"<tt>{escape(_tr('Key'))} {escape(c.fingerprint)}</tt>")
        if c.earlier_key:
            lines.append(
                escape(
                    _tr("Warning: this signer used another key before: {key}").format(
                        key=c.earlier_key
                    )
                )
            )
        parts.append("<p>" + "<br/>".join(lines) + "</p>")
    return "".join(parts)


class ConfirmationsPanel(QWidget):
    """The editor's Sign-off tab for the item shown."""

    def __init__(self, window: MainWindow, store: SignoffStore) -> None:
        super().__init__(window)
        self.window_ = window
        self.store = store
        self.ref: str | None = None
        self.found: list[Confirmation] = []
        layout = QVBoxLayout(self)
        self.view = QTextBrowser(self)
        self.view.setOpenLinks(False)
        self.view.setAccessibleName(self.tr("Confirmations of this item"))
        layout.addWidget(self.view, 1)
        self.request_button = QPushButton(self.tr("Request Sign-off…"), self)
        self.request_button.clicked.connect(lambda: request_signoff(window, store))
        self.request_button.setEnabled(not window.document.read_only)
        layout.addWidget(self.request_button)

    def refresh(self) -> None:
        item = self.window_.evidence_page.editor.current_item()
        self.ref = item.ref if item is not None else None
        self.found = self.store.confirmations(self.ref) if self.ref else []
        self.view.setHtml(confirmations_html(self.found))
        editor = self.window_.evidence_page.editor
        index = editor.tabs.indexOf(self)
        if index >= 0:
            label = (
                self.tr("Sign-o&ff ({count})").format(count=len(self.found))
                if self.found
                else self.tr("Sign-o&ff")
            )
            editor.tabs.setTabText(index, label)


# --- requesting ---------------------------------------------------------------------------------


class RequestDialog(QDialog):
    """Which items to send, and to whom."""

    def __init__(self, window: MainWindow, preselected: str | None) -> None:
        super().__init__(window)
        self.setWindowTitle(self.tr("Request Sign-off"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Choose the items to send. The person you name confirms or declines "
                    "each KSB and duty they claim, with their own key."
                ),
                self,
            )
        )
        self.items = QListWidget(self)
        document = window.document
        for summary in document.summaries(document.item_ids()):
            entry = QListWidgetItem(f"{summary.ref}  {summary.title}", self.items)
            entry.setData(Qt.ItemDataRole.UserRole, summary.ref)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(
                Qt.CheckState.Checked if summary.ref == preselected else Qt.CheckState.Unchecked
            )
        layout.addWidget(self.items, 1)
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.role = QLineEdit(self)
        self.organisation = QLineEdit(document.info().employer, self)
        self.email = QLineEdit(self)
        self.email.setPlaceholderText(self.tr("plain text: nothing is sent"))
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("&Role"), self.role)
        form.addRow(self.tr("&Organisation"), self.organisation)
        form.addRow(self.tr("&Email"), self.email)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._accept_if_complete)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> list[str]:
        return [
            str(self.items.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.items.count())
            if self.items.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _accept_if_complete(self) -> None:
        if not self.chosen():
            QMessageBox.information(self, self.windowTitle(), self.tr("Tick at least one item."))
        elif not self.name.text().strip():
            QMessageBox.information(
                self, self.windowTitle(), self.tr("Give the name of the person who confirms.")
            )
        else:
            self.accept()


def request_signoff(window: MainWindow, store: SignoffStore) -> RequestDialog:
    item = window.evidence_page.editor.current_item()
    dialog = RequestDialog(window, item.ref if item is not None else None)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def save() -> None:
        refs = dialog.chosen()
        name = dialog.name.text().strip()
        suggested = window.document.path.parent / f"{name.split()[0].lower()}{REQUEST_SUFFIX}"
        out = choose_save_path(
            window,
            _tr("Save the Sign-off Request"),
            suggested,
            _tr("Sign-off requests (*.request)"),
            what="sign-off request",
            suffix=REQUEST_SUFFIX,
            protected=[window.document.path],
        )
        if out is None:
            return
        try:  # the save dialog asked before replacing a file
            result = store.request(
                refs,
                name,
                dialog.role.text().strip(),
                dialog.organisation.text().strip(),
                dialog.email.text().strip(),
                out,
            )
        except PortfolioError as exc:
            show_error(window, exc)
            return
        count = len(result.refs)
        QMessageBox.information(
            window,
            _tr("Request Sign-off"),
            _tr(
                "Saved {file}: {count} for {name} to confirm. Send it to them; they open it "
                "with File ▸ Open Sign-off Request… and send back a signed response."
            ).format(
                file=out.name,
                count=_tr("1 item") if count == 1 else _tr("{n} items").format(n=count),
                name=name,
            ),
        )

    dialog.accepted.connect(save)
    dialog.open()
    return dialog


# --- importing ----------------------------------------------------------------------------------


def import_response(window: MainWindow, store: SignoffStore, path: Path) -> ImportOutcome | None:
    """Check and store ``path``; say what it held (and warn about a changed key)."""
    try:
        outcome = store.import_response(path)
    except PortfolioError as exc:
        show_error(window, exc)
        return None
    statement = outcome.statement
    confirmed = sum(len(c.confirmed) for c in statement.items)
    if outcome.review_decision:
        text = (
            _tr("Imported the response of {name}: they signed the progress review.")
            if outcome.review_decision == "signed"
            else _tr("Imported the response of {name}: they declined to sign the progress review.")
        ).format(name=statement.name)
    else:
        text = _tr("Imported the response of {name}: {claims} confirmed.").format(
            name=statement.name,
            claims=_tr("1 claim") if confirmed == 1 else _tr("{n} claims").format(n=confirmed),
        )
    earlier = [c.ref for c in statement.items if not c.current]
    if earlier:
        text += " " + _tr("Given for an earlier version of {refs}.").format(refs=", ".join(earlier))
    if outcome.earlier_key:
        QMessageBox.warning(
            window,
            _tr("Import Sign-off Response"),
            text
            + "\n\n"
            + _tr(
                "Warning: {name} answered before with another key ({old}); this response "
                "is signed by {new}. Ask them whether they changed keys."
            ).format(name=statement.name, old=outcome.earlier_key, new=statement.fingerprint),
        )
    else:
        QMessageBox.information(window, _tr("Import Sign-off Response"), text)
    return outcome


def choose_response(window: MainWindow, store: SignoffStore) -> None:
    name, _ = QFileDialog.getOpenFileName(
        window,
        _tr("Import Sign-off Response"),
        str(window.document.path.parent),
        _tr("Sign-off responses (*.response);;All files (*)"),
    )
    if name:
        import_response(window, store, Path(name))


def choose_request(window: QWidget | None, folder: Path) -> None:
    from app.ui.signoff.signer import open_signer_view

    name, _ = QFileDialog.getOpenFileName(
        window,
        _tr("Open Sign-off Request"),
        str(folder),
        _tr("Sign-off requests (*.request);;All files (*)"),
    )
    if name:
        open_signer_view(Path(name), window)


# --- installing ---------------------------------------------------------------------------------


def install(window: MainWindow) -> None:
    store = SignoffStore(window.document, window)
    window.signoff_store = store  # type: ignore[attr-defined]
    writable = not window.document.read_only

    request_action = QAction(_tr("Request Sign-o&ff…"), window)
    request_action.setObjectName("requestSignoffAction")
    request_action.setStatusTip(_tr("Ask a witness or your employer to confirm items"))
    request_action.setEnabled(writable)
    request_action.triggered.connect(lambda _checked=False: request_signoff(window, store))
    actions = window.edit_menu.actions()
    after = actions.index(window.tags_action) + 1 if window.tags_action in actions else -1
    window.edit_menu.insertAction(actions[after], request_action)

    open_action = QAction(_tr("Open Sign-off &Request…"), window)
    open_action.setObjectName("openSignoffRequestAction")
    open_action.setStatusTip(_tr("Answer someone's request to confirm their evidence"))
    open_action.triggered.connect(
        lambda _checked=False: choose_request(window, window.document.path.parent)
    )
    window.add_file_action(open_action)

    import_action = QAction(_tr("Import Sign-off Res&ponse…"), window)
    import_action.setObjectName("importSignoffResponseAction")
    import_action.setEnabled(writable)
    import_action.triggered.connect(lambda _checked=False: choose_response(window, store))
    window.add_file_action(import_action)

    panel = ConfirmationsPanel(window, store)
    panel.setObjectName("signoffPanel")
    window.evidence_page.editor.tabs.addTab(panel, _tr("Sign-o&ff"))
    window.signoff_panel = panel  # type: ignore[attr-defined]
    window.evidence_page.table.selectionModel().currentRowChanged.connect(
        lambda *_args: panel.refresh()
    )
    window.document.itemChanged.connect(lambda _id: panel.refresh())
    store.changed.connect(panel.refresh)
    panel.refresh()

    def reviews_changed() -> None:  # an imported answer may sign a progress review
        pages = getattr(window, "progress_pages", None)
        if pages is not None:
            pages.reviews.store.changed.emit()

    store.changed.connect(reviews_changed)

    model = window.evidence_page.model

    def refresh_column() -> None:
        marks = store.marks()
        model.set_signoff(marks)
        window.evidence_page.table.setColumnHidden(COL_SIGNOFF, not marks)

    store.changed.connect(refresh_column)
    window.document.itemChanged.connect(lambda _id: refresh_column())
    window.document.itemsChanged.connect(refresh_column)
    refresh_column()
