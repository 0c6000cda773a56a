"""Record unexpected errors to a log file instead of showing a traceback."""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from app.config import user_data_dir


def record_crash(exc: BaseException) -> Path | str:
    """Append the traceback to the crash log; return where it went."""
    path = user_data_dir() / "logs" / "errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now(UTC).isoformat()}\n")
            fh.write("".join(traceback.format_exception(exc)))
    except OSError:
        return "(the error log could not be written)"
    return path


class _CrashLogHandler(logging.Handler):
    """Records with a traceback go to the crash log; a terminal sees one line each.

    Without a handler, Python prints a logged exception's whole traceback on stderr
    (its "last resort"); an export that survives a bad item logs it and carries on,
    and the user must never see that traceback.
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                where = record_crash(record.exc_info[1])
                message = f"{message} (details: {where})"
            if record.levelno >= logging.WARNING and sys.stderr is not None:
                print(f"portfolio: {message}", file=sys.stderr)
        except Exception:  # logging must never stop the program, nor print a traceback
            return


def route_logging() -> None:
    """Send the app's log records through ``_CrashLogHandler`` (once per process)."""
    logger = logging.getLogger("app")
    if not any(isinstance(h, _CrashLogHandler) for h in logger.handlers):
        logger.addHandler(_CrashLogHandler(logging.WARNING))
