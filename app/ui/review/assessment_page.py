"""The assessor's page in review mode: a judgement and a comment for every KSB.

Judgements are saved at once to the assessor's own file (see
``app.services.assessment``), never into the package or the review copy, and can
be exported as an assessment record PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import PortfolioError
from app.services import assessment as assessments
from app.services.assessment import EVIDENCED, NOT_EVIDENCED, NOT_YET_SEEN, Assessment
from app.services.evidence import ItemFilter
from app.services.views import CompetencyCoverage, CoverageReport, FrameworkView
from app.ui.debounce import Debouncer
from app.ui.errors import show_error
from app.ui.file_dialogs import choose_save_path

if TYPE_CHECKING:
    from app.services.signoff import Confirmation

AnyIndex = QModelIndex | QPersistentModelIndex
CODE_ROLE = Qt.ItemDataRole.UserRole
_COLOURS = {NOT_YET_SEEN: "#6B6B6B", EVIDENCED: "#1B6E3A", NOT_EVIDENCED: "#A33B20"}


class JudgementModel(QAbstractTableModel):
    """One row per competency of the portfolio's framework."""

    CODE, EVIDENCE, JUDGEMENT, COMMENT, TEXT = range(5)

    def __init__(
        self,
        framework: FrameworkView,
        coverage: CoverageReport,
        assessment: Assessment,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._competencies = framework.competencies
        self._coverage: dict[str, CompetencyCoverage] = {c.code: c for c in coverage.competencies}
        self._assessment = assessment
        self._labels = {
            NOT_YET_SEEN: self.tr("Not yet seen"),
            EVIDENCED: self.tr("Evidenced"),
            NOT_EVIDENCED: self.tr("Not evidenced"),
        }

    def label(self, judgement: str) -> str:
        return self._labels[judgement]

    def set_assessment(self, assessment: Assessment) -> None:
        self._assessment = assessment
        if self._competencies:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._competencies) - 1, self.TEXT)
            )

    def code(self, row: int) -> str:
        return self._competencies[row].code

    def row_of(self, code: str) -> int:
        return next((n for n, c in enumerate(self._competencies) if c.code == code), -1)

    def evidence(self, code: str) -> CompetencyCoverage | None:
        return self._coverage.get(code)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._competencies)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            self.CODE: self.tr("KSB"),
            self.EVIDENCE: self.tr("Evidence"),
            self.JUDGEMENT: self.tr("Judgement"),
            self.COMMENT: self.tr("Comment"),
            self.TEXT: self.tr("Competency"),
        }.get(section)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._competencies):
            return None
        competency = self._competencies[index.row()]
        judged = self._assessment.judgement(competency.code)
        column = index.column()
        if role == CODE_ROLE:
            return competency.code
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.CODE:
                return competency.code
            if column == self.EVIDENCE:
                found = self._coverage.get(competency.code)
                return ", ".join(found.items) if found and found.items else "—"
            if column == self.JUDGEMENT:
                return self._labels[judged.judgement]
            if column == self.COMMENT:
                return " ".join(judged.comment.split())[:120]
            if column == self.TEXT:
                return " ".join(competency.text.split())
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.TEXT, self.COMMENT):
            return competency.text if column == self.TEXT else judged.comment[:2000]
        if role == Qt.ItemDataRole.ForegroundRole and column == self.JUDGEMENT:
            return QColor(_COLOURS[judged.judgement])
        return None


class AssessmentPage(QWidget):
    """Per-KSB judgement and comment, saved to the assessor's file as they are made."""

    saved = Signal()  # the assessor's file was written
    recordExported = Signal(str)  # path of the assessment record PDF

    def __init__(
        self,
        window: Any,  # the review MainWindow (run_task, show_items, statusBar)
        identity: assessments.PackageIdentity,
        framework: FrameworkView,
        coverage: CoverageReport,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._framework = framework
        self._coverage = coverage
        self._source_folder = Path.home()
        self._assessment, notice = assessments.load_assessment(identity)
        self._current: str | None = None
        # by ref, read once: each signer's confirmation and their witness statement
        self._statements: dict[str, list[tuple[Confirmation, str]]] | None = None
        self._loading = False
        self.setAccessibleName(self.tr("Assessment"))

        self.model = JudgementModel(framework, coverage, self._assessment, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Competencies and judgements"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # what is judged first: KSB, its text, the judgement; then the evidence and the
        # comment (both in full on the right). Fixed widths, so typing a comment never
        # reshuffles the columns; the competency's text has the rest of the width.
        header = self.table.horizontalHeader()
        header.moveSection(header.visualIndex(JudgementModel.TEXT), 1)
        header.moveSection(header.visualIndex(JudgementModel.JUDGEMENT), 2)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(JudgementModel.TEXT, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        metrics = self.table.fontMetrics()
        for column, sample in (
            (JudgementModel.CODE, "K25"),
            (JudgementModel.EVIDENCE, "E001, E002"),
            (JudgementModel.JUDGEMENT, self.model.label(NOT_EVIDENCED)),
            (JudgementModel.COMMENT, "A comment"),
        ):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 20)
        self.table.setMinimumWidth(self.table_minimum_width())

        self.summary = QLabel(self)
        self.assessor = QLineEdit(self._assessment.assessor, self)
        self.assessor.setPlaceholderText(self.tr("Your name, for the record"))
        self.assessor.setAccessibleName(self.tr("Assessor"))
        self.assessor.setMaxLength(assessments.MAX_ASSESSOR)
        self.export_button = QPushButton(self.tr("Export Assessment &Record…"), self)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        assessor_label = QLabel(self.tr("&Assessor:"), self)
        assessor_label.setBuddy(self.assessor)
        top.addWidget(assessor_label)
        top.addWidget(self.assessor)
        top.addWidget(self.export_button)

        details = QWidget(self)
        self.heading = QLabel(details)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.evidence_label = QLabel(details)
        self.evidence_label.setTextFormat(Qt.TextFormat.PlainText)
        self.evidence_label.setWordWrap(True)
        # what the apprentice claims for this KSB, beside the judgement: each linked item's
        # justification and its reflection, rendered, so the assessor reads the evidence
        # without leaving the page (each item's link opens it, with its attachments, in the
        # Evidence tab, only when asked)
        self.evidence_view = QTextBrowser(details)
        self.evidence_view.setAccessibleName(self.tr("Evidence for the selected KSB"))
        self.evidence_view.setOpenLinks(False)
        self.evidence_view.setOpenExternalLinks(False)
        self.evidence_view.anchorClicked.connect(self._open_item)

        box = QGroupBox(self.tr("Judgement"), details)
        self.choices = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        box_layout = QHBoxLayout(box)
        for value, text in (
            (NOT_YET_SEEN, self.tr("&Not yet seen")),
            (EVIDENCED, self.tr("E&videnced")),
            (NOT_EVIDENCED, self.tr("Not evi&denced")),
        ):
            button = QRadioButton(text, box)
            button.setProperty("judgement", value)
            self.choices.addButton(button)
            self.buttons[value] = button
            box_layout.addWidget(button)
        self.comment = QPlainTextEdit(details)
        self.comment.setAccessibleName(self.tr("Comment"))
        self.comment.setPlaceholderText(self.tr("Your comment on the evidence for this KSB"))
        comment_label = QLabel(self.tr("&Comment:"), details)
        comment_label.setBuddy(self.comment)
        self.save_state = QLabel(details)

        details_layout = QVBoxLayout(details)
        details_layout.addWidget(self.heading)
        details_layout.addWidget(self.evidence_label)
        details_layout.addWidget(self.evidence_view, 3)
        details_layout.addWidget(box)
        details_layout.addWidget(comment_label)
        details_layout.addWidget(self.comment, 1)
        details_layout.addWidget(self.save_state)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self._comment_saver = Debouncer(self._save_comment, 600, 3000, self)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.choices.buttonClicked.connect(self._on_judgement)
        self.comment.textChanged.connect(self._on_comment_typed)
        self.assessor.editingFinished.connect(self._save_assessor)
        self.export_button.clicked.connect(self.export_record)

        self._update_summary()
        self._show(None)
        if self.model.rowCount():
            self.table.selectRow(0)
        if notice:
            self.save_state.setText(notice)

    # --- showing --------------------------------------------------------------------------------

    def select(self, code: str) -> None:
        row = self.model.row_of(code)
        if row >= 0:
            self.table.selectRow(row)

    def current_code(self) -> str | None:
        return self._current

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.flush()
        rows = {index.row() for index in selected.indexes()}
        self._show(self.model.code(min(rows)) if rows else None)

    def _show(self, code: str | None) -> None:
        self._loading = True
        try:
            self._current = code
            enabled = code is not None
            for widget in (self.comment, *self.buttons.values()):
                widget.setEnabled(enabled)
            if code is None:
                self.heading.setText(self.tr("Choose a KSB on the left."))
                self.evidence_label.clear()
                self.evidence_view.clear()
                self.comment.clear()
                return
            competency = self._framework.competency(code)
            self.heading.setText(f"{code} — {competency.text if competency else ''}")
            found = self.model.evidence(code)
            refs = ", ".join(found.items) if found and found.items else self.tr("none")
            drafts = found.drafts if found else 0
            text = self.tr("Evidence tagged: {refs}").format(refs=refs)
            if drafts:
                text += self.tr(" (and {n} in draft)").format(n=drafts)
            self.evidence_label.setText(text)
            self.evidence_view.setHtml(self._evidence_html(code, found.items if found else ()))
            judged = self._assessment.judgement(code)
            self.buttons[judged.judgement].setChecked(True)
            self.comment.setPlainText(judged.comment)
        finally:
            self._loading = False

    def _evidence_html(self, code: str, refs: Sequence[str]) -> str:
        """Each item tagged with ``code``: title, the justification given, the reflection."""
        from app.export.markdown_html import render_markdown_html

        if not refs:
            return "<p><i>{}</i></p>".format(escape(self.tr("No ready item is tagged with it.")))
        parts: list[str] = []
        for ref in refs:
            try:
                item = self._window.document.item_by_ref(ref)
            except Exception:  # gone from the copy: say so rather than stop
                parts.append(f"<h3>{escape(ref)}</h3>")
                continue
            parts.append(f"<h3>{escape(ref)} — {escape(item.title)}</h3>")
            opener = escape(self.tr("Open {ref} in the Evidence tab").format(ref=ref))
            link = f"<a href='item:{escape(ref, quote=True)}'>{opener}</a>"
            if item.attachments:
                names = ", ".join(a.name for a in item.attachments)
                link = "{} {} · {}".format(escape(self.tr("Attached:")), escape(names), link)
            parts.append(f"<p>{link}</p>")
            claim = next((t for t in item.ksb_tags if t.code == code), None)
            justification = claim.justification.strip() if claim is not None else ""
            label = escape(self.tr("How it shows {code}:").format(code=code))
            shown = (
                escape(justification)
                if justification
                else "<i>{}</i>".format(escape(self.tr("no justification given")))
            )
            parts.append(f"<p><b>{label}</b> {shown}</p>")
            parts.append(self._confirmations_html(ref, code))
            try:
                parts.append(render_markdown_html(item.body))
            except Exception:
                parts.append(f"<pre>{escape(item.body)}</pre>")
            parts.append("<hr/>")
        return "".join(parts)

    def confirmations(self, ref: str) -> list[tuple[Confirmation, str]]:
        """What each signer said about ``ref``, with their witness statement, as the
        package's statements carry it (read from the review copy once)."""
        if self._statements is None:
            from app.services import signoff

            found: dict[str, list[tuple[Confirmation, str]]] = {}
            try:
                with self._window.document.reading() as session:
                    for statement in signoff.overview(session).statements:
                        for c in statement.items:
                            if c.present:  # not an item the package left out
                                found.setdefault(c.ref, []).append((c, statement.statement))
            except PortfolioError:
                found = {}
            self._statements = found
        return self._statements.get(ref, [])

    def _confirmations_html(self, ref: str, code: str) -> str:
        """Who confirmed ``ref`` (and whether ``code`` among its claims), when, with which
        key, and whether for an earlier version; every string escaped."""
        found = self.confirmations(ref)
        if not found:
            return "<p><i>{}</i></p>".format(escape(self.tr("No signed statement about it.")))
        lines: list[str] = []
        for c, witness in found:
            if code in c.confirmed:
                verdict = "<span style='color:#1B6E3A'>✓ {}</span>".format(
                    escape(self.tr("Confirmed {code}").format(code=code))
                )
            elif code in c.declined:
                verdict = "<span style='color:#A33B20'>✗ {}</span>".format(
                    escape(self.tr("Declined {code}").format(code=code))
                )
            else:
                verdict = escape(self.tr("Not asked about {code}").format(code=code))
            # the template escaped, then filled with pieces escaped already
            line = escape(self.tr("{verdict} — {signer}, signed {date}")).format(
                verdict=verdict, signer=f"<b>{escape(c.signer)}</b>", date=escape(c.signed[:10])
            )
            others = [x for x in c.confirmed if x != code]
            if others:
                line += "<br/>" + escape(
                    self.tr("Also confirmed: {codes}").format(codes=", ".join(others))
                )
            if c.comment.strip():
                line += f"<br/>“{escape(c.comment)}”"
            if witness.strip():
                line += "<br/><i>{}</i> {}".format(
                    escape(self.tr("Witness statement:")), escape(" ".join(witness.split()))
                )
            if not c.current:
                line += "<br/><span style='color:#B35C00'>{}</span>".format(
                    escape(
                        self.tr(
                            "Given for an earlier version (the item changed on {date})."
                        ).format(date=c.changed[:10])
                    )
                )
            line += "<br/><tt>{} {}</tt>".format(escape(self.tr("Key")), escape(c.fingerprint))
            lines.append(f"<p>{line}</p>")
        heading = escape(self.tr("Signed statements:"))
        return f"<p><b>{heading}</b></p>" + "".join(lines)

    def _update_summary(self) -> None:
        codes = tuple(c.code for c in self._framework.competencies)
        counts = self._assessment.counts(codes)
        self.summary.setText(
            self.tr(
                "{total} KSBs: {ok} evidenced, {no} not evidenced, {unseen} not yet seen"
            ).format(
                total=len(codes),
                ok=counts[EVIDENCED],
                no=counts[NOT_EVIDENCED],
                unseen=counts[NOT_YET_SEEN],
            )
        )

    def table_minimum_width(self) -> int:
        """The fixed columns plus room for about 24 characters of the competency's text."""
        header = self.table.horizontalHeader()
        fixed = sum(
            header.sectionSize(c) for c in range(header.count()) if c != JudgementModel.TEXT
        )
        text = self.table.fontMetrics().horizontalAdvance("x" * 24)
        scroll = self.table.verticalScrollBar().sizeHint().width()
        return fixed + text + scroll + 2 * self.table.frameWidth()

    def _open_item(self, url: QUrl) -> None:
        """An item's link: that item in the Evidence tab (its attachments too)."""
        if url.scheme() == "item" and url.path():
            self._window.show_items(ItemFilter(refs=(url.path(),)))

    # --- recording ------------------------------------------------------------------------------

    def _on_judgement(self, button: QRadioButton) -> None:
        if not self._loading and self._current is not None:
            self.record(
                self._current, str(button.property("judgement")), self.comment.toPlainText()
            )

    def _on_comment_typed(self) -> None:
        if not self._loading and self._current is not None:
            self.save_state.setText(self.tr("Editing…"))
            self._comment_saver.poke()

    def _save_comment(self) -> None:
        code = self._current
        if code is None:
            return
        judged = self._assessment.judgement(code)
        text = self.comment.toPlainText()
        if text != judged.comment:
            self.record(code, judged.judgement, text)

    def _save_assessor(self) -> None:
        if self.assessor.text().strip() != self._assessment.assessor:
            self._commit(assessments.with_assessor(self._assessment, self.assessor.text()))

    def record(self, code: str, judgement: str, comment: str) -> None:
        """Record a judgement and save the assessor's file now."""
        self._comment_saver.cancel()
        try:
            updated = assessments.record_judgement(self._assessment, code, judgement, comment)
        except PortfolioError as exc:
            show_error(self, exc)
            return
        self._commit(updated)

    def _commit(self, updated: Assessment) -> None:
        try:
            assessments.save_assessment(updated)
        except PortfolioError as exc:
            self.save_state.setText(self.tr("Not saved"))
            show_error(self, exc)
            return
        self._assessment = updated
        self.model.set_assessment(updated)
        self._update_summary()
        self.save_state.setText(self.tr("Saved"))
        self.saved.emit()

    def flush(self) -> None:
        """Save a comment still waiting for its pause (before switching KSB or closing)."""
        self._comment_saver.flush()

    @property
    def assessment(self) -> Assessment:
        return self._assessment

    # --- the record -----------------------------------------------------------------------------

    def set_source_folder(self, folder: Path) -> None:
        self._source_folder = folder

    def export_record(self) -> None:
        self.flush()
        self._save_assessor()
        package = self._assessment.package
        stem = Path(package.package_name).stem or "portfolio"
        suggested = self._source_folder / f"{stem}-assessment.pdf"
        out = choose_save_path(
            self,
            self.tr("Export Assessment Record"),
            suggested,
            self.tr("PDF documents (*.pdf)"),
            what="assessment record",
            suffix=".pdf",
        )
        if out is None:
            return
        record, framework, coverage = self._assessment, self._framework, self._coverage

        def work(_ctx: object) -> int:
            from app.export.assessment_pdf import build_assessment_pdf

            return build_assessment_pdf(record, framework, coverage, out, force=True)

        def done(_pages: object) -> None:
            self._window.statusBar().showMessage(
                self.tr("Wrote the assessment record to {path}.").format(path=out), 8000
            )
            self.recordExported.emit(str(out))

        self._window.run_task(self.tr("Writing the assessment record…"), work, done)
