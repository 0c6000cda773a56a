"""The signer's view: a sign-off request read with no portfolio of one's own.

The evidence reads as in the PDF (the same Markdown renderer, the print renditions
of the pictures); per claim the signer confirms or declines, comments per item,
may write a witness statement, and signs with their own key — made on first use —
whose fingerprint is shown for them to read out.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import PortfolioError
from app.export.markdown_html import render_markdown_html
from app.export.signoff_files import (
    Decision,
    OpenedRequest,
    ResponseResult,
    open_request,
    write_response,
)
from app.schema.signoff import Person, RequestItem, ReviewContent
from app.services import signing
from app.ui.errors import show_error
from app.ui.file_dialogs import choose_save_path
from app.ui.window_layout import fit_dialog

UNDECIDED, CONFIRM, DECLINE = 0, 1, 2


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ClaimRow(QWidget):
    """One claim: its code and text, and Confirm / Decline (neither until chosen)."""

    def __init__(self, code: str, kind: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(f"<b>{_escape(code)}</b> <i>({_escape(kind)})</i> {_escape(text)}", self)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(label, 1)
        self.confirm = QRadioButton(self.tr("Confirm"), self)
        self.decline = QRadioButton(self.tr("Decline"), self)
        self.group = QButtonGroup(self)
        self.group.addButton(self.confirm, CONFIRM)
        self.group.addButton(self.decline, DECLINE)
        layout.addWidget(self.confirm)
        layout.addWidget(self.decline)

    def verdict(self) -> int:
        checked = self.group.checkedId()
        return checked if checked in (CONFIRM, DECLINE) else UNDECIDED


class ItemPanel(QGroupBox):
    """One item as the request shows it, with the signer's answers."""

    def __init__(
        self, opened: OpenedRequest, item: RequestItem, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"{item.ref} · {item.content.title}", parent)
        layout = QVBoxLayout(self)
        meta = QLabel(self.tr("Dated {date}").format(date=item.content.date), self)
        layout.addWidget(meta)
        body = QTextBrowser(self)
        body.setOpenLinks(False)
        html = render_markdown_html(item.content.body) if item.content.body.strip() else ""
        pictures = [a for a in item.attachments if a.rendition and a.sha256 in opened.renditions]
        for picture in pictures:  # the print renditions, as resources (nothing is fetched)
            image = QImage.fromData(opened.renditions[picture.sha256])
            if image.isNull():
                continue
            body.document().addResource(
                QTextDocument.ResourceType.ImageResource.value,
                QUrl(f"rendition:{picture.sha256}"),
                image,
            )
            width = min(image.width(), 420)
            html += (
                f'<p><img src="rendition:{picture.sha256}" width="{width}"/><br/>'
                f"<small>{_escape(picture.name)}</small></p>"
            )
        others = [a for a in item.attachments if a not in pictures]
        if others:
            names = ", ".join(_escape(a.name) for a in others)
            html += f"<p><small>{self.tr('Other attachments:')} {names}</small></p>"
        body.setHtml(html or f"<i>{self.tr('No reflection written.')}</i>")
        body.setMinimumHeight(160)
        layout.addWidget(body)
        self.body = body
        justifications = {
            t.code: t.justification for t in (*item.content.ksbs, *item.content.duties)
        }
        self.rows: list[ClaimRow] = []
        texts = {c.code: c for c in item.claims}
        if item.requested:
            layout.addWidget(QLabel(self.tr("<b>Claims to confirm</b>"), self))
        for code in item.requested:
            claim = texts.get(code)
            row = ClaimRow(code, claim.kind if claim else "", claim.text if claim else "", self)
            self.rows.append(row)
            layout.addWidget(row)
            why = justifications.get(code, "").strip()
            if why:
                note = QLabel(self.tr("The apprentice says: {why}").format(why=_escape(why)), self)
                note.setWordWrap(True)
                note.setIndent(16)
                layout.addWidget(note)
        self.comment = QLineEdit(self)
        self.comment.setPlaceholderText(self.tr("A comment on this item (optional)"))
        layout.addWidget(self.comment)
        self.ref = item.ref

    def decision(self) -> Decision:
        return Decision(
            confirmed=tuple(r.code for r in self.rows if r.verdict() == CONFIRM),
            declined=tuple(r.code for r in self.rows if r.verdict() == DECLINE),
            comment=self.comment.text().strip(),
        )


class ReviewPanel(QGroupBox):
    """A progress review to sign: its record as sent, Sign or Decline, and a comment."""

    def __init__(self, review: ReviewContent, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Progress review on {date}").format(date=review.date), parent)
        layout = QVBoxLayout(self)
        view = QTextBrowser(self)
        view.setOpenLinks(False)
        view.setAccessibleName(self.tr("The review"))
        parts = [
            "<p><b>{}</b> {}</p>".format(
                _escape(self.tr("Taking part:")),
                _escape("; ".join(f"{p.name} ({p.role})" for p in review.participants)),
            )
        ]
        if review.otj_minutes is not None:
            hours, minutes = divmod(review.otj_minutes, 60)
            parts.append(
                "<p><b>{}</b> {} h {:02d} min</p>".format(
                    _escape(self.tr("Off-the-job hours reviewed:")), hours, minutes
                )
            )
        if review.notes.strip():
            parts.append(render_markdown_html(review.notes))
        if review.actions:
            rows = "".join(
                f"<li>{_escape(a.text)}"
                + (f" — {_escape(a.owner)}" if a.owner else "")
                + (f" ({_escape(a.due)})" if a.due else "")
                + "</li>"
                for a in review.actions
            )
            parts.append(f"<p><b>{_escape(self.tr('Actions agreed:'))}</b></p><ul>{rows}</ul>")
        view.setHtml("".join(parts))
        view.setMinimumHeight(260)  # the review reads without scrolling a slit
        layout.addWidget(view, 1)
        row = QHBoxLayout()
        self.sign = QRadioButton(self.tr("&Sign this review"), self)
        self.decline = QRadioButton(self.tr("&Decline to sign it"), self)
        self.choice = QButtonGroup(self)
        for button in (self.sign, self.decline):
            self.choice.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.comment = QPlainTextEdit(self)
        self.comment.setAccessibleName(self.tr("Your comment on the review"))
        self.comment.setPlaceholderText(self.tr("A comment (why you decline, or anything to add)"))
        self.comment.setMaximumHeight(90)
        layout.addWidget(self.comment)

    def answer(self) -> tuple[str, str] | None:
        if self.sign.isChecked():
            return ("signed", self.comment.toPlainText().strip())
        if self.decline.isChecked():
            return ("declined", self.comment.toPlainText().strip())
        return None


class SignerDialog(QDialog):
    """Read a request, answer it, sign it with one's own key and save the response."""

    signed = Signal(object)  # ResponseResult

    def __init__(self, opened: OpenedRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opened = opened
        request = opened.request
        self.setWindowTitle(
            self.tr("Sign-off request from {name}").format(name=request.apprentice.name)
        )
        fit_dialog(self, 900, 720)
        outer = QVBoxLayout(self)
        apprentice = request.apprentice
        asks = (
            self.tr(
                "<b>{name}</b> ({standard}) asks you to sign the record of a progress "
                "review. Their key: <tt>{key}</tt>"
            )
            if request.review is not None
            else self.tr(
                "<b>{name}</b> ({standard}) asks you to confirm evidence for their "
                "end-point assessment. Their key: <tt>{key}</tt>"
            )
        )
        intro = QLabel(
            asks.format(
                name=_escape(apprentice.name),
                standard=_escape(
                    f"{apprentice.framework_title} {apprentice.framework} "
                    f"v{apprentice.framework_version}".strip()
                ),
                # in fours, as the apprentice's own Portfolio Details shows it to read out
                key=" ".join(opened.fingerprint[i : i + 4] for i in range(0, 64, 4)),
            ),
            self,
        )
        intro.setWordWrap(True)
        outer.addWidget(intro)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        inner = QWidget(scroll)
        column = QVBoxLayout(inner)
        self.panels = [ItemPanel(opened, item, inner) for item in request.items]
        for panel in self.panels:
            column.addWidget(panel)
        self.review_panel: ReviewPanel | None = None
        if request.review is not None:
            self.review_panel = ReviewPanel(request.review.content, inner)
            column.addWidget(self.review_panel, 1)
        statement_box = QGroupBox(self.tr("Witness statement (optional)"), inner)
        statement_box.setVisible(request.review is None)
        statement_layout = QVBoxLayout(statement_box)
        self.statement = QPlainTextEdit(statement_box)
        self.statement.setPlaceholderText(
            self.tr("In your own words: what you observed, and when.")
        )
        statement_layout.addWidget(self.statement)
        column.addWidget(statement_box)
        if self.review_panel is None:
            column.addStretch(1)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)

        who = QGroupBox(self.tr("You"), self)
        form = QFormLayout(who)
        asked = request.signer
        self.name = QLineEdit(asked.name, who)
        self.role = QLineEdit(asked.role, who)
        self.organisation = QLineEdit(asked.organisation, who)
        self.email = QLineEdit(asked.email, who)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Organisation"), self.organisation)
        form.addRow(self.tr("Email"), self.email)
        existing = signing.existing_key()
        self.fingerprint = QLabel(self)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setWordWrap(True)
        self._show_fingerprint(existing.fingerprint if existing else None)
        form.addRow(self.tr("Your key"), self.fingerprint)
        outer.addWidget(who)

        buttons = QDialogButtonBox(self)
        self.sign_button = buttons.addButton(
            self.tr("Sign and Save Response…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.sign_and_save)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

    def _show_fingerprint(self, fingerprint: str | None) -> None:
        if fingerprint is None:
            self.fingerprint.setText(
                self.tr("A key is made for you when you sign; its fingerprint will show here.")
            )
            return
        groups = " ".join(fingerprint[i : i + 4] for i in range(0, 64, 4))
        self.fingerprint.setText(
            self.tr("<tt>{groups}</tt><br/>Read this out if the apprentice asks.").format(
                groups=groups
            )
        )

    def decisions(self) -> dict[str, Decision]:
        return {panel.ref: panel.decision() for panel in self.panels}

    def signer(self) -> Person:
        return Person(
            name=self.name.text().strip(),
            role=self.role.text().strip(),
            organisation=self.organisation.text().strip(),
            email=self.email.text().strip(),
        )

    def sign_to(self, out: Path, *, force: bool = False) -> ResponseResult:
        """Sign the answers with the signer's own key and write them to ``out``."""
        key = signing.load_or_create_key()
        result = write_response(
            self.opened,
            self.decisions(),
            self.signer(),
            out,
            statement=self.statement.toPlainText() if self.review_panel is None else "",
            review=self.review_panel.answer() if self.review_panel is not None else None,
            key=key,
            force=force,
        )
        self._show_fingerprint(result.fingerprint)
        return result

    def sign_and_save(self) -> None:
        suggested = self.opened.path.with_suffix(".response")
        out = choose_save_path(
            self,
            self.tr("Save the Signed Response"),
            suggested,
            self.tr("Sign-off responses (*.response)"),
            what="sign-off response",
            suffix=".response",
        )
        if out is None:
            return
        try:
            result = self.sign_to(out, force=True)  # the save dialog asked before replacing
        except PortfolioError as exc:
            show_error(self, exc)
            return
        self.signed.emit(result)
        if self.review_panel is not None:
            QMessageBox.information(
                self,
                self.tr("Response signed"),
                self.tr(
                    "Saved {file}: your answer to the progress review. Send it back to {name}. "
                    "Your key fingerprint is shown below."
                ).format(file=out.name, name=self.opened.request.apprentice.name),
            )
            return
        QMessageBox.information(
            self,
            self.tr("Response signed"),
            self.tr(
                "Saved {file}: {confirmed} confirmed, {declined} declined. Send it back to "
                "{name}. Your key fingerprint is shown below."
            ).format(
                file=out.name,
                confirmed=result.confirmed,
                declined=result.declined,
                name=self.opened.request.apprentice.name,
            ),
        )


def open_signer_view(path: Path, parent: QWidget | None = None) -> SignerDialog | None:
    """Open the request at ``path`` in the signer's view; a bad file becomes a message."""
    try:
        opened = open_request(Path(path))
    except PortfolioError as exc:
        show_error(parent, exc)
        return None
    dialog = SignerDialog(opened, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def run_signer(app: QApplication, path: Path) -> int:
    """``portfolio sam.request`` (or a double-click): the signer's view alone, no portfolio."""
    dialog = open_signer_view(path)
    if dialog is None:
        return 1
    dialog.finished.connect(app.quit)
    return int(app.exec())
