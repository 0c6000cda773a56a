"""``portfolio.json``: the whole portfolio as one documented, versioned JSON document.

It travels inside a signed package beside the PDF, so a tutor or a new laptop can
recreate the working portfolio: the apprentice's details, every evidence item
with its reference, dates, status, Markdown reflection, tags and justifications,
every attachment record, and the complete documents of the frameworks it uses
(so a package carries an imported standard the receiving app has never seen).
The schema is documented in the README ("portfolio.json"); ``FORMAT`` names its
version. Parsing validates everything before anything is written, because the
document may come from anyone who can make a key.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.models.orm import (
    Attachment,
    Blob,
    Competency,
    Framework,
    Group,
    Item,
    ItemCompetency,
    ItemGroup,
    PortfolioRecord,
    Rendition,
)
from app.services import frameworks
from app.services.attachments import MAX_ATTACHMENT_BYTES, store_blob
from app.services.evidence import MAX_TITLE, STATUSES, parse_date
from app.services.renditions import is_image, make_rendition
from app.services.views import PortfolioSnapshot

FORMAT = "apprentice-portfolio-json/1"
MAX_ITEMS = 100_000
MAX_FRAMEWORKS = 64
MAX_TAGS_PER_ITEM = 1_000
MAX_ATTACHMENTS_PER_ITEM = 1_000
MAX_CODE = 32
MAX_SHORT_TEXT = 10_000

TagKind = Literal["competency", "group"]


# --- the parsed document ------------------------------------------------------------------------


@dataclass(frozen=True)
class TagRecord:
    code: str
    justification: str


@dataclass(frozen=True)
class OtherTagRecord:
    """A tag against a framework other than the portfolio's own."""

    framework: str
    version: str
    kind: TagKind
    code: str
    justification: str


@dataclass(frozen=True)
class AttachmentRecord:
    name: str
    size: int
    sha256: str
    media_type: str
    added: str


@dataclass(frozen=True)
class ItemRecord:
    number: int
    ref: str
    title: str
    date: str
    status: str
    body: str
    created: str
    updated: str
    ksbs: tuple[TagRecord, ...]
    duties: tuple[TagRecord, ...]
    other_tags: tuple[OtherTagRecord, ...]
    attachments: tuple[AttachmentRecord, ...]


@dataclass(frozen=True)
class FrameworkRecord:
    key: str
    version: str
    bundled: bool
    document: dict[str, Any]


@dataclass(frozen=True)
class DetailsRecord:
    apprentice_name: str
    uln: str
    employer: str
    provider: str
    framework_key: str
    framework_version: str
    next_item_number: int
    created: str
    updated: str


@dataclass(frozen=True)
class PortfolioDocument:
    fingerprint: str  # the portfolio's content fingerprint (as on the PDF cover)
    signer: str | None  # the fingerprint of the key that signed the package
    last_changed: str
    details: DetailsRecord
    frameworks: tuple[FrameworkRecord, ...]
    items: tuple[ItemRecord, ...]

    def attachment_digests(self) -> set[str]:
        return {a.sha256 for item in self.items for a in item.attachments}

    def framework(self, key: str, version: str) -> FrameworkRecord | None:
        return next((f for f in self.frameworks if (f.key, f.version) == (key, version)), None)


# --- writing ------------------------------------------------------------------------------------


def build_document(
    session: Session, snapshot: PortfolioSnapshot, *, signer: str | None
) -> dict[str, Any]:
    """The document for ``snapshot``, read in the same transaction that took it."""
    record = session.get(PortfolioRecord, 1)
    assert record is not None  # take_snapshot already refused a file without details
    own = record.framework
    other = _other_tags(session, own.id)
    added = dict(session.execute(select(Attachment.id, Attachment.added)).tuples().all())
    used: set[tuple[str, str]] = {(own.key, own.version)}
    used |= {(t.framework, t.version) for tags in other.values() for t in tags}
    documents = [
        session.scalar(select(Framework).where(Framework.key == k, Framework.version == v))
        for k, v in sorted(used)
    ]
    info = snapshot.info
    return {
        "format": FORMAT,
        "fingerprint": snapshot.fingerprint,
        "signer": signer,
        "last_changed": snapshot.last_changed,
        "portfolio": {
            "apprentice_name": info.apprentice_name,
            "uln": info.uln,
            "employer": info.employer,
            "provider": info.provider,
            "framework": {"key": info.framework_key, "version": info.framework_version},
            "next_item_number": record.next_item_number,
            "created": info.created,
            "updated": info.updated,
        },
        "frameworks": [
            {
                "key": f.key,
                "version": f.version,
                "bundled": f.bundled,
                "document": json.loads(f.document),
            }
            for f in documents
            if f is not None
        ],
        "items": [
            {
                "ref": item.ref,
                "number": int(item.ref[1:]),
                "title": item.title,
                "date": item.date,
                "status": item.status,
                "body": item.body,
                "created": item.created,
                "updated": item.updated,
                "ksbs": [{"code": t.code, "justification": t.justification} for t in item.ksb_tags],
                "duties": [
                    {"code": t.code, "justification": t.justification} for t in item.duty_tags
                ],
                "other_tags": [
                    {
                        "framework": t.framework,
                        "version": t.version,
                        "kind": t.kind,
                        "code": t.code,
                        "justification": t.justification,
                    }
                    for t in other.get(item.id, [])
                ],
                "attachments": [
                    {
                        "name": a.name,
                        "size": a.size,
                        "sha256": a.sha256,
                        "media_type": a.media_type,
                        "added": added.get(a.id, ""),
                    }
                    for a in item.attachments
                ],
            }
            for item in snapshot.items
        ],
    }


def encode(document: Mapping[str, Any]) -> bytes:
    """Canonical bytes: the same portfolio always gives the same ``portfolio.json``."""
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
    return (text + "\n").encode("utf-8")


def _other_tags(session: Session, own_framework_id: int) -> dict[int, list[OtherTagRecord]]:
    found: dict[int, list[OtherTagRecord]] = defaultdict(list)
    competency_rows = session.execute(
        select(
            ItemCompetency.item_id,
            Framework.key,
            Framework.version,
            Competency.code,
            ItemCompetency.justification,
        )
        .join(Competency, Competency.id == ItemCompetency.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(Framework.id != own_framework_id)
    )
    for item_id, key, version, code, why in competency_rows:
        found[item_id].append(OtherTagRecord(key, version, "competency", code, why))
    group_rows = session.execute(
        select(
            ItemGroup.item_id, Framework.key, Framework.version, Group.code, ItemGroup.justification
        )
        .join(Group, Group.id == ItemGroup.group_id)
        .join(Framework, Framework.id == Group.framework_id)
        .where(Framework.id != own_framework_id)
    )
    for item_id, key, version, code, why in group_rows:
        found[item_id].append(OtherTagRecord(key, version, "group", code, why))
    for tags in found.values():
        tags.sort(key=lambda t: (t.framework, t.version, t.kind, t.code))
    return found


# --- reading and validating ---------------------------------------------------------------------


class _Invalid(Exception):
    """A problem found at one place in the document; becomes one sentence."""


def parse_document(data: bytes) -> PortfolioDocument:
    """Validate ``portfolio.json`` bytes completely; refuse with one sentence naming the place."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InvalidInputError("portfolio.json is not UTF-8 text.") from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInputError("portfolio.json is not valid JSON.") from exc
    try:
        return _document(raw)
    except _Invalid as exc:
        raise InvalidInputError(f"portfolio.json is not valid: {exc}.") from exc


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(f"{where} must be an object")
    return value


def _list(value: Any, where: str, limit: int) -> list[Any]:
    if not isinstance(value, list):
        raise _Invalid(f"{where} must be a list")
    if len(value) > limit:
        raise _Invalid(f"{where} has more than {limit} entries")
    return value


def _text(
    obj: dict[str, Any], key: str, where: str, *, limit: int | None = None, empty: bool = True
) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise _Invalid(f"{where}.{key} must be text")
    if not empty and not value.strip():
        raise _Invalid(f"{where}.{key} is empty")
    if limit is not None and len(value) > limit:
        raise _Invalid(f"{where}.{key} is longer than {limit} characters")
    return value


def _optional_text(obj: dict[str, Any], key: str, where: str, limit: int) -> str | None:
    if obj.get(key) is None:
        return None
    return _text(obj, key, where, limit=limit)


def _int(obj: dict[str, Any], key: str, where: str, *, low: int, high: int) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _Invalid(f"{where}.{key} must be a whole number from {low} to {high}")
    return value


def _code(obj: dict[str, Any], key: str, where: str) -> str:
    value = _text(obj, key, where, limit=MAX_CODE, empty=False)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", value):
        raise _Invalid(f"{where}.{key} is not a code")
    return value


def _version(obj: dict[str, Any], where: str) -> str:
    value = _text(obj, "version", where, limit=32, empty=False)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", value):
        raise _Invalid(f"{where}.version is not a version number")
    return value


def _document(raw: Any) -> PortfolioDocument:
    top = _obj(raw, "the document")
    if top.get("format") != FORMAT:
        raise _Invalid(
            f"its format is {str(top.get('format'))[:60]!r}, and this version of the app reads "
            f"{FORMAT!r}"
        )
    fingerprint = _text(top, "fingerprint", "the document", limit=64)
    signer = _optional_text(top, "signer", "the document", 64)
    last_changed = _text(top, "last_changed", "the document", limit=40)
    details = _details(_obj(top.get("portfolio"), "portfolio"))
    framework_list = _list(top.get("frameworks"), "frameworks", MAX_FRAMEWORKS)
    records = tuple(_framework(f, f"frameworks[{n}]") for n, f in enumerate(framework_list))
    seen_frameworks = {(f.key, f.version) for f in records}
    if len(seen_frameworks) != len(records):
        raise _Invalid("frameworks lists one framework version twice")
    if (details.framework_key, details.framework_version) not in seen_frameworks:
        raise _Invalid(
            f"the portfolio follows {details.framework_key} v{details.framework_version}, "
            "which is not among its frameworks"
        )
    items = tuple(
        _item(value, f"items[{n}]")
        for n, value in enumerate(_list(top.get("items"), "items", MAX_ITEMS))
    )
    refs = [i.ref for i in items]
    if len(set(refs)) != len(refs):
        raise _Invalid("two items have the same ref")
    if items and max(i.number for i in items) >= details.next_item_number:
        raise _Invalid("portfolio.next_item_number must be above every item's number")
    for n, item in enumerate(items):
        for tag in item.other_tags:
            if (tag.framework, tag.version) not in seen_frameworks:
                raise _Invalid(
                    f"items[{n}] is tagged against {tag.framework} v{tag.version}, "
                    "which is not among its frameworks"
                )
    sizes: dict[str, int] = {}
    for item in items:
        for attachment in item.attachments:
            if sizes.setdefault(attachment.sha256, attachment.size) != attachment.size:
                raise _Invalid(f"two attachments with SHA-256 {attachment.sha256} differ in size")
    return PortfolioDocument(
        fingerprint=fingerprint,
        signer=signer,
        last_changed=last_changed,
        details=details,
        frameworks=records,
        items=items,
    )


def _details(obj: dict[str, Any]) -> DetailsRecord:
    where = "portfolio"
    framework = _obj(obj.get("framework"), "portfolio.framework")
    uln = _text(obj, "uln", where, limit=16)
    if uln and not re.fullmatch(r"\d{10}", uln):
        raise _Invalid("portfolio.uln must be 10 digits")
    return DetailsRecord(
        apprentice_name=_text(obj, "apprentice_name", where, limit=MAX_SHORT_TEXT, empty=False),
        uln=uln,
        employer=_text(obj, "employer", where, limit=MAX_SHORT_TEXT),
        provider=_text(obj, "provider", where, limit=MAX_SHORT_TEXT),
        framework_key=_code(framework, "key", "portfolio.framework"),
        framework_version=_version(framework, "portfolio.framework"),
        next_item_number=_int(obj, "next_item_number", where, low=1, high=10**9),
        created=_text(obj, "created", where, limit=40),
        updated=_text(obj, "updated", where, limit=40),
    )


def _item(value: Any, where: str) -> ItemRecord:
    obj = _obj(value, where)
    number = _int(obj, "number", where, low=1, high=10**9 - 1)
    ref = _text(obj, "ref", where, limit=16)
    if ref != f"E{number:03d}":
        raise _Invalid(f"{where}.ref must be E followed by its number ({number:03d})")
    where = ref
    title = _text(obj, "title", where, limit=MAX_TITLE, empty=False)
    date = _text(obj, "date", where, limit=10)
    try:
        parse_date(date)
    except InvalidInputError as exc:
        raise _Invalid(f"{where}.date is not a date (YYYY-MM-DD)") from exc
    status = _text(obj, "status", where, limit=16)
    if status not in STATUSES:
        raise _Invalid(f"{where}.status must be one of {', '.join(STATUSES)}")
    ksbs = _tags(obj.get("ksbs"), f"{where}.ksbs")
    duties = _tags(obj.get("duties"), f"{where}.duties")
    other = tuple(
        _other_tag(t, f"{where}.other_tags[{n}]")
        for n, t in enumerate(
            _list(obj.get("other_tags"), f"{where}.other_tags", MAX_TAGS_PER_ITEM)
        )
    )
    if len({(t.framework, t.version, t.kind, t.code) for t in other}) != len(other):
        raise _Invalid(f"{where}.other_tags repeats a tag")
    attachments = tuple(
        _attachment(a, f"{where}.attachments[{n}]")
        for n, a in enumerate(
            _list(obj.get("attachments"), f"{where}.attachments", MAX_ATTACHMENTS_PER_ITEM)
        )
    )
    return ItemRecord(
        number=number,
        ref=ref,
        title=title,
        date=date,
        status=status,
        body=_text(obj, "body", where),
        created=_text(obj, "created", where, limit=40),
        updated=_text(obj, "updated", where, limit=40),
        ksbs=ksbs,
        duties=duties,
        other_tags=other,
        attachments=attachments,
    )


def _tags(value: Any, where: str) -> tuple[TagRecord, ...]:
    tags = []
    for n, entry in enumerate(_list(value, where, MAX_TAGS_PER_ITEM)):
        obj = _obj(entry, f"{where}[{n}]")
        tags.append(
            TagRecord(
                code=_code(obj, "code", f"{where}[{n}]"),
                justification=_text(obj, "justification", f"{where}[{n}]"),
            )
        )
    if len({t.code for t in tags}) != len(tags):
        raise _Invalid(f"{where} repeats a code")
    return tuple(tags)


def _other_tag(value: Any, where: str) -> OtherTagRecord:
    obj = _obj(value, where)
    kind = obj.get("kind")
    if kind not in ("competency", "group"):
        raise _Invalid(f"{where}.kind must be competency or group")
    return OtherTagRecord(
        framework=_code(obj, "framework", where),
        version=_version(obj, where),
        kind=kind,
        code=_code(obj, "code", where),
        justification=_text(obj, "justification", where),
    )


def _attachment(value: Any, where: str) -> AttachmentRecord:
    obj = _obj(value, where)
    sha256 = _text(obj, "sha256", where, limit=64)
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise _Invalid(f"{where}.sha256 must be 64 lowercase hexadecimal digits")
    return AttachmentRecord(
        name=_text(obj, "name", where, limit=1_000, empty=False),
        size=_int(obj, "size", where, low=0, high=MAX_ATTACHMENT_BYTES),
        sha256=sha256,
        media_type=_text(obj, "media_type", where, limit=128, empty=False),
        added=_text(obj, "added", where, limit=40),
    )


def _framework(value: Any, where: str) -> FrameworkRecord:
    obj = _obj(value, where)
    document = _obj(obj.get("document"), f"{where}.document")
    _check_framework_document(document, f"{where}.document")
    key = _code(obj, "key", where)
    version = _version(obj, where)
    if (document["key"], str(document["version"])) != (key, version):
        raise _Invalid(f"{where} names {key} v{version} but its document is another framework")
    bundled = obj.get("bundled", False)
    if not isinstance(bundled, bool):
        raise _Invalid(f"{where}.bundled must be true or false")
    return FrameworkRecord(key=key, version=version, bundled=bundled, document=document)


def _check_framework_document(doc: dict[str, Any], where: str) -> None:
    """Everything ``frameworks.install_document`` relies on, checked up front."""
    _code(doc, "key", where)
    _version(doc, where)
    _text(doc, "title", where, limit=MAX_SHORT_TEXT, empty=False)
    _text(doc, "kind", where, limit=64, empty=False)
    if doc.get("level") is not None:
        _int(doc, "level", where, low=0, high=99)
    _optional_text(doc, "group_label", where, 64)
    if doc.get("attribution") is not None:
        _text(doc, "attribution", where, limit=MAX_SHORT_TEXT)
    source = doc.get("source")
    if source is not None:
        _optional_text(_obj(source, f"{where}.source"), "url", f"{where}.source", 2_000)
    codes: set[str] = set()
    competencies = _list(doc.get("competencies"), f"{where}.competencies", 10_000)
    if not competencies:
        raise _Invalid(f"{where}.competencies is empty")
    for n, entry in enumerate(competencies):
        here = f"{where}.competencies[{n}]"
        obj = _obj(entry, here)
        codes.add(_code(obj, "code", here))
        _text(obj, "kind", here, limit=32, empty=False)
        _text(obj, "text", here, limit=MAX_SHORT_TEXT)
        _optional_text(obj, "name", here, MAX_SHORT_TEXT)
    if len(codes) != len(competencies):
        raise _Invalid(f"{where}.competencies repeats a code")
    group_codes: set[str] = set()
    groups = _list(doc.get("groups", []), f"{where}.groups", 10_000)
    for n, entry in enumerate(groups):
        here = f"{where}.groups[{n}]"
        obj = _obj(entry, here)
        group_codes.add(_code(obj, "code", here))
        _text(obj, "text", here, limit=MAX_SHORT_TEXT)
        _optional_text(obj, "name", here, MAX_SHORT_TEXT)
        linked: set[str] = set()
        for m, link in enumerate(_list(obj.get("links", []), f"{here}.links", 10_000)):
            link_obj = _obj(link, f"{here}.links[{m}]")
            code = _code(link_obj, "competency", f"{here}.links[{m}]")
            if code not in codes or code in linked:
                raise _Invalid(f"{here}.links[{m}] links {code} twice or to nothing")
            linked.add(code)
            _optional_text(link_obj, "level", f"{here}.links[{m}]", 32)
            _optional_text(link_obj, "text", f"{here}.links[{m}]", MAX_SHORT_TEXT)
    if len(group_codes) != len(groups):
        raise _Invalid(f"{where}.groups repeats a code")


# --- recreating a working portfolio -------------------------------------------------------------


def restore_document(
    session: Session, document: PortfolioDocument, read_blob: Callable[[str], bytes]
) -> None:
    """Write ``document`` into an empty, migrated portfolio file.

    ``read_blob(sha256)`` returns the (already verified) bytes of an attachment.
    Frameworks this app bundles are used as installed; any other comes from the
    document. Unknown codes are refused before the caller commits.
    """
    frameworks.ensure_bundled(session)
    for record in document.frameworks:
        present = session.scalar(
            select(Framework.id).where(
                Framework.key == record.key, Framework.version == record.version
            )
        )
        if present is None:
            frameworks.install_document(session, record.document, bundled=False)
    details = document.details
    own = _framework_row(session, details.framework_key, details.framework_version)
    session.add(
        PortfolioRecord(
            id=1,
            apprentice_name=details.apprentice_name,
            uln=details.uln,
            employer=details.employer,
            provider=details.provider,
            framework_id=own.id,
            next_item_number=details.next_item_number,
            created=details.created,
            updated=details.updated,
        )
    )
    lookup = _CodeLookup(session)
    for record_item in document.items:
        _restore_item(session, record_item, own, lookup, read_blob)
    session.flush()


def _framework_row(session: Session, key: str, version: str) -> Framework:
    row = session.scalar(
        select(Framework).where(Framework.key == key, Framework.version == version)
    )
    if row is None:  # parse_document guarantees the document carries it
        raise InvalidInputError(f"The package does not carry the framework {key} v{version}.")
    return row


class _CodeLookup:
    """Competency and group ids by framework and code, each framework loaded once."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._cache: dict[tuple[int, TagKind], dict[str, int]] = {}

    def __call__(self, framework: Framework, kind: TagKind, code: str, ref: str) -> int:
        table: type[Competency] | type[Group] = Competency if kind == "competency" else Group
        ids = self._cache.get((framework.id, kind))
        if ids is None:
            ids = dict(
                self._session.execute(
                    select(table.code, table.id).where(table.framework_id == framework.id)
                )
                .tuples()
                .all()
            )
            self._cache[(framework.id, kind)] = ids
        ident = ids.get(code)
        if ident is None:
            raise InvalidInputError(
                f"{ref} is tagged with {code}, which {framework.key} v{framework.version} "
                "does not have."
            )
        return ident


def _restore_item(
    session: Session,
    record: ItemRecord,
    own: Framework,
    lookup: _CodeLookup,
    read_blob: Callable[[str], bytes],
) -> None:
    item = Item(
        id=record.number,  # an item's id is its number (E007 is id 7)
        number=record.number,
        ref=record.ref,
        title=record.title,
        date=record.date,
        status=record.status,
        body=record.body,
        created=record.created,
        updated=record.updated,
    )
    session.add(item)
    session.flush()
    competencies: dict[int, str] = {}
    groups: dict[int, str] = {}
    for tag in record.ksbs:
        competencies[lookup(own, "competency", tag.code, record.ref)] = tag.justification
    for tag in record.duties:
        groups[lookup(own, "group", tag.code, record.ref)] = tag.justification
    for other in record.other_tags:
        framework = _framework_row(session, other.framework, other.version)
        target = competencies if other.kind == "competency" else groups
        target[lookup(framework, other.kind, other.code, record.ref)] = other.justification
    session.add_all(
        ItemCompetency(item_id=item.id, competency_id=ident, justification=why)
        for ident, why in competencies.items()
    )
    session.add_all(
        ItemGroup(item_id=item.id, group_id=ident, justification=why)
        for ident, why in groups.items()
    )
    for position, attachment in enumerate(record.attachments):
        if session.get(Blob, attachment.sha256) is None:
            data = read_blob(attachment.sha256)
            store_blob(session, data)
            _add_rendition(session, attachment.sha256, data, attachment.media_type)
        session.add(
            Attachment(
                item_id=item.id,
                name=attachment.name,
                sha256=attachment.sha256,
                size=attachment.size,
                media_type=attachment.media_type,
                position=position,
                added=attachment.added,
            )
        )
    session.flush()


def _add_rendition(session: Session, digest: str, data: bytes, media_type: str) -> None:
    if not is_image(media_type) or session.get(Rendition, digest) is not None:
        return
    rendition = make_rendition(data)
    if rendition is not None:
        session.add(
            Rendition(
                sha256=digest,
                media_type=rendition.media_type,
                width=rendition.width,
                height=rendition.height,
                data=rendition.data,
            )
        )
