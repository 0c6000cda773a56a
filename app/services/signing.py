"""The apprentice's Ed25519 signing key: made on first use, kept in the user config folder.

The private key is a PKCS#8 PEM file readable by its owner only (0600). A key is
identified by its fingerprint: the SHA-256, in lowercase hex, of the raw 32-byte
public key. The assessor compares that fingerprint, printed on the PDF cover and
by ``portfolio verify``, with the one the apprentice registered.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.config import user_config_dir
from app.errors import InvalidInputError, PortfolioError

KEY_FILE_NAME = "signing-key.pem"
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64


def default_key_path() -> Path:
    return user_config_dir() / KEY_FILE_NAME


def fingerprint_of(public_key: bytes) -> str:
    """The fingerprint of a raw 32-byte Ed25519 public key: its SHA-256 in hex."""
    return hashlib.sha256(public_key).hexdigest()


def normalise_fingerprint(text: str) -> str:
    """What a user pasted (any case, with spaces or colons) as 64 hex digits."""
    cleaned = re.sub(r"[\s:]", "", text).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", cleaned):
        raise InvalidInputError(
            f"'{text.strip()[:80]}' is not a key fingerprint; it is 64 hexadecimal digits."
        )
    return cleaned


def verify_signature(public_key: bytes, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is the Ed25519 signature of ``data`` by ``public_key``."""
    if len(public_key) != PUBLIC_KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class SigningKey:
    """A loaded private key; ``sign`` is deterministic (Ed25519)."""

    private: Ed25519PrivateKey
    path: Path

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def public_base64(self) -> str:
        return base64.b64encode(self.public_bytes).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.public_bytes)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def load_or_create_key(path: Path | None = None) -> SigningKey:
    """The key at ``path`` (default: the user config folder), made there on first use."""
    path = default_key_path() if path is None else Path(path)
    if not path.exists():
        _create_key(path)
    return _load_key(path)


def existing_key(path: Path | None = None) -> SigningKey | None:
    """The key if one was made already; never creates one (for showing a fingerprint)."""
    path = default_key_path() if path is None else Path(path)
    return _load_key(path) if path.exists() else None


def _load_key(path: Path) -> SigningKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PortfolioError(
            f"The signing key {path} cannot be read ({exc.strerror or exc})."
        ) from exc
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise PortfolioError(
            f"The signing key {path} is damaged; move it aside and a new key will be made "
            "(tell your assessor its new fingerprint)."
        ) from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise PortfolioError(f"The signing key {path} is not an Ed25519 key; move it aside.")
    _restrict_to_owner(path)
    return SigningKey(private=private, path=path)


def _restrict_to_owner(path: Path) -> None:
    """Keep the private key readable by its owner only, even if someone loosened it."""
    if sys.platform == "win32":
        return  # the user profile's ACL already limits it to the user
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)


def _create_key(path: Path) -> None:
    """Write a new key atomically: never a half-written key, never a world-readable one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PortfolioError(
            f"Cannot create the folder {path.parent} for your signing key ({exc.strerror or exc})."
        ) from exc
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # mkstemp creates the file with mode 0600 before any byte is written.
    fd, temp_name = tempfile.mkstemp(prefix=".signing-key-", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            # A hard link fails if another process made its key meanwhile: keep theirs.
            os.link(temp, path)
        except FileExistsError:
            pass
        except OSError:
            if not path.exists():
                os.replace(temp, path)
    except OSError as exc:
        raise PortfolioError(
            f"Cannot write your signing key to {path} ({exc.strerror or exc})."
        ) from exc
    finally:
        temp.unlink(missing_ok=True)
