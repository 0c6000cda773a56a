"""One way to show an error: a plain message box, never a traceback.

A ``PortfolioError`` already says what went wrong and how to fix it; anything
else is a bug, so its traceback goes to the crash log and the user reads one
sentence saying where.
"""

from __future__ import annotations

import logging
import re
import sys
from html import escape
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from app.errors import PortfolioError

log = logging.getLogger(__name__)


ERROR_COLOUR = "#C62828"


def error_label(parent: QWidget) -> QLabel:
    """A hidden red sentence under a field, read out by screen readers when shown."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.hide()
    return label


def _tr(text: str) -> str:
    return QCoreApplication.translate("Errors", text)


# "; see 'portfolio frameworks show ST0825'." — a pointer for the command line, meaningless
# in the app (the app shows the framework itself)
_COMMAND_HINT = re.compile(
    r"\s*[;,(]?\s*(?:see|run|use|try) '(?:portfolio|make) [^']*'\)?(?=[.;]|$)"
)


# where the app has the same thing, the command is named by its place in the app
_IN_THE_APP = (
    (
        re.compile(r"'portfolio frameworks import[^']*'"),
        "the Import standard… button of File ▸ New Portfolio",
    ),
    (
        re.compile(r",? e\.g\. 'portfolio git identity add [^']*'(?: \(or give --author\))?"),
        " (Identities… in Import from Git Repository)",
    ),
)
# any other clause naming a command is dropped: "; 'portfolio scan template F' writes one"
_COMMAND_CLAUSE = re.compile(r"[;,]?\s*[^;,.]*'(?:portfolio|make) [^']*'[^;.]*(?=[.;]|$)")


def without_command_hints(text: str) -> str:
    """``text`` without pointers to command-line commands, which the app does not have."""
    cleaned = _COMMAND_HINT.sub("", text)
    for pattern, in_the_app in _IN_THE_APP:
        cleaned = pattern.sub(in_the_app, cleaned)
    shorter = _COMMAND_CLAUSE.sub("", cleaned).strip()
    cleaned = shorter if shorter.rstrip(".!?") else cleaned.strip()  # never say nothing
    return cleaned if cleaned.endswith((".", "!", "?")) else cleaned + "."


def error_message(exc: BaseException) -> str:
    """The sentence a user reads for ``exc`` (records the traceback of a bug)."""
    if isinstance(exc, PortfolioError):
        return without_command_hints(str(exc))
    if isinstance(exc, MemoryError):
        return _tr("The computer ran out of memory; close other programs and try again.")
    from app.crashlog import record_crash

    where = record_crash(exc)
    return _tr(
        "Something unexpected went wrong ({kind}); nothing you saved was lost. "
        "Details were written to {where}."
    ).format(kind=type(exc).__name__, where=where)


def message_box_text(text: str) -> str:
    """``text`` shown exactly as written in a message box, even if it looks like HTML.

    Message boxes guess whether text is rich text; a sentence quoting what the user
    typed (``x <b>bold``) must not be rendered as markup.
    """
    if Qt.mightBeRichText(text):
        return "<p>" + escape(text, quote=False).replace("\n", "<br>") + "</p>"
    return text


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    message = message_box_text(error_message(exc))
    log.info("Showing error: %s", message)
    if isinstance(exc, PortfolioError):
        QMessageBox.warning(parent, title or _tr("Apprentice Portfolio"), message)
    else:
        QMessageBox.critical(parent, title or _tr("Apprentice Portfolio"), message)


_showing = False


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    global _showing
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    if _showing:  # an error while showing an error: log it, don't stack dialogs
        from app.crashlog import record_crash

        record_crash(exc)
        return
    _showing = True
    try:
        show_error(QApplication.activeWindow(), exc.with_traceback(tb))
    finally:
        _showing = False


def install_excepthook() -> None:
    """Route uncaught exceptions in slots and event handlers to ``show_error``."""
    sys.excepthook = _excepthook
