"""Read attachment bytes and cached renditions by SHA-256.

Exports take a ``BlobSource`` beside the snapshot so they can run in a worker
thread or another process: the database-backed one opens its own connection.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

from app.models.files import connect
from app.services.views import Rendition


class BlobSource(Protocol):
    def read(self, sha256: str) -> bytes | None: ...

    def rendition(self, sha256: str) -> Rendition | None: ...


class MemoryBlobSource:
    """Blobs held in memory: for tests and for packages being read."""

    def __init__(
        self, blobs: dict[str, bytes], renditions: dict[str, Rendition] | None = None
    ) -> None:
        self._blobs = blobs
        self._renditions = renditions or {}

    def read(self, sha256: str) -> bytes | None:
        return self._blobs.get(sha256)

    def rendition(self, sha256: str) -> Rendition | None:
        return self._renditions.get(sha256)


class SqliteBlobSource:
    """Reads blobs from a portfolio file through its own read-only connection."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            uri = f"{self._path.resolve().as_uri()}?mode=ro"
            self._conn = connect(uri, uri=True, check_same_thread=False)
        return self._conn

    def read(self, sha256: str) -> bytes | None:
        row = (
            self._connection()
            .execute("SELECT data FROM blobs WHERE sha256 = ?", (sha256,))
            .fetchone()
        )
        return bytes(row[0]) if row else None

    def rendition(self, sha256: str) -> Rendition | None:
        row = (
            self._connection()
            .execute(
                "SELECT media_type, width, height, data FROM renditions WHERE sha256 = ?",
                (sha256,),
            )
            .fetchone()
        )
        if row is None:
            return None
        return Rendition(media_type=row[0], width=row[1], height=row[2], data=bytes(row[3]))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
