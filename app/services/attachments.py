"""Attachments: bytes stored once inside the portfolio, content-addressed by SHA-256."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from app.errors import NotFoundError
from app.models.db import utc_now
from app.models.orm import Attachment, Blob, Item, Rendition
from app.services.files_in import MAX_ATTACHMENT_BYTES, FileData, read_file
from app.services.views import AttachmentView
from app.services.views import Rendition as RenditionView

__all__ = ["MAX_ATTACHMENT_BYTES", "FileData", "read_file"]


# What apprentices attach most that the platform's table may not know.
_EXTRA_TYPES = {
    ".log": "text/plain",
    ".md": "text/markdown",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".tf": "text/plain",
    ".hcl": "text/plain",
    ".toml": "text/plain",
    ".ini": "text/plain",
    ".sh": "text/x-shellscript",
    ".ps1": "text/plain",
    ".dockerfile": "text/plain",
    ".webp": "image/webp",
}


def media_type_for(name: str) -> str:
    extra = _EXTRA_TYPES.get(Path(name).suffix.lower())
    if extra:
        return extra
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def store_blob(session: Session, data: bytes) -> str:
    """Store ``data`` once (and its print rendition, for images); return its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    if session.get(Blob, digest) is None:
        session.add(Blob(sha256=digest, size=len(data), data=data))
        session.flush()
    return digest


def needs_rendition(session: Session, digest: str, media_type: str) -> bool:
    from app.services.renditions import is_image

    return is_image(media_type) and session.get(Rendition, digest) is None


def store_rendition(session: Session, digest: str, rendition: RenditionView) -> None:
    session.add(
        Rendition(
            sha256=digest,
            media_type=rendition.media_type,
            width=rendition.width,
            height=rendition.height,
            data=rendition.data,
        )
    )


def ensure_rendition(session: Session, digest: str, data: bytes, media_type: str) -> None:
    """Make and store the print rendition of an image blob, once."""
    # Imported here: renditions loads Pillow, which opening a portfolio does not need.
    from app.services.renditions import make_rendition

    if not needs_rendition(session, digest, media_type):
        return
    rendition = make_rendition(data)
    if rendition is not None:
        store_rendition(session, digest, rendition)


def add_attachment(
    session: Session,
    item: Item,
    file: FileData,
    defer_rendition: Callable[[str, bytes], None] | None = None,
) -> Attachment:
    """Attach ``file`` to ``item``; an image's print rendition is made now, or handed to
    ``defer_rendition(sha256, bytes)`` (a bulk import makes them on worker threads)."""
    name = file.name.strip() or "attachment"
    media_type = media_type_for(name)
    digest = store_blob(session, file.data)
    if defer_rendition is not None:
        if needs_rendition(session, digest, media_type):
            defer_rendition(digest, file.data)
    else:
        ensure_rendition(session, digest, file.data, media_type)
    position = max((a.position for a in item.attachments), default=-1) + 1
    attachment = Attachment(
        name=name,
        sha256=digest,
        size=len(file.data),
        media_type=media_type,
        position=position,
        added=utc_now(),
    )
    item.attachments.append(attachment)
    item.updated = utc_now()
    session.flush()
    return attachment


def attach(session: Session, ref: str, file: FileData) -> AttachmentView:
    item = _item(session, ref)
    return to_view(add_attachment(session, item, file))


def remove(session: Session, attachment_id: int) -> None:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFoundError(f"There is no attachment {attachment_id}.")
    digest = attachment.sha256
    item = session.get(Item, attachment.item_id)
    session.delete(attachment)
    if item is not None:
        item.updated = utc_now()
    session.flush()
    drop_unused_blobs(session, [digest])


def drop_unused_blobs(session: Session, digests: list[str]) -> None:
    """Remove blobs no attachment refers to any more."""
    for digest in digests:
        used = session.scalar(select(exists().where(Attachment.sha256 == digest)))
        if not used:
            session.execute(delete(Rendition).where(Rendition.sha256 == digest))
            session.execute(delete(Blob).where(Blob.sha256 == digest))


def to_view(attachment: Attachment) -> AttachmentView:
    return AttachmentView(
        id=attachment.id,
        name=attachment.name,
        size=attachment.size,
        sha256=attachment.sha256,
        media_type=attachment.media_type,
    )


def _item(session: Session, ref: str) -> Item:
    item = session.scalar(select(Item).where(Item.ref == ref.strip().upper()))
    if item is None:
        raise NotFoundError(f"There is no evidence item {ref}; see 'portfolio item list'.")
    return item
