"""Small helpers for the sentences the app prints."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 evidence item``, ``2 evidence items``, ``0 attachments``."""
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"


def times(number: int) -> str:
    """``once``, ``twice``, ``3 times``."""
    return {1: "once", 2: "twice"}.get(number, f"{number} times")


def human_size(size: int) -> str:
    """``48213`` → ``"47.1 KB"``, ``1`` → ``"1 byte"`` (binary units, as file managers
    show them)."""
    if size < 1024:
        return counted(size, "byte")
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
