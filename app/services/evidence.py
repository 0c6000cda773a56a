"""Evidence items: add, edit, delete, tag, list and search."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path

from sqlalchemy import and_, delete, select, text
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.models.db import utc_now
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
from app.schema.base import checked
from app.schema.portfolio import ItemRecord, Tag
from app.services import attachments as attachment_service
from app.services import frameworks, git_sources, queries
from app.services.queries import (
    ItemFilter,
    SortKey,
    check_status,
    check_title,
    fts_query,
    normalise_duty,
)
from app.services.views import (
    AttachmentSnapshot,
    ItemSnapshot,
    ItemView,
    TagSnapshot,
)
from app.services.views import Rendition as RenditionValue


@dataclass(frozen=True)
class TagInput:
    """A tag to apply: a code (``K7``, ``D5``, ``DDAT-DEVOPS:DS3``) and why it applies."""

    code: str
    justification: str = ""


# --- validation ---------------------------------------------------------------------------------


def parse_date(value: str | None) -> str:
    """An ISO date (YYYY-MM-DD); today when None."""
    if value is None:
        return Date.today().isoformat()
    value = checked(ItemRecord, "date", value.strip(), "The date")
    try:
        return Date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InvalidInputError(f"The date {value} does not exist ({exc}).") from exc


def split_codes(value: str | None) -> list[str]:
    """``"K1, S14"`` → ``["K1", "S14"]``."""
    if not value:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


# --- resolving tags -----------------------------------------------------------------------------


def _split_key(code: str, default: Framework, session: Session) -> tuple[Framework, str]:
    if ":" in code:
        key, _, bare = code.partition(":")
        return frameworks.find_framework(session, key), bare.strip().upper()
    return default, code.strip().upper()


def _resolve(session: Session, tags: Iterable[TagInput], *, groups: bool) -> list[tuple[int, str]]:
    """(id, justification) for each tag; unknown codes raise before anything changes."""
    default = frameworks.portfolio_framework(session)
    resolved: dict[int, str] = {}
    for tag in tags:
        code = normalise_duty(tag.code) if groups else tag.code
        framework, bare = _split_key(code, default, session)
        lookup = frameworks.group_ids if groups else frameworks.competency_ids
        ident = lookup(session, framework, [bare])[bare]
        resolved[ident] = checked(Tag, "justification", tag.justification, "A justification")
    return list(resolved.items())


def resolve_codes(session: Session, codes: Sequence[str], *, groups: bool) -> None:
    """Refuse (one sentence) any code the portfolio's frameworks do not have."""
    _resolve(session, _as_tags(codes), groups=groups)


def _as_tags(values: Sequence[TagInput | str]) -> list[TagInput]:
    return [v if isinstance(v, TagInput) else TagInput(v) for v in values]


# --- commands -----------------------------------------------------------------------------------


def _portfolio(session: Session) -> PortfolioRecord:
    record = session.get(PortfolioRecord, 1)
    if record is None:
        raise NotFoundError("This file has no portfolio details; run 'portfolio init' first.")
    return record


def add_item(
    session: Session,
    *,
    title: str,
    date: str | None = None,
    body: str = "",
    status: str = "draft",
    ksbs: Sequence[TagInput | str] = (),
    duties: Sequence[TagInput | str] = (),
    files: Sequence[attachment_service.FileData] = (),
) -> ItemView:
    """Add one evidence item with its tags and attachments; return it with its new ref."""
    check_title(title)
    item_date = parse_date(date)
    check_status(status)
    checked(ItemRecord, "body", body, "The reflection")
    competency_tags = _resolve(session, _as_tags(ksbs), groups=False)
    group_tags = _resolve(session, _as_tags(duties), groups=True)

    record = _portfolio(session)
    number = record.next_item_number
    record.next_item_number = number + 1
    now = utc_now()
    item = Item(
        id=number,
        number=number,
        ref=f"E{number:03d}",
        title=title,
        date=item_date,
        status=status,
        body=body,
        created=now,
        updated=now,
    )
    session.add(item)
    session.flush()
    for competency_id, justification in competency_tags:
        session.add(
            ItemCompetency(
                item_id=item.id, competency_id=competency_id, justification=justification
            )
        )
    for group_id, justification in group_tags:
        session.add(ItemGroup(item_id=item.id, group_id=group_id, justification=justification))
    for file in files:
        attachment_service.add_attachment(session, item, file)
    session.flush()
    return queries.get_item(session, item.ref)


def add_item_from_paths(
    session: Session, *, attach: Sequence[Path] = (), **fields: object
) -> ItemView:
    """``add_item`` with attachments read from disk first, so a bad path changes nothing."""
    files = [attachment_service.read_file(path) for path in attach]
    return add_item(session, files=files, **fields)  # type: ignore[arg-type]


def _find(session: Session, ref: str) -> Item:
    item = session.scalar(select(Item).where(Item.ref == ref.strip().upper()))
    if item is None:
        raise NotFoundError(f"There is no evidence item {ref}; see 'portfolio item list'.")
    return item


def update_item(
    session: Session,
    ref: str,
    *,
    title: str | None = None,
    date: str | None = None,
    status: str | None = None,
    body: str | None = None,
) -> ItemView:
    item = _find(session, ref)
    if title is not None:
        item.title = check_title(title)
    if date is not None:
        item.date = parse_date(date)
    if status is not None:
        item.status = check_status(status)
    if body is not None:
        item.body = checked(ItemRecord, "body", body, "The reflection")
    item.updated = utc_now()
    session.flush()
    return queries.get_item(session, item.ref)


def delete_item(session: Session, ref: str) -> None:
    item = _find(session, ref)
    digests = [a.sha256 for a in item.attachments]
    session.delete(item)
    session.flush()
    attachment_service.drop_unused_blobs(session, digests)


# --- putting a deleted item back (undo) --------------------------------------------------------


def snapshot_item(session: Session, ref: str) -> ItemSnapshot:
    """Everything ``restore_item`` needs to put ``ref`` back after ``delete_item``:
    its fields and times, its tags against every framework, its attachments with
    their bytes and print renditions, the off-the-job entries that name it, and where it
    came from when it was imported from git."""
    item = _find(session, ref)
    competencies = session.execute(
        select(Framework.key, Framework.version, Competency.code, ItemCompetency.justification)
        .join(Competency, Competency.id == ItemCompetency.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(ItemCompetency.item_id == item.id)
        .order_by(Framework.id, Competency.position)
    ).tuples()
    groups = session.execute(
        select(Framework.key, Framework.version, Group.code, ItemGroup.justification)
        .join(Group, Group.id == ItemGroup.group_id)
        .join(Framework, Framework.id == Group.framework_id)
        .where(ItemGroup.item_id == item.id)
        .order_by(Framework.id, Group.position)
    ).tuples()
    blobs: dict[str, tuple[bytes, RenditionValue | None]] = {}
    attachments = []
    for a in item.attachments:
        if a.sha256 not in blobs:
            data = session.scalar(select(Blob.data).where(Blob.sha256 == a.sha256))
            if data is None:
                raise NotFoundError(f"The bytes of {a.name} are missing from the portfolio.")
            rendition = session.get(Rendition, a.sha256)
            blobs[a.sha256] = (
                bytes(data),
                None
                if rendition is None
                else RenditionValue(
                    rendition.media_type, rendition.width, rendition.height, bytes(rendition.data)
                ),
            )
        data, print_copy = blobs[a.sha256]
        attachments.append(
            AttachmentSnapshot(
                id=a.id,
                name=a.name,
                media_type=a.media_type,
                position=a.position,
                added=a.added,
                sha256=a.sha256,
                data=data,
                rendition=print_copy,
            )
        )
    entries = session.scalars(
        text("SELECT entry_id FROM otj_entry_items WHERE item_id = :item ORDER BY entry_id"),
        {"item": item.id},
    )
    return ItemSnapshot(
        number=item.number,
        ref=item.ref,
        title=item.title,
        date=item.date,
        status=item.status,
        body=item.body,
        created=item.created,
        updated=item.updated,
        competencies=tuple(TagSnapshot(*row) for row in competencies),
        groups=tuple(TagSnapshot(*row) for row in groups),
        attachments=tuple(attachments),
        otj_entries=tuple(entries),
        source=git_sources.source(session, item.id),
    )


def _tag_target(session: Session, tag: TagSnapshot, *, group: bool) -> int:
    table = Group if group else Competency
    ident = session.scalar(
        select(table.id)
        .join(Framework, Framework.id == table.framework_id)
        .where(
            Framework.key == tag.framework,
            Framework.version == tag.version,
            table.code == tag.code,
        )
    )
    if ident is None:
        raise InvalidInputError(
            f"The item cannot be put back: {tag.framework} v{tag.version} has no {tag.code} "
            "in this portfolio."
        )
    return ident


def _check_snapshot(session: Session, snapshot: ItemSnapshot) -> None:
    if snapshot.number < 1 or snapshot.ref != f"E{snapshot.number:03d}":
        raise InvalidInputError(
            f"'{snapshot.ref}' is not the reference of evidence item number {snapshot.number}."
        )
    taken = session.scalar(
        select(Item.ref).where((Item.id == snapshot.number) | (Item.ref == snapshot.ref))
    )
    if taken is not None:
        raise InvalidInputError(
            f"{snapshot.ref} cannot be restored: {taken} is already in this portfolio."
        )
    check_title(snapshot.title)
    check_status(snapshot.status)
    if parse_date(snapshot.date) != snapshot.date:
        raise InvalidInputError(f"The date '{snapshot.date}' is not written as YYYY-MM-DD.")
    for a in snapshot.attachments:
        if hashlib.sha256(a.data).hexdigest() != a.sha256:
            raise InvalidInputError(f"The bytes kept for {a.name} do not match their SHA-256.")


def restore_item(session: Session, snapshot: ItemSnapshot) -> ItemView:
    """Put a deleted item back exactly as ``snapshot_item`` saw it: same ref and number,
    fields, created/updated times, tags and justifications, attachments (with the same
    ids where they are still free), off-the-job links (to entries still there) and its git
    source.

    Refused, changing nothing, when its ref is in use or a framework it was tagged
    against has gone.
    """
    _check_snapshot(session, snapshot)
    competency_tags = [
        (_tag_target(session, t, group=False), t.justification) for t in snapshot.competencies
    ]
    group_tags = [(_tag_target(session, t, group=True), t.justification) for t in snapshot.groups]
    record = _portfolio(session)
    item = Item(
        id=snapshot.number,
        number=snapshot.number,
        ref=snapshot.ref,
        title=snapshot.title,
        date=snapshot.date,
        status=snapshot.status,
        body=snapshot.body,
        created=snapshot.created,
        updated=snapshot.updated,
    )
    session.add(item)
    session.flush()
    for competency_id, why in competency_tags:
        session.add(ItemCompetency(item_id=item.id, competency_id=competency_id, justification=why))
    for group_id, why in group_tags:
        session.add(ItemGroup(item_id=item.id, group_id=group_id, justification=why))
    for a in snapshot.attachments:
        if session.get(Blob, a.sha256) is None:
            session.add(Blob(sha256=a.sha256, size=len(a.data), data=a.data))
            session.flush()
        if a.rendition is not None and session.get(Rendition, a.sha256) is None:
            r = a.rendition
            session.add(
                Rendition(
                    sha256=a.sha256,
                    media_type=r.media_type,
                    width=r.width,
                    height=r.height,
                    data=r.data,
                )
            )
        free = session.get(Attachment, a.id) is None  # else a new id: the old one is reused
        session.add(
            Attachment(
                id=a.id if free else None,
                item_id=item.id,
                name=a.name,
                sha256=a.sha256,
                size=len(a.data),
                media_type=a.media_type,
                position=a.position,
                added=a.added,
            )
        )
    for entry_id in snapshot.otj_entries:
        session.execute(
            text(
                "INSERT OR IGNORE INTO otj_entry_items (entry_id, item_id) "
                "SELECT id, :item FROM otj_entries WHERE id = :entry"
            ),
            {"item": item.id, "entry": entry_id},
        )
    if snapshot.source is not None:
        from app.services import git_import  # it builds on this module

        git_import.restore_source(session, item.id, snapshot.source)
    # refs are never reused: a restored item keeps the counter past its number
    record.next_item_number = max(record.next_item_number, snapshot.number + 1)
    session.flush()
    return queries.get_item(session, item.ref)


def tag(session: Session, ref: str, code: str, justification: str = "") -> ItemView:
    """Tag ``ref`` with a competency or group code (adds it or updates its justification)."""
    item = _find(session, ref)
    is_group = _is_group_code(session, code)
    ((ident, why),) = _resolve(session, [TagInput(code, justification)], groups=is_group)
    existing: ItemGroup | ItemCompetency | None
    if is_group:
        existing = session.get(ItemGroup, {"item_id": item.id, "group_id": ident})
        if existing is None:
            existing = ItemGroup(item_id=item.id, group_id=ident)
            session.add(existing)
    else:
        existing = session.get(ItemCompetency, {"item_id": item.id, "competency_id": ident})
        if existing is None:
            existing = ItemCompetency(item_id=item.id, competency_id=ident)
            session.add(existing)
    existing.justification = why
    item.updated = utc_now()
    session.flush()
    return queries.get_item(session, item.ref)


def untag(session: Session, ref: str, code: str) -> ItemView:
    item = _find(session, ref)
    is_group = _is_group_code(session, code)
    ((ident, _),) = _resolve(session, [TagInput(code)], groups=is_group)
    if is_group:
        session.execute(
            delete(ItemGroup).where(ItemGroup.item_id == item.id, ItemGroup.group_id == ident)
        )
    else:
        session.execute(
            delete(ItemCompetency).where(
                ItemCompetency.item_id == item.id, ItemCompetency.competency_id == ident
            )
        )
    item.updated = utc_now()
    session.flush()
    return queries.get_item(session, item.ref)


def _is_group_code(session: Session, code: str) -> bool:
    framework, bare = _split_key(
        normalise_duty(code) if code.strip().isdigit() else code,
        frameworks.portfolio_framework(session),
        session,
    )
    is_competency = session.scalar(
        select(Competency.id).where(
            Competency.framework_id == framework.id, Competency.code == bare
        )
    )
    if is_competency is not None:
        return False
    return (
        session.scalar(
            select(Group.id).where(Group.framework_id == framework.id, Group.code == bare)
        )
        is not None
    )


# --- reading ------------------------------------------------------------------------------------


def refs_exist(session: Session, refs: Iterable[str]) -> None:
    wanted = {r.upper() for r in refs}
    found = set(session.scalars(select(Item.ref).where(Item.ref.in_(wanted))))
    missing = sorted(wanted - found)
    if missing:
        raise NotFoundError(f"There is no evidence item {', '.join(missing)}.")


__all__ = [
    "ItemFilter",
    "ItemSnapshot",
    "SortKey",
    "TagInput",
    "add_item",
    "add_item_from_paths",
    "and_",
    "check_status",
    "check_title",
    "delete_item",
    "fts_query",
    "normalise_duty",
    "restore_item",
    "snapshot_item",
    "tag",
    "untag",
    "update_item",
]
