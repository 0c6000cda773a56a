"""Backups and integrity in the desktop app.

- ``check_on_open(parent, path)``: the window manager calls it before opening a
  portfolio. It runs SQLite's quick check; if the file is damaged it says so
  plainly and offers to restore the newest backup that passes the full check,
  keeping the damaged file beside it. Returns the path to open, or None.
- ``install(window)`` (an extension, see ``app.ui.windows``): File > Back Up Now
  and File > Check Portfolio, and an automatic backup at most every N minutes
  (from the settings) while the user edits.

The work runs off the GUI thread; nothing here touches a Session or the file itself:
before a document is open through ``app.services.portfolio_files``, then through
the document.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.errors import PortfolioError
from app.services import portfolio_files
from app.services.portfolio_files import BackupFile, CheckResult
from app.settings import Settings, load_settings
from app.ui.worker import Task, TaskContext, run_task

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

T = TypeVar("T")
AUTO_BACKUP_IDLE_MS = 3000  # after the last change, so a burst of edits makes one check


def _tr(text: str) -> str:
    return QCoreApplication.translate("Backup", text)


def _title() -> str:
    return _tr("Apprentice Portfolio")


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%d %b %Y at %H:%M")


def run_blocking(parent: QWidget | None, label: str, fn: Callable[[], T]) -> T:
    """Run ``fn`` in a worker thread while the GUI stays live; return its result or raise."""
    outcome: dict[str, Any] = {}
    loop = QEventLoop()
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setCancelButton(None)  # a check or a restore is not stopped half-way
    dialog.setWindowTitle(_title())
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(400)
    task = run_task(
        lambda _ctx: fn(),
        on_success=lambda result: outcome.setdefault("result", result),
        on_error=lambda exc: outcome.setdefault("error", exc),
    )
    task.finished.connect(loop.quit)
    if not task.is_finished():
        loop.exec()
    dialog.reset()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    result: T = outcome["result"]
    return result


# --- on open ------------------------------------------------------------------------------------


def check_on_open(
    parent: QWidget | None, path: Path, settings: Settings | None = None
) -> Path | None:
    """Quick-check ``path`` before it is opened; offer the newest good backup if damaged.

    Returns the path to open (the file as it was, or as restored), or None when
    the user chose not to, or nothing could be restored. Never changes the
    file without asking, and keeps a damaged file beside the restored one.
    """
    path = Path(path)
    settings = settings if settings is not None else load_settings()
    if not portfolio_files.worth_checking(path, settings):
        return path  # opening it will say what it is, or what is wrong
    try:
        result = run_blocking(
            parent,
            _tr("Checking {name}…").format(name=path.name),
            lambda: portfolio_files.quick_check(path),
        )
    except PortfolioError:
        return path  # unreadable: opening it says so in its own words
    if result.ok:
        return path
    return _offer_restore(parent, path, result, settings)


def _offer_restore(
    parent: QWidget | None, path: Path, result: CheckResult, settings: Settings
) -> Path | None:
    log.warning("%s is damaged: %s", path, "; ".join(result.problems))
    candidates = portfolio_files.backups_of(path, settings)
    folder = portfolio_files.backup_folder(path, settings)
    if not candidates:
        QMessageBox.critical(
            parent,
            _title(),
            _tr(
                "The portfolio {name} is damaged and cannot be opened safely:\n{problem}\n\n"
                "There is no backup of it in {folder}, so it has been left exactly as it is. "
                "Keep a copy of it somewhere safe before trying anything else."
            ).format(name=path.name, problem=result.problems[0], folder=folder),
        )
        return None
    answer = QMessageBox.question(
        parent,
        _title(),
        _tr(
            "The portfolio {name} is damaged and cannot be opened safely:\n{problem}\n\n"
            "Restore the newest good backup (from {when})? Each backup is checked before it is "
            "used. The damaged file is kept beside the portfolio, renamed, and nothing is "
            "deleted. Changes made after that backup are not in it."
        ).format(name=path.name, problem=result.problems[0], when=_when(candidates[0].created)),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    return path if restore_newest(parent, path, settings, candidates) else None


def restore_newest(
    parent: QWidget | None,
    path: Path,
    settings: Settings,
    candidates: list[BackupFile] | None = None,
) -> bool:
    """Put the newest backup of ``path`` that passes the full check in its place (the
    file must be closed), and say what was done; False, said in one message, when no
    backup could be used (the file is then left exactly as it was). ``candidates``: its
    backups, when the caller has just listed them."""
    if candidates is None:
        candidates = portfolio_files.backups_of(path, settings)
    try:
        restored = run_blocking(
            parent,
            _tr("Checking the backups and restoring {name}…").format(name=path.name),
            lambda: portfolio_files.restore_newest_good(path, settings),
        )
    except PortfolioError as exc:
        QMessageBox.critical(parent, _title(), str(exc))
        return False
    used = next((c for c in candidates if c.path == restored.source), None)
    when = _when(used.created) if used is not None else restored.source.name
    QMessageBox.information(
        parent,
        _title(),
        _tr(
            "Restored {name} from the backup of {when}. The damaged file is kept as {kept}."
        ).format(name=path.name, when=when, kept=restored.kept),
    )
    return True


# --- in the window ------------------------------------------------------------------------------


class AutomaticBackups(QObject):
    """A backup at most every N minutes while the user edits (``maybe_backup``)."""

    def __init__(self, window: MainWindow, settings: Settings) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.path = window.document.path
        self._task: Task | None = None
        self._again = False
        self._last_error = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTO_BACKUP_IDLE_MS)
        self.timer.timeout.connect(self.run)
        document = window.document
        for signal in (
            document.itemChanged,
            document.itemsChanged,
            document.coverageChanged,
            document.infoChanged,
        ):
            signal.connect(self.timer.start)
        window.closed.connect(self.timer.stop)

    def run(self) -> None:
        if self._task is not None and not self._task.is_finished():
            self._again = True
            return
        document, settings = self.window.document, self.settings
        self._task = run_task(
            lambda _ctx: document.backup_if_due(settings),
            on_success=self._done,
            on_error=self._failed,
            parent=self,
        )

    def _done(self, made: object) -> None:
        if made is not None:
            log.info("Automatic backup: %s", made)
        self._last_error = ""
        self._follow_up()

    def _failed(self, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, PortfolioError) else type(exc).__name__
        log.warning("Automatic backup of %s failed: %s", self.path, message)
        if message != self._last_error:  # say it once, not after every keystroke
            self._last_error = message
            self.window.statusBar().showMessage(
                _tr("Automatic backup failed: {reason}").format(reason=message), 30_000
            )
        self._follow_up()

    def _follow_up(self) -> None:
        if self._again:
            self._again = False
            self.timer.start()


def back_up_now(window: MainWindow, settings: Settings) -> None:
    document = window.document

    def work(ctx: TaskContext) -> Path:
        return document.back_up(settings, progress=lambda d, t: ctx.report(d, t))

    def done(made: object) -> None:
        QMessageBox.information(window, _title(), _tr("Backed up to {path}.").format(path=made))

    window.run_task(_tr("Backing up…"), work, on_success=done)


def check_now(window: MainWindow, settings: Settings) -> None:
    document = window.document

    def work(ctx: TaskContext) -> CheckResult:
        return document.check(progress=ctx.report)

    def done(result: object) -> None:
        assert isinstance(result, CheckResult)
        if result.ok:
            QMessageBox.information(window, _title(), result.summary())
            return
        offer_restore(window, result, settings)

    window.run_task(_tr("Checking the portfolio…"), work, on_success=done)


def offer_restore(window: MainWindow, result: CheckResult, settings: Settings) -> None:
    """Say what Check Portfolio found wrong, and offer the newest good backup (the window
    manager closes the window, restores and opens the portfolio again)."""
    document = window.document
    has_backups = bool(portfolio_files.backups_of(document.path, settings))
    text = _tr("{summary}\n\n{details}").format(
        summary=result.summary(), details="\n".join(f"• {p}" for p in result.problems)
    )
    if has_backups:
        text += "\n\n" + _tr(
            "Restore Backup closes this window, puts the newest backup that passes the full "
            "check in the portfolio's place and opens it again. The damaged file is kept "
            "beside it, renamed; changes made after that backup are not in it."
        )
    else:
        text += "\n\n" + _tr(
            "There is no backup of it in {folder}. Keep a copy of the file somewhere safe "
            "before trying anything else."
        ).format(folder=document.backup_folder(settings))
    box = QMessageBox(QMessageBox.Icon.Warning, _title(), text, parent=window)
    restore = None
    if has_backups:
        restore = box.addButton(_tr("Restore Backup"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.setObjectName("checkProblemsBox")
    box.exec()
    if restore is not None and box.clickedButton() is restore:
        # after this task's callback has returned: the window closes in the handler
        QTimer.singleShot(0, window.restoreRequested.emit)


def install(window: MainWindow) -> None:
    """File > Back Up Now and Check Portfolio, and automatic backups (not in review mode)."""
    if window.document.read_only:
        return
    settings = load_settings()
    backup_action = QAction(_tr("&Back Up Now"), window)
    backup_action.setObjectName("backupNowAction")
    backup_action.setStatusTip(_tr("Make a checked copy of the portfolio in your backup folder"))
    backup_action.triggered.connect(lambda _checked=False: back_up_now(window, settings))
    window.add_file_action(backup_action)
    check_action = QAction(_tr("C&heck Portfolio"), window)
    check_action.setObjectName("checkPortfolioAction")
    check_action.setStatusTip(
        _tr("Check the file, its links, every attachment's bytes and the search index")
    )
    check_action.triggered.connect(lambda _checked=False: check_now(window, settings))
    window.add_file_action(check_action)
    window.automatic_backups = AutomaticBackups(window, settings)  # type: ignore[attr-defined]
