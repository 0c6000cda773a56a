"""Telling a signed package from a portfolio by a cheap look at the file: opening a
portfolio must not load review mode (~0.2 s of imports), so this module imports nothing
of it."""

from __future__ import annotations

from pathlib import Path

PACKAGE_SUFFIX = ".portfolio"
_ZIP_MAGIC = b"PK\x03\x04"


def is_package(path: Path) -> bool:
    """Whether ``path`` names a signed package (by its name, or by being a zip)."""
    if path.suffix.lower() == PACKAGE_SUFFIX:
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC
    except OSError:
        return False
