"""The main window: menus, the Evidence and Coverage pages, undo, read-only mode.

Other features plug in without editing this file:
- ``window.add_page(title, widget)`` adds a page (a tab, with a View menu entry
  and a Ctrl+<n> shortcut);
- ``window.file_menu`` / ``tools_menu`` / ``help_menu`` are ordinary menus, and
  ``window.add_file_action(action)`` puts an action in the File menu's middle
  group (export, import, backup);
- ``window.set_banner(text)`` shows a line above everything (review mode:
  "Read-only — signed by key …"); ``window.run_task`` runs work off the GUI
  thread with progress and errors handled;
- ``window.document`` is the open portfolio (its signals say what changed), and
  ``window.closed`` fires once it has been closed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QIcon,
    QKeySequence,
    QPaintEvent,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.config import user_data_dir
from app.settings import WindowLayout
from app.ui.coverage_page import CoveragePage
from app.ui.document import PortfolioDocument
from app.ui.drafts import DraftStore
from app.ui.errors import show_error
from app.ui.evidence_page import EvidencePage
from app.ui.icons import PAGE_ICONS, IconRefresher, start_drawing
from app.ui.notice_label import NoticeLabel
from app.ui.undo import DeleteItemCommand, ItemCommand, execute
from app.ui.window_layout import capture_layout, restore_layout
from app.ui.worker import Task, TaskContext, run_with_progress

log = logging.getLogger(__name__)

UNDO_LIMIT = 500


def drafts_folder() -> Path:
    return user_data_dir() / "drafts"


class MainWindow(QMainWindow):
    newRequested = Signal()  # File > New Portfolio
    openRequested = Signal(str)  # File > Open / a recent file: the path
    preferencesRequested = Signal()  # Edit > Preferences (the window manager owns the settings)
    targetChanged = Signal(int)  # the heatmap target, for the settings
    closed = Signal()  # the window closed and the portfolio file is closed
    restoreRequested = Signal()  # Check Portfolio found damage: put the newest good backup back
    firstPainted = Signal()  # the window is on screen: time for work that can follow it

    def __init__(
        self,
        document: PortfolioDocument,
        *,
        target: int = 1,
        recent_files: tuple[str, ...] = (),
        banner: str | None = None,
        window_layout: WindowLayout | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``window_layout``: the size, place and splitters to open with (the default, centred,
        when None)."""
        super().__init__(parent)
        self.document = document
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)
        self.drafts = DraftStore(drafts_folder(), document.path)
        self.recovered_refs: list[str] = []
        self._closed = False
        self._painted = False
        self._title_subject: str | None = None
        self._tasks: list[Task] = []
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setAccessibleName(self.tr("Apprentice Portfolio"))
        self.icons = IconRefresher(self)

        self.evidence_page = EvidencePage(
            document, self.undo_stack, self.drafts, self.show_error, self
        )
        self.coverage_page = CoveragePage(document, target, self)
        self.pages = QTabWidget(self)
        self.pages.setDocumentMode(True)
        self.pages.setAccessibleName(self.tr("Pages"))
        self.pages.addTab(self.evidence_page, self.tr("Evidence"))
        self.pages.addTab(self.coverage_page, self.tr("Coverage"))

        self.banner = NoticeLabel("banner", self)
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setAccessibleName(self.tr("Notice"))
        self.banner.hide()
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.save_state = QLabel(self)
        self.save_state.setAccessibleName(self.tr("Save state"))
        self.coverage_state = QLabel(self)
        self.coverage_state.setAccessibleName(self.tr("Coverage"))
        self.statusBar().addPermanentWidget(self.coverage_state)
        self.statusBar().addPermanentWidget(self.save_state)

        self._build_actions(recent_files)
        self._build_menus()
        self._build_toolbar()
        self._page_actions: list[QAction] = []
        for index in range(self.pages.count()):
            self._add_page_action(index)

        self.undo_stack.indexChanged.connect(self._update_undo_actions)
        self.undo_stack.cleanChanged.connect(self._update_undo_actions)
        self.evidence_page.editor.saveStateChanged.connect(self._on_save_state)
        self.evidence_page.table.selectionModel().currentRowChanged.connect(
            self._update_item_actions
        )
        # a filter or a delete can leave nothing selected without a current-row change
        self.evidence_page.model.modelReset.connect(self._update_item_actions)
        self.evidence_page.model.rowsRemoved.connect(self._update_item_actions)
        self.coverage_page.filterRequested.connect(self.show_items)
        self.coverage_page.summaryChanged.connect(self.coverage_state.setText)
        self.coverage_page.targetChanged.connect(self.targetChanged)
        document.infoChanged.connect(self._update_title)

        self.set_framework(document.framework_key)
        self.coverage_page.refresh()
        self.firstPainted.connect(self._select_first_item)
        self.firstPainted.connect(start_drawing)
        self._update_title()
        self._update_item_actions()
        self._update_undo_actions()
        if document.read_only:
            # hidden rather than greyed: nothing here can be changed
            for action in (*self._writable_actions, self.undo_action, self.redo_action):
                action.setVisible(False)
            self.save_state.setText(self.tr("Read-only"))
            self.set_banner(
                banner or self.tr("Read-only: nothing in this portfolio can be changed.")
            )
        elif banner:
            self.set_banner(banner)
        if not document.read_only:
            self.recover_drafts()
        self._opened_layout = window_layout
        restore_layout(self, window_layout, self.splitters())

    # --- building -------------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], Any] | None = None,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: str | None = None,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            self.icons.set(action.setIcon, icon)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if slot is not None:
            action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self, recent_files: tuple[str, ...]) -> None:
        key = QKeySequence.StandardKey
        self.new_portfolio_action = self._action(
            self.tr("&New Portfolio…"), self.newRequested.emit, "Ctrl+Shift+N",
            tip=self.tr("Create another portfolio file"),
        )  # fmt: skip
        self.open_action = self._action(
            self.tr("&Open Portfolio…"), self._choose_file, key.Open, "open",
            tip=self.tr("Open a portfolio file"),
        )  # fmt: skip
        self.recent_menu = QMenu(self.tr("Open &Recent"), self)
        for index, path in enumerate(recent_files[:9], start=1):
            act = self.recent_menu.addAction(f"&{index} {path}")
            act.triggered.connect(lambda _c=False, p=path: self.openRequested.emit(p))
        self.recent_menu.setEnabled(bool(recent_files))
        self.close_action = self._action(self.tr("&Close Window"), self.close, key.Close)
        self.quit_action = self._action(self.tr("&Quit"), QCoreApplication.quit, "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        self.undo_action = self._action(self.tr("&Undo"), self.undo, key.Undo, "undo")
        self.redo_action = self._action(self.tr("&Redo"), self.redo, key.Redo, "redo")
        # the toolbar keeps one short word (it would reflow on every edit); the menu and the
        # tooltip say what the step is
        self.undo_action.setIconText(self.tr("Undo"))
        self.redo_action.setIconText(self.tr("Redo"))
        self.new_item_action = self._action(
            self.tr("&New Evidence Item"), self.new_item, key.New, "new",
            tip=self.tr("Add an evidence item"),
        )  # fmt: skip
        self.delete_item_action = self._action(
            self.tr("&Delete Evidence Item"), self.delete_item, "Ctrl+Del", "delete",
            tip=self.tr("Delete the selected evidence item (Edit ▸ Undo brings it back)"),
        )  # fmt: skip
        self.new_item_action.setIconText(self.tr("New Item"))
        self.delete_item_action.setIconText(self.tr("Delete"))
        self.attach_action = self._action(
            self.tr("&Attach Files…"), self._attach, "Ctrl+Shift+A",
            tip=self.tr("Attach files to the selected item"),
        )  # fmt: skip
        self.find_action = self._action(self.tr("&Find…"), self._focus_search, key.Find)
        self.details_action = self._action(
            self.tr("Portfolio &Details…"), self.show_details, "Ctrl+Shift+D",
            tip=self.tr("The apprentice's name, ULN, employer and provider"),
        )  # fmt: skip
        self.tags_action = self._action(self.tr("Edit &Tags"), self._show_tags, "Ctrl+T")
        self.preferences_action = self._action(
            self.tr("&Preferences…"), self.preferencesRequested.emit, "Ctrl+,",
            tip=self.tr("Folders, backups, the coverage target and the PDF page size"),
        )  # fmt: skip
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.shortcuts_action = self._action(
            self.tr("&Keyboard Shortcuts"), self.show_shortcuts, "F1"
        )
        self.about_action = self._action(self.tr("&About Apprentice Portfolio"), self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

        self.framework_group = QActionGroup(self)
        self.framework_group.setExclusive(True)
        self.framework_combo = QComboBox(self)
        self.framework_combo.setAccessibleName(self.tr("Framework shown"))
        # long standard titles are elided in the box, so the toolbar fits a 1024 px window
        self.framework_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.framework_combo.setMinimumContentsLength(24)
        self.framework_combo.setToolTip(
            self.tr("The framework the heatmap, filters and tag picker show")
        )
        for summary in self.document.frameworks():
            label = f"{summary.key} — {summary.title} v{summary.version}"
            self.framework_combo.addItem(label, summary.key)
            act = QAction(label, self.framework_group)
            act.setCheckable(True)
            act.setData(summary.key)
        for index, act in enumerate(self.framework_group.actions()[:9], start=1):
            act.setShortcut(QKeySequence(f"Alt+{index}"))
        self.framework_group.triggered.connect(lambda act: self.set_framework(act.data()))
        self.framework_combo.activated.connect(
            lambda index: self.set_framework(self.framework_combo.itemData(index))
        )

        self._writable_actions = [
            self.new_item_action,
            self.delete_item_action,
            self.attach_action,
        ]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(self.tr("&File"))
        self.file_menu.addAction(self.new_portfolio_action)
        self.file_menu.addAction(self.open_action)
        self.file_menu.addMenu(self.recent_menu)
        self.file_menu.addSeparator()
        # add_file_action puts export/import/backup actions here, between the separators
        self._file_anchor = self.file_menu.addSeparator()
        self.file_menu.addAction(self.close_action)
        self.file_menu.addAction(self.quit_action)

        self.edit_menu = bar.addMenu(self.tr("&Edit"))
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.new_item_action)
        self.edit_menu.addAction(self.delete_item_action)
        self.edit_menu.addAction(self.attach_action)
        self.edit_menu.addAction(self.tags_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.find_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.details_action)
        self.edit_menu.addAction(self.preferences_action)

        self.view_menu = bar.addMenu(self.tr("&View"))
        self._pages_anchor = self.view_menu.addSeparator()
        framework_menu = self.view_menu.addMenu(self.tr("&Framework"))
        framework_menu.addActions(self.framework_group.actions())
        from app.ui.theme import add_appearance_menu

        add_appearance_menu(self.view_menu, self)

        self.tools_menu = bar.addMenu(self.tr("&Tools"))
        self.tools_menu.menuAction().setVisible(False)  # shown once something is added

        self.help_menu = bar.addMenu(self.tr("&Help"))
        self.help_menu.addAction(self.shortcuts_action)
        self.help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(self.tr("Main toolbar"), self)
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.new_item_action)
        toolbar.addAction(self.delete_item_action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        toolbar.addSeparator()
        spacer = QWidget(toolbar)
        spacer_layout = QHBoxLayout(spacer)
        spacer_layout.setContentsMargins(8, 0, 0, 0)
        label = QLabel(self.tr("Framework:"), spacer)
        label.setBuddy(self.framework_combo)
        spacer_layout.addWidget(label)
        spacer_layout.addWidget(self.framework_combo)
        toolbar.addWidget(spacer)
        self.toolbar = toolbar
        self.addToolBar(toolbar)

    # --- extension points -----------------------------------------------------------------------

    def splitters(self) -> dict[str, QSplitter]:
        """The splitters whose sizes are remembered, by the name they are saved under."""
        return {
            "evidence": self.evidence_page.splitter,
            "reflection": self.evidence_page.editor.reflection_splitter,
            "coverage": self.coverage_page.splitter,
            "coverage-panels": self.coverage_page.panels_splitter,
        }

    def layout_state(self) -> WindowLayout:
        """The window's size, place and splitters now, to remember for the next one."""
        return capture_layout(self, self.splitters(), self._opened_layout)

    def add_page(self, title: str, widget: QWidget) -> int:
        """Add a page (tab) with a View menu entry; returns its index."""
        index = self.pages.addTab(widget, title)
        self._add_page_action(index)
        return index

    def _add_page_action(self, index: int) -> None:
        title = self.pages.tabText(index).replace("&", "")
        page_icon = PAGE_ICONS.get(title)
        if page_icon is not None:

            def set_tab_icon(icon: QIcon, i: int = index) -> None:
                self.pages.setTabIcon(i, icon)

            self.icons.set(set_tab_icon, page_icon)
        action = self._action(
            self.tr("Show {page}").format(page=title), lambda: self.pages.setCurrentIndex(index)
        )
        if index < 9:
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
        self.view_menu.insertAction(self._pages_anchor, action)
        self._page_actions.append(action)

    def show_page(self, widget: QWidget) -> None:
        self.pages.setCurrentWidget(widget)

    def add_file_action(self, action: QAction) -> None:
        """Put ``action`` in the File menu's middle group (export, import, backup …)."""
        self.file_menu.insertAction(self._file_anchor, action)

    def add_tools_action(self, action: QAction) -> None:
        self.tools_menu.addAction(action)
        self.tools_menu.menuAction().setVisible(True)

    def set_title_subject(self, subject: str | None) -> None:
        """Name the window after ``subject`` (review mode: the package and the apprentice)
        instead of the apprentice and the file."""
        self._title_subject = subject
        self._update_title()

    def set_banner(self, text: str | None) -> None:
        """Show ``text`` in a line above the pages (None hides it)."""
        self.banner.setText(text or "")
        self.banner.setVisible(bool(text))

    def run_task(
        self,
        title: str,
        fn: Callable[[TaskContext], Any],
        on_success: Callable[[Any], None] | None = None,
    ) -> Task:
        """Run ``fn`` off the GUI thread with a progress dialog; errors become a message."""
        task = run_with_progress(self, title, fn, on_success=on_success)
        self._tasks.append(task)
        task.finished.connect(lambda: self._tasks.remove(task) if task in self._tasks else None)
        return task

    def show_error(self, exc: BaseException) -> None:
        show_error(self, exc)

    # --- state ----------------------------------------------------------------------------------

    def _update_title(self) -> None:
        info = self.document.info()
        subject = self._title_subject or self.tr("{name} — {file}").format(
            name=info.apprentice_name, file=self.document.path.name
        )
        if self.document.read_only:
            subject += self.tr(" (read-only)")
        # ends with the application's name, so the platform does not add it a second time
        self.setWindowTitle(self.tr("{subject} — Apprentice Portfolio").format(subject=subject))

    def _update_item_actions(self) -> None:
        table = self.evidence_page.table
        has_item = (
            self.evidence_page.current_item_id() is not None
            and table.selectionModel().hasSelection()
        )
        writable = not self.document.read_only
        self.new_item_action.setEnabled(writable)
        self.delete_item_action.setEnabled(writable and has_item)
        self.attach_action.setEnabled(writable and has_item)
        self.tags_action.setEnabled(has_item)

    def _update_undo_actions(self) -> None:
        writable = not self.document.read_only
        editing = bool(self.evidence_page.editor.unsaved_fields()) if writable else False
        self.undo_action.setEnabled(writable and (self.undo_stack.canUndo() or editing))
        self.redo_action.setEnabled(writable and self.undo_stack.canRedo())
        undo_text = self.undo_stack.undoText()
        redo_text = self.undo_stack.redoText()
        self.undo_action.setText(
            self.tr("&Undo {what}").format(what=undo_text) if undo_text else self.tr("&Undo")
        )
        self.redo_action.setText(
            self.tr("&Redo {what}").format(what=redo_text) if redo_text else self.tr("&Redo")
        )
        for action, what, plain in (
            (self.undo_action, undo_text, self.tr("Undo")),
            (self.redo_action, redo_text, self.tr("Redo")),
        ):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            tip = f"{plain} {what}" if what else plain
            action.setToolTip(f"{tip} ({keys})" if keys else tip)
            action.setStatusTip(tip)

    def _on_save_state(self, text: str) -> None:
        self.save_state.setText(text)
        self._update_undo_actions()

    def set_framework(self, key: str) -> None:
        """Show the heatmap, filters and tag picker for framework ``key``."""
        framework = self.document.framework(key)
        self.coverage_page.set_framework(key)
        self.evidence_page.set_framework(framework)
        index = self.framework_combo.findData(key)
        if index >= 0:
            self.framework_combo.setCurrentIndex(index)
        for act in self.framework_group.actions():
            act.setChecked(act.data() == key)

    def framework_key(self) -> str:
        return self.coverage_page.framework_key()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.firstPainted.emit)

    def _select_first_item(self) -> None:
        page = self.evidence_page
        if page.current_item_id() is None and page.model.rowCount():
            page.select_item(page.model.item_id(0))

    # --- commands -------------------------------------------------------------------------------

    def _last_command_item(self, index: int) -> int | None:
        command: QUndoCommand | None = self.undo_stack.command(index)
        while command is not None and not isinstance(command, ItemCommand):
            command = command.child(0) if command.childCount() else None
        return command.item_id if isinstance(command, ItemCommand) else None

    def undo(self) -> None:
        if self.document.read_only:
            return
        self.evidence_page.editor.flush()  # what was just typed is the first thing undone
        if not self.undo_stack.canUndo():
            return
        item_id = self._last_command_item(self.undo_stack.index() - 1)
        row = self._current_row()
        self.undo_stack.undo()
        self._show_changed_item(item_id, row)

    def redo(self) -> None:
        if self.document.read_only:
            return
        self.evidence_page.editor.flush()
        if not self.undo_stack.canRedo():
            return
        item_id = self._last_command_item(self.undo_stack.index())
        row = self._current_row()
        self.undo_stack.redo()
        self._show_changed_item(item_id, row)

    def _current_row(self) -> int | None:
        index = self.evidence_page.table.selectionModel().currentIndex()
        return index.row() if index.isValid() else None

    def _show_changed_item(self, item_id: int | None, row: int | None) -> None:
        """Select the item a step changed; if the step deleted it, the one now in its row."""
        page = self.evidence_page
        if item_id is not None and self.document.item(item_id) is not None:
            page.select_item(item_id)
        elif page.current_item_id() is None and row is not None and page.model.rowCount():
            page.select_item(page.model.item_id(min(row, page.model.rowCount() - 1)))

    def new_item(self) -> None:
        if self.document.read_only:
            return
        self.evidence_page.editor.flush()
        try:
            item = self.document.add_item(self.tr("New evidence item"))
        except Exception as exc:
            self.show_error(exc)
            return
        self.pages.setCurrentWidget(self.evidence_page)
        self.evidence_page.select_item(item.id)
        self.evidence_page.editor.tabs.setCurrentIndex(0)
        self.evidence_page.editor.focus_title()

    def delete_item(self) -> None:
        """Delete the selected item at once: Edit ▸ Undo brings it back (so no question)."""
        item = self.evidence_page.editor.current_item()
        if item is None or self.document.read_only:
            return
        self.evidence_page.editor.flush()  # what was typed is kept with it, for undo
        row = self._current_row()
        try:
            execute(
                self.undo_stack,
                DeleteItemCommand(self.document, item.ref, item.id),
                self.show_error,
            )
        except Exception as exc:
            self.show_error(exc)
            return
        self.drafts.discard(item.ref)
        self._show_changed_item(None, row)
        keys = self.undo_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.statusBar().showMessage(
            self.tr("{ref} deleted — Undo ({keys})").format(ref=item.ref, keys=keys), 10000
        )

    def show_items(self, flt: object) -> None:
        """Show the Evidence page filtered by ``flt`` (an ItemFilter), e.g. from the heatmap."""
        self.pages.setCurrentWidget(self.evidence_page)
        self.evidence_page.show_filter(flt)  # type: ignore[arg-type]
        self.evidence_page.table.setFocus()

    def _attach(self) -> None:
        self.pages.setCurrentWidget(self.evidence_page)
        editor = self.evidence_page.editor
        editor.tabs.setCurrentWidget(editor.attachments)
        editor.attachments.choose_files()

    def _show_tags(self) -> None:
        self.pages.setCurrentWidget(self.evidence_page)
        editor = self.evidence_page.editor
        editor.tabs.setCurrentWidget(editor.tags)
        editor.tags.search.setFocus()

    def _focus_search(self) -> None:
        self.pages.setCurrentWidget(self.evidence_page)
        self.evidence_page.filter_bar.search.setFocus()
        self.evidence_page.filter_bar.search.selectAll()

    def _choose_file(self) -> None:
        from app.ui.file_dialogs import choose_portfolio_to_open

        path = choose_portfolio_to_open(self, self.document.path.parent)
        if path is not None:
            self.openRequested.emit(str(path))

    def recover_drafts(self) -> None:
        """Apply text left in drafts by a session that ended without saving it."""
        from app.ui.recovery import apply_drafts

        self.recovered_refs = apply_drafts(self.document, self.drafts)
        if self.recovered_refs:
            refs = ", ".join(self.recovered_refs)
            box = QMessageBox(
                QMessageBox.Icon.Information,
                self.tr("Unsaved text recovered"),
                self.tr(
                    "The app closed before your last changes to {refs} were saved. "
                    "They have been recovered and saved now."
                ).format(refs=refs),
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    def show_details(self) -> None:
        from app.ui.wizard import DetailsDialog

        dialog = DetailsDialog(self.document, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_shortcuts(self) -> None:
        from app.ui.about import shortcuts_dialog

        shortcuts_dialog(self).open()

    def show_about(self) -> None:
        from app.ui.about import about_text

        QMessageBox.about(
            self, self.tr("About Apprentice Portfolio"), about_text(self, __version__)
        )

    # --- closing --------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            try:
                self.evidence_page.editor.flush()
            except Exception as exc:  # the draft still holds the text
                log.exception("Saving on close failed")
                self.show_error(exc)
            for task in list(self._tasks):
                task.cancel()
                task.wait(5.0)
            self.evidence_page.editor.attachments.cleanup()
            self.document.close()
            self._closed = True
            self.closed.emit()
        super().closeEvent(event)
