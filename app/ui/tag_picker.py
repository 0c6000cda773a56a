"""Tagging an item: every duty and competency with its full text, a tick and a justification.

Ticking, unticking and editing a justification are undoable commands. A ticked
duty offers "Suggest linked KSBs": the list narrows to the competencies the
standard links to that duty, so the apprentice ticks those the item shows.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.views import FrameworkView, GroupView, ItemView
from app.ui.debounce import Debouncer
from app.ui.document import PortfolioDocument
from app.ui.labels import groups_label, kind_label, kinds_in_order
from app.ui.search_field import clear_on_escape
from app.ui.undo import TagCommand, UndoKeyFilter, execute

JUSTIFY_DELAY_MS = 800
JUSTIFY_MAX_WAIT_MS = 5000


class _ClickableLabel(QLabel):
    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class TagRow(QWidget):
    """One duty or competency: tick box, full text, and (when ticked) its justification."""

    toggled = Signal(str, bool)  # qualified code, ticked
    justificationEdited = Signal(str)  # qualified code
    suggestRequested = Signal(str)  # qualified duty code

    def __init__(
        self,
        code: str,
        qualified: str,
        text: str,
        name: str | None,
        *,
        is_group: bool,
        linked: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.code = code
        self.qualified = qualified
        self.search_text = f"{code} {name or ''} {text}".casefold()
        self.is_group = is_group

        self.check = QCheckBox(code, self)
        self.check.setAccessibleName(f"{code}: {name or text}")
        self.check.setToolTip(text)
        shown = f"<b>{_escape(name)}</b> — {_escape(text)}" if name else _escape(text)
        self.label = _ClickableLabel(shown, self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.clicked.connect(self._click_text)
        self.justification = QLineEdit(self)
        self.justification.setPlaceholderText(
            self.tr("How this item shows {code}").format(code=code)
        )
        self.justification.setAccessibleName(self.tr("Justification for {code}").format(code=code))
        self.justification.hide()
        self._undo_keys = UndoKeyFilter(self)
        self.justification.installEventFilter(self._undo_keys)
        self.suggest: QPushButton | None = None

        grid = QGridLayout(self)
        grid.setContentsMargins(4, 2, 4, 2)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.check, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.label, 0, 1)
        grid.addWidget(self.justification, 1, 1)
        grid.setColumnMinimumWidth(0, 64)
        grid.setColumnStretch(1, 1)
        if is_group and linked:
            self.suggest = QPushButton(
                self.tr("Suggest its linked KSB")
                if linked == 1
                else self.tr("Suggest its {n} linked KSBs").format(n=linked),
                self,
            )
            self.suggest.setAccessibleName(
                self.tr("Suggest the competencies linked to {code}").format(code=code)
            )
            self.suggest.hide()
            self.suggest.clicked.connect(lambda: self.suggestRequested.emit(self.qualified))
            grid.addWidget(self.suggest, 2, 1, Qt.AlignmentFlag.AlignLeft)

        self.check.toggled.connect(lambda ticked: self.toggled.emit(self.qualified, ticked))
        self.justification.textEdited.connect(
            lambda _text: self.justificationEdited.emit(self.qualified)
        )

    def _click_text(self) -> None:
        if self.check.isEnabled():
            self.check.click()  # the text toggles the tick, as a check box's own label does

    def set_state(self, ticked: bool, justification: str | None, read_only: bool) -> None:
        self.check.blockSignals(True)
        self.check.setChecked(ticked)
        self.check.blockSignals(False)
        self.check.setEnabled(not read_only)
        if justification is not None and self.justification.text() != justification:
            self.justification.setText(justification)
        self.justification.setReadOnly(read_only)
        self.justification.setVisible(ticked and not (read_only and not self.justification.text()))
        if self.suggest is not None:
            self.suggest.setVisible(ticked and not read_only)


def _escape(text: str) -> str:
    from html import escape

    return escape(text, quote=False)


class TagPicker(QWidget):
    """The tags of the current item against one framework (the one being viewed)."""

    edited = Signal()  # a justification was typed (not saved yet)

    def __init__(
        self,
        document: PortfolioDocument,
        stack: QUndoStack,
        on_error: Callable[[BaseException], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._stack = stack
        self._on_error = on_error
        self._item: ItemView | None = None
        self._framework: FrameworkView | None = None
        self._rows: dict[str, TagRow] = {}  # qualified code -> row
        self._sections: list[tuple[QLabel, list[TagRow]]] = []
        self._saved: dict[str, str] = {}  # qualified code -> justification in the portfolio
        self._pending: dict[str, str] = {}  # justifications typed but not saved yet
        self._suggest: set[str] | None = None
        self._suggest_group: GroupView | None = None
        self._built = False

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search duties and KSBs"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search duties and competencies"))
        clear_on_escape(self.search)
        self.only_ticked = QCheckBox(self.tr("Only tagged"), self)
        self.summary = QLabel(self)
        self.summary.setAccessibleName(self.tr("Tags on this item"))
        self.summary.setWordWrap(True)

        self.suggestion = QFrame(self)
        self.suggestion.setFrameShape(QFrame.Shape.StyledPanel)
        self.suggestion_label = QLabel(self.suggestion)
        self.suggestion_label.setWordWrap(True)
        self.show_all = QPushButton(self.tr("Show all"), self.suggestion)
        suggestion_layout = QHBoxLayout(self.suggestion)
        suggestion_layout.addWidget(self.suggestion_label, 1)
        suggestion_layout.addWidget(self.show_all)
        self.suggestion.hide()

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._container = QWidget()
        self._list = QVBoxLayout(self._container)
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.setSpacing(0)
        self.scroll_area.setWidget(self._container)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.only_ticked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.suggestion)
        layout.addWidget(self.scroll_area, 1)

        self._justify = Debouncer(
            self.save_justifications, JUSTIFY_DELAY_MS, JUSTIFY_MAX_WAIT_MS, parent=self
        )
        self.search.textChanged.connect(self._apply_visibility)
        self.only_ticked.toggled.connect(self._apply_visibility)
        self.show_all.clicked.connect(self.clear_suggestion)
        if document.read_only:
            self.only_ticked.setChecked(True)

    # --- what is shown --------------------------------------------------------------------------

    def set_framework(self, framework: FrameworkView) -> None:
        """Show ``framework``'s duties and competencies (built when first seen)."""
        if self._framework is not None and self._framework.key == framework.key:
            return
        self.flush()
        self._framework = framework
        self._built = False
        self._suggest = None
        self._suggest_group = None
        self.suggestion.hide()
        if self.isVisible():
            self._build()
        else:
            self._refresh_states()

    def showEvent(self, event: QShowEvent) -> None:
        # a few hundred widgets: made when the Tags tab is first opened, not at start-up
        self._build()
        super().showEvent(event)

    def row(self, qualified: str) -> TagRow:
        """The row for a (qualified) code, e.g. ``K7`` or ``DDAT-DEVOPS:DS1``."""
        self._build()
        return self._rows[qualified]

    def rows(self) -> dict[str, TagRow]:
        self._build()
        return dict(self._rows)

    def _build(self) -> None:
        framework = self._framework
        if framework is None or self._built:
            return
        self._built = True
        while self._list.count():
            child = self._list.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.deleteLater()
        self._rows.clear()
        self._sections.clear()
        key = framework.key
        container = self._container

        def add_section(title: str) -> list[TagRow]:
            header = QLabel(f"<b>{_escape(title)}</b>", container)
            header.setContentsMargins(4, 8, 4, 2)
            self._list.addWidget(header)
            rows: list[TagRow] = []
            self._sections.append((header, rows))
            return rows

        if framework.groups:
            rows = add_section(groups_label(framework))
            for group in framework.groups:
                row = self._add_row(
                    group.code,
                    self._document.qualify(key, group.code),
                    group.text,
                    group.name,
                    is_group=True,
                    linked=len(group.links),
                )
                rows.append(row)
        for kind in kinds_in_order(framework):
            rows = add_section(kind_label(kind))
            for competency in framework.competencies:
                if competency.kind == kind:
                    rows.append(
                        self._add_row(
                            competency.code,
                            self._document.qualify(key, competency.code),
                            competency.text,
                            competency.name,
                            is_group=False,
                            linked=0,
                        )
                    )
        self._list.addStretch(1)
        self._refresh_states()

    def _add_row(
        self, code: str, qualified: str, text: str, name: str | None, *, is_group: bool, linked: int
    ) -> TagRow:
        row = TagRow(
            code, qualified, text, name, is_group=is_group, linked=linked, parent=self._container
        )
        row.toggled.connect(self._on_toggled)
        row.justificationEdited.connect(self._on_justification_edited)
        row.suggestRequested.connect(self.suggest_for)
        self._rows[qualified] = row
        self._list.addWidget(row)
        return row

    def show_item(self, item: ItemView | None) -> None:
        """Show the tags of ``item`` (or none); unsaved typing is kept when it is the same item."""
        if item is None or self._item is None or item.id != self._item.id:
            self.flush()
            self._pending.clear()
        self._item = item
        self._refresh_states()

    def _tags_of(self, item: ItemView) -> dict[str, str]:
        assert self._framework is not None
        key = self._framework.key
        if key == self._document.framework_key:
            return {t.code: t.justification for t in (*item.duty_tags, *item.ksb_tags)}
        return {
            self._document.qualify(key, t.code): t.justification
            for t in item.other_tags
            if t.framework == key
        }

    def _refresh_states(self) -> None:
        if self._framework is None:
            return
        tags = self._tags_of(self._item) if self._item is not None else {}
        self._saved = tags
        read_only = self._document.read_only or self._item is None
        for qualified, row in self._rows.items():
            shown = self._pending.get(qualified, tags.get(qualified, ""))
            row.set_state(qualified in tags, shown, read_only)
        order = [g.code for g in self._framework.groups] + [
            c.code for c in self._framework.competencies
        ]
        bare = {q.partition(":")[2] or q for q in tags}
        codes = [code for code in order if code in bare]
        self.summary.setText(
            self.tr("Tagged with {codes}").format(codes=", ".join(codes))
            if codes
            else self.tr("Not tagged against {key} yet.").format(key=self._framework.key)
        )
        self._update_suggestion_label()
        self._apply_visibility()

    def _apply_visibility(self) -> None:
        needle = self.search.text().strip().casefold()
        only_ticked = self.only_ticked.isChecked()
        for header, rows in self._sections:
            any_visible = False
            for row in rows:
                visible = (
                    (not needle or needle in row.search_text)
                    and (not only_ticked or row.check.isChecked())
                    and (self._suggest is None or row.qualified in self._suggest)
                )
                row.setVisible(visible)
                any_visible = any_visible or visible
            header.setVisible(any_visible)

    # --- suggestions ----------------------------------------------------------------------------

    def suggest_for(self, qualified_duty: str) -> None:
        """Narrow the list to the duty and the competencies the framework links to it."""
        if self._framework is None:
            return
        code = qualified_duty.partition(":")[2] or qualified_duty
        group = next((g for g in self._framework.groups if g.code == code), None)
        if group is None:
            return
        key = self._framework.key
        self._build()
        self._suggest = {qualified_duty} | {
            self._document.qualify(key, c) for c in group.competency_codes
        }
        self._suggest_group = group
        self._update_suggestion_label()
        self.suggestion.show()
        self.search.clear()
        self.only_ticked.setChecked(False)
        self._apply_visibility()

    def _update_suggestion_label(self) -> None:
        """The duty's linked competencies and how many are still untagged (live)."""
        group = self._suggest_group
        if group is None or self._framework is None:
            return
        key = self._framework.key
        linked = len(group.competency_codes)
        untagged = sum(
            1 for c in group.competency_codes if self._document.qualify(key, c) not in self._saved
        )
        linked_text = (
            self.tr("1 competency") if linked == 1
            else self.tr("{n} competencies").format(n=linked)
        )  # fmt: skip
        if untagged == 0:
            text = self.tr("{duty} is linked to {linked}, all tagged on this item.").format(
                duty=group.code, linked=linked_text
            )
        else:
            text = self.tr(
                "{duty} is linked to {linked} ({m} not tagged yet): tick those this item shows."
            ).format(duty=group.code, linked=linked_text, m=untagged)
        self.suggestion_label.setText(text)

    def clear_suggestion(self) -> None:
        self._suggest = None
        self._suggest_group = None
        self.suggestion.hide()
        self._apply_visibility()

    def suggested_codes(self) -> set[str] | None:
        return None if self._suggest is None else set(self._suggest)

    # --- changes --------------------------------------------------------------------------------

    def _on_toggled(self, qualified: str, ticked: bool) -> None:
        item = self._item
        if item is None:
            return
        self._pending.pop(qualified, None)
        before = self._saved.get(qualified) if qualified in self._saved else None
        command = TagCommand(
            self._document,
            item.ref,
            item.id,
            qualified,
            before=before,
            after=self._rows[qualified].justification.text() if ticked else None,
        )
        try:
            execute(self._stack, command, self._on_error)
        except Exception as exc:
            self._on_error(exc)
            self._refresh_states()  # put the tick back as the portfolio has it

    def _on_justification_edited(self, qualified: str) -> None:
        self._pending[qualified] = self._rows[qualified].justification.text()
        self._justify.poke()
        self.edited.emit()

    def pending_justifications(self) -> dict[str, str]:
        """Justifications typed but not yet saved (for the crash-safe draft)."""
        return dict(self._pending)

    def save_justifications(self) -> None:
        item = self._item
        pending, self._pending = self._pending, {}
        if item is None:
            return
        changed = {q: t for q, t in pending.items() if q in self._saved and self._saved[q] != t}
        if len(changed) > 1:
            self._stack.beginMacro(self.tr("edit justifications on {ref}").format(ref=item.ref))
        try:
            for qualified, text in changed.items():
                command = TagCommand(
                    self._document, item.ref, item.id, qualified, self._saved[qualified], text
                )
                try:
                    execute(self._stack, command, self._on_error)
                except Exception as exc:
                    self._pending.update({q: t for q, t in changed.items()})
                    self._on_error(exc)
                    return
                self._saved[qualified] = text
        finally:
            if len(changed) > 1:
                self._stack.endMacro()

    def flush(self) -> None:
        """Save typed justifications now (before switching item, undo, closing)."""
        self._justify.cancel()
        if self._pending:
            self.save_justifications()
