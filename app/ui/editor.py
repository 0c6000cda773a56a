"""The evidence editor: title, date, status, Markdown reflection with preview, tags, files.

Nothing typed is lost:
- about a second after typing pauses (and at least every five seconds while it
  goes on) the changed fields are saved, each save one undoable step;
- a fraction of a second after each change a crash-safe draft is written, and
  removed once the portfolio holds the same text (see ``drafts.py``);
- switching item, undoing, closing the window all save first.

The preview goes through the same Markdown pipeline as the PDF, which keeps raw
HTML as text and never fetches anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from html import escape

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QUndoStack
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import InvalidInputError
from app.services.queries import check_title
from app.services.views import FrameworkView, ItemView
from app.ui.attachments_panel import AttachmentsPanel
from app.ui.debounce import Debouncer
from app.ui.document import PortfolioDocument
from app.ui.drafts import Draft, DraftStore
from app.ui.errors import error_label
from app.ui.markdown_tools import FormatBar
from app.ui.tag_picker import TagPicker
from app.ui.undo import SetFieldCommand, UndoKeyFilter, execute
from app.ui.worker import Task, TaskContext, run_task

log = logging.getLogger(__name__)

AUTOSAVE_DELAY_MS = 800
AUTOSAVE_MAX_WAIT_MS = 5000
DRAFT_DELAY_MS = 200
DRAFT_MAX_WAIT_MS = 1000
PREVIEW_DELAY_MS = 200
# Longer reflections are rendered off the GUI thread (100 kB takes ~0.15 s), so typing
# never waits for the preview; shorter ones at once, which takes a few milliseconds.
PREVIEW_IN_BACKGROUND_CHARS = 20_000
TEXT_FIELDS = ("title", "date", "body")


class EvidenceEditor(QWidget):
    saveStateChanged = Signal(str)  # a short message for the status bar
    itemShown = Signal(object)  # the ItemView now shown, or None (extensions follow it)

    def __init__(
        self,
        document: PortfolioDocument,
        stack: QUndoStack,
        drafts: DraftStore,
        on_error: Callable[[BaseException], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._stack = stack
        self._drafts = drafts
        self._on_error = on_error
        self._item: ItemView | None = None
        self._saved: dict[str, str] = {}
        self._loading = False
        self._undo_keys = UndoKeyFilter(self)

        self.heading = QLabel(self)
        heading_font = self.heading.font()
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.15)
        self.heading.setFont(heading_font)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setAccessibleName(self.tr("Evidence item"))
        # what an item marked ready still lacks (app.services.readiness)
        self.readiness_warning = QLabel(self)
        self.readiness_warning.setObjectName("readinessWarning")
        self.readiness_warning.setWordWrap(True)
        self.readiness_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.readiness_warning.setStyleSheet("color: #8A4B00;")
        self.readiness_warning.hide()

        self.title = QLineEdit(self)
        self.title.setAccessibleName(self.tr("Title"))
        self.title.setPlaceholderText(self.tr("What did you do?"))
        self.title_error = error_label(self)

        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setAccessibleName(self.tr("Date"))

        self.status = QComboBox(self)
        self.status.setAccessibleName(self.tr("Status"))
        self.status.addItem(self.tr("Draft"), "draft")
        self.status.addItem(self.tr("Ready"), "ready")
        self.status.setToolTip(
            self.tr("Only items marked Ready count towards coverage and the heatmap.")
        )
        self.status_text = QLabel(self)  # read-only: the status as text, not a greyed box
        self.status_text.setAccessibleName(self.tr("Status"))

        self.body = QPlainTextEdit(self)
        self.body.setAccessibleName(self.tr("Reflection (Markdown)"))
        self.body.setPlaceholderText(
            self.tr(
                "Write your reflection in Markdown: what you did, why, what you learned.\n"
                "**bold**, *italic*, - lists, `code`, ``` code blocks ```, | tables |"
            )
        )
        self.body.setUndoRedoEnabled(False)  # the window's undo stack covers it
        self.body.setTabChangesFocus(True)
        self.preview = QTextBrowser(self)
        self.preview.setAccessibleName(self.tr("Reflection preview"))
        self.preview.setOpenLinks(False)
        self.preview.setOpenExternalLinks(False)
        self.preview.setPlaceholderText(self.tr("The preview of your reflection appears here."))
        # long code lines wrap instead of scrolling sideways; tables get visible borders
        self.preview.document().setDefaultStyleSheet(
            "pre { white-space: pre-wrap; } table { border-collapse: collapse; }"
            " th, td { border: 1px solid #999; padding: 2px 6px; }"
        )
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.body.setFont(_editor_font(fixed))

        self.reflection_splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.body)
        splitter.addWidget(self.preview)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([1, 1])

        self.tags = TagPicker(document, stack, on_error, self)
        self.attachments = AttachmentsPanel(document, stack, on_error, self)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Item details"))
        self.format_bar = FormatBar(self.body, self)
        reflection = QWidget(self)
        reflection_layout = QVBoxLayout(reflection)
        reflection_layout.setContentsMargins(0, 4, 0, 0)
        reflection_layout.addWidget(self.format_bar)
        reflection_layout.addWidget(splitter, 1)
        self.tabs.addTab(reflection, self.tr("&Reflection"))
        self.tabs.addTab(self.tags, self.tr("Ta&gs"))
        self.tabs.addTab(self.attachments, self.tr("Attach&ments"))

        self.fields = QWidget(self)
        form = QFormLayout(self.fields)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        title_label = QLabel(self.tr("&Title"), self)
        title_label.setBuddy(self.title)
        form.addRow(title_label, self.title)
        form.addRow("", self.title_error)
        row = QHBoxLayout()
        date_label = QLabel(self.tr("&Date"), self)
        date_label.setBuddy(self.date)
        status_label = QLabel(self.tr("&Status"), self)
        status_label.setBuddy(self.status)
        row.addWidget(self.date)
        row.addSpacing(16)
        row.addWidget(status_label)
        row.addWidget(self.status)
        row.addWidget(self.status_text)
        row.addStretch(1)
        form.addRow(date_label, row)

        self.placeholder = QLabel(
            self.tr("Select an evidence item, or add one with Edit ▸ New Evidence Item (Ctrl+N)."),
            self,
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.readiness_warning)
        layout.addWidget(self.fields)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.placeholder, 1)

        self._autosave = Debouncer(self.save, AUTOSAVE_DELAY_MS, AUTOSAVE_MAX_WAIT_MS, self)
        self._draft = Debouncer(self.write_draft, DRAFT_DELAY_MS, DRAFT_MAX_WAIT_MS, self)
        self._preview = Debouncer(self.render_preview, PREVIEW_DELAY_MS, parent=self)
        self._preview_task: Task | None = None
        self._preview_generation = 0  # a render started for older text is dropped

        self.title.textEdited.connect(self._changed)
        self.date.dateChanged.connect(self._changed)
        self.body.textChanged.connect(self._changed)
        self.body.textChanged.connect(self._preview.poke)
        self.status.currentIndexChanged.connect(self._status_changed)
        self.tags.edited.connect(self._draft.poke)
        for row_widget in (self.title, self.body, self.date):
            row_widget.installEventFilter(self._undo_keys)
        document.itemChanged.connect(self._on_item_changed)
        self._set_enabled(False)

    # --- showing an item ------------------------------------------------------------------------

    def current_item(self) -> ItemView | None:
        return self._item

    def set_framework(self, framework: FrameworkView) -> None:
        self.tags.set_framework(framework)

    def show_item(self, item_id: int | None) -> None:
        """Show ``item_id`` (saving what was typed in the previous item first)."""
        if self._item is not None and item_id == self._item.id:
            return
        self.flush()
        try:
            self._load(self._document.item(item_id) if item_id is not None else None)
        except Exception as exc:
            # all or nothing: no panel may stay bound to the previous item, or the next
            # tick would tag the wrong one
            self._load(None)
            self._on_error(exc)

    def _load(self, item: ItemView | None) -> None:
        self._item = item
        self._loading = True
        try:
            self.title_error.hide()
            if item is None:
                self._saved = {}
                self.title.clear()
                self.body.clear()
                self._preview_generation += 1  # a render still running is for another item
                self.preview.clear()
                self.heading.clear()
                self.readiness_warning.hide()
            else:
                self._saved = {
                    "title": item.title,
                    "date": item.date,
                    "status": item.status,
                    "body": item.body,
                }
                self.title.setText(item.title)
                self.title.setCursorPosition(0)
                self.date.setDate(QDate.fromString(item.date, "yyyy-MM-dd"))
                self.status.setCurrentIndex(max(0, self.status.findData(item.status)))
                self.status_text.setText(self.status.currentText())
                self.body.setPlainText(item.body)
                self._update_heading(item)
                self.render_preview()
        finally:
            self._loading = False
        self.tags.show_item(item)
        self.attachments.show_item(item)
        self._set_enabled(item is not None)
        self.itemShown.emit(item)

    def _update_heading(self, item: ItemView) -> None:
        self.heading.setText(
            self.tr("{ref} · last changed {when}").format(ref=item.ref, when=_local(item.updated))
        )
        # imported here: readiness brings the ORM, which must not load before the first paint
        from app.services import readiness
        from app.ui.readiness_text import warning_text

        warning = warning_text(readiness.item_problems(item))
        self.readiness_warning.setText("⚠ " + warning if warning else "")
        self.readiness_warning.setVisible(bool(warning))

    def _set_enabled(self, has_item: bool) -> None:
        read_only = self._document.read_only
        self.heading.setVisible(has_item)
        self.fields.setVisible(has_item)
        self.tabs.setVisible(has_item)
        self.placeholder.setVisible(not has_item)
        self.title.setEnabled(has_item)
        self.date.setEnabled(has_item)
        self.title.setReadOnly(read_only)
        self.body.setReadOnly(read_only)
        self.date.setReadOnly(read_only)
        self.status.setEnabled(has_item and not read_only)
        # read-only (an assessor's review): the rendered reflection alone, no editing controls
        self.status.setVisible(not read_only)
        self.status_text.setVisible(read_only)
        self.body.setVisible(not read_only)
        self.format_bar.set_editable(not read_only)
        # and a title and date that read as text, not as fields waiting to be typed in
        self.title.setFrame(not read_only)
        self.date.setFrame(not read_only)
        for field in (self.title, self.date):
            field.setStyleSheet("background: transparent;" if read_only else "")
        self.date.setCalendarPopup(not read_only)
        self.date.setButtonSymbols(
            QAbstractSpinBox.ButtonSymbols.NoButtons
            if read_only
            else QAbstractSpinBox.ButtonSymbols.UpDownArrows
        )

    def _on_item_changed(self, item_id: int) -> None:
        """The portfolio changed this item (undo/redo, a tag, a file): show it as it is now."""
        if self._item is None or item_id != self._item.id:
            return
        item = self._document.item(item_id)
        if item is None:
            self.show_item(None)
            return
        self._item = item
        self._loading = True
        try:
            values = {
                "title": item.title,
                "date": item.date,
                "status": item.status,
                "body": item.body,
            }
            for field, value in values.items():
                if value != self._saved.get(field):
                    # changed by someone other than the typing here (undo, redo): show it
                    self._saved[field] = value
                    self._set_widget(field, value)
            self._update_heading(item)
        finally:
            self._loading = False
        self.tags.show_item(item)
        self.attachments.show_item(item)
        self.itemShown.emit(item)

    def _set_widget(self, field: str, value: str) -> None:
        if field == "title":
            self.title.setText(value)
        elif field == "date":
            self.date.setDate(QDate.fromString(value, "yyyy-MM-dd"))
        elif field == "status":
            self.status.setCurrentIndex(max(0, self.status.findData(value)))
        elif field == "body":
            cursor = self.body.textCursor()
            position = cursor.position()
            self.body.setPlainText(value)
            cursor = self.body.textCursor()
            cursor.setPosition(min(position, len(value)))
            self.body.setTextCursor(cursor)
            self.render_preview()

    # --- typing and saving ----------------------------------------------------------------------

    def widget_values(self) -> dict[str, str]:
        return {
            "title": self.title.text(),
            "date": self.date.date().toString("yyyy-MM-dd"),
            "body": self.body.toPlainText(),
        }

    def unsaved_fields(self) -> dict[str, str]:
        if self._item is None:
            return {}
        values = self.widget_values()
        return {f: v for f, v in values.items() if v != self._saved.get(f)}

    def _changed(self) -> None:
        if self._loading or self._item is None or self._document.read_only:
            return
        self._autosave.poke()
        self._draft.poke()
        self.saveStateChanged.emit(self.tr("Editing…"))

    def _status_changed(self) -> None:
        if self._loading or self._item is None or self._document.read_only:
            return
        new = self.status.currentData()
        old = self._saved.get("status", "draft")
        if new == old:
            return
        self.flush()
        item = self._item
        try:
            execute(
                self._stack,
                SetFieldCommand(self._document, item.ref, item.id, "status", old, new),
                self._on_error,
            )
            self._saved["status"] = new
        except Exception as exc:
            self._on_error(exc)
            self._loading = True
            self.status.setCurrentIndex(max(0, self.status.findData(old)))
            self._loading = False

    def save(self) -> None:
        """Save every changed field now, one undo step each (a macro when several)."""
        item = self._item
        if item is None or self._document.read_only:
            return
        changed = self.unsaved_fields()
        if "title" in changed:
            try:
                check_title(changed["title"])
                self.title_error.hide()
            except InvalidInputError as exc:
                self.title_error.setText(str(exc))
                self.title_error.show()
                del changed["title"]  # the rest is still saved; the draft keeps the title
        if len(changed) > 1:
            self._stack.beginMacro(self.tr("edit {ref}").format(ref=item.ref))
        try:
            for field, value in changed.items():
                old = self._saved.get(field, "")
                execute(
                    self._stack,
                    SetFieldCommand(self._document, item.ref, item.id, field, old, value),
                    self._on_error,
                )
                self._saved[field] = value
        except Exception as exc:
            self.write_draft()
            self.saveStateChanged.emit(self.tr("Not saved — your text is kept in a draft."))
            self._on_error(exc)
            return
        finally:
            if len(changed) > 1:
                self._stack.endMacro()
        if not self.unsaved_fields() and not self.tags.pending_justifications():
            self._draft.cancel()
            self._drafts.discard(item.ref)
            self.saveStateChanged.emit(self.tr("All changes saved"))
        else:
            self.write_draft()

    def write_draft(self) -> None:
        item = self._item
        if item is None or self._document.read_only:
            return
        self._drafts.save(
            Draft(
                ref=item.ref,
                fields=self.unsaved_fields(),
                justifications=self.tags.pending_justifications(),
            )
        )

    def flush(self) -> None:
        """Save everything typed, now (before switching item, undo, close)."""
        if self._item is None or self._document.read_only:
            return
        self._autosave.cancel()
        self.tags.flush()
        if self.unsaved_fields():
            self.save()
        elif not self.tags.pending_justifications():
            self._draft.cancel()
            self._drafts.discard(self._item.ref)

    def render_preview(self) -> None:
        """Show the reflection rendered (at once when short, else when rendered off-thread)."""
        from app.export.markdown_html import render_markdown_html  # only once a preview shows

        self._preview_generation += 1
        text = self.body.toPlainText()
        self.format_bar.update_count(text)

        def safe_render() -> str:
            try:
                return render_markdown_html(text)
            except Exception:  # the preview is never worth losing the item over
                log.exception("could not render the preview")
                note = self.tr("This reflection could not be formatted, so it is shown as typed.")
                return f"<p><em>{escape(note)}</em></p><pre>{escape(text)}</pre>"

        if len(text) < PREVIEW_IN_BACKGROUND_CHARS:
            self._show_preview(safe_render())
            return
        generation = self._preview_generation

        def render(_context: TaskContext) -> str:
            return safe_render()

        def rendered(html: object) -> None:
            if generation == self._preview_generation and isinstance(html, str):
                self._show_preview(html)

        self._preview_task = run_task(render, on_success=rendered, parent=self)

    def _show_preview(self, html: str) -> None:
        scroll = self.preview.verticalScrollBar().value()
        self.preview.setHtml(html)
        self.preview.verticalScrollBar().setValue(scroll)

    def focus_title(self) -> None:
        self.title.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.title.selectAll()


def _local(stamp: str) -> str:
    """An ISO UTC timestamp as the user's local date and time."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp or "—"


def _editor_font(fixed: QFont) -> QFont:
    font = QFont(fixed)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font
