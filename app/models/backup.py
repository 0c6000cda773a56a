"""Online backups of a portfolio file with SQLite's backup API."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from app.errors import PortfolioError


def online_backup(src: Path, dest_dir: Path, *, reason: str = "manual") -> Path:
    """Copy ``src`` consistently (even while open) into ``dest_dir``; return the copy."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe_reason = re.sub(r"[^A-Za-z0-9_.-]+", "-", reason)
    dest = dest_dir / f"{src.stem}-{stamp}-{safe_reason}{src.suffix or '.sqlite3'}"
    return backup_to(src, dest)


def backup_to(src: Path, dest: Path) -> Path:
    """Online backup of ``src`` into the new file ``dest``, written atomically."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PortfolioError(f"Cannot create the backup folder {dest.parent}: {exc}.") from exc
    partial = dest.with_name(dest.name + ".partial")
    try:
        source = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
        finally:
            source.close()
        partial.replace(dest)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise PortfolioError(f"Could not back up {src} to {dest}: {exc}.") from exc
    return dest
