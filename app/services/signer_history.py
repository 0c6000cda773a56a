"""Which signing keys an assessor has seen for each apprentice (trust on first use).

A package's signature proves its content is what the holder of the key signed;
it cannot say whose key that is. So the review side remembers, per apprentice
(by ULN, else by name), every key fingerprint it has seen and when. A package
from a known apprentice signed by a key not seen before for them is worth a
question to the apprentice before the assessor relies on it (a new laptop, or
someone else's package). The history is a small JSON file in the user's data
folder; a damaged or unwritable one is never in the way of a review.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from app.config import user_data_dir

log = logging.getLogger(__name__)

FILE_NAME = "known-signers.json"
SCHEMA = "apprentice-portfolio-known-signers/1"

SignerKind = Literal["first", "known", "new-key"]


@dataclass(frozen=True)
class SignerCheck:
    """What this key means for this apprentice, before this package was recorded."""

    kind: SignerKind  # first package seen from them / a key seen before / another key
    first_seen: str = ""  # known: when this key was first seen for them
    earlier_keys: tuple[str, ...] = ()  # new-key: the keys seen for them before


def default_path() -> Path:
    return user_data_dir() / FILE_NAME


def apprentice_key(uln: str, name: str) -> str:
    """Who the package is from: the ULN where known, else the name (case-folded)."""
    uln = uln.strip()
    return f"uln:{uln}" if uln else f"name:{' '.join(name.split()).casefold()}"


def _load(path: Path) -> dict[str, dict[str, str]]:
    """Apprentice → {fingerprint: first seen}; empty when missing or unreadable."""
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("Ignoring the signer history %s: %s", path, exc)
        return {}
    found = document.get("apprentices") if isinstance(document, dict) else None
    if not isinstance(found, dict):
        return {}
    return {
        str(who): {str(fp): str(when) for fp, when in keys.items()}
        for who, keys in found.items()
        if isinstance(keys, dict)
    }


def _save(path: Path, history: dict[str, dict[str, str]]) -> None:
    """Write the history atomically (a temporary file beside it, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"schema": SCHEMA, "apprentices": history}, indent=1, sort_keys=True)
    fd, temp = tempfile.mkstemp(prefix=".known-signers-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def check_and_record(
    uln: str, name: str, fingerprint: str, seen: str, path: Path | None = None
) -> SignerCheck:
    """Judge ``fingerprint`` against the keys seen before for this apprentice, then
    remember it (with ``seen``, an ISO time, if new). Never raises for the file."""
    path = default_path() if path is None else path
    history = _load(path)
    who = apprentice_key(uln, name)
    keys = history.setdefault(who, {})
    if fingerprint in keys:
        return SignerCheck(kind="known", first_seen=keys[fingerprint])
    check = (
        SignerCheck(kind="new-key", earlier_keys=tuple(sorted(keys, key=keys.__getitem__)))
        if keys
        else SignerCheck(kind="first")
    )
    keys[fingerprint] = seen
    try:
        _save(path, history)
    except OSError as exc:
        log.warning("Could not record the signer in %s: %s", path, exc)
    return check
