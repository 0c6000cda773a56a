"""Evidence items: add, edit, delete, tag, list and search."""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Select, and_, delete, func, select, text
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.models.db import utc_now
from app.models.orm import (
    Attachment,
    Competency,
    Framework,
    Group,
    Item,
    ItemCompetency,
    ItemGroup,
    PortfolioRecord,
)
from app.services import attachments as attachment_service
from app.services import frameworks
from app.services.views import AttachmentView, ItemSummary, ItemView, TagView

STATUSES = ("draft", "ready")
MAX_TITLE = 500
SortKey = Literal["ref", "date", "title", "status", "ksbs", "attachments"]


@dataclass(frozen=True)
class TagInput:
    """A tag to apply: a code (``K7``, ``D5``, ``DDAT-DEVOPS:DS3``) and why it applies."""

    code: str
    justification: str = ""


@dataclass(frozen=True)
class ItemFilter:
    ksb: str | None = None  # competency code in the portfolio framework (or KEY:CODE)
    duty: str | None = None  # group code (D5 or 5)
    status: str | None = None
    search: str | None = None
    refs: tuple[str, ...] | None = None  # exactly these items (heatmap cell drill-down)


# --- validation ---------------------------------------------------------------------------------


def parse_date(value: str | None) -> str:
    """An ISO date (YYYY-MM-DD); today when None."""
    if value is None:
        return Date.today().isoformat()
    value = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise InvalidInputError(f"The date '{value}' is not a date; write it as YYYY-MM-DD.")
    try:
        return Date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InvalidInputError(f"The date {value} does not exist ({exc}).") from exc


def check_title(title: str) -> str:
    if not title.strip():
        raise InvalidInputError("The title is empty; every evidence item needs a title.")
    if len(title) > MAX_TITLE:
        raise InvalidInputError(f"The title is {len(title)} characters; keep it under {MAX_TITLE}.")
    return title


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise InvalidInputError(f"The status '{status}' is not one of: {', '.join(STATUSES)}.")
    return status


def normalise_duty(code: str) -> str:
    code = code.strip().upper()
    return f"D{code}" if code.isdigit() else code


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
        resolved[ident] = tag.justification
    return list(resolved.items())


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
    return get_item(session, item.ref)


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
        item.body = body
    item.updated = utc_now()
    session.flush()
    return get_item(session, item.ref)


def delete_item(session: Session, ref: str) -> None:
    item = _find(session, ref)
    digests = [a.sha256 for a in item.attachments]
    session.delete(item)
    session.flush()
    attachment_service.drop_unused_blobs(session, digests)


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
    return get_item(session, item.ref)


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
    return get_item(session, item.ref)


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


def fts_query(search: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query: every word, as a prefix."""
    words = re.findall(r"\w+", search, flags=re.UNICODE)
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


def _filtered_ids(session: Session, flt: ItemFilter, order: SortKey = "ref") -> Select[tuple[int]]:
    query = select(Item.id)
    default = frameworks.portfolio_framework(session)
    if flt.status:
        query = query.where(Item.status == check_status(flt.status))
    if flt.ksb:
        framework, bare = _split_key(flt.ksb, default, session)
        ident = frameworks.competency_ids(session, framework, [bare])[bare]
        query = query.where(
            Item.id.in_(select(ItemCompetency.item_id).where(ItemCompetency.competency_id == ident))
        )
    if flt.duty:
        framework, bare = _split_key(normalise_duty(flt.duty), default, session)
        ident = frameworks.group_ids(session, framework, [bare])[bare]
        query = query.where(
            Item.id.in_(select(ItemGroup.item_id).where(ItemGroup.group_id == ident))
        )
    if flt.refs is not None:
        query = query.where(Item.ref.in_([r.upper() for r in flt.refs]))
    if flt.search:
        match = fts_query(flt.search)
        if match is not None:
            query = query.where(
                Item.id.in_(
                    select(text("rowid"))
                    .select_from(text("items_fts"))
                    .where(text("items_fts MATCH :match"))
                    .params(match=match)
                )
            )
    ordering: tuple[Any, ...] | None = {
        "ref": (Item.id,),  # an item's id is its number: rowid order is ref order
        "date": (Item.date, Item.number),
        "title": (Item.title, Item.number),
        "status": (Item.status, Item.number),
    }.get(order)
    if ordering is None:  # by how many KSBs (of the portfolio's framework) or files
        if order == "ksbs":
            per_item = (
                select(ItemCompetency.item_id.label("item_id"), func.count().label("n"))
                .where(
                    ItemCompetency.competency_id.in_(
                        select(Competency.id).where(Competency.framework_id == default.id)
                    )
                )
                .group_by(ItemCompetency.item_id)
                .subquery()
            )
        else:
            per_item = (
                select(Attachment.item_id.label("item_id"), func.count().label("n"))
                .group_by(Attachment.item_id)
                .subquery()
            )
        # one grouped pass joined in, not a count per row (10,000 rows: ~10x faster)
        query = query.outerjoin(per_item, per_item.c.item_id == Item.id)
        ordering = (func.coalesce(per_item.c.n, 0), Item.number)
    return query.order_by(*ordering)


def item_ids(session: Session, flt: ItemFilter = ItemFilter(), order: SortKey = "ref") -> list[int]:
    """The ids of the items matching ``flt``, in order: cheap, for lazy lists."""
    match = fts_query(flt.search) if flt.search else None
    only_search = not (flt.status or flt.ksb or flt.duty or flt.refs is not None)
    if match is not None and only_search and order == "ref":
        # Search as you type: the FTS index alone answers, already in ref order (an
        # item's id is its number). Read straight from the driver, inside the session's
        # transaction: for 10,000 hits the ORM's row handling costs 2x the search.
        cursor = raw_connection(session).execute(
            "SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid", (match,)
        )
        return [row[0] for row in cursor]
    return list(session.scalars(_filtered_ids(session, flt, order)))


def raw_connection(session: Session) -> sqlite3.Connection:
    """The session's own sqlite3 connection (same transaction), for hot read paths."""
    dbapi = session.connection().connection.dbapi_connection
    assert isinstance(dbapi, sqlite3.Connection)
    return dbapi


def summaries(session: Session, ids: Sequence[int]) -> list[ItemSummary]:
    """Rows for ``ids`` (in that order), with tags and attachments, in four queries."""
    if not ids:
        return []
    framework = frameworks.portfolio_framework(session)
    wanted = list(ids)
    rows: dict[int, tuple[str, str, str, str]] = {}
    ksbs: dict[int, list[str]] = defaultdict(list)
    duties: dict[int, list[str]] = defaultdict(list)
    files: dict[int, list[AttachmentView]] = defaultdict(list)
    for chunk in _chunks(wanted, 900):
        for ident, ref, title, date, status in session.execute(
            select(Item.id, Item.ref, Item.title, Item.date, Item.status).where(Item.id.in_(chunk))
        ):
            rows[ident] = (ref, title, date, status)
        for ident, code in session.execute(
            select(ItemCompetency.item_id, Competency.code)
            .join(Competency, Competency.id == ItemCompetency.competency_id)
            .where(ItemCompetency.item_id.in_(chunk), Competency.framework_id == framework.id)
            .order_by(Competency.position)
        ):
            ksbs[ident].append(code)
        for ident, code in session.execute(
            select(ItemGroup.item_id, Group.code)
            .join(Group, Group.id == ItemGroup.group_id)
            .where(ItemGroup.item_id.in_(chunk), Group.framework_id == framework.id)
            .order_by(Group.position)
        ):
            duties[ident].append(code)
        for attachment in session.scalars(
            select(Attachment).where(Attachment.item_id.in_(chunk)).order_by(Attachment.position)
        ):
            files[attachment.item_id].append(attachment_service.to_view(attachment))
    return [
        ItemSummary(
            id=ident,
            ref=rows[ident][0],
            title=rows[ident][1],
            date=rows[ident][2],
            status=rows[ident][3],
            ksbs=tuple(ksbs[ident]),
            duties=tuple(duties[ident]),
            attachments=tuple(files[ident]),
        )
        for ident in wanted
        if ident in rows
    ]


def list_items(
    session: Session, flt: ItemFilter = ItemFilter(), order: SortKey = "ref"
) -> list[ItemSummary]:
    return summaries(session, item_ids(session, flt, order))


def get_item(session: Session, ref: str) -> ItemView:
    item = _find(session, ref)
    return items_by_id(session, [item.id])[0]


def items_by_id(session: Session, ids: Sequence[int]) -> list[ItemView]:
    """Full items (body, justifications, tags against every framework) for ``ids``."""
    framework = frameworks.portfolio_framework(session)
    heads = {s.id: s for s in summaries(session, ids)}
    full: list[ItemView] = []
    comp_tags: dict[int, list[tuple[int, TagView]]] = defaultdict(list)
    group_tags: dict[int, list[tuple[int, TagView]]] = defaultdict(list)
    other: dict[int, list[TagView]] = defaultdict(list)
    for chunk in _chunks(list(ids), 900):
        for ident, code, why, fw_id, fw_key, position in session.execute(
            select(
                ItemCompetency.item_id,
                Competency.code,
                ItemCompetency.justification,
                Framework.id,
                Framework.key,
                Competency.position,
            )
            .join(Competency, Competency.id == ItemCompetency.competency_id)
            .join(Framework, Framework.id == Competency.framework_id)
            .where(ItemCompetency.item_id.in_(chunk))
        ):
            view = TagView(code=code, justification=why, framework=fw_key)
            if fw_id == framework.id:
                comp_tags[ident].append((position, view))
            else:
                other[ident].append(view)
        for ident, code, why, fw_id, fw_key, position in session.execute(
            select(
                ItemGroup.item_id,
                Group.code,
                ItemGroup.justification,
                Framework.id,
                Framework.key,
                Group.position,
            )
            .join(Group, Group.id == ItemGroup.group_id)
            .join(Framework, Framework.id == Group.framework_id)
            .where(ItemGroup.item_id.in_(chunk))
        ):
            view = TagView(code=code, justification=why, framework=fw_key)
            if fw_id == framework.id:
                group_tags[ident].append((position, view))
            else:
                other[ident].append(view)
    details = {
        row.id: row
        for chunk in _chunks(list(ids), 900)
        for row in session.execute(
            select(Item.id, Item.body, Item.created, Item.updated).where(Item.id.in_(chunk))
        )
    }
    for ident in ids:
        head = heads.get(ident)
        if head is None:
            continue
        detail = details[ident]
        full.append(
            ItemView(
                id=head.id,
                ref=head.ref,
                title=head.title,
                date=head.date,
                status=head.status,
                ksbs=head.ksbs,
                duties=head.duties,
                attachments=head.attachments,
                body=detail.body,
                created=detail.created,
                updated=detail.updated,
                ksb_tags=tuple(v for _, v in sorted(comp_tags[ident], key=lambda p: p[0])),
                duty_tags=tuple(v for _, v in sorted(group_tags[ident], key=lambda p: p[0])),
                other_tags=tuple(sorted(other[ident], key=lambda t: (t.framework, t.code))),
            )
        )
    return full


def count_items(session: Session) -> int:
    return len(item_ids(session))


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def refs_exist(session: Session, refs: Iterable[str]) -> None:
    wanted = {r.upper() for r in refs}
    found = set(session.scalars(select(Item.ref).where(Item.ref.in_(wanted))))
    missing = sorted(wanted - found)
    if missing:
        raise NotFoundError(f"There is no evidence item {', '.join(missing)}.")


__all__ = [
    "ItemFilter",
    "TagInput",
    "add_item",
    "add_item_from_paths",
    "and_",
    "delete_item",
    "get_item",
    "item_ids",
    "items_by_id",
    "list_items",
    "summaries",
    "tag",
    "untag",
    "update_item",
]
