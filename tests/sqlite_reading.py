"""Reading a portfolio file with plain sqlite3, as any other program could (no app code)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def titles(path: Path) -> list[str]:
    """The evidence items' titles in the file, in their numbers' order."""
    conn = sqlite3.connect(path)
    try:
        return [str(t) for (t,) in conn.execute("SELECT title FROM items ORDER BY number")]
    finally:
        conn.close()
