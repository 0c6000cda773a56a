"""Files a user attaches, read into memory and checked before anything is stored.

Apart from ``app.services.attachments`` (which stores them, with the ORM) so that
the desktop app's attachment panel loads without SQLAlchemy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from app.errors import InvalidInputError
from app.schema.portfolio import MAX_ATTACHMENT_BYTES


@dataclass(frozen=True)
class FileData:
    """An attachment read into memory, ready to store."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_file(path: Path) -> FileData:
    """Read a file the user wants to attach; refuse what cannot be read."""
    path = Path(path)
    if not path.exists():
        raise InvalidInputError(f"The attachment {path} does not exist.")
    if not path.is_file():
        raise InvalidInputError(f"The attachment {path} is not a file.")
    return FileData(path.name, read_capped(path, f"The attachment {path}", MAX_ATTACHMENT_BYTES))


def read_capped(path: Path, what: str, limit: int) -> bytes:
    """The bytes of ``path``, or one sentence about ``what`` when unreadable or too large."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise InvalidInputError(f"{what} is {size >> 20} MB; the limit is {limit >> 20} MB.")
        return path.read_bytes()
    except PermissionError as exc:
        raise InvalidInputError(f"{what} cannot be read: permission denied.") from exc
    except OSError as exc:
        raise InvalidInputError(f"{what} cannot be read: {exc.strerror}.") from exc
