"""Opening portfolios in windows: first run, File > New / Open, recent files, review mode.

One ``WindowManager`` per app keeps the open windows alive, remembers recent
files and the heatmap target in the settings, and gives extensions their turn
on every new window: each module in ``EXTENSION_MODULES`` has its
``install(window)`` function called with the window.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from app.errors import PortfolioError
from app.services.portfolio_files import can_write
from app.settings import Settings, load_settings, save_settings, with_recent_file
from app.ui.backup import check_on_open
from app.ui.document import PortfolioDocument
from app.ui.errors import show_error
from app.ui.main_window import MainWindow
from app.ui.package_files import PACKAGE_SUFFIX, is_package
from app.ui.preferences import PreferencesDialog
from app.ui.window_layout import cascaded

if TYPE_CHECKING:
    from app.ui.single_instance import InstanceServer

log = logging.getLogger(__name__)

# Features from other parts of the app add their pages and menu entries here: one module
# a line, each with an ``install(window)`` function; append yours. A module that fails to
# import or install is logged and the window opens without it (a user keeps working), but
# in the tests (PORTFOLIO_STRICT_EXTENSIONS=1, set by tests/conftest.py) it is an error,
# and tests/ui/test_extensions.py installs every one.
EXTENSION_MODULES: tuple[str, ...] = (
    "app.ui.progress",
    "app.ui.review",
    "app.ui.backup",
    "app.ui.export",
    "app.ui.assessment",
    "app.ui.git_import",
    "app.ui.bulk_import",
    "app.ui.standard_upgrade",
    "app.ui.signoff",
)


# What changes and the extensions need, all of it SQLAlchemy and the ORM: imported in the
# background once the first window is on screen, so that the window need not wait for it.
WARM_UP_MODULES: tuple[str, ...] = (
    "app.models.db",
    "app.models.orm",
    "app.services.evidence",
    "app.services.attachments",
    "app.services.portfolio",
    *EXTENSION_MODULES,
)


_warmed = threading.Event()  # set once WARM_UP_MODULES are imported (once per process)
_warm_lock = threading.Lock()
_warm_thread: threading.Thread | None = None


def _warm_up() -> None:
    for name in WARM_UP_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # the GUI thread imports it again, and says what is wrong
            log.debug("Warm-up import of %s failed", name, exc_info=True)
    _warmed.set()


class WarmUp(QObject):
    """Imports ``WARM_UP_MODULES`` in a background thread, once per process.

    Imports never create widgets, so they are safe off the GUI thread; if the GUI
    thread needs one of the modules sooner, Python's import lock makes it wait
    for that module, not for the rest. The thread touches no Qt object: this object
    looks for the end with a timer on the GUI thread, so a manager (and this object)
    deleted meanwhile is never signalled from the thread (that crashed the tests).
    """

    finished = Signal()  # on the GUI thread, once the imports are done

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._check)

    @property
    def done(self) -> bool:
        return _warmed.is_set()

    def start(self) -> None:
        global _warm_thread
        with _warm_lock:
            if _warm_thread is None:
                _warm_thread = threading.Thread(target=_warm_up, name="warm-up", daemon=True)
                _warm_thread.start()
        if not self._timer.isActive():
            self._timer.start()

    def _check(self) -> None:
        if _warmed.is_set():
            self._timer.stop()
            self.finished.emit()


STRICT_EXTENSIONS_ENV = "PORTFOLIO_STRICT_EXTENSIONS"


def install_extensions(window: MainWindow) -> list[str]:
    """Install every extension on ``window``; the names of those installed."""
    strict = os.environ.get(STRICT_EXTENSIONS_ENV, "") not in ("", "0")
    installed: list[str] = []
    for name in EXTENSION_MODULES:
        try:
            importlib.import_module(name).install(window)
        except Exception:  # one broken extension must not stop the app
            if strict:
                raise
            log.exception("Extension %s failed; the window opens without it", name)
        else:
            installed.append(name)
    return installed


def bring_to_front(window: QWidget) -> None:
    """Show ``window`` above the others (restored if it was minimised)."""
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()


class WindowManager(QObject):
    extensions_installed = Signal(object)  # a window, once its extensions are in

    def __init__(self, settings: Settings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else load_settings()
        self.windows: list[MainWindow] = []
        self.instance_servers: dict[MainWindow, InstanceServer] = {}
        self._warm_up = WarmUp(self)
        self._waiting: list[MainWindow] = []  # windows whose extensions follow the warm-up
        self._warm_up.finished.connect(self._warmed_up)

    # --- settings -------------------------------------------------------------------------------

    def _save_settings(self, settings: Settings) -> None:
        self.settings = settings
        try:
            save_settings(settings)
        except OSError as exc:  # the app works on; only the preference is not kept
            log.warning("Could not save settings: %s", exc)

    def _remember(self, path: Path) -> None:
        self._save_settings(with_recent_file(self.settings, path))

    def _set_target(self, target: int) -> None:
        if target != self.settings.heatmap_target and not self.settings.is_managed(
            "heatmap_target"
        ):
            self._save_settings(replace(self.settings, heatmap_target=target))

    def show_preferences(self, parent: QWidget | None = None) -> PreferencesDialog:
        """Edit ▸ Preferences: saved when the user clicks Save (managed keys never are)."""
        dialog = PreferencesDialog(self.settings, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._apply_preferences(dialog.chosen()))
        dialog.open()
        return dialog

    def _remember_layout(self, window: MainWindow) -> None:
        """Keep ``window``'s size, place and splitters for the next window (and run)."""
        layout = window.layout_state()
        if layout != self.settings.window_layout:
            self._save_settings(replace(self.settings, window_layout=layout))

    def _apply_preferences(self, settings: Settings) -> None:
        # what the app remembered while the dialog was open is kept
        settings = replace(
            settings,
            recent_files=self.settings.recent_files,
            window_layout=self.settings.window_layout,
        )
        self._save_settings(settings)
        for window in self.windows:  # automatic backups follow the new interval and rotation
            automatic = getattr(window, "automatic_backups", None)
            if automatic is not None:
                automatic.settings = settings

    # --- windows --------------------------------------------------------------------------------

    def window_for(
        self,
        document: PortfolioDocument,
        *,
        banner: str | None = None,
        replace_window: MainWindow | None = None,
    ) -> MainWindow:
        """Show ``document`` in a new window (closing ``replace_window`` once it is up).

        It opens as the last window was left: in the replaced window's place, or a
        little below and to the right of a window still open, else as remembered."""
        layout = self.settings.window_layout
        if replace_window is not None:
            layout = replace_window.layout_state()
        elif self.windows:
            layout = cascaded(self.windows[-1].layout_state())
        window = MainWindow(
            document,
            target=self.settings.heatmap_target,
            recent_files=self.settings.recent_files,
            banner=banner,
            window_layout=layout,
        )
        window.newRequested.connect(lambda: self.new_portfolio(window))
        window.openRequested.connect(lambda path: self.open_path(Path(path), replace_window=window))
        window.targetChanged.connect(self._set_target)
        window.preferencesRequested.connect(lambda: self.show_preferences(window))
        window.restoreRequested.connect(lambda: self.restore_newest_backup(window))
        window.closed.connect(lambda: self._remember_layout(window))
        window.closed.connect(lambda: self._forget(window))
        self.windows.append(window)
        if not document.read_only:
            # a second launch on this portfolio raises this window instead
            from app.ui.single_instance import InstanceServer

            server = InstanceServer(document.path, window)
            server.raiseRequested.connect(lambda: bring_to_front(window))
            server.watch(window)
            window.closed.connect(server.close)
            self.instance_servers[window] = server
        # other features' pages and menus follow once the window is on screen
        window.firstPainted.connect(lambda: self._after_first_paint(window))
        window.show()
        if not document.read_only:
            self._remember(document.path)
        if replace_window is not None:
            replace_window.close()
        return window

    def _forget(self, window: MainWindow) -> None:
        self.instance_servers.pop(window, None)
        if window in self.windows:
            self.windows.remove(window)
        if window in self._waiting:
            self._waiting.remove(window)

    def _after_first_paint(self, window: MainWindow) -> None:
        if self._warm_up.done:
            install_extensions(window)
            self.extensions_installed.emit(window)
        else:
            self._waiting.append(window)
            self._warm_up.start()

    def _warmed_up(self) -> None:
        waiting, self._waiting = self._waiting, []
        for window in waiting:
            if not shiboken6.isValid(window):
                continue  # closed and deleted while the modules were loading
            install_extensions(window)
            self.extensions_installed.emit(window)

    def open_path(
        self,
        path: Path,
        *,
        read_only: bool = False,
        banner: str | None = None,
        replace_window: MainWindow | None = None,
    ) -> MainWindow | None:
        """Open ``path`` in a window; a problem becomes a message (and None)."""
        path = Path(path).expanduser()
        if is_package(path):  # a signed package opens for review, beside this window
            from app.ui.review import open_package

            return open_package(self, path, parent=replace_window)
        for window in self.windows:
            if window.document.path.resolve() == path.resolve() and not read_only:
                bring_to_front(window)
                return window
        if not read_only and path.is_file() and not can_write(path):
            # A read-only file or folder (or medium) opens read-only, and says so.
            read_only = True
            banner = banner or self.tr(
                "This portfolio is read-only: its file or its folder cannot be written to. "
                "You can read, search, check and export it; to change it, copy it to a "
                "folder you can write to."
            )
        if not read_only and check_on_open(replace_window, path, self.settings) is None:
            return None  # damaged, and not restored: app.ui.backup has said why
        try:
            document = PortfolioDocument.open(path, read_only=read_only, settings=self.settings)
        except PortfolioError as exc:
            show_error(replace_window, exc)
            return None
        return self.window_for(document, banner=banner, replace_window=replace_window)

    def open_file(self, path: Path) -> MainWindow | None:
        """A file the system hands the app (a double-click in the Finder), opened as
        ``portfolio open PATH`` would: a package for review, a portfolio in its own window.

        A package is checked off the GUI thread when a window is there to show the
        progress (its review window then follows, and None is returned at once).
        """
        path = Path(path).expanduser()
        if is_package(path):
            from app.ui.review import open_package

            return open_package(self, path, parent=self.windows[-1] if self.windows else None)
        return self.open_path(path)

    def new_portfolio(self, parent: MainWindow | None = None) -> None:
        """File > New: the details dialog, then the new portfolio replaces this window."""
        from app.ui.file_dialogs import choose_new_portfolio_path

        folder = self.settings.resolved_portfolio_folder()
        path = choose_new_portfolio_path(parent, folder)
        if path is None:
            return
        from app.ui.wizard import NewPortfolioDialog

        dialog = NewPortfolioDialog(path, parent=parent)

        def created() -> None:
            if dialog.document is not None:
                document, dialog.document = dialog.document, None
                self.show_created(document, replace_window=parent)

        dialog.accepted.connect(created)
        dialog.open()

    def show_created(
        self, document: PortfolioDocument, *, replace_window: MainWindow | None = None
    ) -> MainWindow:
        """Show a portfolio the wizard has just created, keeping its writer lock (never
        closed and reopened, so nothing else can write to it in between)."""
        return self.window_for(document, replace_window=replace_window)

    def restore_newest_backup(self, window: MainWindow) -> MainWindow | None:
        """Check Portfolio found damage and the user chose to restore: close ``window``
        (its typing saved, its file released), put the newest backup that passes the full
        check in the portfolio's place (the damaged file kept beside it), and open the
        portfolio again where the window was. Nothing is restored if the window stays open."""
        from app.ui.backup import restore_newest

        path = window.document.path
        app = QApplication.instance()
        quit_on_close = isinstance(app, QApplication) and app.quitOnLastWindowClosed()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)  # the portfolio opens again in a moment
        try:
            if not window.close():
                return None
            restore_newest(None, path, self.settings)
            reopened = self.open_path(path)
        finally:
            if isinstance(app, QApplication):
                app.setQuitOnLastWindowClosed(quit_on_close)
        if reopened is None and not self.windows and isinstance(app, QApplication):
            app.quit()  # nothing could be opened again: do not leave a windowless app running
        return reopened

    def first_run(self, path: Path, parent: QWidget | None = None) -> MainWindow | None:
        """No portfolio at ``path`` yet: ask for the details (modally) and open it."""
        from app.ui.wizard import NewPortfolioDialog

        dialog = NewPortfolioDialog(path, first_run=True, parent=parent)
        app = QApplication.instance()
        quit_on_close = isinstance(app, QApplication) and app.quitOnLastWindowClosed()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)  # closing the dialog must not end the app
        try:
            if dialog.exec() != NewPortfolioDialog.DialogCode.Accepted or dialog.document is None:
                return None
            document, dialog.document = dialog.document, None
            return self.show_created(document)
        finally:
            if isinstance(app, QApplication):
                app.setQuitOnLastWindowClosed(quit_on_close)

    def start(self, path: Path, *, read_only: bool = False, banner: str | None = None) -> bool:
        """Open ``path`` (or walk through creating it); False if there is nothing to show."""
        if not path.exists() and not read_only and path.suffix.lower() != PACKAGE_SUFFIX:
            return self.first_run(path) is not None
        return self.open_path(path, read_only=read_only, banner=banner) is not None
