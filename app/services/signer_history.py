"""Which signing keys an assessor has seen for each apprentice (trust on first use).

A package's signature proves its content is what the holder of the key signed; it
cannot say whose key that is. So the review side remembers every key it has seen for
each apprentice, by ULN *and* by name, and whether the assessor trusts it. The first
key seen for an apprentice is trusted (on first use). A key not trusted for a known ULN
or a known name (someone else's package, or the apprentice's new laptop) warns every
time the package is opened, until the assessor accepts it explicitly
(``accept_key``, Review > Accept This Signing Key in the app) after checking its
fingerprint with the apprentice. The history is a small JSON file in the user's data
folder (``app.schema.signers``); a damaged or unwritable one is never in the way of a
review.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.config import user_data_dir
from app.errors import PortfolioError
from app.schema.base import SchemaError
from app.schema.signers import SCHEMA, SeenKey, decode_history, encode_history

log = logging.getLogger(__name__)

FILE_NAME = "known-signers.json"

SignerKind = Literal["first", "known", "new-key"]


@dataclass(frozen=True)
class SignerCheck:
    """What this key means for this apprentice."""

    kind: SignerKind  # first package seen from them / a trusted key / a key not trusted yet
    first_seen: str = ""  # known: when this key was first seen for them
    earlier_keys: tuple[str, ...] = ()  # new-key: the keys trusted for them


def default_path() -> Path:
    return user_data_dir() / FILE_NAME


def identities(uln: str, name: str) -> tuple[str, ...]:
    """How the package names its apprentice: by ULN (where given) and by name (case-folded)."""
    found = []
    if uln.strip():
        found.append(f"uln:{uln.strip()}")
    if name.split():
        found.append(f"name:{' '.join(name.split()).casefold()}")
    return tuple(found)


def apprentice_key(uln: str, name: str) -> str:
    """The first of ``identities`` (the ULN where known, else the name)."""
    return (identities(uln, name) or ("name:",))[0]


def _load(path: Path) -> list[SeenKey]:
    """Every key seen; empty when the file is missing or unreadable."""
    try:
        return decode_history(path.read_bytes())
    except FileNotFoundError:
        return []
    except (OSError, SchemaError) as exc:
        log.warning("Ignoring the signer history %s: %s", path, exc)
        return []


def _save(path: Path, keys: list[SeenKey]) -> None:
    """Write the history atomically (a temporary file beside it, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = encode_history(keys)
    fd, temp = tempfile.mkstemp(prefix=".known-signers-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _judge(keys: list[SeenKey], who: tuple[str, ...], fingerprint: str) -> SignerCheck:
    related = [k for k in keys if k.identity in who]
    if not related:
        return SignerCheck(kind="first")
    trusted = [k for k in related if k.accepted]
    known = {k.identity for k in related}
    trusted_here = {k.identity for k in trusted if k.fingerprint == fingerprint}
    if known <= trusted_here:
        first = min(k.first_seen for k in trusted if k.fingerprint == fingerprint)
        return SignerCheck(kind="known", first_seen=first)
    earlier: dict[str, str] = {}
    for k in sorted(trusted, key=lambda k: k.first_seen):
        if k.fingerprint != fingerprint:
            earlier.setdefault(k.fingerprint, k.first_seen)
    return SignerCheck(kind="new-key", earlier_keys=tuple(earlier))


def check_and_record(
    uln: str, name: str, fingerprint: str, seen: str, path: Path | None = None
) -> SignerCheck:
    """Judge ``fingerprint`` against the keys seen for this apprentice (by ULN and by
    name), then remember it (with ``seen``, an ISO time). A key not trusted for every
    ULN or name it is known by stays untrusted (and warns) until ``accept_key``. Never
    raises for the file."""
    path = default_path() if path is None else path
    keys = _load(path)
    who = identities(uln, name)
    check = _judge(keys, who, fingerprint)
    present = {(k.identity, k.fingerprint) for k in keys}
    trusted = check.kind != "new-key"
    added = [
        SeenKey(identity=i, fingerprint=fingerprint, first_seen=seen, accepted=trusted)
        for i in who
        if (i, fingerprint) not in present
    ]
    if added:
        try:
            _save(path, keys + added)
        except OSError as exc:
            log.warning("Could not record the signer in %s: %s", path, exc)
    return check


def accept_key(uln: str, name: str, fingerprint: str, seen: str, path: Path | None = None) -> None:
    """The assessor has checked ``fingerprint`` with the apprentice: trust it for their
    ULN and name from now on. Raises ``PortfolioError`` when the history cannot be saved."""
    path = default_path() if path is None else path
    keys = _load(path)
    who = identities(uln, name)
    kept = [k for k in keys if not (k.identity in who and k.fingerprint == fingerprint)]
    firsts = {k.identity: k.first_seen for k in keys if k.fingerprint == fingerprint}
    kept += [
        SeenKey(identity=i, fingerprint=fingerprint, first_seen=firsts.get(i, seen), accepted=True)
        for i in who
    ]
    try:
        _save(path, kept)
    except OSError as exc:
        raise PortfolioError(
            f"Could not save the accepted key in {path} ({exc.strerror or exc})."
        ) from exc


__all__ = [
    "FILE_NAME",
    "SCHEMA",
    "SignerCheck",
    "accept_key",
    "apprentice_key",
    "check_and_record",
    "identities",
]
