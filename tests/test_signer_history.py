"""Trust on first use: the signing keys seen for each apprentice."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from app.services.signer_history import SignerCheck, apprentice_key, check_and_record


def test_first_then_known_then_another_key(tmp_path: Path) -> None:
    path = tmp_path / "known-signers.json"
    ada, other = "aa" * 32, "bb" * 32

    def check(uln: str, name: str, key: str, month: int) -> SignerCheck:
        return check_and_record(uln, name, key, f"2026-{month:02d}-01T10:00:00+00:00", path)

    assert check("1234567899", "Ada", ada, 1) == SignerCheck(kind="first")
    assert check("1234567899", "Ada L.", ada, 2) == SignerCheck(
        kind="known", first_seen="2026-01-01T10:00:00+00:00"
    )
    assert check("1234567899", "Ada", other, 3) == SignerCheck(kind="new-key", earlier_keys=(ada,))
    # the new key is remembered too: from now on it is known
    assert check("1234567899", "Ada", other, 4).kind == "known"
    # another apprentice is another history
    assert check("9276308686", "Bo", other, 4).kind == "first"


def test_apprentices_without_a_uln_are_told_apart_by_name() -> None:
    assert apprentice_key("", "  Ada   Lovelace ") == apprentice_key("", "ada lovelace")
    assert apprentice_key("1234567899", "Ada") != apprentice_key("", "Ada")


@pytest.mark.parametrize("damage", [b"{not json", b"[1, 2]", b'{"apprentices": 7}', b"\xff\xfe"])
def test_a_damaged_history_is_started_afresh_not_in_the_way(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "known-signers.json"
    path.write_bytes(damage)
    assert check_and_record("1234567899", "Ada", "aa" * 32, "2026-01-02", path).kind == "first"
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["apprentices"] == {"uln:1234567899": {"aa" * 32: "2026-01-02"}}


def test_an_unwritable_folder_still_gives_an_answer(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        check = check_and_record("1234567899", "Ada", "aa" * 32, "2026-01-02", folder / "k.json")
    finally:
        folder.chmod(stat.S_IRWXU)
    assert check.kind == "first"
    assert list(folder.iterdir()) in ([], [folder / "k.json"])  # root may write anyway
