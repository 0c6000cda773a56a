"""Review mode and the signed package in the desktop app.

- File > Open Package… (and opening any ``.portfolio`` file) verifies the
  package, refusing one that fails and saying why, imports it into a private
  temporary file and shows it read-only with the banner "Read-only — signed by
  key FINGERPRINT", plus an Assessment page for the assessor's judgements.
- File > Export Package… writes the apprentice's signed package.

``install(window)`` is called by ``app.ui.windows`` for every new window;
``open_package`` is how the window manager opens a package.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.ui.errors import show_error
from app.ui.file_dialogs import choose_save_path
from app.ui.package_files import PACKAGE_SUFFIX, is_package
from app.ui.review.session import (
    ReviewSession,
    accept_signer,
    end,
    prepare,
    session_for,
)
from app.ui.review.session import register as register_session
from app.ui.worker import TaskCancelled, TaskContext

if TYPE_CHECKING:
    from app.export.package import Audience
    from app.ui.main_window import MainWindow
    from app.ui.windows import WindowManager

__all__ = ["PACKAGE_SUFFIX", "install", "is_package", "open_package"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("Review", text)


def install(window: MainWindow) -> None:
    """Add the package actions to ``window``; make a review window's Assessment page."""
    open_action = QAction(_tr("Open &Package…"), window)
    open_action.setObjectName("openPackageAction")
    open_action.setStatusTip(_tr("Open a signed portfolio package read-only, to review it"))
    open_action.triggered.connect(lambda _checked=False: choose_package(window))
    window.add_file_action(open_action)
    if not window.document.read_only:
        export_action = QAction(_tr("&Export Package…"), window)
        export_action.setObjectName("exportPackageAction")
        export_action.setStatusTip(
            _tr("Write the signed package (PDF, portfolio data, attachments) for your assessor")
        )
        export_action.triggered.connect(lambda _checked=False: _choose_copy(window))
        window.add_file_action(export_action)
        import_action = QAction(_tr("&Import Package as New Portfolio…"), window)
        import_action.setObjectName("importPackageAction")
        import_action.setStatusTip(
            _tr("Make a working portfolio from a package (e.g. on a new computer)")
        )
        import_action.triggered.connect(lambda _checked=False: choose_package_to_import(window))
        window.add_file_action(import_action)
    session = session_for(window.document.path)
    if session is not None:
        _install_review(window, session)


def _install_review(window: MainWindow, session: ReviewSession) -> None:
    from app.ui.review.assessment_page import AssessmentPage

    document = window.document
    page = AssessmentPage(
        window, session.identity(), document.framework(), document.coverage(), window
    )
    page.set_source_folder(session.source.parent)
    window.add_page(_tr("Assessment"), page)

    window.closed.connect(page.flush)
    if session.signer.kind == "new-key":
        accept = QAction(_tr("&Accept This Signing Key…"), window)
        accept.setObjectName("acceptSignerAction")
        accept.setStatusTip(
            _tr("Trust this package's key for this apprentice, once checked with them")
        )
        accept.triggered.connect(lambda _checked=False: accept_signing_key(window, accept))
        window.add_file_action(accept)


def accept_signing_key(window: MainWindow, action: QAction) -> None:
    """File > Accept This Signing Key…: after the assessor confirms they checked the
    fingerprint with the apprentice, trust it for their ULN and name from now on."""
    session = session_for(window.document.path)
    if session is None:
        return
    details = session.package.document.details
    answer = QMessageBox.question(
        window,
        _tr("Accept This Signing Key"),
        _tr(
            "Accept key {fingerprint} as {name}'s? Do this only after checking the "
            "fingerprint with them (in person or by phone): their earlier packages were "
            "signed by another key."
        ).format(fingerprint=session.package.fingerprint, name=details.apprentice_name),
    )
    if answer != QMessageBox.StandardButton.Yes:
        return
    try:
        accepted = accept_signer(session)
    except Exception as exc:
        show_error(window, exc)
        return
    window.set_banner(banner_for(accepted))
    action.setEnabled(False)


# --- opening a package --------------------------------------------------------------------------


def ask_for_package(window: MainWindow, title: str) -> Path | None:
    """A package the user picks (None if they cancel)."""
    name, _ = QFileDialog.getOpenFileName(
        window,
        title,
        str(window.document.path.parent),
        _tr("Portfolio packages (*{suffix});;All files (*)").format(suffix=PACKAGE_SUFFIX),
    )
    return Path(name) if name else None


def choose_package(window: MainWindow) -> None:
    package = ask_for_package(window, _tr("Open Package"))
    if package is not None:
        window.openRequested.emit(str(package))


def banner_for(session: ReviewSession) -> str:
    """What the review window says above everything: read-only, whose key, and whether
    this apprentice's earlier packages were signed by the same key. The fingerprint is
    grouped in fours, as the apprentice's own copy shows it for reading out."""
    from app.ui.exported import grouped

    fingerprint = grouped(session.package.fingerprint)
    signer = session.signer
    if signer.kind == "new-key":
        earlier = ", ".join(f"{key[:16]}…" for key in signer.earlier_keys)
        return _tr(
            "Read-only — signed by key {fingerprint}. Warning: this apprentice's earlier "
            "packages were signed by another key ({earlier}); check with them that this "
            "package is theirs before relying on it. This warning stays until you accept "
            "the key (File > Accept This Signing Key…)."
        ).format(fingerprint=fingerprint, earlier=earlier)
    if signer.kind == "known":
        return _tr(
            "Read-only — signed by key {fingerprint}, the key this apprentice has used "
            "before (first seen {when})."
        ).format(fingerprint=fingerprint, when=signer.first_seen[:10])
    return _tr(
        "Read-only — signed by key {fingerprint} (the first package seen here from this "
        "apprentice)."
    ).format(fingerprint=fingerprint)


def open_package(
    manager: WindowManager, path: Path, *, parent: MainWindow | None = None
) -> MainWindow | None:
    """Verify and show ``path`` read-only in a new window.

    From a window, the work runs off the GUI thread (with progress) and the new
    window appears when it is done (None is returned at once); with no window
    yet (the app starting on a package) it runs here and returns the window.
    A package that fails verification is refused with a message saying why.
    """
    if parent is None:
        try:
            session = prepare(path)
        except Exception as exc:
            show_error(None, exc)
            return None
        return _show(manager, session, None)

    def work(ctx: TaskContext) -> ReviewSession:
        prepared = prepare(
            path,
            progress=lambda done, total: ctx.report(done, total),
            cancelled=ctx.is_cancelled,
        )
        if ctx.is_cancelled():
            end(prepared)
            raise TaskCancelled
        return prepared

    parent.run_task(
        _tr("Checking the package…"),
        work,
        on_success=lambda prepared: _show(manager, prepared, parent),
    )
    return None


def _show(manager: WindowManager, session: ReviewSession, parent: QWidget | None) -> Any:
    from app.ui.document import PortfolioDocument

    try:
        document = PortfolioDocument.open(session.database, read_only=True)
    except Exception as exc:
        end(session)
        show_error(parent, exc)
        return None
    register_session(session)
    try:
        window = manager.window_for(document, banner=banner_for(session))
    except BaseException:
        document.close()
        end(session)
        raise
    # named after the package and the apprentice, not the private temporary copy
    window.set_title_subject(
        _tr("Review of {package} — {name}").format(
            package=session.source.name, name=session.package.document.details.apprentice_name
        )
    )
    # the private copy goes with the window, whether or not its pages were ever added
    window.closed.connect(lambda: end(session))
    return window


# --- importing a package as a working portfolio -------------------------------------------------


def choose_package_to_import(window: MainWindow) -> None:
    """File ▸ Import Package as New Portfolio…: which package, then which new file."""
    from app.ui.file_dialogs import choose_new_portfolio_path

    package = ask_for_package(window, _tr("Import Package as New Portfolio"))
    if package is None:
        return
    target = choose_new_portfolio_path(window, window.document.path.parent)
    if target is not None:
        import_package_into(window, package, target)


def import_package_into(window: MainWindow, package: Path, target: Path) -> None:
    """Verify ``package`` and recreate its portfolio as the new file ``target`` (off the
    GUI thread, with progress and Cancel), then open it in this window's place."""

    def work(ctx: TaskContext) -> Path:
        from app.errors import PortfolioError
        from app.export.package import import_package

        try:
            result = import_package(
                package,
                target,
                progress=lambda done, total: ctx.report(done, total),
                cancelled=ctx.is_cancelled,
            )
        except PortfolioError:
            if ctx.is_cancelled():  # nothing was made: no need to say more
                raise TaskCancelled from None
            raise
        return result.path

    window.run_task(
        _tr("Importing the package…"),
        work,
        on_success=lambda path: window.openRequested.emit(str(path)),
    )


# --- exporting the apprentice's package ---------------------------------------------------------


def _choose_copy(window: MainWindow) -> None:
    from app.ui.package_export import show_package_dialog

    show_package_dialog(window)


def export_package(
    window: MainWindow,
    on_done: Callable[[Path], None] | None = None,
    audience: Audience = "assessor",
) -> None:
    """File > Export Package… once the copy is chosen (``app.ui.package_export``): choose
    where, then write it off the GUI thread."""
    from app.export.package import PackageResult

    window.evidence_page.editor.flush()  # what was just typed goes into the package
    info = window.document.info()
    stem = "-".join(info.apprentice_name.split()) or "portfolio"
    suggested = window.document.path.parent / f"{stem}{PACKAGE_SUFFIX}"
    out = choose_save_path(
        window,
        _tr("Export Package"),
        suggested,
        _tr("Portfolio packages (*{suffix})").format(suffix=PACKAGE_SUFFIX),
        what="package",
        suffix=PACKAGE_SUFFIX,
        protected=[window.document.path],
    )
    if out is None:
        return
    document = window.document

    def work(ctx: TaskContext) -> PackageResult:
        return document.export_package(  # replacing a file the save dialog asked about
            out,
            audience=audience,
            progress=lambda done, total: ctx.report(done, total),
            cancelled=ctx.is_cancelled,
        )

    def done(result: PackageResult) -> None:
        from app.ui.exported import show_exported

        window.statusBar().showMessage(
            _tr("Exported {path}, signed by key {fingerprint}.").format(
                path=result.path, fingerprint=result.fingerprint
            ),
            15000,
        )
        show_exported(
            window,
            Path(result.path),
            _tr("Exported {path}.").format(path=result.path),
            fingerprint=result.fingerprint,
        )
        if on_done is not None:
            on_done(result.path)

    window.run_task(_tr("Exporting the package…"), work, done)
