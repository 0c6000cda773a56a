"""Sign-off requests and responses: the JSON inside each signed file, and the record a
package keeps of the requests a portfolio made.

A request (``apprentice-portfolio-signoff-request/1``) is a zip of ``manifest.json``,
``manifest.sig`` (the apprentice's Ed25519 signature of the manifest), ``request.json``
(``SignoffRequest``) and ``renditions/<sha256>`` (the print rendition of each image
attachment, named after the attachment's SHA-256). A response
(``apprentice-portfolio-signoff-response/1``) is a zip of ``manifest.json``,
``manifest.sig`` (the signer's own key) and ``response.json`` (``SignoffResponse``).
Limits are constraints here, so a hostile file is refused while it is decoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Final, Literal, TypeVar

import msgspec

from app.schema import base
from app.schema.base import IsoDate, SchemaError, Sha256, once, pattern, text
from app.schema.base import Stamp as IsoTime
from app.schema.portfolio import MAX_BODY, MAX_NOTES, MAX_PEOPLE_PER_REVIEW

REQUEST_FORMAT = "apprentice-portfolio-signoff-request/1"
RESPONSE_FORMAT = "apprentice-portfolio-signoff-response/1"
T = TypeVar("T")
RECORD_FORMAT: Final = "apprentice-portfolio-signoff-records/1"

MAX_ITEMS = 500
MAX_CLAIMS = 1_000
MAX_ATTACHMENTS = 1_000
MAX_TEXT = 1_000_000  # a reflection or a statement
MAX_SHORT = 10_000

RequestId = Annotated[str, pattern(r"^[0-9a-f]{32}\Z", "is not a request id")]
Ref = Annotated[str, pattern(r"^E[0-9]{3,6}\Z", "must be an evidence ref such as E001")]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
Short = Annotated[str, text(MAX_SHORT)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
Long = Annotated[str, text(MAX_TEXT)]
# a signer's name, role, organisation or email as typed (files allow up to MAX_SHORT)
TypedLine = Annotated[str, pattern(r"^[^\x00-\x1f]*\Z", "must be one line of text", 500)]


class Person(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Who is asked to sign (in a request), or who signed (in a response)."""

    name: Name
    role: Short = ""
    organisation: Short = ""
    email: Short = ""  # plain text: nothing is ever sent


class Apprentice(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: Name
    uln: Short = ""
    employer: Short = ""
    provider: Short = ""
    framework: Short = ""  # key, such as ST0825
    framework_version: Short = ""
    framework_title: Short = ""


class Tag(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: Code
    justification: Long = ""


class OtherTag(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    framework: Code
    version: Code
    kind: Literal["competency", "group"]
    code: Code
    justification: Long = ""


class ItemContent(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An item's content record exactly as ``portfolio.json`` writes it: what a statement
    confirms. Its SHA-256 (``portfolio_json.hash_content``) is the item's content hash."""

    title: Short
    date: IsoDate
    body: Annotated[str, text(MAX_BODY)]  # as long as portfolio.json allows a reflection
    ksbs: Annotated[list[Tag], msgspec.Meta(max_length=MAX_CLAIMS)]
    duties: Annotated[list[Tag], msgspec.Meta(max_length=MAX_CLAIMS)]
    other_tags: Annotated[list[OtherTag], msgspec.Meta(max_length=MAX_CLAIMS)]
    attachments: Annotated[list[Sha256], msgspec.Meta(max_length=MAX_ATTACHMENTS)]


class ClaimText(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a claimed code means, for the signer to read."""

    code: Code
    kind: Short  # knowledge | skill | behaviour | duty ...
    text: Long = ""


class AttachmentInfo(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: Short
    size: Annotated[int, msgspec.Meta(ge=0)]
    sha256: Sha256
    media_type: Short = ""
    rendition: bool = False  # renditions/<sha256> holds its print rendition


class RequestItem(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    ref: Ref
    content: ItemContent
    content_sha256: Sha256
    requested: Annotated[list[Code], msgspec.Meta(max_length=MAX_CLAIMS)]  # claims to confirm
    claims: Annotated[list[ClaimText], msgspec.Meta(max_length=MAX_CLAIMS)] = []
    attachments: Annotated[list[AttachmentInfo], msgspec.Meta(max_length=MAX_ATTACHMENTS)] = []


class ReviewParticipant(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    role: Short  # apprentice | employer | provider | other
    name: Name


class ReviewActionRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An action agreed at the review (whether it is done since is not part of what was
    signed: ticking it off keeps the signatures)."""

    text: Long
    owner: Annotated[str, text(MAX_NOTES)] = ""  # as portfolio.json allows
    due: IsoDate | None = None


class ReviewContent(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A progress review as it was sent for signing: what a review signature signs. Its
    SHA-256 is that of ``encode(content)``."""

    review_id: Annotated[int, msgspec.Meta(ge=1)]
    date: IsoDate
    participants: Annotated[list[ReviewParticipant], msgspec.Meta(max_length=MAX_PEOPLE_PER_REVIEW)]
    notes: Long = ""
    otj_minutes: Annotated[int, msgspec.Meta(ge=0)] | None = None
    actions: Annotated[list[ReviewActionRecord], msgspec.Meta(max_length=MAX_CLAIMS)] = []


class ReviewRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    content: ReviewContent
    content_sha256: Sha256


class ReviewAnswer(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    content_sha256: Sha256  # the review the signer read
    decision: Literal["signed", "declined"]
    comment: Long = ""


class SignoffRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``request.json``: about evidence items, or (``review`` set) a progress review."""

    request_id: RequestId
    created: IsoTime
    apprentice: Apprentice
    apprentice_key: Sha256  # fingerprint of the key that signed the request
    signer: Person  # who is asked
    items: Annotated[list[RequestItem], msgspec.Meta(max_length=MAX_ITEMS)]
    review: ReviewRequest | None = None  # a request to sign a progress review


class ResponseItem(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    ref: Ref
    content_sha256: Sha256  # the content the signer read and answers for
    confirmed: Annotated[list[Code], msgspec.Meta(max_length=MAX_CLAIMS)] = []
    declined: Annotated[list[Code], msgspec.Meta(max_length=MAX_CLAIMS)] = []
    comment: Long = ""


class SignoffResponse(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``response.json``."""

    request_id: RequestId
    request_sha256: Sha256  # the SHA-256 of the request's manifest.json: exactly that request
    apprentice_key: Sha256
    apprentice_name: Name
    signer: Person  # who signed, in their own words
    signed: IsoTime
    items: Annotated[list[ResponseItem], msgspec.Meta(max_length=MAX_ITEMS)]
    statement: Long = ""  # a witness statement: what they observed, when (Markdown)
    review: ReviewAnswer | None = None  # the answer to a review request


class RequestItemRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    ref: Ref
    content_sha256: Sha256
    requested: Annotated[list[Code], msgspec.Meta(max_length=MAX_CLAIMS)]


class RequestRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A request the portfolio made, as a package carries it (``signoff.json``)."""

    request_id: RequestId
    request_sha256: Sha256
    created: IsoTime
    signer: Person
    items: Annotated[list[RequestItemRecord], msgspec.Meta(max_length=MAX_ITEMS)]
    review_id: Annotated[int, msgspec.Meta(ge=1)] | None = None  # a review request's review
    review_sha256: Sha256 | None = None


class SignoffRecords(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``signoff.json`` in a package; each response is carried as ``signoff/<sha256>``."""

    format: Literal["apprentice-portfolio-signoff-records/1"]
    requests: Annotated[list[RequestRecord], msgspec.Meta(max_length=100_000)]
    responses: Annotated[list[Sha256], msgspec.Meta(max_length=100_000)]


@dataclass(frozen=True)
class VerifiedResponse:
    """A response whose signature ``app.export.signoff_reader.read_response`` checked."""

    response: SignoffResponse
    fingerprint: str  # the signer's key
    manifest_sha256: str
    sha256: str  # of the whole file
    data: bytes


def review_hash(content: ReviewContent) -> str:
    """The SHA-256 a review signature signs: of the review's canonical bytes."""
    import hashlib

    return hashlib.sha256(encode(content)).hexdigest()


encode = base.canonical


def decode(data: bytes, kind: type[T], what: str) -> T:
    """Decode and validate, or raise ``SchemaError`` (a ``ValueError``) with one sentence
    naming the problem and its place (``base.decode``: deep nesting and huge numbers too)."""
    try:
        decoded = base.decode(data, kind, name=what)
        _check(decoded, what)
    except SchemaError as exc:
        problem = str(exc)
        raise SchemaError(problem if problem.startswith(what) else f"{what}: {problem}") from exc
    return decoded


def _check(decoded: object, what: str) -> None:
    """What the types cannot say: a file never lists twice what a portfolio keeps once
    (a request by its id, an item per request or response, a response file)."""
    if isinstance(decoded, SignoffRecords):
        once(
            [r.request_id for r in decoded.requests],
            f"{what} lists the request {{}} twice",
        )
        for request in decoded.requests:
            once(
                [i.ref for i in request.items],
                f"{what}'s request {request.request_id} lists {{}} twice",
            )
        once(decoded.responses, f"{what} lists the response {{}} twice")
    elif isinstance(decoded, SignoffRequest):
        once([i.ref for i in decoded.items], f"{what} lists {{}} twice")
    elif isinstance(decoded, SignoffResponse):
        once([i.ref for i in decoded.items], f"{what} answers for {{}} twice")
