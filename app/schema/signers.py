"""``known-signers.json``: the signing keys review mode has seen, per apprentice identity.

Version 2 keeps one record per (identity, key): the identity is ``uln:<ULN>`` or
``name:<case-folded name>``, and ``accepted`` says whether the assessor trusts the key
for it. A version 1 file (apprentice → {key: first seen}) reads as all keys accepted.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from app.schema.base import Record, SchemaError, Sha256, Stamp, decode, text

SCHEMA = "apprentice-portfolio-known-signers/2"
MAX_KEYS = 100_000


class SeenKey(Record):
    identity: Annotated[str, text(10_100)]
    fingerprint: Sha256
    first_seen: Stamp
    accepted: bool


class History(Record):
    schema: str
    keys: Annotated[tuple[SeenKey, ...], Meta(max_length=MAX_KEYS)]


class _Version1(msgspec.Struct):
    schema: str = ""
    apprentices: dict[str, dict[str, Stamp]] = msgspec.field(default_factory=dict)


def decode_history(data: bytes) -> list[SeenKey]:
    """The keys in a history file of either version; ``SchemaError`` when it is not one."""
    old = decode(data, _Version1, name="the signer history")
    if old.schema != SCHEMA:
        return [
            SeenKey(identity=who, fingerprint=fp, first_seen=when, accepted=True)
            for who, keys in old.apprentices.items()
            for fp, when in keys.items()
            if len(fp) == 64
        ]
    return list(decode(data, History, name="the signer history").keys)


def encode_history(keys: list[SeenKey]) -> bytes:
    ordered = sorted(keys, key=lambda k: (k.identity, k.first_seen, k.fingerprint))
    return msgspec.json.format(msgspec.json.encode(History(schema=SCHEMA, keys=tuple(ordered))))


__all__ = ["SCHEMA", "History", "SchemaError", "SeenKey", "decode_history", "encode_history"]
