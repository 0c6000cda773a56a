"""Run a service call off the GUI thread; get its result or error back on the GUI thread.

The thin-command idea (Anki's ``CollectionOp``): a widget hands over one
callable, which receives a :class:`TaskContext` to report progress and to see
whether the user cancelled, and gets ``succeeded`` / ``failed`` / ``cancelled``
signals on the GUI thread. Exports, imports and backups use it::

    task = run_task(lambda ctx: export_pdf(snapshot, out, progress=ctx.report,
                                           is_cancelled=ctx.is_cancelled),
                    on_success=done, parent=window)
    task.progress.connect(...)   # (done, total, message)
    task.cancel()                # the callable sees ctx.is_cancelled() == True

``run_with_progress`` adds a progress dialog with a Cancel button, and routes
errors to one plain message box.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress updates a second reach the GUI


class TaskCancelled(Exception):
    """Raised inside a task (by ``TaskContext.check_cancelled``) to stop it early."""


class TaskContext:
    """What the callable running in the worker thread gets: progress and cancel."""

    def __init__(self, relay: _Relay, cancel_event: threading.Event) -> None:
        self._relay = relay
        self._cancel = cancel_event
        self._last_report = 0.0

    def report(self, done: int, total: int, message: str = "") -> None:
        """Report progress (``total`` 0 means unknown); cheap to call often."""
        now = time.monotonic()
        if done < total and now - self._last_report < PROGRESS_INTERVAL_S:
            return
        self._last_report = now
        self._relay.progress.emit(done, total, message)

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        """Stop here if the user cancelled."""
        if self._cancel.is_set():
            raise TaskCancelled


class _Relay(QObject):
    """Emitted from the worker thread; the Task (a GUI-thread object) receives, queued."""

    progress = Signal(int, int, str)
    done = Signal(object, object)  # (result, error)


class Task(QObject):
    """One running callable. Signals arrive on the GUI thread."""

    progress = Signal(int, int, str)  # done, total (0 = unknown), message
    succeeded = Signal(object)  # the callable's return value
    failed = Signal(object)  # the exception it raised
    cancelled = Signal()
    finished = Signal()  # always, after one of the three above

    _running: ClassVar[set[Task]] = set()  # keeps Python wrappers alive until finished

    def __init__(self, fn: Callable[[TaskContext], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._cancel = threading.Event()
        self._relay = _Relay()
        self._relay.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._relay.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._thread: threading.Thread | None = None
        self._finished = False

    def start(self) -> Task:
        Task._running.add(self)
        self._thread = threading.Thread(target=self._run, name="portfolio-task", daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the callable to stop; ``cancelled`` follows once it has."""
        self._cancel.set()

    def is_cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def is_finished(self) -> bool:
        return self._finished

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the worker thread ends (for shutdown); True if it did."""
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _run(self) -> None:
        context = TaskContext(self._relay, self._cancel)
        try:
            result = self._fn(context)
        except BaseException as exc:  # delivered to the GUI thread, never lost
            self._relay.done.emit(None, exc)
        else:
            self._relay.done.emit(result, None)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        if not self._finished:
            self.progress.emit(done, total, message)

    @Slot(object, object)
    def _on_done(self, result: object, error: object) -> None:
        self._finished = True
        Task._running.discard(self)
        if isinstance(error, TaskCancelled) or (error is None and self._cancel.is_set()):
            self.cancelled.emit()
        elif error is not None:
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)
        self.finished.emit()


def run_task(
    fn: Callable[[TaskContext], Any],
    *,
    on_success: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    parent: QObject | None = None,
) -> Task:
    """Start ``fn(context)`` in a worker thread; the callbacks run on the GUI thread."""
    task = Task(fn, parent)
    if on_success is not None:
        task.succeeded.connect(on_success)
    if on_error is not None:
        task.failed.connect(on_error)
    if on_progress is not None:
        task.progress.connect(on_progress)
    if on_cancelled is not None:
        task.cancelled.connect(on_cancelled)
    return task.start()


def run_with_progress(
    parent: QWidget,
    title: str,
    fn: Callable[[TaskContext], Any],
    *,
    on_success: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
) -> Task:
    """``run_task`` with a window-modal progress dialog and a Cancel button.

    Errors go to ``on_error`` or, by default, to one plain message box.
    """
    from app.ui.errors import show_error

    dialog = QProgressDialog(title, parent.tr("Cancel"), 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)  # quick jobs never flash a dialog
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progress(done: int, total: int, message: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if message:
            dialog.setLabelText(message)

    def error(exc: BaseException) -> None:
        if on_error is not None:
            on_error(exc)
        else:
            show_error(parent, exc)

    task = run_task(
        fn,
        on_success=on_success,
        on_error=error,
        on_progress=progress,
        on_cancelled=on_cancelled,
        parent=parent,
    )
    dialog.canceled.connect(task.cancel)
    task.finished.connect(dialog.reset)
    task.finished.connect(dialog.deleteLater)
    return task
