"""The portfolio schema as SQLAlchemy 2.x typed ORM classes.

Schema changes go through Alembic migrations in ``app/models/migrations``;
these classes describe the head revision, except two columns of 0006 that only
SQL reads and writes (``groups.options``, ``portfolio.framework_option``: see
``app.services.frameworks``), so that these classes still write older files. The
programme records' tables (``app.models.progress_orm``) share ``Base`` but are
imported only by what uses them, and by the migration environment, so opening a
portfolio skips mapping them.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Framework(Base):
    __tablename__ = "frameworks"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(64))
    level: Mapped[int | None] = mapped_column(Integer)
    group_label: Mapped[str | None] = mapped_column(String(64))
    attribution: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(Text, default="")
    bundled: Mapped[bool] = mapped_column(default=False)
    document: Mapped[str] = mapped_column(Text)  # the whole framework JSON, as loaded

    competencies: Mapped[list[Competency]] = relationship(
        back_populates="framework", order_by="Competency.position", cascade="all, delete-orphan"
    )
    groups: Mapped[list[Group]] = relationship(
        back_populates="framework", order_by="Group.position", cascade="all, delete-orphan"
    )


class Competency(Base):
    __tablename__ = "competencies"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    framework: Mapped[Framework] = relationship(back_populates="competencies")


class Group(Base):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    framework: Mapped[Framework] = relationship(back_populates="groups")
    links: Mapped[list[GroupLink]] = relationship(
        order_by="GroupLink.position", cascade="all, delete-orphan"
    )


class GroupLink(Base):
    __tablename__ = "group_links"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str | None] = mapped_column(String(32))  # required level, where given
    text: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    # ready items tagged with both the group and the competency: kept by triggers
    ready_count: Mapped[int] = mapped_column(Integer, default=0)

    competency: Mapped[Competency] = relationship()


class PortfolioRecord(Base):
    """The single row describing whose portfolio this file is."""

    __tablename__ = "portfolio"
    __table_args__ = (CheckConstraint("id = 1"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    apprentice_name: Mapped[str] = mapped_column(Text)
    uln: Mapped[str] = mapped_column(String(16), default="")
    employer: Mapped[str] = mapped_column(Text, default="")
    provider: Mapped[str] = mapped_column(Text, default="")
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    # references are never reused, even after an item is deleted
    next_item_number: Mapped[int] = mapped_column(Integer, default=1)
    created: Mapped[str] = mapped_column(String(32))
    updated: Mapped[str] = mapped_column(String(32))

    framework: Mapped[Framework] = relationship()


class Item(Base):
    """An evidence item. Its id equals its number (E007 has id 7), so refs need no lookup."""

    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'ready')"),
        CheckConstraint("id = number"),
        Index("ix_items_date", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    ref: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    body: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[str] = mapped_column(String(32))
    updated: Mapped[str] = mapped_column(String(32))

    competency_tags: Mapped[list[ItemCompetency]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    group_tags: Mapped[list[ItemGroup]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    attachments: Mapped[list[Attachment]] = relationship(
        order_by="Attachment.position", cascade="all, delete-orphan", passive_deletes=True
    )


class ItemCompetency(Base):
    __tablename__ = "item_competencies"
    __table_args__ = (Index("ix_item_competencies_coverage", "competency_id", "ready", "item_id"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="RESTRICT"), primary_key=True
    )
    justification: Mapped[str] = mapped_column(Text, default="")
    # 1 while the item is ready (not a draft): kept by triggers, read by coverage
    ready: Mapped[int] = mapped_column(Integer, default=0)

    competency: Mapped[Competency] = relationship()


class ItemGroup(Base):
    __tablename__ = "item_groups"
    __table_args__ = (Index("ix_item_groups_group", "group_id"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="RESTRICT"), primary_key=True
    )
    justification: Mapped[str] = mapped_column(Text, default="")

    group: Mapped[Group] = relationship()


class Blob(Base):
    """Attachment bytes, stored once per distinct content."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Rendition(Base):
    """A print-resolution copy of an image blob, made once when attached."""

    __tablename__ = "renditions"

    sha256: Mapped[str] = mapped_column(
        ForeignKey("blobs.sha256", ondelete="CASCADE"), primary_key=True
    )
    media_type: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_item", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256", ondelete="RESTRICT"))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(Integer)
    added: Mapped[str] = mapped_column(String(32))
