"""The sizes and counts the app prints read as English."""

from __future__ import annotations

import pytest

from app.wording import counted, human_size


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1024, "1.0 KB"),
        (48213, "47.1 KB"),
        (5 * 1024 * 1024, "5.0 MB"),
        (3 * 1024**3, "3.0 GB"),
        (2048 * 1024**3, "2048.0 GB"),
    ],
)
def test_a_file_size_reads_as_a_file_manager_shows_it(size: int, text: str) -> None:
    assert human_size(size) == text


def test_counts_are_singular_for_one() -> None:
    assert counted(1, "evidence item") == "1 evidence item"
    assert counted(2, "evidence item") == "2 evidence items"
    assert counted(0, "attachment") == "0 attachments"
    assert counted(2, "copy", "copies") == "2 copies"
