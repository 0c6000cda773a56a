"""``portfolio.json``: the whole portfolio as one documented, versioned JSON document.

It travels inside a signed package beside the PDF, so a tutor or a new laptop can
recreate the working portfolio: the apprentice's details, every evidence item
with its reference, dates, status, Markdown reflection, tags and justifications,
every attachment record, the programme records (skills scans, the off-the-job
plan and log, progress reviews, the chosen DDaT role level) when there are any,
and the complete documents of the frameworks it uses (so a package carries an
imported standard the receiving app has never seen).
The schema is documented in the README ("portfolio.json"); ``FORMAT`` names its
version. Parsing validates everything before anything is written, because the
document may come from anyone who can make a key.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date as Date
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

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
)
from app.models.progress_orm import (
    OtjEntry,
    OtjEntryCompetency,
    OtjEntryItem,
    OtjPlan,
    ProgressReview,
    ProgressSettings,
    ReviewAction,
    ReviewParticipant,
    SkillsConfirmation,
    SkillsRating,
    SkillsScan,
)
from app.services import frameworks, otj, reviews, skills_scan
from app.services.attachments import (
    MAX_ATTACHMENT_BYTES,
    needs_rendition,
    store_blob,
    store_rendition,
)
from app.services.evidence import MAX_TITLE, STATUSES, parse_date
from app.services.views import ItemView, PortfolioSnapshot

if TYPE_CHECKING:
    from app.services.renditions import RenditionQueue

FORMAT = "apprentice-portfolio-json/1"
MAX_ITEMS = 100_000
MAX_FRAMEWORKS = 64
MAX_TAGS_PER_ITEM = 1_000
MAX_ATTACHMENTS_PER_ITEM = 1_000
MAX_CODE = 32
MAX_SHORT_TEXT = 10_000
MAX_SCANS = 10_000
MAX_RATINGS_PER_SCAN = 10_000
MAX_CONFIRMATIONS_PER_SCAN = 1_000
MAX_OTJ_ENTRIES = 200_000
MAX_LINKS_PER_ENTRY = 1_000
MAX_REVIEWS = 10_000
MAX_PEOPLE_PER_REVIEW = 1_000
MAX_ACTIONS_PER_REVIEW = 1_000
MAX_REVIEW_MINUTES = 100_000 * 60  # as reviews.add_review allows
MAX_PLAN_DAYS = 10 * 366  # as otj.check_plan allows
MAX_NAME = 10_000  # names are kept under 500 characters when typed; a margin for older files
MAX_ACTION = 5_000

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
class CompetencyRef:
    """A competency of any framework the document carries: key, version and code."""

    framework: str
    version: str
    code: str


@dataclass(frozen=True)
class RatingRecord:
    competency: CompetencyRef
    rating: int  # 0–4, the DDaT scale
    agreed: int | None  # the employer's rating, where it differs
    note: str


@dataclass(frozen=True)
class ConfirmationRecord:
    name: str
    role: str
    date: str


@dataclass(frozen=True)
class ScanRecord:
    id: int
    date: str
    note: str
    created: str
    updated: str
    ratings: tuple[RatingRecord, ...]
    confirmations: tuple[ConfirmationRecord, ...]


@dataclass(frozen=True)
class RoleLevelRecord:
    level: str | None  # a DDaT role level (group) code, such as L3
    updated: str


@dataclass(frozen=True)
class PlanRecord:
    start: str
    gateway: str
    contracted_minutes: int  # per week
    rule: str
    fixed_minutes: int | None
    leave_weeks: float | None
    updated: str


@dataclass(frozen=True)
class EntryRecord:
    id: int
    date: str
    minutes: int
    activity: str
    description: str
    created: str
    updated: str
    competencies: tuple[CompetencyRef, ...]
    items: tuple[str, ...]  # evidence refs


@dataclass(frozen=True)
class ParticipantRecord:
    role: str
    name: str


@dataclass(frozen=True)
class ActionRecord:
    id: int
    text: str
    owner: str
    due: str | None
    done: bool


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    date: str
    notes: str
    otj_minutes: int | None
    created: str
    updated: str
    participants: tuple[ParticipantRecord, ...]
    actions: tuple[ActionRecord, ...]


@dataclass(frozen=True)
class ProgrammeRecord:
    """Skills scans, the off-the-job plan and log, progress reviews, the chosen role level."""

    role_level: RoleLevelRecord | None = None
    scans: tuple[ScanRecord, ...] = ()
    plan: PlanRecord | None = None
    entries: tuple[EntryRecord, ...] = ()
    reviews: tuple[ReviewRecord, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.role_level or self.scans or self.plan or self.entries or self.reviews)

    def competencies(self) -> list[tuple[str, CompetencyRef]]:
        """(where, competency) of every link to a competency, for checking the frameworks."""
        found = [
            (f"programme.scans[{n}]", r.competency)
            for n, scan in enumerate(self.scans)
            for r in scan.ratings
        ]
        found += [
            (f"programme.otj.entries[{n}]", ref)
            for n, entry in enumerate(self.entries)
            for ref in entry.competencies
        ]
        return found


@dataclass(frozen=True)
class PortfolioDocument:
    fingerprint: str  # the portfolio's content fingerprint (as on the PDF cover)
    signer: str | None  # the fingerprint of the key that signed the package
    last_changed: str
    details: DetailsRecord
    frameworks: tuple[FrameworkRecord, ...]
    items: tuple[ItemRecord, ...]
    programme: ProgrammeRecord = ProgrammeRecord()

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
    programme = build_programme(session)
    used: set[tuple[str, str]] = {(own.key, own.version)}
    used |= {(t.framework, t.version) for tags in other.values() for t in tags}
    used |= _programme_frameworks(programme)
    documents = [
        session.scalar(select(Framework).where(Framework.key == k, Framework.version == v))
        for k, v in sorted(used)
    ]
    info = snapshot.info
    document: dict[str, Any] = {
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
        "items": [item_record(item, other.get(item.id, []), added) for item in snapshot.items],
    }
    if programme is not None:  # absent: the portfolio has no programme records
        document["programme"] = programme
    return document


def item_record(
    item: ItemView, other_tags: Sequence[OtherTagRecord], added: Mapping[int, str]
) -> dict[str, Any]:
    """One evidence item exactly as ``portfolio.json`` writes it (the only place that does)."""
    return {
        "ref": item.ref,
        "number": int(item.ref[1:]),
        "title": item.title,
        "date": item.date,
        "status": item.status,
        "body": item.body,
        "created": item.created,
        "updated": item.updated,
        "ksbs": [{"code": t.code, "justification": t.justification} for t in item.ksb_tags],
        "duties": [{"code": t.code, "justification": t.justification} for t in item.duty_tags],
        "other_tags": [
            {
                "framework": t.framework,
                "version": t.version,
                "kind": t.kind,
                "code": t.code,
                "justification": t.justification,
            }
            for t in other_tags
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


# What a signed statement confirms: the item's content, not its status or timestamps.
CONTENT_KEYS = ("title", "date", "body", "ksbs", "duties", "other_tags")


def content_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """The content part of an ``item_record``: title, date, body, claims with their
    justifications, and the attachments' SHA-256s."""
    content = {key: record[key] for key in CONTENT_KEYS}
    content["attachments"] = [a["sha256"] for a in record["attachments"]]
    return content


def content_hash(record: Mapping[str, Any]) -> str:
    """The SHA-256 of an item's content record in ``portfolio.json``'s canonical bytes."""
    return hash_content(content_record(record))


def hash_content(content: Mapping[str, Any]) -> str:
    """The SHA-256 of a content record (as ``content_record`` makes it, or as a sign-off
    request carries it) in ``portfolio.json``'s canonical bytes."""
    return hashlib.sha256(encode(content)).hexdigest()


def item_records(session: Session, items: Sequence[ItemView]) -> list[dict[str, Any]]:
    """``item_record`` for each of ``items``, read in the caller's transaction."""
    record = session.get(PortfolioRecord, 1)
    if record is None:
        return []
    other = _other_tags(session, record.framework.id)
    added = dict(session.execute(select(Attachment.id, Attachment.added)).tuples().all())
    return [item_record(item, other.get(item.id, []), added) for item in items]


def build_programme(session: Session) -> dict[str, Any] | None:
    """The ``programme`` object of the document; None when there are no programme records.

    Competencies are named by framework key, version and code, evidence items by
    ref; lists are in id order, so the same records always give the same object.
    """
    settings = session.get(ProgressSettings, 1)
    plan = session.get(OtjPlan, 1)
    scans = session.scalars(
        select(SkillsScan)
        .order_by(SkillsScan.id)
        .options(selectinload(SkillsScan.ratings), selectinload(SkillsScan.confirmations))
    ).all()
    entries = session.scalars(select(OtjEntry).order_by(OtjEntry.id)).all()
    held = session.scalars(
        select(ProgressReview)
        .order_by(ProgressReview.id)
        .options(selectinload(ProgressReview.participants), selectinload(ProgressReview.actions))
    ).all()
    if settings is None and plan is None and not scans and not entries and not held:
        return None
    competencies = _competency_refs(session)
    entry_competencies: dict[int, list[int]] = defaultdict(list)
    for entry_id, competency_id in session.execute(
        select(OtjEntryCompetency.entry_id, OtjEntryCompetency.competency_id)
    ).tuples():
        entry_competencies[entry_id].append(competency_id)
    entry_items: dict[int, list[str]] = defaultdict(list)
    for entry_id, item_ref in session.execute(
        select(OtjEntryItem.entry_id, Item.ref)
        .join(Item, Item.id == OtjEntryItem.item_id)
        .order_by(OtjEntryItem.entry_id, Item.number)
    ).tuples():
        entry_items[entry_id].append(item_ref)

    def ref(competency_id: int) -> dict[str, str]:
        key, version, code, _position = competencies[competency_id]
        return {"framework": key, "version": version, "code": code}

    def order(competency_id: int) -> tuple[str, str, int]:
        key, version, _code, position = competencies[competency_id]
        return key, version, position

    return {
        "role_level": None
        if settings is None
        else {"level": settings.role_level, "updated": settings.updated},
        "scans": [
            {
                "id": scan.id,
                "date": scan.date,
                "note": scan.note,
                "created": scan.created,
                "updated": scan.updated,
                "ratings": [
                    {
                        **ref(r.competency_id),
                        "rating": r.rating,
                        "agreed": r.agreed_rating,
                        "note": r.note,
                    }
                    for r in sorted(scan.ratings, key=lambda r: order(r.competency_id))
                ],
                "confirmations": [
                    {"name": c.name, "role": c.role, "date": c.date}
                    for c in sorted(scan.confirmations, key=lambda c: c.id)
                ],
            }
            for scan in scans
        ],
        "otj": {
            "plan": None
            if plan is None
            else {
                "start": plan.start_date,
                "gateway": plan.gateway_date,
                "contracted_minutes": plan.contracted_minutes,
                "rule": plan.rule,
                "fixed_minutes": plan.fixed_minutes,
                "leave_weeks": plan.leave_weeks,
                "updated": plan.updated,
            },
            "entries": [
                {
                    "id": entry.id,
                    "date": entry.date,
                    "minutes": entry.minutes,
                    "activity": entry.activity,
                    "description": entry.description,
                    "created": entry.created,
                    "updated": entry.updated,
                    "competencies": [
                        ref(i) for i in sorted(entry_competencies[entry.id], key=order)
                    ],
                    "items": entry_items.get(entry.id, []),
                }
                for entry in entries
            ],
        },
        "reviews": [
            {
                "id": review.id,
                "date": review.date,
                "notes": review.notes,
                "otj_minutes": review.otj_minutes_reviewed,
                "created": review.created,
                "updated": review.updated,
                "participants": [
                    {"role": p.role, "name": p.name}
                    for p in sorted(review.participants, key=lambda p: (p.position, p.id))
                ],
                "actions": [
                    {
                        "id": a.id,
                        "text": a.text,
                        "owner": a.owner,
                        "due": a.due_date,
                        "done": a.done,
                    }
                    for a in sorted(review.actions, key=lambda a: (a.position, a.id))
                ],
            }
            for review in held
        ],
    }


def _competency_refs(session: Session) -> dict[int, tuple[str, str, str, int]]:
    """Every competency's (framework key, version, code, position), by id."""
    rows = session.execute(
        select(
            Competency.id, Framework.key, Framework.version, Competency.code, Competency.position
        ).join(Framework, Framework.id == Competency.framework_id)
    ).tuples()
    return {ident: (key, version, code, position) for ident, key, version, code, position in rows}


def _programme_frameworks(programme: Mapping[str, Any] | None) -> set[tuple[str, str]]:
    if programme is None:
        return set()
    refs = [r for scan in programme["scans"] for r in scan["ratings"]]
    refs += [c for entry in programme["otj"]["entries"] for c in entry["competencies"]]
    return {(r["framework"], r["version"]) for r in refs}


_STAMPS = frozenset({"created", "updated"})


def programme_content(programme: Mapping[str, Any]) -> dict[str, Any]:
    """The ``programme`` object without its timestamps: what the content fingerprint covers."""

    def strip(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: strip(v) for k, v in value.items() if k not in _STAMPS}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    result: dict[str, Any] = strip(programme)
    return result


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
    # written only when the portfolio has programme records: files without it are still /1
    programme = _programme(top["programme"]) if "programme" in top else ProgrammeRecord()
    for where, competency in programme.competencies():
        if (competency.framework, competency.version) not in seen_frameworks:
            raise _Invalid(
                f"{where} names {competency.framework} v{competency.version}, "
                "which is not among its frameworks"
            )
    known_refs = set(refs)
    for n, entry in enumerate(programme.entries):
        for ref in entry.items:
            if ref not in known_refs:
                raise _Invalid(
                    f"programme.otj.entries[{n}] is linked to {ref}, which is not among its items"
                )
    return PortfolioDocument(
        fingerprint=fingerprint,
        signer=signer,
        last_changed=last_changed,
        details=details,
        frameworks=records,
        items=items,
        programme=programme,
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


def _date(obj: dict[str, Any], key: str, where: str) -> str:
    value = _text(obj, key, where, limit=10)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise _Invalid(f"{where}.{key} is not a date (YYYY-MM-DD)")
    try:
        Date.fromisoformat(value)
    except ValueError as exc:
        raise _Invalid(f"{where}.{key} is not a date that exists") from exc
    return value


def _optional_int(obj: dict[str, Any], key: str, where: str, *, low: int, high: int) -> int | None:
    if obj.get(key) is None:
        return None
    return _int(obj, key, where, low=low, high=high)


def _bool(obj: dict[str, Any], key: str, where: str) -> bool:
    value = obj.get(key)
    if not isinstance(value, bool):
        raise _Invalid(f"{where}.{key} must be true or false")
    return value


def _unique(values: list[Any], where: str, what: str) -> None:
    if len(set(values)) != len(values):
        raise _Invalid(f"{where} repeats {what}")


def _competency_ref(value: Any, where: str) -> CompetencyRef:
    obj = _obj(value, where)
    return CompetencyRef(
        framework=_code(obj, "framework", where),
        version=_version(obj, where),
        code=_code(obj, "code", where),
    )


def _programme(value: Any) -> ProgrammeRecord:
    where = "programme"
    obj = _obj(value, where)
    role_level = None
    if obj.get("role_level") is not None:
        here = "programme.role_level"
        level = _obj(obj["role_level"], here)
        role_level = RoleLevelRecord(
            level=None if level.get("level") is None else _code(level, "level", here),
            updated=_text(level, "updated", here, limit=40),
        )
    scans = tuple(
        _scan(s, f"programme.scans[{n}]")
        for n, s in enumerate(_list(obj.get("scans"), "programme.scans", MAX_SCANS))
    )
    _unique([s.id for s in scans], "programme.scans", "an id")
    otj_obj = _obj(obj.get("otj"), "programme.otj")
    plan = None if otj_obj.get("plan") is None else _plan(otj_obj["plan"], "programme.otj.plan")
    entries = tuple(
        _entry(e, f"programme.otj.entries[{n}]")
        for n, e in enumerate(
            _list(otj_obj.get("entries"), "programme.otj.entries", MAX_OTJ_ENTRIES)
        )
    )
    _unique([e.id for e in entries], "programme.otj.entries", "an id")
    held = tuple(
        _review(r, f"programme.reviews[{n}]")
        for n, r in enumerate(_list(obj.get("reviews"), "programme.reviews", MAX_REVIEWS))
    )
    _unique([r.id for r in held], "programme.reviews", "an id")
    _unique([a.id for r in held for a in r.actions], "programme.reviews", "an action id")
    return ProgrammeRecord(
        role_level=role_level, scans=scans, plan=plan, entries=entries, reviews=held
    )


def _scan(value: Any, where: str) -> ScanRecord:
    obj = _obj(value, where)
    ratings = []
    for n, entry in enumerate(_list(obj.get("ratings"), f"{where}.ratings", MAX_RATINGS_PER_SCAN)):
        here = f"{where}.ratings[{n}]"
        rating = _obj(entry, here)
        ratings.append(
            RatingRecord(
                competency=_competency_ref(rating, here),
                rating=_int(rating, "rating", here, low=0, high=4),
                agreed=_optional_int(rating, "agreed", here, low=0, high=4),
                note=_text(rating, "note", here, limit=skills_scan.MAX_NOTE),
            )
        )
    _unique([r.competency for r in ratings], f"{where}.ratings", "a competency")
    confirmations = []
    for n, entry in enumerate(
        _list(obj.get("confirmations"), f"{where}.confirmations", MAX_CONFIRMATIONS_PER_SCAN)
    ):
        here = f"{where}.confirmations[{n}]"
        confirmation = _obj(entry, here)
        confirmations.append(
            ConfirmationRecord(
                name=_text(confirmation, "name", here, limit=MAX_NAME, empty=False),
                role=_text(confirmation, "role", here, limit=reviews.MAX_NOTES),
                date=_date(confirmation, "date", here),
            )
        )
    return ScanRecord(
        id=_int(obj, "id", where, low=1, high=2**62),
        date=_date(obj, "date", where),
        note=_text(obj, "note", where, limit=skills_scan.MAX_NOTE),
        created=_text(obj, "created", where, limit=40),
        updated=_text(obj, "updated", where, limit=40),
        ratings=tuple(ratings),
        confirmations=tuple(confirmations),
    )


def _plan(value: Any, where: str) -> PlanRecord:
    obj = _obj(value, where)
    start = _date(obj, "start", where)
    gateway = _date(obj, "gateway", where)
    days = (Date.fromisoformat(gateway) - Date.fromisoformat(start)).days
    if not 0 < days <= MAX_PLAN_DAYS:
        raise _Invalid(f"{where}.gateway must come after the start, within ten years")
    rule = _text(obj, "rule", where, limit=16)
    if rule not in otj.RULES:
        raise _Invalid(f"{where}.rule must be one of {', '.join(otj.RULES)}")
    fixed = _optional_int(obj, "fixed_minutes", where, low=1, high=10**9)
    if rule == otj.RULE_2025 and fixed is None:
        raise _Invalid(f"{where}.fixed_minutes is needed by the rule {otj.RULE_2025}")
    leave = obj.get("leave_weeks")
    if leave is not None:
        if (
            not isinstance(leave, int | float)
            or isinstance(leave, bool)
            or not math.isfinite(leave)
            or not 0 <= leave < days / 7
        ):
            raise _Invalid(f"{where}.leave_weeks must be a number of weeks inside the plan")
        leave = float(leave)
    return PlanRecord(
        start=start,
        gateway=gateway,
        contracted_minutes=_int(obj, "contracted_minutes", where, low=1, high=otj.MAX_WEEK_MINUTES),
        rule=rule,
        fixed_minutes=fixed,
        leave_weeks=leave,
        updated=_text(obj, "updated", where, limit=40),
    )


def _entry(value: Any, where: str) -> EntryRecord:
    obj = _obj(value, where)
    activity = _text(obj, "activity", where, limit=32)
    if activity not in otj.ACTIVITIES:
        raise _Invalid(f"{where}.activity must be one of {', '.join(otj.ACTIVITIES)}")
    competencies = tuple(
        _competency_ref(c, f"{where}.competencies[{n}]")
        for n, c in enumerate(
            _list(obj.get("competencies"), f"{where}.competencies", MAX_LINKS_PER_ENTRY)
        )
    )
    _unique(list(competencies), f"{where}.competencies", "a competency")
    items = []
    for n, ref in enumerate(_list(obj.get("items"), f"{where}.items", MAX_LINKS_PER_ENTRY)):
        if not isinstance(ref, str) or not re.fullmatch(r"E\d{3,9}", ref):
            raise _Invalid(f"{where}.items[{n}] must be an evidence ref such as E001")
        items.append(ref)
    _unique(items, f"{where}.items", "an item")
    return EntryRecord(
        id=_int(obj, "id", where, low=1, high=2**62),
        date=_date(obj, "date", where),
        minutes=_int(obj, "minutes", where, low=1, high=otj.MAX_ENTRY_MINUTES),
        activity=activity,
        description=_text(obj, "description", where, limit=otj.MAX_DESCRIPTION),
        created=_text(obj, "created", where, limit=40),
        updated=_text(obj, "updated", where, limit=40),
        competencies=competencies,
        items=tuple(items),
    )


def _review(value: Any, where: str) -> ReviewRecord:
    obj = _obj(value, where)
    participants = []
    for n, entry in enumerate(
        _list(obj.get("participants"), f"{where}.participants", MAX_PEOPLE_PER_REVIEW)
    ):
        here = f"{where}.participants[{n}]"
        person = _obj(entry, here)
        role = _text(person, "role", here, limit=16)
        if role not in reviews.ROLES:
            raise _Invalid(f"{here}.role must be one of {', '.join(reviews.ROLES)}")
        participants.append(
            ParticipantRecord(
                role=role, name=_text(person, "name", here, limit=MAX_NAME, empty=False)
            )
        )
    actions = []
    for n, entry in enumerate(
        _list(obj.get("actions"), f"{where}.actions", MAX_ACTIONS_PER_REVIEW)
    ):
        here = f"{where}.actions[{n}]"
        action = _obj(entry, here)
        actions.append(
            ActionRecord(
                id=_int(action, "id", here, low=1, high=2**62),
                text=_text(action, "text", here, limit=MAX_ACTION, empty=False),
                owner=_text(action, "owner", here, limit=reviews.MAX_NOTES),
                due=None if action.get("due") is None else _date(action, "due", here),
                done=_bool(action, "done", here),
            )
        )
    return ReviewRecord(
        id=_int(obj, "id", where, low=1, high=2**62),
        date=_date(obj, "date", where),
        notes=_text(obj, "notes", where, limit=reviews.MAX_NOTES),
        otj_minutes=_optional_int(obj, "otj_minutes", where, low=0, high=MAX_REVIEW_MINUTES),
        created=_text(obj, "created", where, limit=40),
        updated=_text(obj, "updated", where, limit=40),
        participants=tuple(participants),
        actions=tuple(actions),
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
    # Print renditions of the photos are made on worker threads while items are written.
    from app.services.renditions import RenditionQueue

    renditions = RenditionQueue(partial(store_rendition, session))
    try:
        for record_item in document.items:
            _restore_item(session, record_item, own, lookup, read_blob, renditions)
        renditions.finish()
    except BaseException:
        renditions.cancel()
        raise
    session.flush()
    _restore_programme(session, document.programme, lookup)


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
        ident = self.find(framework, kind, code)
        if ident is None:
            raise InvalidInputError(
                f"{ref} is tagged with {code}, which {framework.key} v{framework.version} "
                "does not have."
            )
        return ident

    def find(self, framework: Framework, kind: TagKind, code: str) -> int | None:
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
        return ids.get(code)


def _restore_item(
    session: Session,
    record: ItemRecord,
    own: Framework,
    lookup: _CodeLookup,
    read_blob: Callable[[str], bytes],
    renditions: RenditionQueue,
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
            if needs_rendition(session, attachment.sha256, attachment.media_type):
                renditions.add(attachment.sha256, data)
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


def _restore_programme(session: Session, programme: ProgrammeRecord, lookup: _CodeLookup) -> None:
    """Recreate the programme records with their ids, links and timestamps as recorded.

    Runs after the items (entries link to them: an item's id is its number). A
    competency or role level this app's frameworks lack is refused with one sentence.
    """
    if programme.empty:
        return

    def competency(ref: CompetencyRef, what: str) -> int:
        framework = _framework_row(session, ref.framework, ref.version)
        ident = lookup.find(framework, "competency", ref.code)
        if ident is None:
            raise InvalidInputError(
                f"{what} {ref.code}, which {framework.key} v{framework.version} does not have."
            )
        return ident

    if programme.role_level is not None:
        level = programme.role_level.level
        known = [code for code, _title in skills_scan.role_levels(session)]
        if level is not None and level not in known:
            raise InvalidInputError(
                f"The package's programme records choose the DDaT role level {level}, "
                f"which is not one of {', '.join(known)}."
            )
        session.add(ProgressSettings(id=1, role_level=level, updated=programme.role_level.updated))
    for scan in programme.scans:
        row = SkillsScan(
            id=scan.id, date=scan.date, note=scan.note, created=scan.created, updated=scan.updated
        )
        row.ratings = [
            SkillsRating(
                competency_id=competency(r.competency, f"Skills scan {scan.id} rates"),
                rating=r.rating,
                note=r.note,
                agreed_rating=r.agreed,
            )
            for r in scan.ratings
        ]
        row.confirmations = [
            SkillsConfirmation(name=c.name, role=c.role, date=c.date) for c in scan.confirmations
        ]
        session.add(row)
        session.flush()  # confirmations take their ids in the order recorded
    if programme.plan is not None:
        plan = programme.plan
        session.add(
            OtjPlan(
                id=1,
                start_date=plan.start,
                gateway_date=plan.gateway,
                contracted_minutes=plan.contracted_minutes,
                rule=plan.rule,
                fixed_minutes=plan.fixed_minutes,
                leave_weeks=plan.leave_weeks,
                updated=plan.updated,
            )
        )
    for entry in programme.entries:
        what = f"Off-the-job entry {entry.id} is linked to"
        session.add(
            OtjEntry(
                id=entry.id,
                date=entry.date,
                minutes=entry.minutes,
                activity=entry.activity,
                description=entry.description,
                created=entry.created,
                updated=entry.updated,
                competency_links=[
                    OtjEntryCompetency(competency_id=competency(ref, what))
                    for ref in entry.competencies
                ],
                # an item's id is its number, and parse_document checked every ref is an item
                item_links=[OtjEntryItem(item_id=int(ref[1:])) for ref in entry.items],
            )
        )
    for review in programme.reviews:
        row_review = ProgressReview(
            id=review.id,
            date=review.date,
            notes=review.notes,
            otj_minutes_reviewed=review.otj_minutes,
            created=review.created,
            updated=review.updated,
        )
        row_review.participants = [
            ReviewParticipant(role=p.role, name=p.name, position=n)
            for n, p in enumerate(review.participants)
        ]
        row_review.actions = [
            ReviewAction(
                id=a.id, text=a.text, owner=a.owner, due_date=a.due, done=a.done, position=n
            )
            for n, a in enumerate(review.actions)
        ]
        session.add(row_review)
        session.flush()  # participants take their ids in the order recorded
    session.flush()
