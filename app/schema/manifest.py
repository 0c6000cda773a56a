"""``manifest.json``: what a signed zip (a package, a sign-off file) holds, signed as bytes.

The writer encodes a ``Manifest`` and signs those exact bytes; the reader checks the
signature over the bytes first, then decodes the same record. Its limits are far past
any real package (20,000 members, 1 GB each): the reader's own, configurable limits
are checked after decoding.
"""

from __future__ import annotations

import json
from typing import Annotated

import msgspec
from msgspec import Meta

from app.schema.base import MAX_WHOLE, Record, Sha256, Stamp, check_format, decode, text, whole

MAX_MEMBERS = 20_000


class FileEntry(Record):
    path: Annotated[str, text(300)]
    size: Annotated[int, whole(0, MAX_WHOLE)]
    sha256: Sha256


class Manifest(Record):
    format: Annotated[str, text(100)]
    created: Stamp
    public_key: Annotated[str, text(100)]  # base64 of the raw Ed25519 public key
    files: Annotated[tuple[FileEntry, ...], Meta(max_length=MAX_MEMBERS)]


def encode_manifest(manifest: Manifest) -> bytes:
    """The bytes that are signed: files sorted by path, two-space indent."""
    ordered = msgspec.structs.replace(manifest, files=tuple(sorted(manifest.files, key=_path)))
    text_ = json.dumps(msgspec.to_builtins(ordered), ensure_ascii=False, indent=2)
    return (text_ + "\n").encode("utf-8")


def decode_manifest(data: bytes, expected_format: str) -> Manifest:
    """Decode signed manifest bytes; ``SchemaError`` names the first problem."""
    check_format(data, expected_format, "manifest.json")
    return decode(data, Manifest, name="manifest.json")


def _path(entry: FileEntry) -> str:
    return entry.path
