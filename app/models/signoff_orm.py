"""Tables of sign-off: the requests a portfolio sent, and the signed responses it imported.

Created by migration 0003; these classes describe the head revision. Items are
named by reference (E003), never by row id: a reference is never reused, and an
item deleted and put back (undo) keeps its statements.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.orm import Base


class SignoffRequest(Base):
    """A request for sign-off this portfolio wrote, and what it asked about."""

    __tablename__ = "signoff_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(String(32), unique=True)
    request_sha256: Mapped[str] = mapped_column(String(64))  # of the request's manifest.json
    created: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text, default="")
    organisation: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(Text, default="")
    # a request about a progress review (migration 0010): the review and its content hash
    review_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    review_sha256: Mapped[str | None] = mapped_column(String(64), default=None)

    items: Mapped[list[SignoffRequestItem]] = relationship(
        order_by="SignoffRequestItem.position", cascade="all, delete-orphan", passive_deletes=True
    )
    responses: Mapped[list[SignoffResponse]] = relationship(
        order_by="SignoffResponse.id", cascade="all, delete-orphan", passive_deletes=True
    )


class SignoffRequestItem(Base):
    __tablename__ = "signoff_request_items"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("signoff_requests.id", ondelete="CASCADE"), primary_key=True
    )
    ref: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column()
    content_sha256: Mapped[str] = mapped_column(String(64))
    requested: Mapped[str] = mapped_column(Text)  # the claim codes asked about, comma-separated


class SignoffResponse(Base):
    """A signed response, kept whole (``data``) so a package can carry it and anyone can
    check its signature again, with what it says unpacked for showing."""

    __tablename__ = "signoff_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("signoff_requests.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # of the response file
    manifest_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)  # the signer's key
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text, default="")
    organisation: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(Text, default="")
    signed: Mapped[str] = mapped_column(String(40))
    imported: Mapped[str] = mapped_column(String(32))
    statement: Mapped[str] = mapped_column(Text, default="")
    earlier_key: Mapped[str] = mapped_column(String(64), default="")  # this signer's other key
    review_decision: Mapped[str | None] = mapped_column(String(16), default=None)  # signed|declined
    review_comment: Mapped[str] = mapped_column(Text, default="", server_default="")

    items: Mapped[list[SignoffResponseItem]] = relationship(
        order_by="SignoffResponseItem.position", cascade="all, delete-orphan", passive_deletes=True
    )


class SignoffResponseItem(Base):
    __tablename__ = "signoff_response_items"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("signoff_responses.id", ondelete="CASCADE"), primary_key=True
    )
    ref: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)
    position: Mapped[int] = mapped_column()
    content_sha256: Mapped[str] = mapped_column(String(64))  # the version that was signed
    confirmed: Mapped[str] = mapped_column(Text, default="")  # codes, comma-separated
    declined: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
