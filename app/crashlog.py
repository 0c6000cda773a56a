"""Record unexpected errors to a log file instead of showing a traceback."""

from __future__ import annotations

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
