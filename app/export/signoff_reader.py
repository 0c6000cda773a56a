"""Reading a sign-off response file without trusting it, and without the database code.

``read_response`` verifies a response (its own signed zip, read by ``SignedZipReader``
with the package's limits and checks) and decodes ``response.json`` through
``app.schema.signoff``. ``app.export.signoff_files`` (which writes requests and
responses and imports them into a portfolio) and the package reader both use it;
``portfolio verify`` reaches it without loading SQLAlchemy.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import ClassVar, TypeVar

from app.export.package_reader import PackageError, SignedContents, SignedZipReader
from app.schema import signoff as schema
from app.schema.signoff import VerifiedResponse

RESPONSE_JSON = "response.json"
T = TypeVar("T")


class ResponseReader(SignedZipReader):
    FORMAT: ClassVar[str] = schema.RESPONSE_FORMAT
    KIND: ClassVar[str] = "sign-off response"
    DESCRIPTION: ClassVar[str] = "sign-off response"
    SUFFIX: ClassVar[str] = ".response"
    MEMBER_NAME: ClassVar[re.Pattern[str]] = re.compile(r"response\.json")
    REQUIRED: ClassVar[tuple[str, ...]] = (RESPONSE_JSON,)
    NAMED_BY_DIGEST: ClassVar[tuple[str, ...]] = ()


def decode_member(reader: SignedZipReader, data: bytes, kind: type[T], what: str) -> T:
    """A signed zip's JSON member through its schema; refused in the reader's words."""
    try:
        return schema.decode(data, kind, what)
    except ValueError as exc:
        raise reader._refuse(str(exc)) from exc


def read_response(path: Path, data: bytes | None = None) -> VerifiedResponse:
    """Verify a response file (or its bytes, as a package carries them)."""
    path = Path(path)
    if data is None:
        try:
            data = path.read_bytes() if path.is_file() else None
        except OSError as exc:
            raise PackageError(
                f"The sign-off response {path} cannot be read ({exc.strerror or exc})."
            ) from exc
    with ResponseReader(path, data=data) as reader:
        contents: SignedContents = reader.verify_signed(keep=lambda _entry: True)
        response = decode_member(
            reader, contents.kept[RESPONSE_JSON], schema.SignoffResponse, RESPONSE_JSON
        )
        assert data is not None  # a missing file was refused by verify_signed
        return VerifiedResponse(
            response=response,
            fingerprint=contents.fingerprint,
            manifest_sha256=contents.manifest_sha256,
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )
