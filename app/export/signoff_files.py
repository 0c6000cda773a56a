"""Sign-off request and response files: writing them, and reading them without trusting them.

Both are signed zips like the package (``SignedZipReader`` reads them, with the same
limits and checks): ``manifest.json`` names the format and lists every other member
with its size and SHA-256, ``manifest.sig`` is the Ed25519 signature of the
manifest's exact bytes. The JSON inside is typed in ``app.schema.signoff``.

- A request (``…/signoff-request/1``, signed by the apprentice's key) carries each
  item's content record exactly as ``portfolio.json`` writes it, its content hash,
  the claims to confirm with their texts, the attachments' hashes and the print
  rendition of each image (``renditions/<sha256>``).
- A response (``…/signoff-response/1``, signed by the signer's own key) answers one
  request: per item the content hash the signer read, the claims confirmed and
  declined, a comment, and an optional witness statement.

Reading a request recomputes every item's content hash from the content it carries,
so what the signer reads is exactly what they confirm.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, TypeVar

import msgspec

from app.errors import InvalidInputError, NotFoundError
from app.export.package import _member, _zip_time, manifest_bytes
from app.export.package_reader import (
    MANIFEST,
    SIGNATURE,
    SignedZipReader,
)
from app.export.signoff_reader import (
    RESPONSE_JSON,
    decode_member,
    read_response,
)
from app.models.db import Database, utc_now
from app.models.outputs import check_output, staged_output
from app.schema import signoff as schema
from app.schema.base import checked, checked_as
from app.schema.manifest import FileEntry
from app.schema.portfolio import ItemRecord
from app.services import portfolio_json, queries, signoff
from app.services.blob_source import SqliteBlobSource
from app.services.signing import SigningKey, load_or_create_key
from app.services.views import FrameworkView, ItemView

REQUEST_JSON = "request.json"
RENDITIONS = "renditions/"
T = TypeVar("T")


class RequestReader(SignedZipReader):
    FORMAT: ClassVar[str] = schema.REQUEST_FORMAT
    KIND: ClassVar[str] = "sign-off request"
    DESCRIPTION: ClassVar[str] = "sign-off request"
    SUFFIX: ClassVar[str] = ".request"
    MEMBER_NAME: ClassVar[re.Pattern[str]] = re.compile(r"request\.json|renditions/[0-9a-f]{64}")
    REQUIRED: ClassVar[tuple[str, ...]] = (REQUEST_JSON,)
    NAMED_BY_DIGEST: ClassVar[tuple[str, ...]] = ()


# --- writing a signed zip -------------------------------------------------------------------


def _write_signed(
    temp: Path, format_: str, key: SigningKey, created: str, members: Sequence[tuple[str, bytes]]
) -> None:
    """Write the members, a manifest and its signature into ``temp`` (a staged output)."""
    moment = _zip_time(created)
    files = [
        FileEntry(path=name, size=len(data), sha256=hashlib.sha256(data).hexdigest())
        for name, data in members
    ]
    manifest = manifest_bytes(created, key, files, format_=format_)
    with temp.open("r+b") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_member(MANIFEST, moment, len(manifest)), manifest)
        zf.writestr(_member(SIGNATURE, moment, 64), key.sign(manifest))
        for name, data in sorted(members):
            zf.writestr(_member(name, moment, len(data)), data)


# --- requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestResult:
    path: Path
    request_id: str
    fingerprint: str  # of the apprentice's key that signed it
    refs: tuple[str, ...]


def _claim_texts(item: ItemView, framework: FrameworkView) -> list[schema.ClaimText]:
    texts: list[schema.ClaimText] = []
    for tag in item.ksb_tags:
        competency = framework.competency(tag.code)
        texts.append(
            schema.ClaimText(
                code=tag.code,
                kind=competency.kind if competency else "competency",
                text=competency.text if competency else "",
            )
        )
    groups = {g.code: g for g in framework.groups}
    for tag in item.duty_tags:
        group = groups.get(tag.code)
        texts.append(
            schema.ClaimText(
                code=tag.code,
                kind=framework.group_label.lower() or "duty",
                text=group.text if group else "",
            )
        )
    return texts


def build_request_items(
    items: Sequence[ItemView],
    records: Sequence[ItemRecord],
    framework: FrameworkView,
    claims: Mapping[str, Sequence[str]],
    renditions: set[str],
) -> list[schema.RequestItem]:
    """Each item's content record (as ``portfolio.json`` writes it), hash and claims."""
    built: list[schema.RequestItem] = []
    for item, record in zip(items, records, strict=True):
        own = [t.code for t in (*item.ksb_tags, *item.duty_tags)]
        requested = list(claims.get(item.ref, own))
        missing = [c for c in requested if c not in own]
        if missing:
            raise NotFoundError(
                f"{item.ref} does not claim {', '.join(missing)}; its claims are "
                f"{', '.join(own) or 'none'}."
            )
        content = msgspec.convert(
            portfolio_json.content_record(record), schema.ItemContent, strict=True
        )
        built.append(
            schema.RequestItem(
                ref=item.ref,
                content=content,
                content_sha256=portfolio_json.content_hash(record),
                requested=requested,
                claims=_claim_texts(item, framework),
                attachments=[
                    schema.AttachmentInfo(
                        name=a.name,
                        size=a.size,
                        sha256=a.sha256,
                        media_type=a.media_type,
                        rendition=a.sha256 in renditions,
                    )
                    for a in item.attachments
                ],
            )
        )
    return built


def make_request(
    db: Database,
    refs: Sequence[str],
    signer: schema.Person,
    out: Path,
    *,
    claims: Mapping[str, Sequence[str]] | None = None,
    key: SigningKey | None = None,
    force: bool = False,
) -> RequestResult:
    """Write a signed request for ``refs`` to ``out`` and record it in the portfolio.

    Either both happen or neither: the file is written beside ``out`` first, the
    request recorded, and only then the file moved into place.
    """
    out = Path(out)
    check_output(out, what="sign-off request", force=force, protected=[db.path])
    if not refs:
        raise InvalidInputError("Name at least one evidence item to ask about (such as E003).")
    if len(refs) > signoff.MAX_REQUEST_ITEMS:
        raise InvalidInputError(
            f"A request can ask about at most {signoff.MAX_REQUEST_ITEMS} items; split it."
        )
    _check_person(signer)
    key = load_or_create_key() if key is None else key
    with db.reader() as session:
        items = signoff.item_views(session, refs)
        records = portfolio_json.item_records(session, items)
        framework = queries.get_framework(session)
        apprentice = _apprentice(session, framework.title)
    blobs = SqliteBlobSource(db.path)
    members: list[tuple[str, bytes]] = []
    try:
        for digest in sorted({a.sha256 for i in items for a in i.attachments}):
            rendition = blobs.rendition(digest)
            if rendition is not None:
                members.append((RENDITIONS + digest, rendition.data))
    finally:
        blobs.close()
    built = build_request_items(
        items, records, framework, claims or {}, {name[len(RENDITIONS) :] for name, _ in members}
    )
    return _publish_request(db, out, force, key, apprentice, signer, built, members)


def make_review_request(
    db: Database,
    review_id: int,
    signer: schema.Person,
    out: Path,
    *,
    key: SigningKey | None = None,
    force: bool = False,
) -> RequestResult:
    """Write a signed request to sign progress review ``review_id`` and record it: the same
    request file as for evidence, with the review's record (``review``) and no items."""
    out = Path(out)
    check_output(out, what="sign-off request", force=force, protected=[db.path])
    _check_person(signer)
    key = load_or_create_key() if key is None else key
    with db.reader() as session:
        content = signoff.review_content(session, review_id)
        apprentice = _apprentice(session, queries.get_framework(session).title)
    review = schema.ReviewRequest(content=content, content_sha256=schema.review_hash(content))
    return _publish_request(db, out, force, key, apprentice, signer, [], [], review)


def _apprentice(session: queries.Reader, framework_title: str) -> schema.Apprentice:
    """Who asks, as a request names them."""
    info = queries.portfolio_info(session)
    return schema.Apprentice(
        name=info.apprentice_name,
        uln=info.uln,
        employer=info.employer,
        provider=info.provider,
        framework=info.framework_key,
        framework_version=info.framework_version,
        framework_title=framework_title,
    )


def _publish_request(
    db: Database,
    out: Path,
    force: bool,
    key: SigningKey,
    apprentice: schema.Apprentice,
    signer: schema.Person,
    items: list[schema.RequestItem],
    members: list[tuple[str, bytes]],
    review: schema.ReviewRequest | None = None,
) -> RequestResult:
    """A new request from ``apprentice`` to ``signer``, signed with ``members`` (the
    renditions) into a request file beside ``out``; record the request in the portfolio,
    then move the file into place: both happen or neither."""
    request = schema.SignoffRequest(
        request_id=secrets.token_hex(16),
        created=utc_now(),
        apprentice=apprentice,
        apprentice_key=key.fingerprint,
        signer=signer,
        items=items,
        review=review,
    )
    members = [*members, (REQUEST_JSON, schema.encode(request))]
    with staged_output(out, what="sign-off request", force=force, protected=[db.path]) as temp:
        _write_signed(temp, schema.REQUEST_FORMAT, key, request.created, members)
        with RequestReader(temp) as reader:
            manifest_sha256 = reader.verify_signed().manifest_sha256
        with db.transaction() as session:
            signoff.record_request(session, signoff.request_record(request, manifest_sha256))
    return RequestResult(
        path=out,
        request_id=request.request_id,
        fingerprint=key.fingerprint,
        refs=tuple(i.ref for i in items),
    )


def _check_person(person: schema.Person) -> None:
    if not person.name.strip():
        raise InvalidInputError("Give the signer's name (--name).")
    for label, value in (
        ("name", person.name),
        ("role", person.role),
        ("organisation", person.organisation),
        ("email", person.email),
    ):
        checked_as(schema.TypedLine, value, f"The signer's {label}")


@dataclass(frozen=True)
class OpenedRequest:
    """A request whose signature, and every item's content hash, were checked."""

    path: Path
    request: schema.SignoffRequest
    fingerprint: str  # the apprentice's key
    manifest_sha256: str
    renditions: dict[str, bytes]

    def item(self, ref: str) -> schema.RequestItem | None:
        return next((i for i in self.request.items if i.ref == ref), None)


_decode = decode_member


def open_request(path: Path) -> OpenedRequest:
    """Verify a request file; raise ``PackageError`` naming the first problem."""
    with RequestReader(Path(path)) as reader:
        contents = reader.verify_signed(keep=lambda _entry: True)
        request = _decode(reader, contents.kept[REQUEST_JSON], schema.SignoffRequest, REQUEST_JSON)
        if request.apprentice_key != contents.fingerprint:
            raise reader._refuse("it names a different key from the one that signed it")
        if request.review is not None:
            if schema.review_hash(request.review.content) != request.review.content_sha256:
                raise reader._refuse("the progress review it carries does not match its hash")
            if request.items:
                raise reader._refuse("it mixes a progress review with evidence items")
        elif not request.items:
            raise reader._refuse("it asks about nothing")
        for item in request.items:
            content = msgspec.to_builtins(item.content)
            if portfolio_json.hash_content(content) != item.content_sha256:
                raise reader._refuse(f"the content of {item.ref} does not match its hash")
            own = {t.code for t in (*item.content.ksbs, *item.content.duties)}
            if not set(item.requested) <= own:
                raise reader._refuse(f"it asks about claims {item.ref} does not make")
            for attachment in item.attachments:
                if attachment.rendition and RENDITIONS + attachment.sha256 not in contents.kept:
                    raise reader._refuse(f"a picture of {item.ref} is missing")
        renditions = {
            name[len(RENDITIONS) :]: data
            for name, data in contents.kept.items()
            if name.startswith(RENDITIONS)
        }
        return OpenedRequest(
            path=Path(path),
            request=request,
            fingerprint=contents.fingerprint,
            manifest_sha256=contents.manifest_sha256,
            renditions=renditions,
        )


# --- responses ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    confirmed: tuple[str, ...] = ()
    declined: tuple[str, ...] = ()
    comment: str = ""


@dataclass(frozen=True)
class ResponseResult:
    path: Path
    fingerprint: str  # the signer's key
    confirmed: int  # claims confirmed, over all items
    declined: int


def parse_decisions(
    opened: OpenedRequest,
    confirm: Sequence[str] = (),
    decline: Sequence[str] = (),
    comments: Mapping[str, str] | None = None,
) -> dict[str, Decision]:
    """``E003:K1`` (one claim) or ``E003`` (every claim asked about) into decisions."""
    chosen: dict[str, dict[str, str]] = {i.ref: {} for i in opened.request.items}

    def mark(word: str, verdict: str) -> None:
        ref, sep, code = word.strip().partition(":")
        ref, code = ref.strip().upper(), code.strip().upper()
        item = opened.item(ref)
        if item is None:
            raise NotFoundError(f"{ref or word.strip()} is not one of the items in this request.")
        codes = [code] if sep else list(item.requested)
        for one in codes:
            if one not in item.requested:
                raise NotFoundError(
                    f"The request does not ask about {one} for {ref}; it asks about "
                    f"{', '.join(item.requested) or 'no claims'}."
                )
            if chosen[ref].get(one, verdict) != verdict:
                raise InvalidInputError(f"{ref}:{one} is both confirmed and declined; choose one.")
            chosen[ref][one] = verdict

    for group, verdict in ((confirm, "confirmed"), (decline, "declined")):
        for value in group:
            for word in value.split(","):
                if word.strip():
                    mark(word, verdict)
    comments = {k.strip().upper(): v for k, v in (comments or {}).items()}
    for ref in comments:
        if opened.item(ref) is None:
            raise NotFoundError(f"{ref} is not one of the items in this request.")
    return {
        item.ref: Decision(
            confirmed=tuple(c for c in item.requested if chosen[item.ref].get(c) == "confirmed"),
            declined=tuple(c for c in item.requested if chosen[item.ref].get(c) == "declined"),
            comment=comments.get(item.ref, ""),
        )
        for item in opened.request.items
    }


def write_response(
    opened: OpenedRequest,
    decisions: Mapping[str, Decision],
    signer: schema.Person,
    out: Path,
    *,
    statement: str = "",
    review: tuple[str, str] | None = None,
    key: SigningKey | None = None,
    force: bool = False,
) -> ResponseResult:
    """Sign the signer's answer to ``opened`` with their own key and write it to ``out``.

    ``review``: for a request to sign a progress review, ("signed" or "declined", comment).
    """
    out = Path(out)
    check_output(out, what="sign-off response", force=force)
    _check_person(signer)
    answer: schema.ReviewAnswer | None = None
    if opened.request.review is not None:
        if review is None or review[0] not in ("signed", "declined"):
            raise InvalidInputError(
                "This request asks you to sign a progress review: sign it or decline it "
                "(on the command line, --sign-review or --decline-review)."
            )
        checked(schema.ReviewAnswer, "comment", review[1], "The comment")
        answer = schema.ReviewAnswer(
            content_sha256=opened.request.review.content_sha256,
            decision="signed" if review[0] == "signed" else "declined",
            comment=review[1],
        )
    elif review is not None:
        raise InvalidInputError(
            "This request is about evidence items, not a progress review; confirm or decline "
            "its claims instead."
        )
    checked(schema.SignoffResponse, "statement", statement, "The witness statement")
    if (
        answer is None
        and not statement.strip()
        and not any(d.confirmed or d.declined or d.comment.strip() for d in decisions.values())
    ):
        raise InvalidInputError(
            "Confirm or decline at least one claim, comment, or write a statement; "
            "an empty response says nothing."
        )
    key = load_or_create_key() if key is None else key
    response = schema.SignoffResponse(
        request_id=opened.request.request_id,
        request_sha256=opened.manifest_sha256,
        apprentice_key=opened.fingerprint,
        apprentice_name=opened.request.apprentice.name,
        signer=signer,
        signed=utc_now(),
        items=[
            schema.ResponseItem(
                ref=item.ref,
                content_sha256=item.content_sha256,
                confirmed=list(decisions.get(item.ref, Decision()).confirmed),
                declined=list(decisions.get(item.ref, Decision()).declined),
                comment=decisions.get(item.ref, Decision()).comment,
            )
            for item in opened.request.items
        ],
        statement=statement,
        review=answer,
    )
    with staged_output(out, what="sign-off response", force=force) as temp:
        _write_signed(
            temp,
            schema.RESPONSE_FORMAT,
            key,
            response.signed,
            [(RESPONSE_JSON, schema.encode(response))],
        )
    return ResponseResult(
        path=out,
        fingerprint=key.fingerprint,
        confirmed=sum(len(i.confirmed) for i in response.items),
        declined=sum(len(i.declined) for i in response.items),
    )


def import_response(db: Database, path: Path) -> signoff.ImportOutcome:
    """Verify ``path`` and store it in the portfolio; raise naming the problem (nothing
    stored) for a bad signature, another portfolio's response, or one imported already."""
    verified = read_response(Path(path))
    with db.transaction() as session:
        return signoff.store_response(session, verified)
