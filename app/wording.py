"""Small helpers for the sentences the app prints."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 evidence item``, ``2 evidence items``, ``0 attachments``."""
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"
