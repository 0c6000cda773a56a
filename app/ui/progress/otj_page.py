"""The Off-the-job page: the dashboard, the chart, logging training, and the log itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import InvalidInputError, PortfolioError
from app.models.outputs import write_output
from app.services import evidence, otj
from app.services import progress_charts as charts
from app.services.otj import ACTIVITIES, Entry, OtjSummary, format_minutes
from app.ui.errors import show_error
from app.ui.file_dialogs import choose_save_path
from app.ui.notice_label import NoticeLabel
from app.ui.progress.charts import OtjChart, short_date
from app.ui.progress.plan_dialog import PlanDialog, hours_minutes, pair
from app.ui.progress.scan_dialog import date_edit, to_date
from app.ui.progress.store import ProgressStore
from app.ui.search_field import complete_codes
from app.ui.table_model import RowsTableModel, sortable_table
from app.ui.worker import Task, TaskContext, run_with_progress

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


class _Views(QTabWidget):
    """The log and chart tabs: they ask for no more height than their minimum (five rows of
    the log), so the page's scroll area scrolls only when even that does not fit; any spare
    height is theirs."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumSizeHint().height())


class LogModel(RowsTableModel):
    DATE, TIME, ACTIVITY, DESCRIPTION, LINKS, COUNTS = range(6)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Entry] = []
        self.plan: otj.Plan | None = None
        self.headers = [
            self.tr("Date"),
            self.tr("Time"),
            self.tr("Activity"),
            self.tr("What you did"),
            self.tr("KSBs, evidence"),
            self.tr("Counts?"),
        ]

    def set_entries(self, entries: list[Entry], plan: otj.Plan | None) -> None:
        self.plan = plan
        self.set_rows(entries)

    def _counts(self, e: Entry) -> str:
        if self.plan is None or otj.countable(self.plan, e.date):
            return self.tr("yes")
        if e.date > self.plan.gateway:
            return self.tr("no: after the gateway")
        return self.tr("no: before the start")

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        e = self.rows[index.row()]
        column = index.column()
        if role == ID_ROLE:
            return e.id
        if role == SORT_ROLE:
            return {
                self.DATE: e.date.toordinal() * 10_000_000 + e.id,
                self.TIME: e.minutes,
                self.ACTIVITY: e.activity_label,
                self.DESCRIPTION: e.description.lower(),
                self.LINKS: " ".join((*e.competencies, *e.items)),
                self.COUNTS: self._counts(e),
            }[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                self.DATE: e.date.isoformat(),
                self.TIME: format_minutes(e.minutes),
                self.ACTIVITY: e.activity_label,
                self.DESCRIPTION: " ".join(e.description.split())[:300],
                self.LINKS: " ".join((*e.competencies, *e.items)),
                self.COUNTS: self._counts(e),
            }[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == self.DESCRIPTION:
            return e.description[:2000]
        return None


class Card(QFrame):
    """One figure on the dashboard: a big value and what it means."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel(self)
        self.value.setTextFormat(Qt.TextFormat.PlainText)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption, self)
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, value: str, caption: str | None = None) -> None:
        self.value.setText(value)
        if caption is not None:
            self.caption.setText(caption)
        self.setAccessibleName(f"{value} {self.caption.text()}")


class OtjPage(QWidget):
    entryAdded = Signal(int)

    def __init__(self, store: ProgressStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.summary: OtjSummary | None = None

        self.plan_label = QLabel(self)
        self.plan_label.setWordWrap(True)
        self.plan_label.setTextFormat(Qt.TextFormat.PlainText)
        self.plan_button = QPushButton(self.tr("Plan…"), self)
        self.plan_button.setToolTip(
            self.tr("Start and gateway dates, contracted hours, and the rule for the total.")
        )
        self.plan_button.clicked.connect(lambda: self.edit_plan())
        top = QHBoxLayout()
        top.addWidget(self.plan_label, 1)
        top.addWidget(self.plan_button)

        self.logged_card = Card(self.tr("logged"), self)
        self.pace_card = Card(self.tr("against a steady pace"), self)
        self.needed_card = Card(self.tr("a week needed from now"), self)
        self.excluded_card = Card(self.tr("not countable"), self)
        cards = QHBoxLayout()
        for card in (self.logged_card, self.pace_card, self.needed_card, self.excluded_card):
            cards.addWidget(card, 1)

        self.notices = NoticeLabel("warning", self)
        self.notices.setWordWrap(True)
        self.notices.setTextFormat(Qt.TextFormat.PlainText)
        self.notices.setAccessibleName(self.tr("Warnings"))
        self.chart = OtjChart(self)
        # in its tab the chart takes the height there is (the log sets the tabs' minimum)
        self.chart.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.chart.setMinimumHeight(120)

        self.form = self._entry_form()

        self.model = LogModel(self)
        self.proxy, self.table = sortable_table(
            self,
            self.model,
            sort_role=SORT_ROLE,
            accessible_name=self.tr("Off-the-job log"),
            sort_column=LogModel.DATE,
            order=Qt.SortOrder.DescendingOrder,
        )
        # compact rows, and room for several of them however short the window
        row_height = self.table.fontMetrics().height() + 8
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.setMinimumHeight(
            self.table.horizontalHeader().sizeHint().height() + 5 * row_height
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LogModel.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for column in (LogModel.DATE, LogModel.TIME, LogModel.ACTIVITY, LogModel.COUNTS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.edit_button = QPushButton(self.tr("Edit entry"), self)
        self.edit_button.setToolTip(self.tr("Change the selected entry in the form above"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.delete_button = QPushButton(self.tr("Delete entry"), self)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button = QPushButton(self.tr("Import CSV…"), self)
        self.import_button.setToolTip(
            self.tr("Add entries from a timesheet with the columns date, duration, activity.")
        )
        self.import_button.clicked.connect(self.import_csv)
        self.export_button = QPushButton(self.tr("Export CSV…"), self)
        self.export_button.clicked.connect(self.export_csv)
        log_buttons = QWidget(self)
        buttons_layout = QHBoxLayout(log_buttons)
        buttons_layout.setContentsMargins(0, 0, 0, 2)
        for button in (self.edit_button, self.delete_button, self.import_button,
                       self.export_button):  # fmt: skip
            buttons_layout.addWidget(button)

        # the log and the chart share the space below the form: on a laptop screen both in full
        # pushed the log below the fold (at 1024×700 it had one row); the log's buttons sit
        # beside the tabs, shown with the log
        self.views = _Views(self)
        self.views.setDocumentMode(True)
        self.views.addTab(self.table, self.tr("The log"))
        self.views.addTab(self.chart, self.tr("Chart"))
        self.views.setCornerWidget(log_buttons, Qt.Corner.TopRightCorner)
        self.views.currentChanged.connect(
            lambda index: log_buttons.setVisible(self.views.widget(index) is self.table)
        )

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.addLayout(top)
        layout.addLayout(cards)
        layout.addWidget(self.notices)
        layout.addWidget(self.form)
        layout.addWidget(self.views, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        writable = not store.read_only
        for widget in (self.plan_button, self.form, self.delete_button, self.import_button):
            widget.setEnabled(writable)
        self.edit_button.setVisible(writable)
        store.changed.connect(self.refresh)
        self.refresh()

    def _entry_form(self) -> QGroupBox:
        box = QGroupBox(self.tr("Log off-the-job training"), self)
        self.date = date_edit(box, self.store.today())
        self.hours, self.minutes = hours_minutes(box, 60, 24)
        self.minutes.setSingleStep(5)
        self.activity = QComboBox(box)
        self.activity.setAccessibleName(self.tr("Activity"))
        for key, label in ACTIVITIES.items():
            self.activity.addItem(self.tr(label), key)
        self.description = QLineEdit(box)
        self.description.setPlaceholderText(self.tr("What you did and learned"))
        self.description.setAccessibleName(self.tr("What you did"))
        self.description.setMaxLength(otj.MAX_DESCRIPTION)  # Qt's default would cut a paste
        self.ksbs = QLineEdit(box)
        self.ksbs.setPlaceholderText(self.tr("e.g. K1, S14, DS3"))
        self.ksbs.setAccessibleName(self.tr("KSBs"))
        # the standard's codes and the DDaT skills, offered as each one is typed
        codes = [c.code.rpartition(":")[2] for c in self.store.scan_competencies()]
        self.ksb_completer = complete_codes(self.ksbs, codes)
        self.items = QLineEdit(box)
        self.items.setPlaceholderText(self.tr("e.g. E001"))
        self.items.setAccessibleName(self.tr("Evidence items"))
        self._editing: int | None = None  # the entry the form is changing, if any
        self.cancel_edit_button = QPushButton(self.tr("Cancel"), box)
        self.cancel_edit_button.hide()
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        self.add_button = QPushButton(self.tr("Add to log"), box)
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.add_entry)
        self.description.returnPressed.connect(self.add_entry)
        grid = QGridLayout(box)
        grid.addWidget(QLabel(self.tr("Date"), box), 0, 0)
        grid.addWidget(self.date, 0, 1)
        grid.addWidget(QLabel(self.tr("Time spent"), box), 0, 2)
        grid.addWidget(pair(box, self.hours, self.minutes), 0, 3)
        grid.addWidget(QLabel(self.tr("Activity"), box), 0, 4)
        grid.addWidget(self.activity, 0, 5)
        grid.addWidget(QLabel(self.tr("What you did"), box), 1, 0)
        grid.addWidget(self.description, 1, 1, 1, 5)
        grid.addWidget(QLabel(self.tr("KSBs"), box), 2, 0)
        grid.addWidget(self.ksbs, 2, 1)
        grid.addWidget(QLabel(self.tr("Evidence"), box), 2, 2)
        grid.addWidget(self.items, 2, 3)
        grid.addWidget(self.add_button, 2, 5)
        grid.addWidget(self.cancel_edit_button, 2, 6)
        grid.setColumnStretch(5, 1)
        return box

    # --- showing --------------------------------------------------------------------------------

    def refresh(self) -> None:
        snap = self.store.snapshot()
        s = self.summary = snap.otj
        plan = s.plan
        if plan is None:
            self.plan_label.setText(
                self.tr(
                    "No plan yet: set your start and gateway dates and contracted hours to "
                    "see the hours you need and your pace."
                )
            )
        else:
            rule = (
                self.tr("2022/23 rules: {weekly} a week over {weeks:.1f} weeks less leave").format(
                    weekly=format_minutes(s.weekly_minutes or 0), weeks=otj.plan_weeks(plan)
                )
                if plan.rule == otj.RULE_2022
                else self.tr("fixed minimum for the standard (starts from 1 August 2025)")
            )
            self.plan_label.setText(
                self.tr(
                    "Plan: {start} to the gateway on {gateway}; {required} required ({rule})."
                ).format(
                    start=short_date(plan.start),
                    gateway=short_date(plan.gateway),
                    required=format_minutes(s.required_minutes or 0),
                    rule=rule,
                )
            )
        if s.required_minutes:
            percent = s.logged_minutes / s.required_minutes * 100
            self.logged_card.set(
                format_minutes(s.logged_minutes),
                self.tr("logged of {required} required ({percent:.0f}%)").format(
                    required=format_minutes(s.required_minutes), percent=percent
                ),
            )
        else:
            self.logged_card.set(format_minutes(s.logged_minutes), self.tr("logged"))
        if s.weeks_ahead is None:
            self.pace_card.set("—", self.tr("against a steady pace (set a plan)"))
        elif s.weeks_ahead >= 0:
            self.pace_card.set(
                self.tr("{weeks:.1f} weeks ahead").format(weeks=s.weeks_ahead),
                self.tr("a steady pace would be at {expected} today").format(
                    expected=format_minutes(s.expected_minutes or 0)
                ),
            )
        else:
            self.pace_card.set(
                self.tr("{weeks:.1f} weeks behind").format(weeks=-s.weeks_ahead),
                self.tr("a steady pace would be at {expected} today").format(
                    expected=format_minutes(s.expected_minutes or 0)
                ),
            )
        if s.met:
            self.needed_card.set(self.tr("Done"), self.tr("the required hours are logged"))
        elif s.needed_minutes_per_week is not None:
            self.needed_card.set(
                format_minutes(round(s.needed_minutes_per_week)),
                self.tr("a week from now to the gateway"),
            )
        else:
            self.needed_card.set("—", self.tr("a week needed from now"))
        excluded = s.after_gateway_minutes + s.before_start_minutes
        self.excluded_card.set(
            format_minutes(excluded),
            self.tr("not countable (after the gateway or before the start)"),
        )
        notices = []
        for g in s.gaps:
            notices.append(
                self.tr("Gap: nothing logged from {first} to {last} ({days}).").format(
                    first=short_date(g.first),
                    last=short_date(g.last),
                    days=self.tr("1 day") if g.days == 1 else self.tr("{n} days").format(n=g.days),
                )
            )
        if s.after_gateway_minutes:
            notices.append(
                self.tr("{time} logged after the gateway date does not count.").format(
                    time=format_minutes(s.after_gateway_minutes)
                )
            )
        if s.before_start_minutes:
            notices.append(
                self.tr("{time} logged before the start date does not count.").format(
                    time=format_minutes(s.before_start_minutes)
                )
            )
        self.notices.setText("\n".join(notices))
        self.notices.setVisible(bool(notices))
        self.chart.set_chart(charts.otj_chart(s))
        self.model.set_entries(list(snap.entries), plan)

    # --- actions --------------------------------------------------------------------------------

    def edit_plan(self) -> PlanDialog:
        dialog = PlanDialog(self.store, self)
        dialog.open()
        return dialog

    def edit_selected(self) -> None:
        """Put the selected entry in the form; the form's button then saves the changes."""
        entry_id = self._selected_id()
        if entry_id is None or self.store.read_only:
            return
        entry = next((e for e in self.store.entries() if e.id == entry_id), None)
        if entry is None:
            return
        self._editing = entry.id
        self.date.setDate(QDate(entry.date.year, entry.date.month, entry.date.day))
        self.hours.setValue(entry.minutes // 60)
        self.minutes.setValue(entry.minutes % 60)
        self.activity.setCurrentIndex(max(0, self.activity.findData(entry.activity)))
        self.description.setText(entry.description)
        self.ksbs.setText(", ".join(c.rpartition(":")[2] for c in entry.competencies))
        self.items.setText(", ".join(entry.items))
        self.add_button.setText(self.tr("Save changes"))
        self.cancel_edit_button.show()
        self.description.setFocus()

    def cancel_edit(self) -> None:
        self._editing = None
        self.add_button.setText(self.tr("Add to log"))
        self.cancel_edit_button.hide()
        self.description.clear()
        self.ksbs.clear()
        self.items.clear()

    def add_entry(self) -> None:
        try:
            entry = otj.make_input(
                date=to_date(self.date),
                minutes=self.hours.value() * 60 + self.minutes.value(),
                activity=str(self.activity.currentData()),
                description=self.description.text(),
                competencies=evidence.split_codes(self.ksbs.text()),
                items=evidence.split_codes(self.items.text()),
            )
            editing = self._editing
            if editing is not None:
                added = self.store.update_entry(editing, entry)
            else:
                added = self.store.add_entry(entry)
        except PortfolioError as exc:
            show_error(self, exc)  # the form keeps what was typed
            return
        self.cancel_edit()
        self.entryAdded.emit(added.id)

    def _selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return int(rows[0].data(ID_ROLE)) if rows else None

    def delete_selected(self) -> None:
        entry_id = self._selected_id()
        if entry_id is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete entry"), self.tr("Delete this off-the-job entry?")
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.store.delete_entry(entry_id)
        except PortfolioError as exc:
            show_error(self, exc)

    def import_csv(self) -> Task | None:
        """Read a timesheet and add its entries off the GUI thread, with progress and Cancel
        (100,000 rows take seconds); all or nothing."""
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import off-the-job CSV"),
            str(Path.home()),
            self.tr("CSV files (*.csv);;All files (*)"),
        )
        if not name:
            return None
        store = self.store
        reading = self.tr("Reading {name}…").format(name=Path(name).name)
        adding = self.tr("Adding entries…")
        not_utf8 = self.tr("{name} is not UTF-8 text; save it as CSV UTF-8.").format(name=name)

        def work(context: TaskContext) -> otj.ImportResult:
            context.report(0, 0, reading)
            try:
                text = Path(name).read_bytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InvalidInputError(not_utf8) from exc
            except OSError as exc:
                raise InvalidInputError(f"Cannot read {name}: {exc.strerror}.") from exc
            rows = otj.parse_csv(text)
            context.check_cancelled()

            def progress(done: int, total: int) -> None:
                context.report(done, total, adding)
                context.check_cancelled()  # rolls the whole import back

            return store.import_entries(rows, progress=progress)

        def done(result: object) -> None:
            assert isinstance(result, otj.ImportResult)
            message = (
                self.tr("Imported 1 entry.")
                if result.added == 1
                else self.tr("Imported {added} entries.").format(added=result.added)
            )
            if result.skipped:
                message += " " + (
                    self.tr("1 was already in the log and was skipped.")
                    if result.skipped == 1
                    else self.tr("{skipped} already in the log were skipped.").format(
                        skipped=result.skipped
                    )
                )
            QMessageBox.information(self, self.tr("Import off-the-job CSV"), message)

        try:
            store.check_writable()
        except PortfolioError as exc:
            show_error(self, exc)
            return None
        self.import_task = run_with_progress(
            self, self.tr("Importing off-the-job CSV…"), work, on_success=done
        )
        return self.import_task

    def export_csv(self) -> None:
        path = choose_save_path(
            self,
            self.tr("Export off-the-job CSV"),
            Path.home() / "off-the-job.csv",
            self.tr("CSV files (*.csv)"),
            what="CSV file",
            protected=[self.store.document.path],
        )
        if path is None:
            return
        name = str(path)
        try:
            text = otj.export_csv(self.store.entries())
            # the dialog already asked before replacing a file
            write_output(path, text.encode("utf-8"), what="CSV file", force=True)
        except PortfolioError as exc:
            show_error(self, exc)
        except OSError as exc:
            show_error(
                self,
                PortfolioError(
                    self.tr("Cannot write {name}: {why}.").format(
                        name=name, why=exc.strerror or exc
                    )
                ),
            )
