"""``portfolio.json`` to and from the database: the writer and the restorer.

The document itself (its records, limits and checks) is defined once in
``app.schema.portfolio``; this module builds those records from a portfolio file
and writes them back into a new one. ``parse_document`` is the one reader:
``verify``, ``import package`` and review mode all accept exactly what it accepts.
The schema is documented in the README ("portfolio.json").
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Literal

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
from app.schema.portfolio import (
    FORMAT,
    ActionRecord,
    AttachmentRecord,
    CompetencyRef,
    ConfirmationRecord,
    DetailsRecord,
    EntryRecord,
    FrameworkRecord,
    FrameworkRef,
    ItemRecord,
    OtherTag,
    OtjRecord,
    ParticipantRecord,
    PlanRecord,
    PortfolioDocument,
    ProgrammeRecord,
    RatingRecord,
    ReviewRecord,
    RoleLevelRecord,
    ScanRecord,
    SourceRecord,
    Tag,
    encode,
)
from app.services import assessment_records, frameworks, git_import, git_sources, skills_scan
from app.services.attachments import needs_rendition, store_blob, store_rendition
from app.services.portfolio_check import (
    CONTENT_KEYS,
    content_hash,
    content_record,
    hash_content,
    parse_document,
)
from app.services.records import to_record, to_row
from app.services.views import ItemView, PortfolioSnapshot

if TYPE_CHECKING:
    from app.services.renditions import RenditionQueue

__all__ = [
    "CONTENT_KEYS",
    "FORMAT",
    "PortfolioDocument",
    "ProgrammeRecord",
    "build_document",
    "build_programme",
    "content_hash",
    "content_record",
    "encode",
    "hash_content",
    "item_record",
    "item_records",
    "parse_document",
    "restore_document",
]

TagKind = Literal["competency", "group"]


# --- writing ------------------------------------------------------------------------------------


def build_document(
    session: Session,
    snapshot: PortfolioSnapshot,
    *,
    signer: str | None,
    programme_records: bool = True,
) -> PortfolioDocument:
    """The document for ``snapshot``, read in the same transaction that took it.

    Its items are the snapshot's; ``programme_records=False`` leaves the programme
    records out (the assessor's copy, ``snapshot.assessors_copy``)."""
    record = session.get(PortfolioRecord, 1)
    assert record is not None  # take_snapshot already refused a file without details
    own = record.framework
    other = _other_tags(session, own.id)
    added = dict(session.execute(select(Attachment.id, Attachment.added)).tuples().all())
    sources = git_sources.sources(session)
    programme = build_programme(session) if programme_records else None
    used: set[tuple[str, str]] = {(own.key, own.version)}
    used |= {(t.framework, t.version) for tags in other.values() for t in tags}
    used |= _programme_frameworks(programme)
    documents = [
        session.scalar(select(Framework).where(Framework.key == k, Framework.version == v))
        for k, v in sorted(used)
    ]
    info = snapshot.info
    return PortfolioDocument(
        format=FORMAT,
        fingerprint=snapshot.fingerprint,
        signer=signer,
        last_changed=snapshot.last_changed,
        portfolio=to_record(
            DetailsRecord,
            info,
            framework=FrameworkRef(
                key=info.framework_key,
                version=info.framework_version,
                option=None if info.option is None else info.option.n,
            ),
            next_item_number=record.next_item_number,
        ),
        frameworks=tuple(
            to_record(FrameworkRecord, f, document=json.loads(f.document))
            for f in documents
            if f is not None
        ),
        items=tuple(
            item_record(i, other.get(i.id, []), added, sources.get(i.id)) for i in snapshot.items
        ),
        programme=programme,  # None (not written): the portfolio has no programme records
        assessment=assessment_records.build_assessment(session),  # None: nothing to write
    )


def item_record(
    item: ItemView,
    other_tags: Sequence[OtherTag],
    added: Mapping[int, str],
    source: SourceRecord | None = None,
) -> ItemRecord:
    """One evidence item exactly as ``portfolio.json`` writes it (the only place that does)."""
    return to_record(
        ItemRecord,
        item,
        number=int(item.ref[1:]),
        ksbs=tuple(to_record(Tag, t) for t in item.ksb_tags),
        duties=tuple(to_record(Tag, t) for t in item.duty_tags),
        other_tags=tuple(other_tags),
        attachments=tuple(
            to_record(AttachmentRecord, a, added=added.get(a.id, "")) for a in item.attachments
        ),
        source=source,
    )


def item_records(session: Session, items: Sequence[ItemView]) -> list[ItemRecord]:
    """``item_record`` for each of ``items``, read in the caller's transaction."""
    record = session.get(PortfolioRecord, 1)
    if record is None:
        return []
    other = _other_tags(session, record.framework.id)
    added = dict(session.execute(select(Attachment.id, Attachment.added)).tuples().all())
    sources = git_sources.sources(session)
    return [
        item_record(item, other.get(item.id, []), added, sources.get(item.id)) for item in items
    ]


def build_programme(session: Session) -> ProgrammeRecord | None:
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

    def ref(competency_id: int) -> CompetencyRef:
        key, version, code, _position = competencies[competency_id]
        return CompetencyRef(framework=key, version=version, code=code)

    def order(competency_id: int) -> tuple[str, str, int]:
        key, version, _code, position = competencies[competency_id]
        return key, version, position

    return ProgrammeRecord(
        role_level=None
        if settings is None
        else to_record(RoleLevelRecord, settings, level=settings.role_level),
        scans=tuple(
            to_record(
                ScanRecord,
                scan,
                ratings=tuple(
                    to_record(
                        RatingRecord,
                        r,
                        framework=(c := ref(r.competency_id)).framework,
                        version=c.version,
                        code=c.code,
                        agreed=r.agreed_rating,
                    )
                    for r in sorted(scan.ratings, key=lambda r: order(r.competency_id))
                ),
                confirmations=tuple(
                    to_record(ConfirmationRecord, c)
                    for c in sorted(scan.confirmations, key=lambda c: c.id)
                ),
            )
            for scan in scans
        ),
        otj=OtjRecord(
            plan=None
            if plan is None
            else to_record(
                PlanRecord,
                plan,
                start=plan.start_date,
                gateway=plan.gateway_date,
                rpl_minutes=plan.rpl_minutes or 0,
                minimum_source=plan.minimum_source or "",
                review_reason=plan.review_reason or "",
            ),
            entries=tuple(
                to_record(
                    EntryRecord,
                    entry,
                    competencies=tuple(
                        ref(i) for i in sorted(entry_competencies[entry.id], key=order)
                    ),
                    items=tuple(entry_items.get(entry.id, [])),
                )
                for entry in entries
            ),
        ),
        reviews=tuple(
            to_record(
                ReviewRecord,
                review,
                otj_minutes=review.otj_minutes_reviewed,
                participants=tuple(
                    to_record(ParticipantRecord, p)
                    for p in sorted(review.participants, key=lambda p: (p.position, p.id))
                ),
                actions=tuple(
                    to_record(ActionRecord, a, due=a.due_date)
                    for a in sorted(review.actions, key=lambda a: (a.position, a.id))
                ),
            )
            for review in held
        ),
    )


def _competency_refs(session: Session) -> dict[int, tuple[str, str, str, int]]:
    """Every competency's (framework key, version, code, position), by id."""
    rows = session.execute(
        select(
            Competency.id, Framework.key, Framework.version, Competency.code, Competency.position
        ).join(Framework, Framework.id == Competency.framework_id)
    ).tuples()
    return {ident: (key, version, code, position) for ident, key, version, code, position in rows}


def _programme_frameworks(programme: ProgrammeRecord | None) -> set[tuple[str, str]]:
    if programme is None:
        return set()
    return {(ref.framework, ref.version) for _where, ref in programme.competencies()}


def _other_tags(session: Session, own_framework_id: int) -> dict[int, list[OtherTag]]:
    """Each item's tags against frameworks other than the portfolio's own, sorted."""
    found: dict[int, list[OtherTag]] = defaultdict(list)
    tables = (
        ("competency", Competency, ItemCompetency, ItemCompetency.competency_id),
        ("group", Group, ItemGroup, ItemGroup.group_id),
    )
    for kind, table, link, target in tables:
        rows = session.execute(
            select(link.item_id, Framework.key, Framework.version, table.code, link.justification)
            .join(table, table.id == target)
            .join(Framework, Framework.id == table.framework_id)
            .where(Framework.id != own_framework_id)
        )
        for item_id, key, version, code, why in rows:
            found[item_id].append(
                OtherTag(framework=key, version=version, kind=kind, code=code, justification=why)
            )
    for tags in found.values():
        tags.sort(key=lambda t: (t.framework, t.version, t.kind, t.code))
    return found


# --- reading and validating ---------------------------------------------------------------------


# --- recreating a working portfolio -------------------------------------------------------------


def restore_document(
    session: Session,
    document: PortfolioDocument,
    read_blob: Callable[[str], bytes],
    *,
    renditions: bool = True,
    stream_blob: Callable[[str], Iterable[bytes]] | None = None,
) -> None:
    """Write ``document`` into an empty, migrated portfolio file.

    ``read_blob(sha256)`` returns the (already verified) bytes of an attachment;
    ``stream_blob(sha256)``, where given, its bytes in chunks, so an attachment that
    needs no print rendition is written without ever being whole in memory;
    ``renditions=False`` skips the photos' print renditions (a check, not a portfolio).
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
    session.add(to_row(PortfolioRecord, details, id=1, framework_id=own.id))
    frameworks.set_portfolio_option(session, details.framework.option)
    lookup = _CodeLookup(session)
    # Print renditions of the photos are made on worker threads while items are written.
    from app.services.renditions import RenditionQueue

    queue = RenditionQueue(partial(store_rendition, session)) if renditions else None
    try:
        for record_item in document.items:
            _restore_item(session, record_item, own, lookup, read_blob, queue, stream_blob)
        if queue is not None:
            queue.finish()
    except BaseException:
        if queue is not None:
            queue.cancel()
        raise
    session.flush()
    _restore_programme(session, document.programme, lookup)
    assessment_records.restore_assessment(session, document.assessment)


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
    renditions: RenditionQueue | None,
    stream_blob: Callable[[str], Iterable[bytes]] | None = None,
) -> None:
    item = to_row(Item, record, id=record.number)  # an item's id is its number (E007 is id 7)
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
        kind: TagKind = "competency" if other.kind == "competency" else "group"
        target = competencies if kind == "competency" else groups
        target[lookup(framework, kind, other.code, record.ref)] = other.justification
    session.add_all(
        ItemCompetency(item_id=item.id, competency_id=ident, justification=why)
        for ident, why in competencies.items()
    )
    session.add_all(
        ItemGroup(item_id=item.id, group_id=ident, justification=why)
        for ident, why in groups.items()
    )
    for position, attachment in enumerate(record.attachments):
        stored = select(Blob.sha256).where(Blob.sha256 == attachment.sha256)
        if session.scalar(stored) is None:  # (not session.get: that loads the bytes)
            image = renditions is not None and needs_rendition(
                session, attachment.sha256, attachment.media_type
            )
            if stream_blob is not None and not image:
                _write_blob(session, attachment, stream_blob(attachment.sha256))
            else:
                data = read_blob(attachment.sha256)
                store_blob(session, data)
                if image and renditions is not None:
                    renditions.add(attachment.sha256, data)
        session.add(to_row(Attachment, attachment, item_id=item.id, position=position))
    if record.source is not None:
        git_import.restore_source(session, item.id, record.source)
    session.flush()


def _write_blob(session: Session, attachment: AttachmentRecord, chunks: Iterable[bytes]) -> None:
    """Store an attachment's bytes chunk by chunk through SQLite's incremental blob I/O
    (the chunks' source checks their hash at the end; the caller's transaction undoes all)."""
    raw = session.connection().connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    cursor = raw.execute(
        "INSERT INTO blobs (sha256, size, data) VALUES (?, ?, zeroblob(?))",
        (attachment.sha256, attachment.size, attachment.size),
    )
    assert cursor.lastrowid is not None
    with raw.blobopen("blobs", "data", cursor.lastrowid) as blob:
        for chunk in chunks:
            blob.write(chunk)


def _restore_programme(
    session: Session, programme: ProgrammeRecord | None, lookup: _CodeLookup
) -> None:
    """Recreate the programme records with their ids, links and timestamps as recorded.

    Runs after the items (entries link to them: an item's id is its number). A
    competency or role level this app's frameworks lack is refused with one sentence.
    """
    if programme is None or programme.empty:
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
        row = to_row(SkillsScan, scan)
        row.ratings = [
            to_row(
                SkillsRating,
                r,
                competency_id=competency(r.competency, f"Skills scan {scan.id} rates"),
                agreed_rating=r.agreed,
            )
            for r in scan.ratings
        ]
        row.confirmations = [to_row(SkillsConfirmation, c) for c in scan.confirmations]
        session.add(row)
        session.flush()  # confirmations take their ids in the order recorded
    if programme.plan is not None:
        plan = programme.plan
        session.add(to_row(OtjPlan, plan, id=1, start_date=plan.start, gateway_date=plan.gateway))
    for entry in programme.entries:
        what = f"Off-the-job entry {entry.id} is linked to"
        session.add(
            to_row(
                OtjEntry,
                entry,
                competency_links=[
                    OtjEntryCompetency(competency_id=competency(ref, what))
                    for ref in entry.competencies
                ],
                # an item's id is its number, and parse_document checked every ref is an item
                item_links=[OtjEntryItem(item_id=int(ref[1:])) for ref in entry.items],
            )
        )
    for review in programme.reviews:
        row_review = to_row(ProgressReview, review, otj_minutes_reviewed=review.otj_minutes)
        row_review.participants = [
            to_row(ReviewParticipant, p, position=n) for n, p in enumerate(review.participants)
        ]
        row_review.actions = [
            to_row(ReviewAction, a, due_date=a.due, position=n)
            for n, a in enumerate(review.actions)
        ]
        session.add(row_review)
        session.flush()  # participants take their ids in the order recorded
    session.flush()
