"""The Progress, Off-the-job and Reviews pages, driven as a user would (headless)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

from app.models.db import open_portfolio
from app.services.portfolio import create_portfolio
from app.settings import Settings
from tests import progress_sample

TODAY = date.today()


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes answered by plain functions; what they said is kept."""
    said: list[str] = []

    def record(_parent: object, _title: str, text: str, *_args: object) -> object:
        said.append(text)
        return QMessageBox.StandardButton.Ok

    def yes(_parent: object, _title: str, text: str, *_args: object) -> object:
        said.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "warning", record)
    monkeypatch.setattr(QMessageBox, "critical", record)
    monkeypatch.setattr(QMessageBox, "information", record)
    monkeypatch.setattr(QMessageBox, "question", yes)
    return said


def make_portfolio(tmp_path: Path, filled: bool) -> Path:
    path = tmp_path / "p.sqlite3"
    db = create_portfolio(path, name="Ada Lovelace", provider="Babbage College")
    if filled:
        progress_sample.fill(db, TODAY)
    db.close()
    return path


@pytest.fixture
def open_window(qtbot, messages):
    from app.ui.windows import WindowManager

    manager = WindowManager(Settings())
    windows = []

    def opener(path: Path, read_only: bool = False):
        window = manager.open_path(path, read_only=read_only)
        assert window is not None
        qtbot.waitExposed(window)
        # extensions install just after the window shows
        qtbot.waitUntil(lambda: hasattr(window, "progress_pages"))
        windows.append(window)
        return window

    yield opener
    for window in windows:
        window.close()


@pytest.fixture
def empty_window(tmp_path: Path, open_window) -> Iterator[object]:
    return open_window(make_portfolio(tmp_path, filled=False))


def tracker_row(pages, code: str) -> tuple[object, object]:
    row = next(r for r in pages.skills.model.rows if r.code == code)
    return row.first, row.current


def test_pages_are_added_to_the_window(empty_window) -> None:
    tabs = [empty_window.pages.tabText(i) for i in range(empty_window.pages.count())]
    first = tabs.index("Progress")
    assert tabs[first : first + 3] == ["Progress", "Off-the-job", "Reviews"]


def test_entering_scans_moves_the_tracker(empty_window, qtbot) -> None:
    pages = empty_window.progress_pages
    assert pages.skills.summary.text().startswith("No skills scan yet")
    dialog = pages.skills.new_scan()
    dialog.date.setDate(dialog.date.date().addDays(-90))
    dialog.set_rating("K1", 0)
    dialog.set_rating("DDAT-DEVOPS:DS2", 1)
    dialog.table.item(0, dialog.NOTE).setText("never used CI <b>yet</b>")
    with qtbot.waitSignal(pages.store.changed):
        dialog.save_button.click()
    assert not dialog.isVisible()
    assert tracker_row(pages, "K1") == (0, 0)
    assert pages.skills.summary.text().startswith("1 scan. ")
    assert pages.skills.scans.item(0, 0).text().endswith("(initial assessment)")

    again = pages.skills.new_scan()
    assert again.rating("K1") == 0  # the form starts from the latest ratings
    again.set_rating("K1", 3)
    again.confirmation.setChecked(True)
    again.confirmer.setText("Grace Hopper")
    again.set_agreed("K1", 2)
    with qtbot.waitSignal(pages.store.changed):
        again.save_button.click()
    assert tracker_row(pages, "K1") == (0, 2)  # the agreed rating counts
    assert len(pages.skills.history.points) == 2
    assert "Grace Hopper" in pages.skills.scans.item(0, 3).text()
    ds2_role = next(r for r in pages.skills.role_chart.rows if r.code == "DS2")
    assert (ds2_role.current, ds2_role.required) == (1, 3)  # L3 needs practitioner


def test_a_scan_with_nothing_rated_is_refused_and_the_form_stays(
    empty_window,
    messages,
) -> None:
    pages = empty_window.progress_pages
    dialog = pages.skills.new_scan()
    dialog.note.setText("kept")
    dialog.save_button.click()
    assert messages == ["A skills scan needs at least one rating."]
    assert dialog.isVisible() and dialog.note.text() == "kept"
    dialog.reject()


def test_choosing_a_role_level_changes_the_gaps(empty_window, qtbot) -> None:
    pages = empty_window.progress_pages
    index = pages.skills.level.findData("L1")
    pages.skills.level.setCurrentIndex(index)
    with qtbot.waitSignal(pages.store.changed):
        pages.skills.level.activated.emit(index)
    assert [r.code for r in pages.skills.role_chart.rows] == [
        "DS1",
        "DS2",
        "DS3",
        "DS4",
        "DS5",
        "DS6",
    ]
    assert "Apprentice DevOps engineer" in pages.skills.role_title.text()


def test_plan_dialog_explains_the_rules(empty_window) -> None:
    pages = empty_window.progress_pages
    dialog = pages.otj.edit_plan()
    dialog.rule_2022.setChecked(True)
    dialog.start.setDate(dialog.start.date().fromString("2024-09-02", "yyyy-MM-dd"))
    dialog.gateway.setDate(dialog.gateway.date().fromString("2025-09-01", "yyyy-MM-dd"))
    dialog.contract_h.setValue(20)
    dialog.contract_m.setValue(0)
    text = dialog.explanation.text()
    assert "52.0 weeks less 5.6 weeks' leave = 46.4 weeks × 4 h a week = 185 h 36 min" in text
    dialog.rule_2025.setChecked(True)
    dialog.fixed_h.setValue(278)
    assert "278 h of off-the-job training, the minimum for the standard" in (
        dialog.explanation.text()
    )
    assert "before 1 August 2025" in dialog.explanation.text()
    dialog.reject()


def test_plan_dialog_applies_rpl_the_floor_and_an_agreed_review_frequency(
    empty_window, qtbot
) -> None:
    pages = empty_window.progress_pages
    dialog = pages.otj.edit_plan()
    dialog.rule_2025.setChecked(True)
    dialog.start.setDate(dialog.start.date().fromString("2025-09-01", "yyyy-MM-dd"))
    dialog.gateway.setDate(dialog.gateway.date().fromString("2026-12-01", "yyyy-MM-dd"))
    dialog.fixed_h.setValue(278)
    dialog.rpl_h.setValue(40)
    text = dialog.explanation.text()
    assert "238 h of off-the-job training" in text and "40 h of recognised prior" in text
    assert "Annex C" in text and "rule 92" in text
    dialog.rpl_h.setValue(100)  # 178 h: below the floor
    assert "so 187 hours apply" in dialog.explanation.text()
    dialog.rpl_h.setValue(300)  # more than the minimum: said at once, nothing saved
    assert "more than the standard's minimum" in dialog.explanation.text()
    dialog.rpl_h.setValue(0)
    assert not dialog.review_reason.isEnabled()
    dialog.review_months.setValue(6)
    assert dialog.review_reason.isEnabled()
    assert "needs its reason" in dialog.explanation.text()
    dialog.review_reason.setText("Block release each term")
    assert "every 6 calendar months" in dialog.explanation.text()
    dialog.minimum_source.setText("DfE funding rules 2025-26, Annex C v2")
    with qtbot.waitSignal(pages.store.changed):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    plan = pages.store.plan()
    assert plan is not None
    assert (plan.review_months, plan.review_reason) == (6, "Block release each term")
    assert plan.minimum_source == "DfE funding rules 2025-26, Annex C v2"
    assert plan.minimum_date is not None
    assert "every 6 calendar months" in pages.reviews.status.text()


def test_plan_dialog_uses_the_current_terms_for_the_current_rules(empty_window) -> None:
    dialog = empty_window.progress_pages.otj.edit_plan()
    dialog.rule_2025.setChecked(True)
    dialog.fixed_h.setValue(278)
    assert dialog.gateway_label.text() == "Planned end / gateway to completion date"
    assert "apprenticeship assessment, assessment organisation, gateway to completion" in (
        dialog.explanation.text()
    )
    dialog.rule_2022.setChecked(True)
    assert dialog.gateway_label.text() == "Planned end / gateway date"
    assert "end-point assessment" in dialog.explanation.text()
    dialog.reject()


def test_logging_training_updates_the_dashboard(empty_window, qtbot, hostile) -> None:
    pages = empty_window.progress_pages
    otj_page = pages.otj
    plan = otj_page.edit_plan()
    plan.rule_2022.setChecked(True)
    plan.start.setDate(plan.start.date().addDays(-70))  # 10 weeks ago
    plan.gateway.setDate(plan.start.date().addDays(350))
    plan.statutory.setChecked(False)
    plan.leave.setValue(0)
    with qtbot.waitSignal(pages.store.changed):
        plan.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert otj_page.logged_card.value.text() == "0 min"
    assert "300 h required" in otj_page.plan_label.text()  # 50 weeks × 6 h

    otj_page.date.setDate(otj_page.date.date().addDays(-1))
    otj_page.hours.setValue(2)
    otj_page.minutes.setValue(30)
    otj_page.activity.setCurrentIndex(otj_page.activity.findData("e-learning"))
    otj_page.description.setText(hostile)
    otj_page.ksbs.setText("K1, DS3")
    with qtbot.waitSignal(otj_page.entryAdded):
        otj_page.add_button.click()
    assert otj_page.logged_card.value.text() == "2 h 30 min"
    assert otj_page.model.rowCount() == 1
    entry = otj_page.model.rows[0]
    assert (entry.minutes, entry.activity, entry.description) == (150, "e-learning", hostile)
    assert entry.competencies == ("K1", "DDAT-DEVOPS:DS3")
    assert otj_page.description.text() == ""
    # 60 hours due after 10 weeks at 6 h: 57.5 h short = 9.6 weeks behind
    assert otj_page.pace_card.value.text() == "9.6 weeks behind"
    assert "Gap: nothing logged" in otj_page.notices.text()


def test_a_bad_entry_is_refused_and_what_was_typed_stays(
    empty_window,
    messages,
) -> None:
    otj_page = empty_window.progress_pages.otj
    otj_page.description.setText("Kubernetes course")
    otj_page.ksbs.setText("K404")
    otj_page.add_button.click()
    assert len(messages) == 1 and "no competency K404" in messages[0]
    assert otj_page.description.text() == "Kubernetes course"
    assert otj_page.model.rowCount() == 0


def test_csv_import_and_export_through_the_file_dialogs(
    qtbot,
    empty_window,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages,
) -> None:
    otj_page = empty_window.progress_pages.otj
    timesheet = tmp_path / "timesheet.csv"
    timesheet.write_text(
        "date,duration,activity,description\n2025-01-06,1:30,mentoring,Pairing\n"
        "07/01/2025,45m,self-study,Reading\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kw: (str(timesheet), ""))
    task = otj_page.import_csv()  # off the GUI thread, with progress
    assert task is not None
    qtbot.waitUntil(lambda: "Imported 2 entries." in messages, timeout=30_000)
    assert otj_page.model.rowCount() == 2
    out = tmp_path / "out.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(out), ""))
    otj_page.export_csv()
    assert out.read_text(encoding="utf-8").splitlines()[1:] == [
        "2025-01-06,1:30,mentoring,Pairing,,",
        "2025-01-07,0:45,self-study,Reading,,",
    ]


def test_overdue_review_shows_on_the_home_screen_until_recorded(
    tmp_path: Path,
    open_window,
    qtbot,
) -> None:
    window = open_window(make_portfolio(tmp_path, filled=True))
    pages = window.progress_pages
    assert window.pages.currentIndex() == 0  # the home (Evidence) page
    assert pages.notice.isVisible()
    assert pages.notice.label.text().startswith("Your progress review is overdue: it was due on")
    window.show_page(pages.reviews)
    assert not pages.notice.isVisible()  # the Reviews page says it itself
    assert "overdue" in pages.reviews.status.text()
    window.pages.setCurrentIndex(0)

    pages.notice.button.click()  # "Record the review…" opens the form on the Reviews page
    assert window.pages.currentWidget() is pages.reviews
    from app.ui.progress.review_dialog import ReviewDialog

    (dialog,) = pages.reviews.findChildren(ReviewDialog)
    assert dialog.isVisible()
    assert dialog.apprentice.text() == "Ada Lovelace"
    dialog.employer.setText("Grace Hopper")
    dialog.notes.setPlainText("Back on track after the summer.")
    row = dialog.add_action_row(
        "Log the summer reading", "Ada", (TODAY + timedelta(days=14)).isoformat()
    )
    assert row == 0
    expected_minutes = pages.store.otj_minutes_to(TODAY)
    assert dialog.otj_h.value() * 60 + dialog.otj_m.value() == expected_minutes
    with qtbot.waitSignal(pages.store.changed):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    window.pages.setCurrentIndex(0)
    assert not pages.notice.isVisible()
    assert "Your next progress review is due by" in pages.reviews.status.text()
    assert pages.reviews.list.count() == 3
    assert pages.reviews.action_table.item(0, 1).text() == "Log the summer reading"


def test_ticking_an_action_done(tmp_path: Path, open_window, qtbot) -> None:
    window = open_window(make_portfolio(tmp_path, filled=True))
    reviews_page = window.progress_pages.reviews
    assert "1 review action is overdue." in reviews_page.status.text()
    done = reviews_page.action_table.item(0, 0)
    with qtbot.waitSignal(window.progress_pages.store.changed):
        done.setCheckState(Qt.CheckState.Checked)
    assert "review action" not in reviews_page.status.text()


def test_read_only_portfolio_shows_records_but_changes_nothing(
    tmp_path: Path,
    open_window,
) -> None:
    path = make_portfolio(tmp_path, filled=True)
    window = open_window(path, read_only=True)
    pages = window.progress_pages
    assert pages.otj.model.rowCount() > 0
    assert not pages.notice.isVisible()
    for button in (
        pages.skills.new_button,
        pages.otj.plan_button,
        pages.otj.add_button,
        pages.reviews.record_button,
        pages.reviews.delete_button,
    ):
        assert not button.isEnabled()
    db = open_portfolio(path)
    db.close()


def test_the_review_form_is_prefilled_with_real_values(tmp_path: Path, open_window, qtbot) -> None:
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDateEdit, QStyleOptionViewItem

    from app.ui.progress.review_dialog import ReviewDialog

    window = open_window(make_portfolio(tmp_path, filled=True))
    store = window.progress_pages.store
    dialog = ReviewDialog(store, window)
    qtbot.addWidget(dialog)
    # who came to the last review, as text that is saved (not a placeholder)
    assert dialog.employer.text() == "Grace Hopper"
    assert dialog.provider.text() == "Babbage College"
    roles = {p.role: p.name for p in dialog.participants()}
    assert roles["provider"] == "Babbage College"
    # the due date is picked from a calendar
    row = dialog.add_action_row("Book the EPA gateway meeting", "Ada")
    index = dialog.action_table.model().index(row, dialog.DUE)
    editor = dialog.due_delegate.createEditor(
        dialog.action_table.viewport(), QStyleOptionViewItem(), index
    )
    assert isinstance(editor, QDateEdit) and editor.calendarPopup()
    editor.setDate(QDate(2027, 3, 1))
    dialog.due_delegate.setModelData(editor, dialog.action_table.model(), index)
    assert dialog.action_table.item(row, dialog.DUE).text() == "2027-03-01"


def test_the_first_review_takes_the_provider_from_the_portfolio_details(
    tmp_path: Path, open_window, qtbot
) -> None:
    from app.ui.progress.review_dialog import ReviewDialog

    window = open_window(make_portfolio(tmp_path, filled=False))
    dialog = ReviewDialog(window.progress_pages.store, window)
    qtbot.addWidget(dialog)
    assert dialog.provider.text() == "Babbage College"


def test_confirming_a_scan_says_which_scan_and_what_to_enter(
    tmp_path: Path, open_window, qtbot
) -> None:
    from PySide6.QtWidgets import QLabel

    from app.ui.progress.charts import short_date
    from app.ui.progress.scan_dialog import ConfirmDialog

    window = open_window(make_portfolio(tmp_path, filled=True))
    store = window.progress_pages.store
    scan = store.snapshot().scans[0]
    dialog = ConfirmDialog(store, scan.id, window)
    qtbot.addWidget(dialog)
    said = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"the skills scan of {short_date(scan.date)}" in said
    assert "employer or line manager" in said


def test_the_scan_grid_is_rated_from_the_keyboard_one_line_per_competency(
    empty_window, qtbot
) -> None:
    from PySide6.QtCore import Qt

    pages = empty_window.progress_pages
    dialog = pages.skills.new_scan()
    qtbot.waitExposed(dialog)
    table = dialog.table
    codes = [c.code for c in dialog.competencies]
    table.setFocus()
    table.setCurrentCell(0, dialog.RATING)
    for key in (Qt.Key.Key_3, Qt.Key.Key_1, Qt.Key.Key_4):
        qtbot.keyClick(table, key)
    # each digit rates the current row and moves down
    assert [dialog.rating(code) for code in codes[:3]] == [3, 1, 4]
    assert table.currentRow() == 3
    assert table.item(0, dialog.RATING).text() == "3 practitioner"
    table.setCurrentCell(1, dialog.COMPETENCY)
    qtbot.keyClick(table, Qt.Key.Key_Minus)  # skipped this time
    assert dialog.rating(codes[1]) is None and table.currentRow() == 1
    # what was agreed: only once the employer's confirmation is on
    assert table.isColumnHidden(dialog.AGREED)
    dialog.confirmation.setChecked(True)
    assert not table.isColumnHidden(dialog.AGREED)
    table.setCurrentCell(0, dialog.AGREED)
    qtbot.keyClick(table, Qt.Key.Key_2)
    assert dialog.agreed(codes[0]) == 2 and dialog.rating(codes[0]) == 3
    # the keys are stated on the form
    assert "type its digit" in dialog.intro.text() and "4 expert" in dialog.intro.text()
    # one line each: the full text is on hover
    assert table.rowHeight(0) <= table.fontMetrics().height() + 8
    assert table.item(0, dialog.COMPETENCY).toolTip() == dialog.competencies[0].label
    dialog.reject()


def test_twenty_competencies_and_more_are_visible_on_a_laptop_screen(empty_window, qtbot) -> None:
    dialog = empty_window.progress_pages.skills.new_scan()
    dialog.resize(960, 768 - 40 - 48)  # a 1366 x 768 screen less its task bar and title bar
    qtbot.waitExposed(dialog)
    table = dialog.table
    qtbot.waitUntil(lambda: table.viewport().height() > 0)
    visible = table.viewport().height() // table.rowHeight(0)
    assert visible >= 20
    dialog.reject()


def test_the_progress_page_fits_a_1024_by_700_window(empty_window, qtbot) -> None:
    from app.ui.progress.charts import DumbbellChart

    window = empty_window
    window.resize(1024, 700)
    pages = window.progress_pages
    window.show_page(pages.skills)
    table = pages.skills.table
    qtbot.waitUntil(lambda: table.viewport().width() > 0)
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: header.length() <= table.viewport().width() + 1)
    assert not table.horizontalScrollBar().isVisible()
    # every heading readable in full
    metrics = header.fontMetrics()
    for column in range(header.count()):
        text = str(table.model().headerData(column, Qt.Orientation.Horizontal))
        if column != 1:  # the competency's text takes what is left
            assert header.sectionSize(column) >= metrics.horizontalAdvance(text), text
    # and what is left reads as words, not a few letters
    assert header.sectionSize(1) >= metrics.horizontalAdvance("Continuous Integration")
    # the scale's names never run together: side by side, on two lines, or as digits
    widths = [float(metrics.horizontalAdvance(n)) for n in ("0 new to me", "3 practitioner")]
    assert DumbbellChart.scale_layout(200, widths) == "one line"
    assert DumbbellChart.scale_layout(60, widths) == "two lines"
    assert DumbbellChart.scale_layout(30, widths) == "digits"


def test_the_otj_form_completes_each_ksb_code_as_it_is_typed(empty_window, qtbot) -> None:
    otj_page = empty_window.progress_pages.otj
    empty_window.show_page(otj_page)
    field = otj_page.ksbs
    completer = otj_page.ksb_completer
    field.setFocus()
    qtbot.keyClicks(field, "K1, s1")
    assert completer.completionPrefix() == "s1"
    offered = []
    for row in range(completer.completionCount()):
        completer.setCurrentRow(row)
        offered.append(completer.currentCompletion())
    assert "S14" in offered and all(code.upper().startswith("S1") for code in offered)
    completer.activated.emit("S14")
    assert field.text() == "K1, S14"
    qtbot.keyClicks(field, ", ds")
    assert completer.completionPrefix() == "ds"
    completer.setCurrentRow(0)
    assert completer.currentCompletion().startswith("DS")


def test_an_otj_entry_is_edited_in_the_form(tmp_path: Path, open_window, qtbot) -> None:
    window = open_window(make_portfolio(tmp_path, filled=True))
    otj_page = window.progress_pages.otj
    window.show_page(otj_page)
    store = window.progress_pages.store
    before = len(store.entries())
    otj_page.table.selectRow(0)
    entry_id = otj_page._selected_id()
    assert entry_id is not None
    otj_page.edit_button.click()
    assert otj_page.add_button.text() == "Save changes"
    assert otj_page.cancel_edit_button.isVisible()
    otj_page.description.setText("Read the SRE book, chapter on monitoring")
    otj_page.hours.setValue(2)
    otj_page.minutes.setValue(30)
    with qtbot.waitSignal(store.changed):
        otj_page.add_button.click()
    changed = next(e for e in store.entries() if e.id == entry_id)
    assert (changed.description, changed.minutes) == (
        "Read the SRE book, chapter on monitoring",
        150,
    )
    assert len(store.entries()) == before  # changed in place, not added
    assert otj_page.add_button.text() == "Add to log"


def test_a_recorded_review_is_edited_in_its_form(tmp_path: Path, open_window, qtbot) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    window = open_window(make_portfolio(tmp_path, filled=True))
    page = window.progress_pages.reviews
    window.show_page(page)
    store = window.progress_pages.store
    page.list.setCurrentRow(0)
    before = next(r for r in page.reviews if r.id == page._selected_id())
    dialog = page.edit_selected()
    assert dialog is not None and dialog.windowTitle() == "Edit progress review"
    assert dialog.notes.toPlainText() == before.notes  # the form holds the review as recorded
    assert dialog.action_table.rowCount() == len(before.actions)
    dialog.notes.setPlainText("Notes corrected after the meeting.")
    with qtbot.waitSignal(store.changed):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    after = next(r for r in store.snapshot().reviews if r.id == before.id)
    assert after.notes == "Notes corrected after the meeting."
    assert len(store.snapshot().reviews) == len(page.reviews)  # changed, not added
    assert [a.done for a in after.actions] == [a.done for a in before.actions]


def test_the_otj_log_shows_several_rows_at_1024_by_700(tmp_path: Path, open_window, qtbot) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QScrollArea

    window = open_window(make_portfolio(tmp_path, filled=True))
    window.resize(1024, 700)
    otj_page = window.progress_pages.otj
    window.show_page(otj_page)
    qtbot.waitUntil(lambda: otj_page.table.isVisible())
    assert otj_page.views.currentWidget() is otj_page.table  # the log first, the chart a tab
    table = otj_page.table
    rows = table.viewport().height() // table.rowHeight(0)
    assert rows >= 5, rows
    # all of it in view as the page opens, without scrolling the page
    scroll = otj_page.findChild(QScrollArea)

    def bottom() -> int:
        return table.mapTo(scroll.viewport(), QPoint(0, table.height())).y()

    qtbot.waitUntil(lambda: bottom() <= scroll.viewport().height())  # once the layout settles
    assert not scroll.verticalScrollBar().isVisible()
    assert otj_page.edit_button.isVisible()
    otj_page.views.setCurrentWidget(otj_page.chart)
    assert otj_page.chart.isVisible() and not otj_page.edit_button.isVisible()
