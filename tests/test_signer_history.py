"""Trust on first use: the signing keys seen for each apprentice, by ULN and by name."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from app.services.signer_history import (
    SignerCheck,
    accept_key,
    apprentice_key,
    check_and_record,
)

ADA, OTHER = "aa" * 32, "bb" * 32


def _checker(path: Path) -> Callable[[str, str, str, int], SignerCheck]:
    def check(uln: str, name: str, key: str, month: int) -> SignerCheck:
        return check_and_record(uln, name, key, f"2026-{month:02d}-01T10:00:00+00:00", path)

    return check


def test_first_then_known_then_another_key_until_accepted(tmp_path: Path) -> None:
    path = tmp_path / "known-signers.json"
    check = _checker(path)
    assert check("1234567899", "Ada", ADA, 1) == SignerCheck(kind="first")
    assert check("1234567899", "Ada", ADA, 2) == SignerCheck(
        kind="known", first_seen="2026-01-01T10:00:00+00:00"
    )
    # another key for the same apprentice warns, and keeps warning
    assert check("1234567899", "Ada", OTHER, 3) == SignerCheck(kind="new-key", earlier_keys=(ADA,))
    assert check("1234567899", "Ada", OTHER, 4).kind == "new-key"
    # until the assessor accepts it explicitly
    accept_key("1234567899", "Ada", OTHER, "2026-05-01T10:00:00+00:00", path)
    assert check("1234567899", "Ada", OTHER, 6).kind == "known"
    assert check("1234567899", "Ada", ADA, 6).kind == "known"  # the first key stays trusted
    # another apprentice is another history
    assert check("9276308686", "Bo", OTHER, 4).kind == "first"


@pytest.mark.parametrize(
    ("uln", "name"),
    [
        ("1234567899", "Ada Lovelace"),
        ("", "Ada Lovelace"),
        ("1234567899", "Eve"),
        ("", " ada  LOVELACE "),
    ],
    ids=["same-name-and-uln", "uln-removed", "name-changed", "name-respelt"],
)
def test_a_new_key_for_a_known_name_or_uln_warns_every_time(
    tmp_path: Path, uln: str, name: str
) -> None:
    check = _checker(tmp_path / "known-signers.json")
    assert check("1234567899", "Ada Lovelace", ADA, 1).kind == "first"
    assert check(uln, name, OTHER, 2) == SignerCheck(kind="new-key", earlier_keys=(ADA,))
    assert check(uln, name, OTHER, 3).kind == "new-key"


def test_the_trusted_key_with_a_new_uln_stays_trusted_and_learns_it(tmp_path: Path) -> None:
    check = _checker(tmp_path / "known-signers.json")
    assert check("", "Ada", ADA, 1).kind == "first"
    assert check("1234567899", "Ada", ADA, 2).kind == "known"
    # the ULN is now Ada's: another key under it warns even with another name
    assert check("1234567899", "Someone", OTHER, 3).kind == "new-key"


def test_apprentices_are_told_apart_by_uln_then_name() -> None:
    assert apprentice_key("", "  Ada   Lovelace ") == apprentice_key("", "ada lovelace")
    assert apprentice_key("1234567899", "Ada") != apprentice_key("", "Ada")


def test_a_version_1_history_is_read_as_trusted_keys(tmp_path: Path) -> None:
    path = tmp_path / "known-signers.json"
    path.write_text(
        json.dumps(
            {
                "schema": "apprentice-portfolio-known-signers/1",
                "apprentices": {"uln:1234567899": {ADA: "2026-01-01"}},
            }
        ),
        encoding="utf-8",
    )
    check = _checker(path)
    assert check("1234567899", "Ada", ADA, 2) == SignerCheck(kind="known", first_seen="2026-01-01")
    assert check("1234567899", "Ada", OTHER, 2).kind == "new-key"


@pytest.mark.parametrize(
    "damage", [b"{not json", b"[1, 2]", b'{"apprentices": 7}', b"\xff\xfe", b"[" * 100_000]
)
def test_a_damaged_history_is_started_afresh_not_in_the_way(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "known-signers.json"
    path.write_bytes(damage)
    assert check_and_record("1234567899", "Ada", ADA, "2026-01-02", path).kind == "first"
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert {(k["identity"], k["fingerprint"], k["accepted"]) for k in saved["keys"]} == {
        ("uln:1234567899", ADA, True),
        ("name:ada", ADA, True),
    }


def test_an_unwritable_folder_still_gives_an_answer(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        check = check_and_record("1234567899", "Ada", ADA, "2026-01-02", folder / "k.json")
    finally:
        folder.chmod(stat.S_IRWXU)
    assert check.kind == "first"
    assert list(folder.iterdir()) in ([], [folder / "k.json"])  # root may write anyway
