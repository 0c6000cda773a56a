"""Starting the desktop app: ``portfolio`` with no command calls ``run_gui``."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, QTimer
from PySide6.QtGui import QFileOpenEvent, QIcon
from PySide6.QtWidgets import QApplication

from app import __version__
from app.config import default_portfolio_path, resource_path

if TYPE_CHECKING:
    from app.ui.windows import WindowManager


def create_application() -> QApplication:
    """The one QApplication (reused if a caller already made it)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    from app.ui.theme import apply_style, prepare_application

    prepare_application()
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Apprentice Portfolio")
    app.setApplicationDisplayName("Apprentice Portfolio")
    app.setOrganizationName("ApprenticePortfolio")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("apprentice-portfolio")
    apply_style(app)
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    """The app's icon at every size it ships in (loaded only when drawn)."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        path = resource_path("icons", f"portfolio-{size}.png")
        if path.exists():
            icon.addFile(str(path), QSize(size, size))
    return icon


def _quit_on_signals(app: QApplication) -> QTimer:
    """SIGTERM/SIGINT close the windows properly (saving what was typed)."""

    def close_all(_signum: int, _frame: object) -> None:
        app.closeAllWindows()
        app.quit()

    signal.signal(signal.SIGINT, close_all)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, close_all)
    # Python handles signals between bytecodes: give it a moment now and then
    timer = QTimer()
    timer.start(500)
    timer.timeout.connect(lambda: None)
    return timer


class FileOpenHandler(QObject):
    """Files macOS asks the app to open (double-clicked in the Finder, dropped on the
    Dock icon) arrive as ``QFileOpenEvent``s on the application, not as arguments."""

    def __init__(self, manager: WindowManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._manager = manager

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            name = event.file()
            if name:
                # opened from the event loop, not inside the filter: it may show dialogs
                QTimer.singleShot(0, self, lambda: self._manager.open_file(Path(name)))
                return True
        return super().eventFilter(watched, event)


def install_file_open_handler(app: QApplication, manager: WindowManager) -> FileOpenHandler:
    handler = FileOpenHandler(manager, app)
    app.installEventFilter(handler)
    return handler


def no_display_reason() -> str | None:
    """Why the desktop app cannot show a window here (None when it can).

    On Linux and the BSDs Qt needs an X11 or Wayland display; without one it ends in a
    message about its platform plugins that helps nobody.
    """
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "There is no display to show the app on (neither DISPLAY nor WAYLAND_DISPLAY is "
        "set): start it from a desktop session, or use the commands (portfolio --help)."
    )


def _say_still_open(path: Path) -> None:
    """The portfolio is held by an app window that did not answer in time."""
    from PySide6.QtWidgets import QMessageBox

    tr = QApplication.translate
    QMessageBox.warning(
        None,
        tr("main", "Apprentice Portfolio"),
        tr(
            "main",
            "{name} is open in another Apprentice Portfolio window that is not "
            "responding. Switch to that window, or close it and open the portfolio again.",
        ).format(name=path.name),
    )


def run_gui(file_arg: str | None, *, read_only: bool = False, banner: str | None = None) -> int:
    """Open ``file_arg`` (else the default portfolio, creating it on first run) and run.

    ``read_only`` and ``banner`` are for review mode: a portfolio (e.g. imported from
    a package into a temporary file) shown with every change disabled.
    """
    from app.crashlog import route_logging

    route_logging()
    reason = no_display_reason()
    if reason is not None and QApplication.instance() is None:
        print(f"portfolio: {reason}", file=sys.stderr)
        return 1
    app = create_application()
    from app.ui.errors import install_excepthook
    from app.ui.windows import WindowManager

    install_excepthook()
    keep_alive = _quit_on_signals(app)
    path = Path(file_arg).expanduser() if file_arg else default_portfolio_path()
    if path.suffix.lower() == ".request":  # a signer answers a request: no portfolio needed
        from app.ui.signoff.signer import run_signer

        return run_signer(app, path)
    if not read_only and path.exists():
        from app.ui.single_instance import Handover, await_handover

        # already open: its window comes to the front; being closed: wait until it is
        handover = await_handover(path)
        if handover is Handover.RAISED:
            return 0
        if handover is Handover.BUSY:
            _say_still_open(path)
            return 1
    manager = WindowManager()
    install_file_open_handler(app, manager)
    if not manager.start(path, read_only=read_only, banner=banner):
        return 0 if not path.exists() else 1
    status = app.exec()
    keep_alive.stop()
    return int(status)
