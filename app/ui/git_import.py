"""Evidence from git in the app: File ▸ Import from Git Repository…, identities, the Source tab.

- The import dialog scans a local repository off the GUI thread (progress, Cancel)
  for the apprentice's work, lists the candidates in a filterable table with a
  preview (messages, files by kind, KSB hints with their reasons) and imports the
  ticked ones as draft items.
- Tools ▸ Git Identities… (and a button in the dialog) keeps the emails and names
  the apprentice commits with, stored in the portfolio.
- The editor gains a Source tab for an imported item: where it came from, and its
  KSB hints as tick boxes; ticking one tags the item (undoable), with the reason as
  the justification.
"""

from __future__ import annotations

from datetime import date as Date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.ui.undo import TagCommand, execute
from app.ui.window_layout import fit_dialog
from app.ui.worker import Task, TaskCancelled, TaskContext

if TYPE_CHECKING:
    from app.services.git_scan import Candidate, ScanResult
    from app.services.views import ItemView, SourceView
    from app.ui.document import PortfolioDocument
    from app.ui.main_window import MainWindow

ModelIndex = QModelIndex | QPersistentModelIndex
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1


def _tr(text: str) -> str:
    return QCoreApplication.translate("GitImport", text)


def _count(n: int, one: str, many: str, **fields: object) -> str:
    """``one`` or ``many`` (by ``n``), with ``{n}`` and ``fields`` filled in."""
    return (one if n == 1 else many).format(n=n, **fields)


# --- the candidates table ---------------------------------------------------------------------


class CandidateModel(QAbstractTableModel):
    """Scanned candidates, one a row, with a tick box in the first column."""

    TICK, DATE, KIND, TITLE, FILES, LINES, HINTS = range(7)
    HEADERS = ("Import", "Date", "Kind", "Title", "Files", "Lines", "KSB hints")
    KINDS: ClassVar[dict[str, str]] = {"merge": "Merge", "tag": "Release", "day": "Day"}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.candidates: list[Candidate] = []
        self.ticked: set[str] = set()

    def set_candidates(self, candidates: list[Candidate]) -> None:
        self.beginResetModel()
        self.candidates = list(candidates)
        self.ticked.clear()
        self.endResetModel()

    def chosen(self) -> list[Candidate]:
        return [c for c in self.candidates if c.id in self.ticked]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.candidates)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(self.HEADERS[section])
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.TICK:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.candidates[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == self.TICK:
            return Qt.CheckState.Checked if c.id in self.ticked else Qt.CheckState.Unchecked
        if role == SEARCH_ROLE:
            return " ".join(
                [c.id, c.kind, c.title, c.branch, c.tag, c.body[:2000]]
                + [f.path for f in c.files]
                + [h.code for h in c.hints]
            )
        if role == Qt.ItemDataRole.UserRole:
            return c.id
        if role == Qt.ItemDataRole.ToolTipRole and column == self.HINTS:
            return "\n".join(r for h in c.hints for r in h.reasons[:1])
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == self.DATE:
            return c.last_date
        if column == self.KIND:
            return _tr(self.KINDS.get(c.kind, c.kind)) + (f" {c.tag}" if c.tag else "")
        if column == self.TITLE:
            return c.title
        if column == self.FILES:
            return str(len(c.files))
        if column == self.LINES:
            return f"+{c.added} −{c.removed}"
        if column == self.HINTS:
            return " ".join(h.code for h in c.hints)
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != self.TICK:
            return False
        ident = self.candidates[index.row()].id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.ticked.add(ident)
        else:
            self.ticked.discard(ident)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True


def preview_html(candidate: Candidate) -> str:
    """What the candidate holds, escaped: title, dates, the PR text, commits, files, hints."""
    from app.services.git_scan import file_kinds

    kinds = file_kinds()
    span = (
        candidate.first_date
        if candidate.first_date == candidate.last_date
        else f"{candidate.first_date} – {candidate.last_date}"
    )
    where = f"{escape(candidate.branch)}" + (
        f", tag {escape(candidate.tag)}" if candidate.tag else ""
    )
    parts = [
        f"<h3>{escape(candidate.title)}</h3>",
        f"<p>{escape(candidate.id)} · {escape(span)} · {where}<br>"
        f"{escape(_count(len(candidate.files), '{n} file', '{n} files'))}, "
        f"+{candidate.added} −{candidate.removed} {escape(_tr('lines'))}</p>",
    ]
    if candidate.body.strip():
        body = escape(candidate.body.strip()[:5000]).replace("\n", "<br>")
        parts.append(f"<p><i>{body}</i></p>")
    parts.append(f"<h4>{escape(_tr('Commits'))}</h4><ul>")
    for commit in candidate.commits[:50]:
        who = "" if commit.mine else f" — {escape(commit.author)}"
        summary = escape(commit.summary)
        parts.append(f"<li><tt>{commit.sha[:7]}</tt> {escape(commit.date)} {summary}{who}</li>")
    parts.append("</ul>")
    grouped = candidate.files_by_kind()
    if grouped:
        parts.append(f"<h4>{escape(_tr('Files changed'))}</h4>")
        for kind, changes in grouped.items():
            parts.append(f"<p><b>{escape(kinds.label(kind))}</b><br>")
            lines = []
            for f in changes[:20]:
                counts = f" +{f.added} −{f.removed}" if f.counted else ""
                moved = f" ({escape(_tr('from'))} {escape(f.old_path)})" if f.old_path else ""
                lines.append(f"<tt>{escape(f.path)}</tt>{moved} {escape(f.status)}{counts}")
            if len(changes) > 20:
                lines.append(escape(_tr("and {n} more").format(n=len(changes) - 20)))
            parts.append("<br>".join(lines) + "</p>")
    if candidate.hints:
        parts.append(
            f"<h4>{escape(_tr('KSB hints (suggestions: tick them on the item later)'))}</h4><ul>"
        )
        for hint in candidate.hints:
            reasons = "; ".join(escape(r) for r in hint.reasons)
            parts.append(f"<li><b>{escape(hint.code)}</b>: {reasons}</li>")
        parts.append("</ul>")
    if candidate.notes:
        parts.append(f"<h4>{escape(_tr('Notes'))}</h4><ul>")
        parts += [f"<li>{escape(n)}</li>" for n in candidate.notes]
        parts.append("</ul>")
    return "".join(parts)


# --- identities ---------------------------------------------------------------------------------


class IdentitiesDialog(QDialog):
    """The emails (and names) the apprentice commits with, kept in the portfolio."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setObjectName("gitIdentitiesDialog")
        self.window_ = window
        self.setWindowTitle(_tr("Git Identities"))
        intro = QLabel(
            _tr(
                "The email addresses you commit with, at work and elsewhere. A name also "
                "counts commits made under exactly that name."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName(_tr("Your git identities"))
        self.email = QLineEdit(self)
        self.email.setPlaceholderText("you@example.org")
        self.email.setAccessibleName(_tr("Email"))
        self.name = QLineEdit(self)
        self.name.setAccessibleName(_tr("Name (optional)"))
        self.name.setPlaceholderText(_tr("Optional"))
        self.setMinimumWidth(460)  # the sentence above reads in two lines, not five
        add = QPushButton(_tr("&Add"), self)
        add.clicked.connect(self._add)
        self.remove = QPushButton(_tr("&Remove"), self)
        self.remove.clicked.connect(self._remove)
        form = QFormLayout()
        form.addRow(_tr("Email"), self.email)
        form.addRow(_tr("Name"), self.name)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for identity in self.window_.document.git_identities():
            text = f"{identity.name} <{identity.email}>" if identity.name else identity.email
            self.list.addItem(text)
            self.list.item(self.list.count() - 1).setData(Qt.ItemDataRole.UserRole, identity.email)
        self.remove.setEnabled(self.list.count() > 0)

    def _add(self) -> None:
        try:
            self.window_.document.add_git_identity(self.email.text(), self.name.text())
        except Exception as exc:
            self.window_.show_error(exc)
            return
        self.email.clear()
        self.name.clear()
        self.refresh()

    def _remove(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        try:
            self.window_.document.remove_git_identity(str(item.data(Qt.ItemDataRole.UserRole)))
        except Exception as exc:
            self.window_.show_error(exc)
            return
        self.refresh()


# --- the import dialog ----------------------------------------------------------------------------


class GitImportDialog(QDialog):
    """Scan a repository, choose candidates, import them as drafts."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("gitImportDialog")
        self.window_ = window
        self.result_: ScanResult | None = None
        self.task: Task | None = None
        self.setWindowTitle(_tr("Import from Git Repository"))
        fit_dialog(self, 1100, 640)

        self.repo = QLineEdit(self)
        self.repo.setAccessibleName(_tr("Repository folder"))
        self.repo.setPlaceholderText(_tr("A folder with a git repository (or a bare one)"))
        browse = QPushButton(_tr("&Browse…"), self)
        browse.clicked.connect(self._browse)
        self.scan_button = QPushButton(_tr("&Scan"), self)
        self.scan_button.clicked.connect(self.scan)
        self.repo.returnPressed.connect(self.scan)
        where = QHBoxLayout()
        where.addWidget(self.repo, 1)
        where.addWidget(browse)
        where.addWidget(self.scan_button)

        self.who = QLabel(self)
        self.who.setWordWrap(True)
        self.who.setTextFormat(Qt.TextFormat.PlainText)
        identities = QPushButton(_tr("&Identities…"), self)
        identities.clicked.connect(self._edit_identities)
        self.since_on = QCheckBox(_tr("Only work since"), self)
        self.since = QDateEdit(self)
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setDate(QDate.currentDate().addYears(-1))
        self.since.setEnabled(False)
        self.since_on.toggled.connect(self.since.setEnabled)
        who_row = QHBoxLayout()
        who_row.addWidget(self.who, 1)
        who_row.addWidget(identities)
        who_row.addSpacing(12)
        who_row.addWidget(self.since_on)
        who_row.addWidget(self.since)

        self.filter = QLineEdit(self)
        self.filter.setAccessibleName(_tr("Filter candidates"))
        self.filter.setPlaceholderText(_tr("Filter by title, file, branch or KSB…"))
        self.filter.setClearButtonEnabled(True)

        self.model = CandidateModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView(self)
        self.table.setObjectName("gitCandidates")
        self.table.setAccessibleName(_tr("Candidates"))
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CandidateModel.TITLE, QHeaderView.ResizeMode.Stretch)
        # many hints would push the title out of sight: their column keeps a set width
        header.setSectionResizeMode(CandidateModel.HINTS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(CandidateModel.HINTS, 140)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("gitPreview")
        self.preview.setAccessibleName(_tr("Candidate preview"))
        self.preview.setOpenLinks(False)
        self.preview.setPlaceholderText(_tr("Scan a repository, then choose a candidate."))
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.preview)
        splitter.setSizes([640, 460])

        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.import_button = self.buttons.addButton(
            _tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("gitImportButton")
        self.import_button.clicked.connect(self.import_chosen)
        self.buttons.rejected.connect(self.reject)
        self.model.dataChanged.connect(self._update_import_button)
        self.model.modelReset.connect(self._update_import_button)

        layout = QVBoxLayout(self)
        layout.addLayout(where)
        layout.addLayout(who_row)
        layout.addWidget(self.filter)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self._update_who()
        self._update_import_button()

    # --- identities and options -------------------------------------------------------------------

    def _update_who(self) -> None:
        found = self.window_.document.git_identities()
        if found:
            self.who.setText(
                _tr("Your commits: {who}").format(who=", ".join(i.email for i in found))
            )
        else:
            self.who.setText(_tr("Add the email address you commit with first (Identities…)."))

    def _edit_identities(self) -> None:
        dialog = IdentitiesDialog(self.window_, self)
        dialog.finished.connect(lambda _result: self._update_who())
        dialog.open()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _tr("Choose a git repository"), self.repo.text() or str(Path.home())
        )
        if folder:
            self.repo.setText(folder)
            self.scan()

    # --- scanning, off the GUI thread -------------------------------------------------------------

    def scan(self) -> Task | None:
        text = self.repo.text().strip()
        if not text:
            self.summary.setText(_tr("Choose a repository folder first."))
            return None
        document = self.window_.document
        identities = document.git_identities()
        imported = document.git_imported()
        framework = document.framework_key
        since = (
            Date.fromisoformat(self.since.date().toString("yyyy-MM-dd"))
            if (self.since_on.isChecked())
            else None
        )
        path = Path(text).expanduser()

        def work(context: TaskContext) -> ScanResult:
            from app.services.git_scan import ScanCancelled, scan_repository

            context.report(0, 0, _tr("Reading the repository…"))
            try:
                return scan_repository(
                    path,
                    identities,
                    framework_key=framework,
                    since=since,
                    imported=imported,
                    progress=lambda message, done, total: context.report(done, total, message),
                    cancelled=context.is_cancelled,
                )
            except ScanCancelled as exc:
                raise TaskCancelled(str(exc)) from exc

        self.scan_button.setEnabled(False)
        self.task = self.window_.run_task(_tr("Scanning the repository…"), work, self.show_result)
        self.task.finished.connect(lambda: self.scan_button.setEnabled(True))
        return self.task

    def show_result(self, result: object) -> None:
        from app.services.git_scan import ScanResult

        assert isinstance(result, ScanResult)
        self.result_ = result
        self.model.set_candidates(list(result.candidates))
        text = _tr("{repo}: {mine} of {commits} commits are yours; {found}.").format(
            repo=result.repository,
            mine=result.mine,
            commits=result.commits,
            found=_count(len(result.candidates), _tr("{n} candidate"), _tr("{n} candidates")),
        )
        if result.already_imported:
            text += " " + _count(
                result.already_imported,
                _tr("{n} is already imported."),
                _tr("{n} are already imported."),
            )
        self.summary.setText(text)
        if self.proxy.rowCount():
            self.table.selectRow(0)
        else:
            self.preview.clear()

    def _show_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.preview.clear()
            return
        ident = self.proxy.data(current.siblingAtColumn(0), Qt.ItemDataRole.UserRole)
        candidate = next((c for c in self.model.candidates if c.id == ident), None)
        if candidate is not None:
            self.preview.setHtml(preview_html(candidate))

    # --- importing ------------------------------------------------------------------------------

    def _update_import_button(self, *_args: object) -> None:
        n = len(self.model.ticked)
        self.import_button.setText(
            _count(n, _tr("&Import {n} candidate"), _tr("&Import {n} candidates"))
        )
        self.import_button.setEnabled(n > 0 and not self.window_.document.read_only)

    def import_chosen(self) -> list[str]:
        chosen = self.model.chosen()
        if not chosen or self.result_ is None:
            return []
        try:
            refs = self.window_.document.import_git_candidates(
                chosen, self.result_.repository, self.result_.remote_url
            )
        except Exception as exc:
            self.window_.show_error(exc)
            return []
        self.window_.statusBar().showMessage(
            _count(
                len(refs),
                _tr("Imported {n} draft item from git: {refs}."),
                _tr("Imported {n} draft items from git: {refs}."),
                refs=", ".join(refs),
            ),
            15000,
        )
        self.accept()
        return refs


# --- the editor's Source tab ----------------------------------------------------------------------


class SourcePanel(QWidget):
    """Where an imported item came from, and its KSB hints to tick."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gitSourcePanel")
        self.window_ = window
        self.document: PortfolioDocument = window.document
        self.item: ItemView | None = None
        self.source: SourceView | None = None
        self.facts = QLabel(self)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hints_label = QLabel(
            _tr("KSB hints from what the work changed and said. Tick one to claim it."), self
        )
        self.hints_label.setWordWrap(True)
        self.hints_box = QWidget(self)
        self.hints_layout = QVBoxLayout(self.hints_box)
        self.hints_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        inner = QWidget(scroll)
        column = QVBoxLayout(inner)
        column.addWidget(self.facts)
        column.addWidget(self.hints_label)
        column.addWidget(self.hints_box)
        column.addStretch(1)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.boxes: dict[str, QCheckBox] = {}

    def show_item(self, item: ItemView | None) -> bool:
        """Show ``item``'s source; False when it has none (the tab is then hidden)."""
        self.item = item
        self.source = self.document.item_source(item.id) if item is not None else None
        for box in self.boxes.values():
            box.deleteLater()
        self.boxes.clear()
        if item is None or self.source is None:
            self.facts.clear()
            return False
        s = self.source
        kinds = {"merge": _tr("a merged branch"), "tag": _tr("a tagged release"),
                 "day": _tr("a day's commits")}  # fmt: skip
        rows = [
            (_tr("Repository"), s.repository),
            (_tr("Remote"), s.remote_url),
            (_tr("From"), kinds.get(s.kind, s.kind)),
            (_tr("Branch"), s.branch),
            (_tr("Tag"), s.tag),
            (_tr("Author"), s.author),
            (
                _count(len(s.commits), _tr("{n} commit"), _tr("{n} commits")),
                ", ".join(c[:12] for c in s.commits[:30]) + (" …" if len(s.commits) > 30 else ""),
            ),
        ]
        self.facts.setText(
            "<table>"
            + "".join(
                f"<tr><td><b>{escape(label)}</b>&nbsp;</td><td>{escape(value)}</td></tr>"
                for label, value in rows
                if value
            )
            + "</table>"
        )
        claimed = set(item.ksbs)
        for hint in s.hints:
            box = QCheckBox(f"{hint.code} — {'; '.join(hint.reasons)}", self.hints_box)
            box.setChecked(hint.code in claimed)
            box.setEnabled(not self.document.read_only)
            box.toggled.connect(lambda ticked, code=hint.code: self._toggle(code, ticked))
            self.hints_layout.addWidget(box)
            self.boxes[hint.code] = box
        self.hints_label.setVisible(bool(s.hints))
        return True

    def _toggle(self, code: str, ticked: bool) -> None:
        item, source = self.item, self.source
        if item is None or source is None:
            return
        reasons = next((h.reasons for h in source.hints if h.code == code), ())
        current = {t.code: t.justification for t in item.ksb_tags}
        command = TagCommand(
            self.document,
            item.ref,
            item.id,
            code,
            before=current.get(code) if code in current else None,
            after=(_tr("From git: ") + "; ".join(reasons)) if ticked else None,
        )
        try:
            execute(self.window_.undo_stack, command, self.window_.show_error)
        except Exception as exc:
            self.window_.show_error(exc)


def install(window: MainWindow) -> None:
    """The editor's Source tab (review windows too: read-only, to see where work came from);
    File ▸ Import from Git Repository… and Tools ▸ Git Identities… where the file can change."""
    editor = window.evidence_page.editor
    panel = SourcePanel(window, editor.tabs)
    index = editor.tabs.addTab(panel, _tr("S&ource"))
    editor.tabs.setTabVisible(index, False)

    def follow(item: object) -> None:
        visible = panel.show_item(item)  # type: ignore[arg-type]
        editor.tabs.setTabVisible(index, visible)

    editor.itemShown.connect(follow)
    current = editor.current_item()
    if current is not None:
        follow(current)
    if window.document.read_only:
        return  # nothing to import into
    action = QAction(_tr("Import from &Git Repository…"), window)
    action.setObjectName("gitImportAction")
    action.setStatusTip(_tr("Turn your commits, merges and releases into draft evidence"))
    action.triggered.connect(lambda _checked=False: show_import_dialog(window))
    window.add_file_action(action)
    identities = QAction(_tr("Git &Identities…"), window)
    identities.setObjectName("gitIdentitiesAction")
    identities.triggered.connect(lambda _checked=False: IdentitiesDialog(window).open())
    window.add_tools_action(identities)


def show_import_dialog(window: MainWindow) -> GitImportDialog:
    dialog = GitImportDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
