"""The apprentice's signing key: made once, kept private, identified by its fingerprint."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from app.config import user_config_dir
from app.errors import PortfolioError
from app.services import signing

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def test_key_is_made_on_first_use_in_the_config_folder_and_then_reused() -> None:
    assert signing.existing_key() is None
    first = signing.load_or_create_key()
    assert first.path == user_config_dir() / signing.KEY_FILE_NAME
    assert first.path.is_file()
    again = signing.load_or_create_key()
    assert again.fingerprint == first.fingerprint
    assert signing.existing_key() is not None
    # nothing else is left in the folder (no temporary files)
    assert [p.name for p in first.path.parent.iterdir()] == [signing.KEY_FILE_NAME]


@posix_only
def test_private_key_file_is_readable_by_its_owner_only() -> None:
    key = signing.load_or_create_key()
    assert stat.S_IMODE(key.path.stat().st_mode) == 0o600


@posix_only
def test_a_loosened_key_file_is_made_private_again() -> None:
    key = signing.load_or_create_key()
    os.chmod(key.path, 0o644)
    signing.load_or_create_key()
    assert stat.S_IMODE(key.path.stat().st_mode) == 0o600


def test_fingerprint_is_the_sha256_of_the_raw_public_key(tmp_path: Path) -> None:
    key = signing.load_or_create_key(tmp_path / "k.pem")
    raw = key.private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert len(raw) == 32
    assert key.fingerprint == hashlib.sha256(raw).hexdigest()
    assert len(key.fingerprint) == 64


def test_signatures_verify_only_for_the_signed_bytes_and_key(tmp_path: Path) -> None:
    key = signing.load_or_create_key(tmp_path / "a.pem")
    other = signing.load_or_create_key(tmp_path / "b.pem")
    signature = key.sign(b"manifest")
    assert signature == key.sign(b"manifest")  # deterministic: same package, same bytes
    assert signing.verify_signature(key.public_bytes, signature, b"manifest")
    assert not signing.verify_signature(key.public_bytes, signature, b"manifesT")
    assert not signing.verify_signature(other.public_bytes, signature, b"manifest")
    assert not signing.verify_signature(key.public_bytes, signature[:-1], b"manifest")


def test_a_damaged_key_file_is_reported_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    path.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    with pytest.raises(PortfolioError) as caught:
        signing.load_or_create_key(path)
    message = str(caught.value)
    assert "damaged" in message and "\n" not in message
    assert path.read_text().startswith("-----BEGIN")  # never overwritten


def test_a_key_folder_that_cannot_be_made_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PortfolioError, match="Cannot create the folder"):
        signing.load_or_create_key(blocker / "sub" / "k.pem")


@pytest.mark.parametrize(
    "typed",
    [
        "AB" * 32,
        ":".join(["ab"] * 32),
        " " + "ab" * 32 + "\n",
    ],
)
def test_fingerprints_are_accepted_as_users_paste_them(typed: str) -> None:
    assert signing.normalise_fingerprint(typed) == "ab" * 32


@pytest.mark.parametrize("typed", ["", "abc", "zz" * 32, "ab" * 33])
def test_a_malformed_fingerprint_is_refused(typed: str) -> None:
    with pytest.raises(PortfolioError, match="not a key fingerprint"):
        signing.normalise_fingerprint(typed)
