"""The worker helper: results, errors, progress and cancel arrive on the GUI thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread

from app.errors import PortfolioError
from app.ui.worker import TaskContext, run_task


def test_the_result_arrives_on_the_gui_thread(qtbot) -> None:
    seen: dict[str, object] = {}

    def work(context: TaskContext) -> int:
        seen["worker"] = threading.current_thread()
        return 6 * 7

    def done(value: object) -> None:
        seen["value"] = value
        seen["gui"] = QThread.currentThread() == qtbot_app_thread()

    task = run_task(work, on_success=done)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert seen["value"] == 42 and seen["gui"] is True
    assert seen["worker"] is not threading.main_thread()


def qtbot_app_thread() -> QThread:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert app is not None
    return app.thread()


def test_an_error_is_delivered_not_raised(qtbot) -> None:
    errors: list[BaseException] = []

    def work(context: TaskContext) -> None:
        raise PortfolioError("The disk is full; nothing was changed.")

    task = run_task(work, on_error=errors.append)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert [str(e) for e in errors] == ["The disk is full; nothing was changed."]


def test_progress_is_reported_and_cancel_stops_the_work(qtbot) -> None:
    started = threading.Event()
    progress: list[tuple[int, int, str]] = []
    outcome: list[str] = []

    def work(context: TaskContext) -> str:
        context.report(1, 10, "page 1")
        started.set()
        while True:
            context.check_cancelled()
            threading.Event().wait(0.001)

    task = run_task(
        work,
        on_progress=lambda *p: progress.append(p),
        on_success=lambda _v: outcome.append("success"),
        on_cancelled=lambda: outcome.append("cancelled"),
    )
    assert started.wait(5)
    qtbot.waitUntil(lambda: progress != [], timeout=5000)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.cancel()
    assert progress[0] == (1, 10, "page 1")
    assert outcome == ["cancelled"] and task.is_finished()


@pytest.mark.parametrize("fail", [True, False])
def test_run_with_progress_shows_errors_in_a_message_box(qtbot, monkeypatch, fail: bool) -> None:
    from PySide6.QtWidgets import QMessageBox, QWidget

    from app.ui.worker import run_with_progress

    shown: list[str] = []

    def warning(parent, title, text, *args, **kwargs):
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    parent = QWidget()
    qtbot.addWidget(parent)

    def work(context: TaskContext) -> str:
        if fail:
            raise PortfolioError("The export folder is read-only.")
        return "done"

    results: list[object] = []
    task = run_with_progress(parent, "Exporting", work, on_success=results.append)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert shown == (["The export folder is read-only."] if fail else [])
    assert results == ([] if fail else ["done"])
